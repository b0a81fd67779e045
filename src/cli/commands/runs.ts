/** `harrier runs`: the stored runs, newest first. */
import { formatDuration } from '../../report/text.js';
import { nsToIso } from '../../report/summary-builder.js';
import { styleFor } from '../../report/style.js';
import type { RunRecord } from '../../store/store.js';
import { openStore } from '../store.js';

export interface RunsOptions {
  store?: string;
  json?: boolean;
  limit: number;
}

function exitText(r: RunRecord): string {
  if (!r.exit) return '-';
  return r.exit.kind === 'exited' ? String(r.exit.code) : r.exit.signal;
}

/** `api@main#101`: component, branch and build id, as far as they are known. */
function buildText(r: RunRecord): string {
  const b = r.build;
  if (b === undefined) return '-';
  return (
    `${b.component ?? ''}${b.branch !== undefined ? `@${b.branch}` : ''}${b.buildId !== undefined ? `#${b.buildId}` : ''}` ||
    '-'
  );
}

export function runRecordJson(r: RunRecord) {
  return {
    id: r.id,
    status: r.status,
    command: r.command,
    cwd: r.cwd,
    sensor: r.sensor,
    hostname: r.hostname,
    startedAt: nsToIso(r.startedAt),
    endedAt: r.endedAt === undefined ? null : nsToIso(r.endedAt),
    exit: r.exit ?? null,
    events: r.eventCount,
    harrierVersion: r.harrierVersion,
    build: r.build ?? null,
  };
}

export async function runsCommand(opts: RunsOptions): Promise<number> {
  const store = await openStore(opts.store, { readOnly: true });
  try {
    const runs = await store.listRuns({ limit: opts.limit });
    if (opts.json) {
      process.stdout.write(JSON.stringify(runs.map(runRecordJson), null, 2) + '\n');
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write(`no runs in ${store.path}\n`);
      return 0;
    }
    const st = styleFor(process.stdout);
    const rows = runs.map((r) => [
      r.id,
      r.status,
      nsToIso(r.startedAt).slice(0, 19).replace('T', ' '),
      r.endedAt === undefined ? '-' : formatDuration(Number(r.endedAt - r.startedAt) / 1e6),
      exitText(r),
      String(r.eventCount),
      r.sensor,
      buildText(r),
      r.command.join(' '),
    ]);
    const header = ['RUN', 'STATUS', 'STARTED (UTC)', 'DURATION', 'EXIT', 'EVENTS', 'SENSOR', 'BUILD', 'COMMAND'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    process.stdout.write(st.bold(line(header)) + '\n');
    for (const r of rows) process.stdout.write(line(r) + '\n');
    return 0;
  } finally {
    await store.close();
  }
}
