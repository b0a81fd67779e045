/**
 * The rules view: the rules `harrier serve` was started with and every rule the store has hits
 * of, in a sortable table with filters; a row opens to its description, condition, output and
 * file:line. The list is small (hundreds of rules), so it is fetched once and filtered here.
 */
import { api, PRIORITIES, SEVERITIES, type Rule, type RulesListing } from '../api.js';
import { clear, errorBox, h, severityBadge } from '../dom.js';

type SortKey = 'name' | 'priority' | 'enabled' | 'hits' | 'runs' | 'lastHit';

interface ViewState {
  text: string;
  tag: string;
  priority: string;
  enabledOnly: boolean;
  hitOnly: boolean;
  sort: SortKey;
  descending: boolean;
  open: Set<string>;
}

const COLUMNS: { key: SortKey | 'tags'; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Rule' },
  { key: 'priority', label: 'Priority' },
  { key: 'tags', label: 'Tags' },
  { key: 'enabled', label: 'Enabled' },
  { key: 'hits', label: 'Hits', numeric: true },
  { key: 'runs', label: 'Runs', numeric: true },
  { key: 'lastHit', label: 'Last hit' },
];

/** "3 min ago" from a nanosecond timestamp, against the browser's clock. */
export function relativeTime(ns: string, now = Date.now()): string {
  const seconds = Math.round((now - Number(BigInt(ns) / 1_000_000n)) / 1000);
  if (seconds < 0) return 'just now';
  const steps: [number, string][] = [
    [60, 's'],
    [60, 'min'],
    [24, 'h'],
    [30, 'd'],
    [12, 'mo'],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (value < size) return `${value} ${unit} ago`;
    value = Math.floor(value / size);
  }
  return `${value} y ago`;
}

/** A rule's priority rank for sorting: Falco's order for loaded rules, its findings' severity otherwise. */
function priorityRank(r: Rule): number {
  if (r.priority !== undefined) return PRIORITIES.indexOf(r.priority);
  // Between the priorities that map to that severity and the next ones.
  return SEVERITIES.indexOf(r.severity) * 1.6 + 0.5;
}

function compare(a: Rule, b: Rule, key: SortKey): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name);
    case 'priority':
      return priorityRank(b) - priorityRank(a);
    case 'enabled':
      return Number(a.enabled ?? -1) - Number(b.enabled ?? -1);
    case 'hits':
      return a.hits - b.hits;
    case 'runs':
      return a.runs - b.runs;
    case 'lastHit':
      return Number(BigInt(a.lastHit ?? '0') - BigInt(b.lastHit ?? '0'));
  }
}

function visibleRules(rules: Rule[], s: ViewState): Rule[] {
  const text = s.text.trim().toLowerCase();
  const shown = rules.filter(
    (r) =>
      (text === '' || r.name.toLowerCase().includes(text) || (r.description ?? '').toLowerCase().includes(text)) &&
      (s.tag === '' || r.tags.includes(s.tag)) &&
      (s.priority === '' || r.priority === s.priority) &&
      (!s.enabledOnly || r.enabled === true) &&
      (!s.hitOnly || r.hits > 0),
  );
  const sign = s.descending ? -1 : 1;
  // Ties by name, so equal counts keep a stable, readable order.
  return shown.sort((a, b) => sign * compare(a, b, s.sort) || a.name.localeCompare(b.name));
}

function ruleDetail(r: Rule): HTMLElement {
  if (!r.loaded) {
    return h(
      'p',
      { class: 'muted' },
      'This server was not started with the rules file that defines this rule; its hits come from stored findings. ' +
        'Start `harrier serve --rules FILE` with that file to see its condition and output.',
    );
  }
  return h(
    'dl',
    { class: 'facts rule-facts' },
    h('dt', {}, 'description'),
    h('dd', {}, r.description ?? ''),
    h('dt', {}, 'condition'),
    h('dd', {}, h('pre', { class: 'rule-text' }, r.condition ?? '')),
    h('dt', {}, 'output'),
    h('dd', {}, h('pre', { class: 'rule-text' }, r.output ?? '')),
    h('dt', {}, 'defined at'),
    h('dd', {}, h('code', {}, `${r.file ?? '?'}:${r.line ?? '?'}`)),
    h('dt', {}, 'source'),
    h('dd', {}, r.source ?? ''),
  );
}

export async function rulesView(root: HTMLElement): Promise<void> {
  clear(root, h('h1', {}, 'Rules'), h('p', {}, 'Loading…'));
  let listing: RulesListing;
  try {
    listing = await api.rules();
  } catch (e) {
    clear(root, h('h1', {}, 'Rules'), errorBox(e));
    return;
  }
  const state: ViewState = {
    text: '',
    tag: '',
    priority: '',
    enabledOnly: false,
    hitOnly: false,
    sort: 'hits',
    descending: true,
    open: new Set(),
  };
  const tags = [...new Set(listing.rules.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b));
  const priorities = PRIORITIES.filter((p) => listing.rules.some((r) => r.priority === p));

  const textInput = h('input', {
    type: 'search',
    id: 'rule-text',
    placeholder: 'name or description',
    oninput: () => {
      state.text = textInput.value;
      render();
    },
  });
  const tagSelect = h(
    'select',
    {
      id: 'rule-tag',
      onchange: () => {
        state.tag = tagSelect.value;
        render();
      },
    },
    h('option', { value: '' }, 'all tags'),
    tags.map((t) => h('option', { value: t }, t)),
  );
  const prioritySelect = h(
    'select',
    {
      id: 'rule-priority',
      onchange: () => {
        state.priority = prioritySelect.value;
        render();
      },
    },
    h('option', { value: '' }, 'all priorities'),
    priorities.map((p) => h('option', { value: p }, p)),
  );
  const toggle = (id: string, label: string, set: (on: boolean) => void): HTMLElement => {
    const box = h('input', {
      type: 'checkbox',
      id,
      onchange: () => {
        set(box.checked);
        render();
      },
    });
    return h('label', { class: 'check', for: id }, box, ` ${label}`);
  };
  const filters = h(
    'div',
    { class: 'rule-filters', role: 'search', 'aria-label': 'Rule filters' },
    h('label', { for: 'rule-text' }, 'Search ', textInput),
    h('label', { for: 'rule-tag' }, 'Tag ', tagSelect),
    h('label', { for: 'rule-priority' }, 'Priority ', prioritySelect),
    toggle('rule-enabled-only', 'enabled only', (on) => (state.enabledOnly = on)),
    toggle('rule-hit-only', 'with hits only', (on) => (state.hitOnly = on)),
  );

  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const table = h('div', { class: 'table-wrap' });

  function header(): HTMLElement {
    return h(
      'tr',
      {},
      COLUMNS.map((c) => {
        if (c.key === 'tags') return h('th', { scope: 'col' }, c.label);
        const key = c.key;
        const sorted = state.sort === key;
        return h(
          'th',
          {
            scope: 'col',
            class: c.numeric ? 'num' : undefined,
            'aria-sort': sorted ? (state.descending ? 'descending' : 'ascending') : 'none',
          },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              'data-sort': key,
              onclick: () => {
                // A new column starts with what matters most: the most hits, the most severe, A→Z.
                if (sorted) state.descending = !state.descending;
                else {
                  state.sort = key;
                  state.descending = key !== 'name';
                }
                render();
                table.querySelector<HTMLElement>(`button.sort[data-sort="${key}"]`)?.focus();
              },
            },
            c.label,
            h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (state.descending ? ' ▾' : ' ▴') : ''),
          ),
        );
      }),
    );
  }

  function tagChip(tag: string): HTMLElement {
    return h(
      'button',
      {
        type: 'button',
        class: tag === state.tag ? 'chip chip-on' : 'chip',
        'data-tag': tag,
        title: `show only rules tagged ${tag}`,
        onclick: () => {
          state.tag = state.tag === tag ? '' : tag;
          tagSelect.value = state.tag;
          render();
        },
      },
      tag,
    );
  }

  function rows(r: Rule): HTMLElement[] {
    const open = state.open.has(r.name);
    const detailId = `rule-detail-${listing.rules.indexOf(r)}`;
    const name = h(
      'button',
      {
        type: 'button',
        class: 'rule-toggle',
        'aria-expanded': String(open),
        'aria-controls': detailId,
        onclick: () => {
          const nowOpen = !state.open.has(r.name);
          if (nowOpen) state.open.add(r.name);
          else state.open.delete(r.name);
          name.setAttribute('aria-expanded', String(nowOpen));
          detail.hidden = !nowOpen;
        },
      },
      r.name,
    );
    const main = h(
      'tr',
      { 'data-rule': r.name, class: r.enabled === false ? 'rule-disabled' : undefined },
      h('td', { class: 'rule-name' }, name, r.loaded ? null : h('span', { class: 'tag not-loaded' }, 'not loaded')),
      h('td', {}, severityBadge(r.severity, r.priority ?? r.severity)),
      h('td', { class: 'chips' }, r.tags.map(tagChip)),
      h('td', {}, r.enabled === undefined ? '—' : r.enabled ? 'yes' : 'no'),
      h('td', { class: 'num', 'data-hits': r.hits }, r.hits),
      h('td', { class: 'num', 'data-runs': r.runs }, r.runs),
      h(
        'td',
        {
          class: 'last-hit',
          title: r.lastHit === null ? undefined : new Date(Number(BigInt(r.lastHit) / 1_000_000n)).toLocaleString(),
        },
        r.lastHit === null ? '—' : relativeTime(r.lastHit),
      ),
    );
    const detail = h(
      'tr',
      { id: detailId, class: 'rule-detail', hidden: !open },
      h('td', { colspan: COLUMNS.length }, ruleDetail(r)),
    );
    return [main, detail];
  }

  function render(): void {
    const shown = visibleRules(listing.rules, state);
    const c = listing.counts;
    status.textContent =
      `${shown.length} of ${listing.rules.length} shown · ${c.loaded} loaded (${c.enabled} enabled), ` +
      `${c.loadedWithHits} with hits` +
      (c.notLoaded > 0 ? ` · ${c.notLoaded} with hits but not loaded` : '');
    clear(
      table,
      shown.length === 0
        ? h(
            'p',
            { class: 'muted' },
            listing.rules.length === 0 ? 'No rules loaded and no rule hits stored.' : 'No rule matches the filters.',
          )
        : h(
            'table',
            { class: 'rules' },
            h('caption', { class: 'visually-hidden' }, 'Rules, with hits across stored runs'),
            h('thead', {}, header()),
            h('tbody', {}, shown.flatMap(rows)),
          ),
    );
  }

  const files =
    listing.rulesFiles.length === 0
      ? h('p', { class: 'muted' }, 'No rules files loaded (harrier serve --no-rules).')
      : h(
          'p',
          { class: 'muted rules-files' },
          'From ',
          listing.rulesFiles.map((f, i) => [i > 0 ? ', ' : '', h('code', {}, f)]).flat(),
        );
  render();
  clear(root, h('h1', {}, 'Rules'), files, h('section', { class: 'panel' }, filters, status, table));
}
