/**
 * The run writers of runs being ingested, one per run, shared by that run's batches. After a
 * restart the server has none: the first request for such a run resumes it from the store, so a
 * client that retries through a restart carries on where its last acknowledged batch ended.
 */
import type { ExitStatus } from '../sensors/sensor.js';
import { StoreError, type NewRun, type StoreRunWriter, type Store } from '../store/store.js';
import { ApiError, notFound } from './errors.js';

export class IngestWriters {
  private readonly writers = new Map<string, StoreRunWriter>();
  /** Resumptions under way, so concurrent first batches after a restart share one writer. */
  private readonly resuming = new Map<string, Promise<StoreRunWriter>>();

  constructor(private readonly store: Store) {}

  /** Run creations under way by idempotency key, so two concurrent retries make one run. */
  private readonly creating = new Map<string, Promise<{ runId: string; replayed: boolean }>>();

  /**
   * Begins a run, or, for an idempotency key already used, answers the run that key made
   * (`replayed`): a client whose first answer was lost gets the same run, not a second one.
   */
  async begin(run: NewRun, idempotencyKey?: string): Promise<{ runId: string; replayed: boolean }> {
    if (idempotencyKey === undefined) return { runId: await this.create(run), replayed: false };
    const pending = this.creating.get(idempotencyKey);
    if (pending !== undefined) return { runId: (await pending).runId, replayed: true };
    const task = (async () => {
      const existing = await this.store.runIdForKey(idempotencyKey);
      if (existing !== undefined) return { runId: existing, replayed: true };
      return { runId: await this.create(run, idempotencyKey), replayed: false };
    })();
    this.creating.set(idempotencyKey, task);
    try {
      return await task;
    } finally {
      this.creating.delete(idempotencyKey);
    }
  }

  private async create(run: NewRun, idempotencyKey?: string): Promise<string> {
    const writer = await this.store.beginRun(run, { idempotencyKey });
    this.writers.set(writer.runId, writer);
    return writer.runId;
  }

  /** The run's writer; 404 for an unknown run, 409 for one that has finished. */
  async writerFor(runId: string): Promise<StoreRunWriter> {
    const open = this.writers.get(runId);
    if (open !== undefined) return open;
    let pending = this.resuming.get(runId);
    if (pending === undefined) {
      pending = this.resume(runId);
      this.resuming.set(runId, pending);
    }
    try {
      return await pending;
    } finally {
      this.resuming.delete(runId);
    }
  }

  async finish(
    runId: string,
    outcome: { endedAt: bigint; exit?: ExitStatus; summary: unknown; partial: boolean },
  ): Promise<void> {
    const writer = await this.writerFor(runId);
    try {
      await writer.finish(outcome);
    } finally {
      this.writers.delete(runId);
    }
  }

  /** Events accepted by all writers and not yet committed: what the 429 threshold compares. */
  backlog(): number {
    let total = 0;
    for (const w of this.writers.values()) total += w.backlog();
    return total;
  }

  private async resume(runId: string): Promise<StoreRunWriter> {
    // Exact ids only: a prefix that later became ambiguous must not send events to another run.
    const run = await this.store.getRun(runId);
    if (run?.id !== runId) throw notFound(`no run ${runId}`);
    try {
      const writer = await this.store.resumeRun(runId);
      this.writers.set(runId, writer);
      return writer;
    } catch (e) {
      if (e instanceof StoreError) throw new ApiError(409, 'run_finished', e.message);
      throw e;
    }
  }
}
