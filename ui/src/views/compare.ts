/** Two runs side by side: findings new/fixed/unchanged, processes and endpoints appeared/vanished. */
import { api, type Comparison, type Run } from '../api.js';
import { clear, errorBox, h } from '../dom.js';
import { findingList } from './findings.js';

function runLabel(r: Run): string {
  const b = r.build;
  const build = b ? [b.component, b.buildId && `#${b.buildId}`, b.branch].filter(Boolean).join(' ') : '';
  return `${r.id} ${build ? `(${build}) ` : ''}${new Date(r.startedAt).toLocaleString()}`;
}

function picker(id: string, label: string, runs: Run[], selected: string | undefined): HTMLElement {
  const select = h(
    'select',
    { id, name: id },
    runs.map((r) => h('option', { value: r.id, selected: r.id === selected }, runLabel(r))),
  );
  return h('label', { for: id }, label, ' ', select);
}

function names(title: string, items: string[], cls: string): HTMLElement {
  return h(
    'div',
    { class: `names ${cls}` },
    h('h4', {}, `${title} (${items.length})`),
    items.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : h(
          'ul',
          {},
          items.map((i) => h('li', {}, h('code', {}, i))),
        ),
  );
}

function result(c: Comparison): HTMLElement {
  const section = (key: 'new' | 'fixed' | 'unchanged', title: string) =>
    h(
      'section',
      { class: `panel cmp-${key}`, 'data-count': c.findings[key].length },
      h('h3', {}, `${title} `, h('span', { class: 'count' }, c.findings[key].length)),
      findingList(c.findings[key], 'None.'),
    );
  return h(
    'div',
    { class: 'compare-result' },
    h(
      'div',
      { class: 'cmp-grid' },
      section('new', 'New'),
      section('fixed', 'Fixed'),
      section('unchanged', 'Unchanged'),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'Processes'),
      h(
        'div',
        { class: 'cmp-names' },
        names('appeared', c.processes.appeared, 'proc-appeared'),
        names('vanished', c.processes.vanished, 'proc-vanished'),
      ),
      h('h3', {}, 'Endpoints'),
      h(
        'div',
        { class: 'cmp-names' },
        names('appeared', c.endpoints.appeared, 'ep-appeared'),
        names('vanished', c.endpoints.vanished, 'ep-vanished'),
      ),
    ),
  );
}

export async function compareView(root: HTMLElement, params: URLSearchParams): Promise<void> {
  clear(root, h('h1', {}, 'Compare runs'), h('p', {}, 'Loading…'));
  let runs: Run[];
  try {
    runs = await api.runs();
  } catch (e) {
    clear(root, h('h1', {}, 'Compare runs'), errorBox(e));
    return;
  }
  if (runs.length < 2) {
    clear(root, h('h1', {}, 'Compare runs'), h('p', {}, 'Comparing needs at least two runs in the store.'));
    return;
  }
  // Default: the newest run against the one before it (runs come newest first).
  const head = params.get('head') ?? runs[0]?.id;
  const base = params.get('base') ?? runs.find((r) => r.id !== head)?.id;
  const out = h('div', {}, base && head ? h('p', {}, 'Comparing…') : null);
  const form = h(
    'form',
    {
      class: 'compare-form',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const data = new FormData(form);
        location.hash = `#/compare?base=${String(data.get('base'))}&head=${String(data.get('head'))}`;
      },
    },
    picker('base', 'Base', runs, base),
    picker('head', 'Head', runs, head),
    h('button', { type: 'submit' }, 'Compare'),
  );
  clear(root, h('h1', {}, 'Compare runs'), form, out);
  if (base === undefined || head === undefined) return;
  try {
    clear(out, result(await api.compare(base, head)));
  } catch (e) {
    clear(out, errorBox(e));
  }
}
