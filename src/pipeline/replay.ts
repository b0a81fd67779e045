/**
 * Rebuilds a run's summary from its stored events: the same state and summary code the live
 * run uses, fed from the store instead of a sensor. Used for runs that crashed before their
 * summary was written.
 */
import { eventContext } from '../events/context.js';
import { SystemState } from '../events/state/system-state.js';
import { SummaryBuilder } from '../report/summary-builder.js';
import type { RunSummary } from '../report/summary.js';
import type { RunRecord, Store } from '../store/store.js';

export async function rebuildSummary(store: Store, run: RunRecord): Promise<RunSummary> {
  const state = new SystemState();
  const summary = new SummaryBuilder(state);
  let rootPid: number | undefined;
  let lastTs = run.startedAt;
  for await (const ev of store.events({ runId: run.id })) {
    rootPid ??= ev.pid;
    state.apply(ev);
    summary.add(ev, eventContext(ev, state));
    lastTs = ev.ts;
  }
  return summary.finish({
    runId: run.id,
    command: run.command,
    sensor: run.sensor,
    sensorReason: 'rebuilt from stored events',
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? lastTs,
    exit: run.exit ? (run.exit.kind === 'exited' ? { code: run.exit.code } : { signal: run.exit.signal }) : null,
    partial: run.status !== 'complete',
    stats: { events: run.eventCount, drops: 0, truncations: 0, parseErrors: 0 },
    rootPid,
  });
}
