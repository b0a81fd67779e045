/** The run's process tree as nested lists with disclosure buttons (keyboard: Tab + Enter/Space). */
import { api, type EventRecord, type Process } from '../api.js';
import { clear, durationMs, errorBox, formatDuration, h } from '../dom.js';

const LISTED = 40;

/** Distinct values with the event types that touched them (`/etc/passwd  openat, read`). */
function touched(events: EventRecord[], pick: (e: EventRecord) => (string | undefined)[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of events)
    for (const v of pick(e)) {
      if (v === undefined || v === '') continue;
      const types = out.get(v) ?? new Set<string>();
      types.add(e.type);
      out.set(v, types);
    }
  return out;
}

function touchedList(title: string, items: Map<string, Set<string>>, cls: string): HTMLElement[] {
  if (items.size === 0) return [];
  const rows = [...items]
    .slice(0, LISTED)
    .map(([v, types]) => h('li', {}, h('code', {}, v), ' ', h('span', { class: 'muted' }, [...types].join(', '))));
  const more = items.size > LISTED ? h('li', { class: 'muted' }, `and ${items.size - LISTED} more`) : null;
  return [h('dt', {}, title), h('dd', {}, h('ul', { class: `touched ${cls}` }, rows, more))];
}

/** Fetched on first expansion only: a big run's tree would otherwise ask for every process's events. */
async function fillActivity(target: HTMLElement, runId: string, pid: number): Promise<void> {
  try {
    const { events, next } = await api.processEvents(runId, pid);
    // Sockets have a path too (their address); only filesystem paths are files here.
    const files = touched(events, (e) => [e.path, e.path2].filter((v) => v?.startsWith('/')));
    const endpoints = touched(events, (e) => [e.endpoint]);
    clear(
      target,
      touchedList('files', files, 'files'),
      touchedList('network', endpoints, 'endpoints'),
      files.size + endpoints.size === 0 ? [h('dt', {}, 'activity'), h('dd', {}, 'no files or connections')] : null,
      next !== null ? [h('dt', {}, ''), h('dd', { class: 'muted' }, 'from its first 10,000 events')] : null,
    );
  } catch (e) {
    clear(target, h('dt', {}, 'activity'), h('dd', {}, errorBox(e)));
  }
}

function outcome(p: Process): string {
  if (p.exitSignal !== null) return `killed by ${p.exitSignal}`;
  if (p.exitCode !== null) return `exit ${p.exitCode}`;
  return p.exitTsNs === null ? 'running' : 'ended';
}

function node(runId: string, p: Process, depth: number): HTMLElement {
  const children = p.children ?? [];
  const detail = h(
    'dl',
    { class: 'proc-detail', hidden: true },
    h('dt', {}, 'exe'),
    h('dd', {}, h('code', {}, p.exePath)),
    h('dt', {}, 'args'),
    h('dd', {}, h('code', {}, p.args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '))),
    h('dt', {}, 'user'),
    h('dd', {}, `${p.user} (uid ${p.uid})`),
    h('dt', {}, 'cwd'),
    h('dd', {}, h('code', {}, p.cwd)),
    h('dt', {}, 'duration'),
    h('dd', {}, formatDuration(durationMs(p.startTsNs, p.exitTsNs)), ', ', outcome(p)),
  );
  const activity = h('div', { class: 'proc-activity' }, h('dt', {}, 'activity'), h('dd', {}, 'Loading…'));
  detail.append(activity);
  let activityLoaded = false;
  const list = h(
    'ul',
    { class: 'proc-children', hidden: depth >= 1 },
    children.map((c) => node(runId, c, depth + 1)),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'proc-toggle',
      'aria-expanded': 'false',
      'data-pid': p.pid,
      onclick: () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        detail.hidden = !open;
        list.hidden = !open && depth >= 1;
        if (open && !activityLoaded) {
          activityLoaded = true;
          void fillActivity(activity, runId, p.pid);
        }
      },
    },
    h('span', { class: 'pid' }, p.pid),
    ' ',
    h('span', { class: 'exe' }, p.exePath.split('/').pop() ?? p.exePath),
    ' ',
    h('span', { class: 'muted' }, p.args.slice(1).join(' ')),
    children.length > 0
      ? h('span', { class: 'muted' }, ` (${children.length} child${children.length > 1 ? 'ren' : ''})`)
      : null,
  );
  return h('li', { class: 'proc' }, toggle, detail, children.length > 0 ? list : null);
}

export function processTree(runId: string, tree: Process[]): HTMLElement {
  if (tree.length === 0) return h('p', {}, 'No processes were recorded.');
  return h(
    'ul',
    { class: 'proc-tree', 'aria-label': 'Process tree' },
    tree.map((p) => node(runId, p, 0)),
  );
}
