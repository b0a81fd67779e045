/**
 * Connections on which NDJSON event batches are inserted side by side. A writable store runs
 * DuckDB with one worker thread (open.ts), so each statement runs on the thread that issued
 * it: one connection per lane lets two batches' INSERTs (the JSON reading and checks, most of
 * the cost) run on two threads, while their commits still serialise inside DuckDB. Appends to
 * one table from concurrent transactions do not conflict.
 *
 * Measured on this 2-core machine, 20k-event batches of a real run: one connection 185 k
 * events/s, two 280 k/s, for the same CPU per event (BENCHMARKS.md, Server).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** One lane per core here; more lanes than cores only contend. */
export const DEFAULT_INGEST_LANES = 2;

export class IngestLanes {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: Array<{ resolve: (conn: DuckDBConnection) => void; reject: (err: Error) => void }> = [];
  private opened = 0;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly size = DEFAULT_INGEST_LANES,
  ) {}

  /**
   * Runs `task` on a free lane's connection, waiting for one if all are busy. A connection whose
   * task failed is closed rather than reused: it may still hold a transaction the task could not
   * end, which would fail every later batch on that lane.
   */
  async run<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    let result: T;
    try {
      result = await task(conn);
    } catch (err) {
      this.discard(conn);
      throw err;
    }
    this.release(conn);
    return result;
  }

  /** Closes the lanes' connections; callers wait for their batches first (the store closes writers before lanes). */
  close(): void {
    this.closed = true;
    for (const conn of this.idle.splice(0)) conn.closeSync();
    for (const w of this.waiting.splice(0)) w.reject(new Error('the store is closed'));
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the store is closed');
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.opened < this.size) {
      this.opened++;
      try {
        return await this.instance.connect();
      } catch (err) {
        this.opened--;
        throw err;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Drops a connection; a caller waiting for a lane gets a new one. */
  private discard(conn: DuckDBConnection): void {
    conn.closeSync();
    this.opened--;
    const next = this.waiting.shift();
    if (next === undefined || this.closed) return;
    this.opened++;
    this.instance.connect().then(next.resolve, (err: Error) => {
      this.opened--;
      next.reject(err);
    });
  }

  private release(conn: DuckDBConnection): void {
    if (this.closed) {
      conn.closeSync();
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) next.resolve(conn);
    else this.idle.push(conn);
  }
}
