/**
 * One run recorded in several places at once (the local store and a collector): each write goes
 * to every writer. The run id shown to the user is the first recorder's.
 */
import type {
  AlertRecord,
  FindingRecord,
  NewRun,
  ProcessRecord,
  RuleCost,
  RunRecorder,
  RunWriter,
  StoredEvent,
} from './store.js';

export function teeRecorder(recorders: readonly RunRecorder[]): RunRecorder | undefined {
  if (recorders.length <= 1) return recorders[0];
  return {
    path: recorders.map((r) => r.path).join(' + '),
    async beginRun(run: NewRun): Promise<RunWriter> {
      const writers: RunWriter[] = [];
      for (const r of recorders) writers.push(await r.beginRun(run));
      return new TeeWriter(writers);
    },
  };
}

class TeeWriter implements RunWriter {
  constructor(private readonly writers: readonly RunWriter[]) {}

  get runId(): string {
    return (this.writers[0] as RunWriter).runId;
  }

  appendEvents(events: StoredEvent[]): void {
    for (const w of this.writers) w.appendEvents(events);
  }

  backlog(): number {
    return Math.max(...this.writers.map((w) => w.backlog()));
  }

  upsertProcesses(processes: ProcessRecord[]): void {
    for (const w of this.writers) w.upsertProcesses(processes);
  }

  upsertFindings(findings: FindingRecord[]): void {
    for (const w of this.writers) w.upsertFindings(findings);
  }

  appendAlerts(alerts: AlertRecord[]): void {
    for (const w of this.writers) w.appendAlerts(alerts);
  }

  noteRuleCost(cost: RuleCost): void {
    for (const w of this.writers) w.noteRuleCost(cost);
  }

  async flush(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.flush()));
  }

  async finish(outcome: Parameters<RunWriter['finish']>[0]): Promise<void> {
    // Every writer gets to finish, even when one fails; the first failure is then reported.
    const results = await Promise.allSettled(this.writers.map((w) => w.finish(outcome)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
