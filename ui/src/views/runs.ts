/** The runs list: newest first, with build metadata and each run's findings by severity. */
import { api, SEVERITIES, type Finding, type Run, type Severity } from '../api.js';
import { clear, errorBox, h, severityBadge } from '../dom.js';

function exitText(run: Run): string {
  if (run.exit === null) return run.status;
  return run.exit.kind === 'exited' ? `exit ${run.exit.code}` : `killed (${run.exit.signal})`;
}

function severityCounts(findings: Finding[]): HTMLElement {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const badges = SEVERITIES.filter((s) => counts.has(s)).map((s) => severityBadge(s, `${counts.get(s)} ${s}`));
  return h('span', { class: 'badges', 'data-findings': findings.length }, badges.length > 0 ? badges : 'none');
}

/** The run before `i` of the same component and branch (the list is newest first), if any. */
function previousBuild(runs: Run[], i: number): Run | undefined {
  const run = runs[i];
  if (run?.build?.component === undefined && run?.build?.branch === undefined) return undefined;
  return runs
    .slice(i + 1)
    .find((r) => r.build?.component === run.build?.component && r.build?.branch === run.build?.branch);
}

/** Filled after the table is shown: one comparison per run that has an earlier build. */
async function fillNovelty(cell: HTMLElement, base: Run, head: Run): Promise<void> {
  try {
    const c = await api.compare(base.id, head.id);
    const n = c.findings.new.length;
    clear(
      cell,
      h(
        'a',
        {
          href: `#/compare?base=${base.id}&head=${head.id}`,
          class: n > 0 ? 'novelty has-new' : 'novelty',
          'data-new': n,
          title: `compared with ${base.id}`,
        },
        n > 0 ? `${n} new` : 'no new',
        c.findings.fixed.length > 0 ? `, ${c.findings.fixed.length} fixed` : '',
      ),
    );
  } catch {
    clear(cell, '?');
  }
}

export async function runsView(root: HTMLElement): Promise<void> {
  clear(root, h('h1', {}, 'Runs'), h('p', {}, 'Loading…'));
  let runs: Run[];
  try {
    runs = await api.runs();
  } catch (e) {
    clear(root, h('h1', {}, 'Runs'), errorBox(e));
    return;
  }
  if (runs.length === 0) {
    clear(root, h('h1', {}, 'Runs'), h('p', {}, 'No runs in this store yet. Record one with `harrier run -- CMD`.'));
    return;
  }
  // The runs route has no counts, so each row asks for its findings (one request per listed run).
  const findings = await Promise.all(runs.map((r) => api.findings(r.id).catch(() => null)));
  const rows = runs.map((run, i) => {
    const f = findings[i];
    const previous = previousBuild(runs, i);
    const novelty = h('td', { class: 'novelty-cell' }, previous === undefined ? '—' : '…');
    if (previous !== undefined) void fillNovelty(novelty, previous, run);
    return h(
      'tr',
      { 'data-run': run.id },
      h('td', {}, h('a', { href: `#/runs/${run.id}`, class: 'run-link' }, run.id)),
      h('td', {}, run.build?.component ?? '—'),
      h('td', {}, run.build?.buildId ?? '—'),
      h('td', {}, run.build?.branch ?? '—'),
      h('td', { class: 'cmd' }, run.command.join(' ')),
      h('td', {}, h('span', { class: `status status-${run.status}` }, run.status), ' ', exitText(run)),
      h('td', {}, new Date(run.startedAt).toLocaleString()),
      h('td', { class: 'num' }, run.events),
      h('td', {}, f === null || f === undefined ? '?' : severityCounts(f)),
      novelty,
    );
  });
  clear(
    root,
    h('h1', {}, 'Runs'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'runs' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Run',
              'Component',
              'Build',
              'Branch',
              'Command',
              'Status',
              'Started',
              'Events',
              'Findings',
              'vs previous build',
            ].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}
