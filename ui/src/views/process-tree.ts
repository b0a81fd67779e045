/** The run's process tree as nested lists with disclosure buttons (keyboard: Tab + Enter/Space). */
import type { Process } from '../api.js';
import { durationMs, formatDuration, h } from '../dom.js';

function outcome(p: Process): string {
  if (p.exitSignal !== null) return `killed by ${p.exitSignal}`;
  if (p.exitCode !== null) return `exit ${p.exitCode}`;
  return p.exitTsNs === null ? 'running' : 'ended';
}

function node(p: Process, depth: number): HTMLElement {
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
  const list = h(
    'ul',
    { class: 'proc-children', hidden: depth >= 1 },
    children.map((c) => node(c, depth + 1)),
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

export function processTree(tree: Process[]): HTMLElement {
  if (tree.length === 0) return h('p', {}, 'No processes were recorded.');
  return h(
    'ul',
    { class: 'proc-tree', 'aria-label': 'Process tree' },
    tree.map((p) => node(p, 0)),
  );
}
