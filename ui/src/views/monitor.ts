/**
 * The host monitor view (`#/monitor`): the alert stream of every `harrier monitor` reporting to
 * this server. The live stream is opened first and the recent alerts loaded once it is ready,
 * so an alert arriving in between is in one or the other (the same alert in both is shown once,
 * by run and number). Newest on top, at most MAX_ROWS kept. The priority filter asks the server
 * again (so rare urgent alerts are not pushed out of the list by frequent minor ones); the text
 * filter only hides rows.
 */
import { api, PRIORITIES, SEVERITY_OF_PRIORITY, type Alert, type Priority } from '../api.js';
import { clear, errorBox, h, severityBadge } from '../dom.js';

const MAX_ROWS = 500;

let stream: EventSource | undefined;

/** Closes the live stream (the router calls this when the view changes). */
export function stopMonitor(): void {
  stream?.close();
  stream = undefined;
}

const keyOf = (a: Alert): string => `${a.runId}:${a.seq}`;

/** The rendered rule output without Falco's `HH:MM:SS.nnnnnnnnn: Priority ` prefix (the row shows both). */
const messageOf = (a: Alert): string => a.output.replace(/^\S+: \S+ /, '');

function field(a: Alert, name: string): string | undefined {
  const v = a.outputFields[name];
  return v === undefined || v === null || v === '' || v === '<NA>' ? undefined : String(v);
}

function processText(a: Alert): string {
  const name = field(a, 'proc.name');
  const pid = field(a, 'proc.pid');
  const user = field(a, 'user.name');
  if (name === undefined && pid === undefined && user === undefined) return '—';
  return `${name ?? '?'}${pid !== undefined ? ` (${pid})` : ''}${user !== undefined ? ` · ${user}` : ''}`;
}

function timeText(a: Alert): string {
  const d = new Date(a.time);
  return Number.isNaN(d.getTime()) ? a.time : d.toLocaleTimeString([], { hour12: false });
}

function priorityBadge(p: Priority): HTMLElement {
  return severityBadge(SEVERITY_OF_PRIORITY[p] ?? 'info', p);
}

function details(a: Alert, id: string): HTMLElement {
  const fields = Object.entries(a.outputFields).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return h(
    'div',
    { class: 'alert-detail', id },
    h('h4', {}, 'Output fields'),
    h(
      'dl',
      { class: 'facts alert-fields' },
      fields.flatMap(([k, v]) => [
        h('dt', {}, h('code', {}, k)),
        h('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)),
      ]),
    ),
    h('h4', {}, 'Tags'),
    a.tags.length > 0
      ? h(
          'p',
          { class: 'alert-tags' },
          a.tags.map((t) => h('span', { class: 'tag' }, t)),
        )
      : h('p', { class: 'muted' }, 'none'),
    h('p', { class: 'muted' }, `${a.time} · source ${a.source} · run `, h('a', { href: `#/runs/${a.runId}` }, a.runId)),
  );
}

/** The alert's row and, below it, its hidden detail row. */
function alertRows(a: Alert): HTMLTableRowElement[] {
  const detailId = `alert-${a.runId}-${a.seq}`;
  const detailRow = h('tr', { class: 'alert-detail-row', hidden: true }, h('td', { colspan: 6 }, details(a, detailId)));
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'alert-toggle',
      'aria-expanded': 'false',
      'aria-controls': detailId,
      onclick: () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        detailRow.hidden = !open;
      },
    },
    a.rule,
  );
  const row = h(
    'tr',
    { class: 'alert-row', 'data-alert': keyOf(a), 'data-priority': a.priority },
    h('td', { class: 'alert-time', title: a.time }, timeText(a)),
    h('td', { class: 'alert-host' }, a.hostname),
    h(
      'td',
      { class: 'alert-rule' },
      toggle,
      a.repeats > 0 ? h('span', { class: 'muted' }, ` +${a.repeats} more`) : null,
    ),
    h('td', {}, priorityBadge(a.priority)),
    h('td', { class: 'alert-proc' }, processText(a)),
    h('td', { class: 'alert-output' }, messageOf(a)),
  );
  return [row, detailRow];
}

export function monitorView(root: HTMLElement): void {
  stopMonitor();
  const shown = new Set<Priority>(PRIORITIES);
  /** Newest first. */
  let alerts: Alert[] = [];
  const rows = new Map<string, HTMLTableRowElement[]>();
  let text = '';

  const status = h('p', { class: 'live', role: 'status', 'aria-live': 'polite' }, 'Connecting to the alert stream…');
  const body = h('tbody', {});
  const empty = h(
    'p',
    { class: 'muted' },
    'No alerts yet: those of `harrier monitor --server` appear here as they arrive.',
  );
  const counter = h('span', { class: 'count' });
  const table = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'alerts' },
      h('caption', { class: 'muted' }, 'Newest first; select a rule to see all its output fields and tags.'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'alert-time' }, 'Time'),
          h('th', { scope: 'col', class: 'alert-host' }, 'Host'),
          h('th', { scope: 'col', class: 'alert-rule' }, 'Rule'),
          h('th', { scope: 'col' }, 'Priority'),
          h('th', { scope: 'col', class: 'alert-proc' }, 'Process'),
          h('th', { scope: 'col' }, 'Output'),
        ),
      ),
      body,
    ),
  );
  const listArea = h('div', {});

  const matchesText = (a: Alert): boolean =>
    text === '' || a.rule.toLowerCase().includes(text) || a.output.toLowerCase().includes(text);

  const applyText = (): void => {
    let visible = 0;
    for (const a of alerts) {
      const [row, detail] = rows.get(keyOf(a)) ?? [];
      const match = matchesText(a);
      if (row !== undefined) row.hidden = !match;
      // A hidden alert's detail hides with it; an open one comes back open.
      if (detail !== undefined && row !== undefined) {
        const open = row.querySelector('.alert-toggle')?.getAttribute('aria-expanded') === 'true';
        detail.hidden = !match || !open;
      }
      if (match) visible++;
    }
    counter.textContent = `${visible} shown of ${alerts.length}`;
    clear(
      listArea,
      alerts.length === 0 ? empty : visible === 0 ? h('p', { class: 'muted' }, 'No alert matches the filter.') : null,
      table,
    );
    table.hidden = visible === 0;
  };

  const rowsOf = (a: Alert): HTMLTableRowElement[] => {
    const key = keyOf(a);
    let r = rows.get(key);
    if (r === undefined) {
      r = alertRows(a);
      rows.set(key, r);
    }
    return r;
  };

  /** Replaces the list with `fresh` (newest first), keeping rows (and their open state) already built. */
  const show = (fresh: Alert[]): void => {
    const seen = new Set<string>();
    alerts = fresh.filter((a) => !seen.has(keyOf(a)) && seen.add(keyOf(a))).slice(0, MAX_ROWS);
    for (const key of [...rows.keys()]) if (!seen.has(key)) rows.delete(key);
    body.replaceChildren(...alerts.flatMap(rowsOf));
    applyText();
  };

  const arrived = (a: Alert): void => {
    if (!shown.has(a.priority) || rows.has(keyOf(a))) return;
    alerts.unshift(a);
    body.prepend(...rowsOf(a));
    while (alerts.length > MAX_ROWS) {
      const old = alerts.pop() as Alert;
      for (const r of rows.get(keyOf(old)) ?? []) r.remove();
      rows.delete(keyOf(old));
    }
    applyText();
  };

  const load = async (): Promise<void> => {
    try {
      const recent = await api.alerts(MAX_ROWS, shown.size === PRIORITIES.length ? undefined : [...shown]);
      // Live alerts that arrived while loading are kept; the merge orders by time.
      const merged = [...alerts.filter((a) => shown.has(a.priority)), ...recent];
      merged.sort((x, y) =>
        BigInt(y.tsNs) > BigInt(x.tsNs) ? 1 : BigInt(y.tsNs) < BigInt(x.tsNs) ? -1 : y.seq - x.seq,
      );
      show(shown.size === 0 ? [] : merged);
      root.setAttribute('data-loaded', 'true');
    } catch (e) {
      clear(listArea, errorBox(e));
    }
  };

  const boxes = PRIORITIES.map((p) =>
    h(
      'label',
      { class: `prio-choice sev-${SEVERITY_OF_PRIORITY[p]}` },
      h('input', {
        type: 'checkbox',
        checked: true,
        value: p,
        'data-priority': p,
        onchange: (ev: Event) => {
          if ((ev.target as HTMLInputElement).checked) shown.add(p);
          else shown.delete(p);
          alerts = alerts.filter((a) => shown.has(a.priority));
          void load();
        },
      }),
      ` ${p}`,
    ),
  );
  const search = h('input', {
    type: 'search',
    id: 'alert-text',
    placeholder: 'rule or output contains…',
    oninput: () => {
      text = search.value.trim().toLowerCase();
      applyText();
    },
  });

  clear(
    root,
    h('h1', {}, 'Host monitor'),
    h(
      'div',
      { class: 'monitor-controls' },
      h('fieldset', { class: 'prio-filter' }, h('legend', {}, 'Priority'), boxes),
      h('div', { class: 'text-filter' }, h('label', { for: 'alert-text' }, 'Filter '), search, ' ', counter),
    ),
    status,
    listArea,
  );

  const source = new EventSource('/api/v1/alerts/live');
  stream = source;
  source.addEventListener('ready', () => {
    status.textContent = 'Live: new alerts appear at the top.';
    status.setAttribute('data-connected', 'true');
    // Also after a reconnection: whatever arrived while the stream was down comes with the list.
    void load();
  });
  source.addEventListener('alert', (m) => arrived(JSON.parse((m as MessageEvent<string>).data) as Alert));
  source.addEventListener('error', () => {
    if (stream !== source) return;
    status.textContent = 'Live stream interrupted; reconnecting…';
    status.removeAttribute('data-connected');
  });
}
