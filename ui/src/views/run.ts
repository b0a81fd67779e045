/** One run: its facts, process tree, findings and timeline. */
import { api, type Run } from '../api.js';
import { clear, errorBox, formatDuration, h } from '../dom.js';
import { findingsPanel } from './findings.js';
import { liveBanner } from './live.js';
import { processTree } from './process-tree.js';
import { timelinePanel } from './timeline.js';

function facts(run: Run): HTMLElement {
  const rows: [string, string][] = [
    ['command', run.command.join(' ')],
    ['status', run.status],
    ['component', run.build?.component ?? '—'],
    ['build', run.build?.buildId ?? '—'],
    ['branch', run.build?.branch ?? '—'],
    ['sensor', run.sensor],
    ['host', run.hostname],
    ['started', new Date(run.startedAt).toLocaleString()],
    [
      'duration',
      formatDuration(
        run.endedAtNs === null ? null : Number((BigInt(run.endedAtNs) - BigInt(run.startedAtNs)) / 1_000_000n),
      ),
    ],
    ['events', String(run.events)],
  ];
  return h(
    'dl',
    { class: 'facts run-facts' },
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

export async function runView(root: HTMLElement, id: string): Promise<void> {
  clear(root, h('h1', {}, `Run ${id}`), h('p', {}, 'Loading…'));
  let run: Run;
  try {
    run = (await api.run(id)).run;
  } catch (e) {
    clear(root, h('h1', {}, `Run ${id}`), errorBox(e));
    return;
  }
  const tree = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'tree-h' },
    h('h2', { id: 'tree-h' }, 'Processes'),
    h('p', {}, 'Loading…'),
  );
  let findings = findingsPanel(run.id);
  const live =
    run.status === 'running'
      ? liveBanner(run.id, {
          onFindings: () => {
            const fresh = findingsPanel(run.id);
            findings.replaceWith(fresh);
            findings = fresh;
          },
          // Finished: show the whole run as stored (status, processes, timeline).
          onFinished: () => void runView(root, run.id),
        })
      : null;
  clear(
    root,
    h('h1', {}, `Run ${run.id}`),
    live,
    h('p', {}, h('a', { href: `#/compare?head=${run.id}` }, 'Compare with another run…')),
    facts(run),
    h('div', { class: 'run-grid' }, tree, findings),
    timelinePanel(run.id, run.startedAtNs),
  );
  try {
    const procs = await api.processTree(run.id);
    clear(tree, h('h2', { id: 'tree-h' }, 'Processes'), processTree(run.id, procs));
  } catch (e) {
    clear(tree, h('h2', { id: 'tree-h' }, 'Processes'), errorBox(e));
  }
}
