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
            ['Run', 'Component', 'Build', 'Branch', 'Command', 'Status', 'Started', 'Events', 'Findings'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}
