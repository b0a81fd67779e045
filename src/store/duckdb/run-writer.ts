/**
 * Writes one run. The sensor's pace must never depend on the database's, so `appendEvents` only
 * buffers; batches reach DuckDB through the Appender (the fastest way in: no SQL per row) when
 * the buffer fills or a timer fires. Those database steps go through one promise chain, so
 * buffered events land in the order they were appended.
 *
 * NDJSON batches from the collector's clients are the exception: they are inserted on the
 * store's ingest lanes (ingest-lanes.ts), side by side, each with the sequence numbers handed
 * out when it arrived, so their order in the run is still their arrival order even when a later
 * batch commits first.
 *
 * Each appender flush commits, and DuckDB's WAL replays committed data after a crash, so a run
 * that dies keeps every event up to its last flush.
 */
import {
  BIGINT,
  INTEGER,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ExitStatus } from '../../sensors/sensor.js';
import {
  FINDING_KINDS,
  FINDING_SEVERITIES,
  StoreError,
  type AlertRecord,
  type BatchResult,
  type FindingRecord,
  type NdjsonBatchOptions,
  type NdjsonBatchResult,
  type ProcessRecord,
  type StoreRunWriter,
  type StoredEvent,
} from '../store.js';
import { encodeArgs, encodeJson } from './codec.js';
import type { IngestLanes } from './ingest-lanes.js';
import { COUNT_INSERTED, INSERT_NDJSON_BATCH } from './ndjson-batch.js';

export interface WriterOptions {
  /** Buffered events that trigger a write without waiting for the timer. */
  batchRows: number;
  /** Longest time an event waits in the buffer. */
  flushIntervalMs: number;
  /** Committed events after which the writer checkpoints the WAL into the file (see checkpoint()). */
  checkpointRows: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = {
  batchRows: 10_000,
  flushIntervalMs: 250,
  checkpointRows: 500_000,
};

const UPSERT_PROCESS = `INSERT OR REPLACE INTO processes
  (run_id, pid, ppid, exe_path, args, cwd, uid, gid, "user", "group", start_ts, exit_ts, exit_code, exit_signal)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

const PROCESS_TYPES: DuckDBType[] = [
  VARCHAR,
  INTEGER,
  INTEGER,
  VARCHAR,
  LIST(VARCHAR),
  VARCHAR,
  BIGINT,
  BIGINT,
  VARCHAR,
  VARCHAR,
  BIGINT,
  BIGINT,
  INTEGER,
  VARCHAR,
];

const UPSERT_FINDING = `INSERT OR REPLACE INTO findings
  (run_id, id, rule_id, kind, severity, title, message, fingerprint, count, first_ts, last_ts, evidence)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

const FINDING_TYPES: DuckDBType[] = [
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  BIGINT,
  BIGINT,
  BIGINT,
  VARCHAR,
];

/** A finding as buffered: the record's values when it was upserted, its evidence already encoded. */
type PendingFinding = Omit<FindingRecord, 'evidence'> & { evidenceJson: string };

/**
 * Checks what the types cannot (callers' values are computed at runtime) and snapshots the
 * finding, so that a detector that keeps mutating its record changes nothing until its next
 * upsert, and a finding that cannot be stored fails its caller now rather than the whole run's
 * next write.
 */
function pendingFinding(f: FindingRecord): PendingFinding {
  const where = `finding ${JSON.stringify(f.id)}`;
  for (const key of ['id', 'ruleId', 'title', 'message', 'fingerprint'] as const) {
    if (typeof f[key] !== 'string') throw new TypeError(`${where}: ${key} must be a string`);
  }
  if (!FINDING_KINDS.includes(f.kind)) throw new RangeError(`${where}: unknown kind ${JSON.stringify(f.kind)}`);
  if (!FINDING_SEVERITIES.includes(f.severity)) {
    throw new RangeError(`${where}: unknown severity ${JSON.stringify(f.severity)}`);
  }
  if (!Number.isSafeInteger(f.count) || f.count < 0) {
    throw new RangeError(`${where}: count must be a non-negative integer, got ${String(f.count)}`);
  }
  if (typeof f.firstTs !== 'bigint' || typeof f.lastTs !== 'bigint') {
    throw new TypeError(`${where}: firstTs and lastTs must be bigints`);
  }
  // JSON.stringify gives undefined for undefined (and functions): stored as null, as summaries are.
  const evidenceJson = (encodeJson(f.evidence) as string | undefined) ?? 'null';
  return {
    id: f.id,
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    message: f.message,
    fingerprint: f.fingerprint,
    count: f.count,
    firstTs: f.firstTs,
    lastTs: f.lastTs,
    evidenceJson,
  };
}

/**
 * Alerts go in as multi-row INSERTs of up to this many rows: one statement per row measured
 * ~110 alerts/s on a loaded 2-core machine (the key check and statement overhead per row),
 * far below what a noisy host can alert.
 */
const ALERT_ROWS_PER_INSERT = 200;

// OR IGNORE: an alert whose (run, seq) is stored already is a sender's retry, stored once.
function insertAlertsSql(rows: number): string {
  const width = ALERT_TYPES.length;
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  );
  return `INSERT OR IGNORE INTO alerts
    (run_id, seq, ts, rule, priority, source, tags, hostname, output, output_fields, repeats)
    VALUES ${tuples.join(', ')}`;
}

const ALERT_TYPES: DuckDBType[] = [
  VARCHAR,
  BIGINT,
  BIGINT,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  LIST(VARCHAR),
  VARCHAR,
  VARCHAR,
  VARCHAR,
  INTEGER,
];

const LAST_ALERT_SEQ = 'SELECT coalesce(max(seq), 0) FROM alerts WHERE run_id = $1';

/** An alert as buffered: checked, its output fields already encoded, so later changes to the caller's object do not leak in. */
type PendingAlert = Omit<AlertRecord, 'outputFields'> & { fieldsJson: string };

function pendingAlert(a: AlertRecord): PendingAlert {
  const where = `alert ${JSON.stringify(a.rule)}`;
  for (const key of ['rule', 'priority', 'source', 'hostname', 'output'] as const) {
    if (typeof a[key] !== 'string') throw new TypeError(`${where}: ${key} must be a string`);
  }
  if (typeof a.ts !== 'bigint') throw new TypeError(`${where}: ts must be a bigint`);
  if (!Array.isArray(a.tags) || a.tags.some((t) => typeof t !== 'string')) {
    throw new TypeError(`${where}: tags must be strings`);
  }
  if (a.seq !== undefined && (!Number.isSafeInteger(a.seq) || a.seq < 1)) {
    throw new RangeError(`${where}: seq must be a positive integer, got ${String(a.seq)}`);
  }
  if (!Number.isInteger(a.repeats) || a.repeats < 0 || a.repeats > 2 ** 31 - 1) {
    throw new RangeError(`${where}: repeats must be a non-negative 32-bit integer, got ${String(a.repeats)}`);
  }
  return {
    ...(a.seq !== undefined && { seq: a.seq }),
    ts: a.ts,
    rule: a.rule,
    priority: a.priority,
    source: a.source,
    tags: [...a.tags],
    hostname: a.hostname,
    output: a.output,
    fieldsJson: encodeJson(a.outputFields ?? {}),
    repeats: a.repeats,
  };
}

const FINISH_RUN = `UPDATE runs SET status = $2, ended_at = $3, exit_kind = $4, exit_code = $5, exit_signal = $6,
  exit_signo = $7, event_count = $8, summary = $9 WHERE id = $1`;

const FINISH_TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, VARCHAR, INTEGER, VARCHAR, INTEGER, BIGINT, VARCHAR];

const SEEN_BATCH = 'SELECT 1 FROM ingest_batches WHERE run_id = $1 AND batch_id = $2';
const RECORD_BATCH = 'INSERT INTO ingest_batches VALUES ($1, $2, $3, $4, $5)';
const RECORD_BATCH_TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, BIGINT, BIGINT];
const INSERT_NDJSON_TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, BIGINT];

/** Events per (type, source), as the metrics count them. */
function countByTypeAndSource(events: StoredEvent[]): NdjsonBatchResult['counts'] {
  const counts = new Map<string, { type: string; source: string; events: number }>();
  for (const { event } of events) {
    const key = `${event.type}\0${event.source}`;
    const c = counts.get(key);
    if (c === undefined) counts.set(key, { type: event.type, source: event.source, events: 1 });
    else c.events++;
  }
  return [...counts.values()];
}

const ABANDON_RUN = "UPDATE runs SET status = 'incomplete', event_count = $2 WHERE id = $1";
const ABANDON_TYPES: DuckDBType[] = [VARCHAR, BIGINT];

function exitColumns(exit: ExitStatus | undefined): DuckDBValue[] {
  if (exit === undefined) return [null, null, null, null];
  if (exit.kind === 'exited') return ['exited', exit.code, null, null];
  return ['killed', null, exit.signal, exit.signo];
}

/**
 * Appends an integral number to a BIGINT column, skipping the bigint allocation when it fits in
 * 32 bits (the appender widens it), which is nearly always: measured ~10% off those columns.
 */
function appendInt64(a: DuckDBAppender, n: number): void {
  if ((n | 0) === n) a.appendInteger(n);
  else a.appendBigInt(BigInt(n));
}

/** How far a run has been stored: its highest sequence number and its event count. */
export interface RunProgress {
  lastSeq: number;
  stored: number;
}

export class DuckDbRunWriter implements StoreRunWriter {
  private buffer: StoredEvent[] = [];
  /** Events taken from the buffer by the write in progress. */
  private inFlight = 0;
  private readonly pendingProcesses = new Map<number, ProcessRecord>();
  private readonly pendingFindings = new Map<string, PendingFinding>();
  private pendingAlerts: PendingAlert[] = [];
  /** The last alert number given out; read from the store at the first write (a resumed run has some). */
  private lastAlertSeq: number | undefined;
  /**
   * The last sequence number handed out. A batch that stores fewer events than it reserved
   * (blank lines, or refused) leaves a gap unless a later batch had reserved nothing yet.
   */
  private lastSeq: number;
  /** Events committed so far: the run's event count. */
  private stored: number;
  private storedSinceCheckpoint = 0;
  /** Events in appendBatch calls not yet committed. */
  private batchedEvents = 0;
  /** NDJSON batches being written on the ingest lanes, by batch id. */
  private readonly onLanes = new Map<string, Promise<NdjsonBatchResult>>();
  private chain: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private failure: Error | undefined;
  private state: 'open' | 'finishing' | 'closed' = 'open';
  private readonly timer: NodeJS.Timeout;
  private ending: Promise<void> | undefined;

  constructor(
    readonly runId: string,
    private readonly storePath: string,
    private readonly conn: DuckDBConnection,
    private readonly appender: DuckDBAppender,
    private readonly upsert: DuckDBPreparedStatement,
    private readonly upsertFinding: DuckDBPreparedStatement,
    private readonly options: WriterOptions,
    private readonly lanes: IngestLanes,
    private readonly onClosed: (writer: DuckDbRunWriter) => void,
    /** What a resumed run has stored already: its highest sequence number and its event count. */
    start: RunProgress = { lastSeq: 0, stored: 0 },
  ) {
    this.lastSeq = start.lastSeq;
    this.stored = start.stored;
    this.timer = setInterval(() => {
      if (
        this.buffer.length > 0 ||
        this.pendingProcesses.size > 0 ||
        this.pendingFindings.size > 0 ||
        this.pendingAlerts.length > 0
      ) {
        this.queueWrite();
      }
    }, options.flushIntervalMs);
    // A forgotten writer must not keep the process alive; the caller's finish() writes the rest.
    this.timer.unref();
  }

  static async create(
    runId: string,
    storePath: string,
    conn: DuckDBConnection,
    options: WriterOptions,
    lanes: IngestLanes,
    onClosed: (writer: DuckDbRunWriter) => void,
    start?: RunProgress,
  ): Promise<DuckDbRunWriter> {
    const appender = await conn.createAppender('events');
    const upsert = await conn.prepare(UPSERT_PROCESS);
    const upsertFinding = await conn.prepare(UPSERT_FINDING);
    return new DuckDbRunWriter(
      runId,
      storePath,
      conn,
      appender,
      upsert,
      upsertFinding,
      options,
      lanes,
      onClosed,
      start,
    );
  }

  appendEvents(events: StoredEvent[]): void {
    this.assertOpen();
    if (this.failure !== undefined) return; // flush()/finish() report it; the sensor must not stall
    for (const e of events) this.buffer.push(e);
    if (this.buffer.length >= this.options.batchRows) this.queueWrite();
  }

  backlog(): number {
    return this.buffer.length + this.inFlight + this.batchedEvents;
  }

  appendBatch(batchId: string, events: StoredEvent[]): Promise<BatchResult> {
    this.assertOpen();
    // Whatever appendEvents buffered first lands first, so sequence numbers follow arrival.
    this.queueWrite();
    this.batchedEvents += events.length;
    return this.enqueue(() => this.writeBatch(batchId, events)).finally(() => {
      this.batchedEvents -= events.length;
    });
  }

  appendNdjsonBatch(batchId: string, file: string, batch: NdjsonBatchOptions): Promise<NdjsonBatchResult> {
    this.assertOpen();
    const twin = this.onLanes.get(batchId);
    if (twin !== undefined) {
      // The same batch again while its first send is still being written: stored once, or
      // written now if that first attempt failed.
      return twin.then(
        (): NdjsonBatchResult => ({ duplicate: true, stored: 0, total: this.stored, counts: [] }),
        () => this.appendNdjsonBatch(batchId, file, batch),
      );
    }
    this.batchedEvents += batch.lines;
    const first = this.reserve(batch.lines);
    const task = this.lanes
      .run((conn) => this.writeNdjsonBatch(conn, batchId, file, first, batch))
      .finally(() => {
        this.batchedEvents -= batch.lines;
        this.onLanes.delete(batchId);
      });
    this.onLanes.set(batchId, task);
    return task;
  }

  upsertProcesses(processes: ProcessRecord[]): void {
    this.assertOpen();
    for (const p of processes) this.pendingProcesses.set(p.pid, p);
  }

  upsertFindings(findings: FindingRecord[]): void {
    this.assertOpen();
    // All checked before any is taken, so a bad finding leaves the buffer as it was.
    const pending = findings.map(pendingFinding);
    // One row per id per write: the last upsert of a finding is the one that counts.
    for (const f of pending) this.pendingFindings.set(f.id, f);
  }

  appendAlerts(alerts: AlertRecord[]): void {
    this.assertOpen();
    // All checked before any is taken, as findings are.
    const pending = alerts.map(pendingAlert);
    for (const a of pending) this.pendingAlerts.push(a);
  }

  /** The cost of rules is a collector's metric; the run's own record does not keep it. */
  noteRuleCost(): void {}

  async flush(): Promise<void> {
    this.queueWrite();
    await this.chain;
    if (this.failure !== undefined) throw this.failureError();
  }

  async finish(outcome: { endedAt: bigint; exit?: ExitStatus; summary: unknown; partial: boolean }): Promise<void> {
    this.assertOpen();
    await this.end((complete) => [
      FINISH_RUN,
      [
        this.runId,
        complete && !outcome.partial ? 'complete' : 'incomplete',
        outcome.endedAt,
        ...exitColumns(outcome.exit),
        this.stored,
        encodeJson(outcome.summary ?? null),
      ],
      FINISH_TYPES,
    ]);
    if (this.failure !== undefined) throw this.failureError();
  }

  /**
   * Writes what is buffered and gives the run up as incomplete: the store is closing under it.
   * Waits for a finish already under way instead, so the store never closes beneath it.
   */
  async abandon(): Promise<void> {
    if (this.state === 'open') {
      await this.end(() => [ABANDON_RUN, [this.runId, this.stored], ABANDON_TYPES]);
    } else {
      await this.ending?.catch(() => undefined);
    }
  }

  /** Writes the rest, records the run's final row (built once we know whether all events made it), and lets go. */
  private end(finalRow: (allWritten: boolean) => [string, DuckDBValue[], DuckDBType[]]): Promise<void> {
    this.state = 'finishing';
    clearInterval(this.timer);
    this.queueWrite();
    this.ending = (async () => {
      await Promise.allSettled(this.onLanes.values());
      await this.chain;
      try {
        // A run whose events could not all be written is not a complete record, whatever its outcome.
        const [sql, values, types] = finalRow(this.failure === undefined);
        await this.conn.run(sql, values, types);
        await this.checkpoint(this.conn);
      } finally {
        this.release();
      }
    })();
    return this.ending;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new StoreError(`run ${this.runId} is already finished`);
  }

  private failureError(): StoreError {
    return new StoreError(`writing run ${this.runId} to store ${this.storePath} failed: ${this.failure?.message}`);
  }

  /** Runs `step` on the writer's chain, after every step queued before it. */
  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const task = this.chain.then(step);
    // A step that fails is reported to its caller; the run itself goes on.
    this.chain = task.then(
      () => undefined,
      () => undefined,
    );
    return task;
  }

  /** Hands out `count` sequence numbers, in the order writes arrive; returns the first. */
  private reserve(count: number): number {
    const first = this.lastSeq + 1;
    this.lastSeq += count;
    return first;
  }

  /** Gives back the unused end of a reservation, if nothing has been handed out after it. */
  private unreserve(first: number, reserved: number, used: number): void {
    if (this.lastSeq === first + reserved - 1) this.lastSeq = first + used - 1;
  }

  private committed(events: number): void {
    this.stored += events;
    this.storedSinceCheckpoint += events;
  }

  private queueWrite(): void {
    if (this.writeQueued) return;
    this.writeQueued = true;
    this.chain = this.chain
      .then(() => this.writeBuffered())
      .catch((err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      });
  }

  private async writeBuffered(): Promise<void> {
    this.writeQueued = false;
    if (this.failure !== undefined) return;
    const events = this.buffer;
    this.buffer = [];
    this.inFlight = events.length;
    // The buffer can hold far more than a batch (it keeps filling while a checkpoint runs); each
    // slice blocks the event loop while it is appended, so slices stay batch-sized, with a turn
    // of the loop between them for the sensor.
    const size = this.options.batchRows;
    try {
      for (let from = 0; from < events.length; from += size) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const slice = from === 0 && events.length <= size ? events : events.slice(from, from + size);
        this.appendRows(slice, this.reserve(slice.length));
        this.committed(slice.length);
        this.inFlight = Math.max(0, events.length - from - size);
      }
    } finally {
      this.inFlight = 0;
    }
    if (this.pendingProcesses.size > 0) await this.writeProcesses();
    if (this.pendingFindings.size > 0) await this.writeFindings();
    if (this.pendingAlerts.length > 0) await this.writeAlerts();
    if (this.storedSinceCheckpoint >= this.options.checkpointRows) await this.checkpoint(this.conn);
  }

  /** Writes a decoded batch with the appender, numbered from `firstSeq` when its numbers were handed out already. */
  private async writeBatch(batchId: string, events: StoredEvent[], firstSeq?: number): Promise<BatchResult> {
    if (this.failure !== undefined) throw this.failureError();
    const seen = await this.conn.runAndReadAll(SEEN_BATCH, [this.runId, batchId]);
    if (seen.currentRowCount > 0) return { duplicate: true, stored: 0, total: this.stored };
    const first = firstSeq ?? this.reserve(events.length);
    const size = this.options.batchRows;
    await this.conn.run('BEGIN TRANSACTION');
    try {
      // Inside the transaction each appender flush stays uncommitted until COMMIT; slices let
      // the event loop (HTTP, queries) turn between them.
      for (let from = 0; from < events.length; from += size) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        this.appendRows(events.length <= size ? events : events.slice(from, from + size), first + from);
      }
      const receivedAt = BigInt(Date.now()) * 1_000_000n;
      await this.conn.run(
        RECORD_BATCH,
        [this.runId, batchId, BigInt(events.length), BigInt(first), receivedAt],
        RECORD_BATCH_TYPES,
      );
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      if (firstSeq === undefined) this.unreserve(first, events.length, 0);
      throw err;
    }
    this.committed(events.length);
    if (this.storedSinceCheckpoint >= this.options.checkpointRows) await this.checkpoint(this.conn);
    return { duplicate: false, stored: events.length, total: this.stored };
  }

  /**
   * Inserts an NDJSON batch on lane connection `conn`, numbered from `first` (its `batch.lines`
   * numbers were handed out on arrival). A batch the checked INSERT refuses is decoded in
   * JavaScript and written on the chain instead, in the same numbers, or refused with the
   * decoder's error.
   */
  private async writeNdjsonBatch(
    conn: DuckDBConnection,
    batchId: string,
    file: string,
    first: number,
    batch: NdjsonBatchOptions,
  ): Promise<NdjsonBatchResult> {
    if (this.failure !== undefined) throw this.failureError();
    const seen = await conn.runAndReadAll(SEEN_BATCH, [this.runId, batchId]);
    if (seen.currentRowCount > 0) {
      this.unreserve(first, batch.lines, 0);
      return { duplicate: true, stored: 0, total: this.stored, counts: [] };
    }
    await conn.run('BEGIN TRANSACTION');
    let stored: number;
    let counts: NdjsonBatchResult['counts'];
    try {
      const inserted = await conn.run(
        INSERT_NDJSON_BATCH,
        [file, this.runId, BigInt(first - 1), BigInt(batch.maxEvents)],
        INSERT_NDJSON_TYPES,
      );
      stored = inserted.rowsChanged;
      const byType = await conn.runAndReadAll(COUNT_INSERTED, [this.runId, BigInt(first), BigInt(first + stored - 1)]);
      counts = byType.getRowObjectsJS().map((r) => ({
        type: String(r.type),
        source: String(r.source),
        events: Number(r.events),
      }));
      const receivedAt = BigInt(Date.now()) * 1_000_000n;
      await conn.run(
        RECORD_BATCH,
        [this.runId, batchId, BigInt(stored), BigInt(first), receivedAt],
        RECORD_BATCH_TYPES,
      );
    } catch {
      // Refused (a line DuckDB cannot read, or one not in the form it reads exactly as the
      // codec does): the codec decides, in this batch's place in the run's order.
      await conn.run('ROLLBACK').catch(() => undefined);
      return this.writeDecoded(batchId, first, batch);
    }
    try {
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      this.unreserve(first, batch.lines, 0);
      throw err;
    }
    this.committed(stored);
    this.unreserve(first, batch.lines, stored);
    if (this.storedSinceCheckpoint >= this.options.checkpointRows) await this.checkpoint(conn);
    return { duplicate: false, stored, total: this.stored, counts };
  }

  /** The codec's path for a batch the checked INSERT refused: stored as decoded, or refused with the line that is wrong. */
  private async writeDecoded(batchId: string, first: number, batch: NdjsonBatchOptions): Promise<NdjsonBatchResult> {
    let events: StoredEvent[];
    try {
      events = batch.parse();
    } catch (err) {
      this.unreserve(first, batch.lines, 0);
      throw err;
    }
    try {
      const result = await this.enqueue(() => this.writeBatch(batchId, events, first));
      this.unreserve(first, batch.lines, result.stored);
      return { ...result, counts: countByTypeAndSource(events) };
    } catch (err) {
      this.unreserve(first, batch.lines, 0);
      throw err;
    }
  }

  /**
   * DuckDB's own automatic checkpoint runs inside the commit that crosses its WAL threshold,
   * which here is an appender flush on the event loop: measured at up to 0.75 s with the sensor's
   * events piling up behind it. The store raises that threshold (open.ts) and the writer
   * checkpoints itself through the async API instead, which runs on a worker thread while
   * appendEvents keeps buffering.
   */
  private async checkpoint(conn: DuckDBConnection): Promise<void> {
    this.storedSinceCheckpoint = 0;
    try {
      await conn.run('CHECKPOINT');
    } catch {
      // Not this run's failure: the data is committed in the WAL, and a later checkpoint (or
      // DuckDB's own, at its threshold or on close) moves it into the file.
    }
  }

  /** Appends `events` numbered from `firstSeq`; the caller commits and counts them. */
  private appendRows(events: StoredEvent[], firstSeq: number): void {
    const a = this.appender;
    let seq = firstSeq - 1;
    try {
      for (const { event: e, path, path2, endpoint } of events) {
        a.appendVarchar(this.runId);
        appendInt64(a, ++seq);
        a.appendBigInt(e.ts);
        a.appendVarchar(e.source);
        a.appendVarchar(e.type);
        a.appendInteger(e.pid);
        a.appendInteger(e.tid);
        if (e.res === undefined) a.appendNull();
        else appendInt64(a, e.res);
        if (e.errno === undefined) a.appendNull();
        else a.appendVarchar(e.errno);
        if (path === undefined) a.appendNull();
        else a.appendVarchar(path);
        if (path2 === undefined) a.appendNull();
        else a.appendVarchar(path2);
        if (endpoint === undefined) a.appendNull();
        else a.appendVarchar(endpoint);
        if (e.truncated === undefined) a.appendNull();
        else a.appendBoolean(e.truncated);
        a.appendVarchar(encodeArgs(e.args));
        a.endRow();
      }
      a.flushSync();
    } catch (err) {
      // Drop the half-built batch so that closing the appender does not commit part of it.
      a.clear();
      throw err;
    }
  }

  private async writeProcesses(): Promise<void> {
    const processes = [...this.pendingProcesses.values()];
    this.pendingProcesses.clear();
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const p of processes) {
        this.upsert.bind(
          [
            this.runId,
            p.pid,
            p.ppid,
            p.exePath,
            listValue(p.args),
            p.cwd,
            BigInt(p.uid),
            BigInt(p.gid),
            p.user,
            p.group,
            p.startTs,
            p.exitTs ?? null,
            p.exitCode ?? null,
            p.exitSignal ?? null,
          ],
          PROCESS_TYPES,
        );
        await this.upsert.run();
      }
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
  }

  private async writeFindings(): Promise<void> {
    const findings = [...this.pendingFindings.values()];
    this.pendingFindings.clear();
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const f of findings) {
        this.upsertFinding.bind(
          [
            this.runId,
            f.id,
            f.ruleId,
            f.kind,
            f.severity,
            f.title,
            f.message,
            f.fingerprint,
            BigInt(f.count),
            f.firstTs,
            f.lastTs,
            f.evidenceJson,
          ],
          FINDING_TYPES,
        );
        await this.upsertFinding.run();
      }
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
  }

  private async writeAlerts(): Promise<void> {
    const alerts = this.pendingAlerts;
    this.pendingAlerts = [];
    if (this.lastAlertSeq === undefined) {
      const last = await this.conn.runAndReadAll(LAST_ALERT_SEQ, [this.runId]);
      this.lastAlertSeq = Number(last.getRows()[0]?.[0] ?? 0);
    }
    let seq = this.lastAlertSeq;
    // One row per number: a retry inside the same write is dropped here, one already stored by OR IGNORE.
    const rows = new Map<number, DuckDBValue[]>();
    for (const a of alerts) {
      const n = a.seq ?? seq + 1;
      seq = Math.max(seq, n);
      if (rows.has(n)) continue;
      rows.set(n, [
        this.runId,
        BigInt(n),
        a.ts,
        a.rule,
        a.priority,
        a.source,
        listValue(a.tags),
        a.hostname,
        a.output,
        a.fieldsJson,
        a.repeats,
      ]);
    }
    const all = [...rows.values()];
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (let from = 0; from < all.length; from += ALERT_ROWS_PER_INSERT) {
        const chunk = all.slice(from, from + ALERT_ROWS_PER_INSERT);
        await this.conn.run(
          insertAlertsSql(chunk.length),
          chunk.flat(),
          chunk.flatMap(() => ALERT_TYPES),
        );
      }
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
    this.lastAlertSeq = seq;
  }

  private release(): void {
    this.state = 'closed';
    try {
      this.appender.closeSync();
    } catch (err) {
      // Only reachable after a failed flush, which is already recorded and reported.
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    }
    this.conn.closeSync();
    this.onClosed(this);
  }
}
