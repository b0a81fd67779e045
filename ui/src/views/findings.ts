/** A run's findings: a severity filter and, per finding, expandable evidence with its stack. */
import { api, SEVERITIES, type Finding, type FindingStatus, type Severity, type StackFrame } from '../api.js';
import { clear, errorBox, h, severityBadge } from '../dom.js';

function frameText(f: StackFrame): string {
  const where = f.file !== undefined ? `${f.file}${f.line !== undefined ? `:${f.line}` : ''}` : (f.module ?? '?');
  return `${f.function ?? f.offset ?? f.address}  ${where}`;
}

function stackTable(stack: StackFrame[]): HTMLElement {
  return h(
    'ol',
    { class: 'stack', 'aria-label': 'Stack, innermost first' },
    stack.map((f) =>
      h(
        'li',
        { class: f.inApp ? 'frame in-app' : 'frame' },
        h('code', {}, frameText(f)),
        f.inApp ? h('span', { class: 'tag' }, 'app') : null,
      ),
    ),
  );
}

function evidence(f: Finding): HTMLElement {
  const ev = f.evidence;
  const parts: HTMLElement[] = [h('p', {}, f.message)];
  const facts: (HTMLElement | string)[] = [
    h('dt', {}, 'rule'),
    h('dd', {}, h('code', {}, f.ruleId)),
    h('dt', {}, 'kind'),
    h('dd', {}, f.kind),
    h('dt', {}, 'count'),
    h('dd', {}, f.count),
    h('dt', {}, 'fingerprint'),
    h('dd', {}, h('code', {}, f.fingerprint.slice(0, 16))),
  ];
  if (ev.process !== undefined) {
    facts.push(
      h('dt', {}, 'process'),
      h('dd', {}, h('code', {}, `${ev.process.pid} ${ev.process.exePath} ${ev.process.args.join(' ')}`)),
    );
    if (ev.process.user !== undefined) facts.push(h('dt', {}, 'user'), h('dd', {}, ev.process.user));
  }
  if (ev.event !== undefined) facts.push(h('dt', {}, 'event'), h('dd', {}, h('code', {}, ev.event.type)));
  parts.push(h('dl', { class: 'facts' }, facts));
  if (ev.stack !== undefined && ev.stack.length > 0) parts.push(h('h4', {}, 'Stack'), stackTable(ev.stack));
  if (ev.alert !== undefined) parts.push(h('h4', {}, 'Alert'), h('pre', {}, JSON.stringify(ev.alert, null, 2)));
  if (ev.event !== undefined)
    parts.push(h('h4', {}, 'Event arguments'), h('pre', {}, JSON.stringify(ev.event.args, null, 2)));
  if (ev.details !== undefined) parts.push(h('h4', {}, 'Details'), h('pre', {}, JSON.stringify(ev.details, null, 2)));
  return h('div', { class: 'evidence', hidden: true }, parts);
}

export function findingItem(f: Finding): HTMLElement {
  const body = evidence(f);
  const button = h(
    'button',
    {
      type: 'button',
      class: 'finding-toggle',
      'aria-expanded': 'false',
      'data-finding': f.id,
      onclick: () => {
        const open = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', String(open));
        body.hidden = !open;
      },
    },
    severityBadge(f.severity),
    ' ',
    h('span', { class: 'title' }, f.title),
    f.status === undefined ? null : h('span', { class: `tag status-${f.status}` }, f.status),
    f.count > 1 ? h('span', { class: 'muted' }, ` ×${f.count}`) : null,
  );
  return h('li', { class: 'finding' }, button, body);
}

export function findingList(findings: Finding[], empty = 'No findings.'): HTMLElement {
  if (findings.length === 0) return h('p', { class: 'muted' }, empty);
  return h('ul', { class: 'findings' }, findings.map(findingItem));
}

const STATUS_CHOICES: Array<[FindingStatus | 'all', string]> = [
  ['all', 'All'],
  ['new', 'New since the previous run'],
  ['unchanged', 'Unchanged'],
  ['fixed', 'Fixed since the previous run'],
];

/** What the list was compared with, so "new" is never ambiguous. */
function baselineNote(baseline: string | null): HTMLElement {
  if (baseline === null)
    return h('p', { class: 'muted' }, 'No earlier finished run of this component and branch: every finding is new.');
  return h('p', { class: 'muted' }, 'Compared with run ', h('a', { href: `#/runs/${baseline}` }, baseline), '.');
}

/** Filter buttons (pressed = shown) and a status choice above the list; the server does the filtering. */
export function findingsPanel(runId: string): HTMLElement {
  const shown = new Set<Severity>(SEVERITIES);
  let status: FindingStatus | 'all' = 'all';
  const list = h('div', { class: 'findings-list' }, h('p', {}, 'Loading…'));
  const load = async (): Promise<void> => {
    const severities = shown.size === SEVERITIES.length ? undefined : [...shown];
    try {
      if (shown.size === 0) {
        clear(list, h('p', { class: 'muted' }, 'No severity selected.'));
      } else if (status === 'all') {
        clear(list, findingList(await api.findings(runId, severities)));
      } else {
        const judged = await api.judgedFindings(runId, status, severities);
        clear(list, baselineNote(judged.baseline), findingList(judged.findings, `No ${status} findings.`));
      }
    } catch (e) {
      clear(list, errorBox(e));
    }
  };
  const statusSelect = h(
    'select',
    {
      id: `status-${runId}`,
      'data-status-filter': '',
      onchange: (e: Event) => {
        status = (e.target as HTMLSelectElement).value as FindingStatus | 'all';
        void load();
      },
    },
    STATUS_CHOICES.map(([value, label]) => h('option', { value }, label)),
  );
  const filters = SEVERITIES.map((s) => {
    const b = h(
      'button',
      {
        type: 'button',
        class: `filter sev-${s}`,
        'aria-pressed': 'true',
        'data-severity': s,
        onclick: () => {
          if (shown.has(s)) shown.delete(s);
          else shown.add(s);
          b.setAttribute('aria-pressed', String(shown.has(s)));
          void load();
        },
      },
      s,
    );
    return b;
  });
  void load();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'findings-h' },
    h('h2', { id: 'findings-h' }, 'Findings'),
    h('div', { class: 'filters', role: 'group', 'aria-label': 'Severity filter' }, filters),
    h('p', { class: 'status-filter' }, h('label', { for: `status-${runId}` }, 'Status '), statusSelect),
    list,
  );
}
