/**
 * The Store over one open DuckDB file. Reads share one connection; each run writer and each
 * event stream gets its own, because a DuckDB connection runs one statement at a time and a new
 * query on it would cut a half-read stream short.
 */
import {
  BIGINT,
  INTEGER,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Event } from '../../events/event.js';
import {
  FINDING_SEVERITIES,
  StoreError,
  type AlertFilter,
  type EndpointCount,
  type EventQuery,
  type EventRow,
  type EventSearch,
  type FindingFilter,
  type FindingRecord,
  type BeginRunOptions,
  type NewRun,
  type ProcessRecord,
  type RuleHits,
  type RunFilter,
  type RunRecord,
  type RunStatus,
  type StoreRunWriter,
  type Store,
  type StoreStats,
  type StoredAlert,
} from '../store.js';
import { newRunId } from './run-id.js';
import { asNumber, asOptString, asString } from './values.js';
import { IngestLanes } from './ingest-lanes.js';
import { DuckDbRunWriter, type WriterOptions } from './run-writer.js';
import {
  ALERT_COLUMNS,
  alertFromRow,
  EVENT_SELECT,
  FINDING_COLUMNS,
  PROCESS_COLUMNS,
  RUN_COLUMNS,
  SEVERITY_RANK,
  buildValues,
  eventFromRow,
  eventRowFromRow,
  EVENT_ROW_SELECT,
  findingFromRow,
  processFromRow,
  RULE_HITS_SELECT,
  ruleHitsFromRow,
  runFromRow,
} from './rows.js';

const INSERT_RUN = `INSERT INTO runs
  (id, command, cwd, sensor, hostname, started_at, status, harrier_version, owner_pid,
   build_id, branch, commit_sha, component, ci, build_url)
  VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9, $10, $11, $12, $13, $14)`;

const INSERT_RUN_TYPES: DuckDBType[] = [
  VARCHAR,
  LIST(VARCHAR),
  VARCHAR,
  VARCHAR,
  VARCHAR,
  BIGINT,
  VARCHAR,
  INTEGER,
  ...buildValues(undefined).map(() => VARCHAR),
];

/**
 * Run-creation keys share `ingest_batches` with event batch ids, which also keeps them across
 * restarts: the batch id is `run:<key>`, and first_seq -1 (no event batch has it) marks the row,
 * so an event batch that happened to be named `run:…` is never taken for one.
 */
const RUN_KEY_PREFIX = 'run:';
const RUN_KEY_MARK = -1;
const RECORD_RUN_KEY = 'INSERT INTO ingest_batches VALUES ($1, $2, 0, $3, $4)';
const RUN_FOR_KEY = 'SELECT run_id FROM ingest_batches WHERE batch_id = $1 AND first_seq = $2 LIMIT 1';

const NEWEST_FIRST = 'ORDER BY started_at DESC, id DESC';

/** How many candidates an ambiguous prefix error lists. */
const AMBIGUOUS_SHOWN = 10;

export class DuckDbStore implements Store {
  private readonly writers = new Set<DuckDbRunWriter>();
  private readonly streams = new Set<DuckDBConnection>();
  private closed = false;
  /** Connections for NDJSON batches, opened on first use (a `harrier run` never needs them). */
  private readonly lanes: IngestLanes;

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly readOnly: boolean,
    private readonly writerOptions: WriterOptions,
    private readonly onClose: () => void,
  ) {
    this.lanes = new IngestLanes(instance);
  }

  async beginRun(run: NewRun, opts: BeginRunOptions = {}): Promise<StoreRunWriter> {
    this.assertOpen();
    if (this.readOnly) throw new StoreError(`store ${this.path} is open read-only; cannot record a run`);
    const conn = await this.instance.connect();
    const key = opts.idempotencyKey;
    try {
      const id = newRunId();
      // Committed at once (autocommit, or with its key in one transaction): a crash from here on
      // leaves a run that recovery can close out, and never a key without its run.
      if (key !== undefined) await conn.run('BEGIN TRANSACTION');
      await conn.run(
        INSERT_RUN,
        [
          id,
          listValue(run.command),
          run.cwd,
          run.sensor,
          run.hostname,
          run.startedAt,
          run.harrierVersion,
          process.pid,
          ...buildValues(run.build),
        ],
        INSERT_RUN_TYPES,
      );
      if (key !== undefined) {
        await conn.run(
          RECORD_RUN_KEY,
          [id, RUN_KEY_PREFIX + key, RUN_KEY_MARK, BigInt(Date.now()) * 1_000_000n],
          [VARCHAR, VARCHAR, BIGINT, BIGINT],
        );
        await conn.run('COMMIT');
      }
      const writer = await DuckDbRunWriter.create(id, this.path, conn, this.writerOptions, this.lanes, (w) =>
        this.writers.delete(w),
      );
      this.writers.add(writer);
      return writer;
    } catch (err) {
      if (key !== undefined) await conn.run('ROLLBACK').catch(() => undefined);
      conn.closeSync();
      throw err;
    }
  }

  async runIdForKey(idempotencyKey: string): Promise<string | undefined> {
    this.assertOpen();
    const reader = await this.conn.runAndReadAll(RUN_FOR_KEY, [RUN_KEY_PREFIX + idempotencyKey, RUN_KEY_MARK]);
    const row = reader.getRows()[0];
    return row === undefined ? undefined : asString(row[0] ?? null);
  }

  async resumeRun(runId: string): Promise<StoreRunWriter> {
    this.assertOpen();
    if (this.readOnly) throw new StoreError(`store ${this.path} is open read-only; cannot record a run`);
    const run = (await this.queryRuns(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [runId]))[0];
    if (run === undefined) throw new StoreError(`no run ${runId} in store ${this.path}`);
    if (run.status === 'complete' || run.endedAt !== undefined) {
      throw new StoreError(`run ${runId} has finished; it takes no more events`);
    }
    if ([...this.writers].some((w) => w.runId === runId)) {
      throw new StoreError(`run ${runId} is already being written`);
    }
    const conn = await this.instance.connect();
    try {
      // Numbers can have gaps (a batch that stored fewer events than it reserved), so the next
      // number and the count are read separately.
      const progress = await conn.runAndReadAll(
        'SELECT coalesce(max(seq), 0), count(*) FROM events WHERE run_id = $1',
        [runId],
      );
      await conn.run("UPDATE runs SET status = 'running' WHERE id = $1", [runId]);
      const [lastSeq, stored] = progress.getRows()[0] ?? [];
      const writer = await DuckDbRunWriter.create(
        runId,
        this.path,
        conn,
        this.writerOptions,
        this.lanes,
        (w) => this.writers.delete(w),
        { lastSeq: asNumber(lastSeq ?? null), stored: asNumber(stored ?? null) },
      );
      this.writers.add(writer);
      return writer;
    } catch (err) {
      conn.closeSync();
      throw err;
    }
  }

  async listRuns(opts: RunFilter = {}): Promise<RunRecord[]> {
    this.assertOpen();
    const where: string[] = [];
    const values: DuckDBValue[] = [];
    const equal = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      values.push(value);
      where.push(`${column} = $${values.length}`);
    };
    equal('component', opts.component);
    equal('branch', opts.branch);
    equal('build_id', opts.buildId);
    equal('status', opts.status);
    if (opts.since !== undefined) {
      values.push(opts.since);
      where.push(`started_at >= $${values.length}`);
    }
    if (opts.until !== undefined) {
      values.push(opts.until);
      where.push(`started_at < $${values.length}`);
    }
    if (opts.completeOnly === true) where.push("status = 'complete'");
    if (opts.excludeId !== undefined) {
      values.push(opts.excludeId);
      where.push(`id <> $${values.length}`);
    }
    let sql = `SELECT ${RUN_COLUMNS} FROM runs${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ${NEWEST_FIRST}`;
    if (opts.limit !== undefined) {
      values.push(opts.limit);
      sql += ` LIMIT $${values.length}`;
    }
    if (opts.offset !== undefined) {
      values.push(opts.offset);
      sql += ` OFFSET $${values.length}`;
    }
    return this.queryRuns(sql, values);
  }

  async getRun(idOrPrefix: string): Promise<RunRecord | undefined> {
    this.assertOpen();
    if (idOrPrefix === 'last') return (await this.listRuns({ limit: 1 }))[0];
    if (idOrPrefix === '') return undefined;
    const exact = await this.queryRuns(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [idOrPrefix]);
    if (exact[0] !== undefined) return exact[0];
    const matches = await this.queryRuns(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE starts_with(id, $1) ${NEWEST_FIRST} LIMIT $2`,
      [idOrPrefix, AMBIGUOUS_SHOWN + 1],
    );
    if (matches.length <= 1) return matches[0];
    const shown = matches.slice(0, AMBIGUOUS_SHOWN).map((r) => r.id);
    const more = matches.length > AMBIGUOUS_SHOWN ? ', …' : '';
    throw new StoreError(
      `run id prefix "${idOrPrefix}" is ambiguous: it matches ${shown.join(', ')}${more}`,
      'give more characters of the run id (`harrier report --list` shows them)',
    );
  }

  async processes(runId: string): Promise<ProcessRecord[]> {
    this.assertOpen();
    const reader = await this.conn.runAndReadAll(
      `SELECT ${PROCESS_COLUMNS} FROM processes WHERE run_id = $1 ORDER BY start_ts, pid`,
      [runId],
    );
    return reader.getRows().map(processFromRow);
  }

  async findings(runId: string, filter: FindingFilter = {}): Promise<FindingRecord[]> {
    this.assertOpen();
    const where = ['run_id = $1'];
    const values: DuckDBValue[] = [runId];
    const oneOf = (column: string, list: readonly string[] | undefined): void => {
      if (list === undefined) return;
      values.push(listValue([...list]));
      where.push(`list_contains($${values.length}, ${column})`);
    };
    oneOf('severity', filter.severities);
    oneOf('kind', filter.kinds);
    if (filter.ruleId !== undefined) {
      values.push(filter.ruleId);
      where.push(`rule_id = $${values.length}`);
    }
    // id last: a total order, so equal-looking findings always list the same way.
    const reader = await this.conn.runAndReadAll(
      `SELECT ${FINDING_COLUMNS} FROM findings WHERE ${where.join(' AND ')} ORDER BY ${SEVERITY_RANK}, count DESC, title, id`,
      values,
    );
    return reader.getRows().map(findingFromRow);
  }

  async *searchEvents(query: EventSearch): AsyncGenerator<EventRow> {
    this.assertOpen();
    const where = ['run_id = $1'];
    const values: DuckDBValue[] = [query.runId];
    const add = (clause: (param: string) => string, value: DuckDBValue): void => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (query.types !== undefined) {
      if (query.types.length === 0) return;
      add((p) => `list_contains(${p}, type)`, listValue(query.types));
    }
    if (query.pid !== undefined) add((p) => `pid = ${p}`, query.pid);
    if (query.pathContains !== undefined) {
      add((p) => `(contains(path, ${p}) OR contains(path2, ${p}))`, query.pathContains);
    }
    if (query.endpointContains !== undefined) add((p) => `contains(endpoint, ${p})`, query.endpointContains);
    if (query.since !== undefined) add((p) => `ts >= ${p}`, query.since);
    if (query.until !== undefined) add((p) => `ts < ${p}`, query.until);
    if (query.afterSeq !== undefined) add((p) => `seq > ${p}`, BigInt(query.afterSeq));
    let sql = `SELECT ${EVENT_ROW_SELECT} FROM events WHERE ${where.join(' AND ')} ORDER BY seq`;
    if (query.limit !== undefined) {
      values.push(query.limit);
      sql += ` LIMIT $${values.length}`;
    }
    yield* this.stream(sql, values, eventRowFromRow);
  }

  async alerts(filter: AlertFilter): Promise<StoredAlert[]> {
    this.assertOpen();
    const where: string[] = [];
    const values: DuckDBValue[] = [];
    const add = (clause: (param: string) => string, value: DuckDBValue): void => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (filter.runId !== undefined) add((p) => `run_id = ${p}`, filter.runId);
    if (filter.since !== undefined) add((p) => `ts >= ${p}`, filter.since);
    if (filter.priorities !== undefined) {
      if (filter.priorities.length === 0) return [];
      add((p) => `list_contains(${p}, priority)`, listValue(filter.priorities));
    }
    if (filter.rule !== undefined) add((p) => `rule = ${p}`, filter.rule);
    if (filter.before !== undefined) {
      // Keyset on the ORDER BY below: strictly older than the previous page's last alert.
      const { ts, runId, seq } = filter.before;
      values.push(ts, runId, BigInt(seq));
      const n = values.length;
      const [t, r, q] = [`$${n - 2}`, `$${n - 1}`, `$${n}`];
      where.push(`(ts < ${t} OR (ts = ${t} AND (run_id < ${r} OR (run_id = ${r} AND seq < ${q}))))`);
    }
    values.push(filter.limit);
    const sql = `SELECT ${ALERT_COLUMNS} FROM alerts${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ts DESC, run_id DESC, seq DESC LIMIT $${values.length}`;
    const reader = await this.conn.runAndReadAll(sql, values);
    return reader.getRows().map(alertFromRow);
  }

  async storedAlertSeqs(runId: string, seqs: number[]): Promise<Set<number>> {
    this.assertOpen();
    if (seqs.length === 0) return new Set();
    const reader = await this.conn.runAndReadAll(
      'SELECT seq FROM alerts WHERE run_id = $1 AND list_contains($2, seq)',
      [runId, listValue(seqs.map(BigInt))],
      [VARCHAR, LIST(BIGINT)],
    );
    return new Set(reader.getRows().map((row) => asNumber(row[0] ?? null)));
  }

  async endpoints(runId: string): Promise<EndpointCount[]> {
    this.assertOpen();
    const reader = await this.conn.runAndReadAll(
      `SELECT endpoint, count(*) AS n FROM events WHERE run_id = $1 AND endpoint IS NOT NULL
       GROUP BY endpoint ORDER BY n DESC, endpoint`,
      [runId],
    );
    return reader.getRows().map((row) => ({ endpoint: asString(row[0] ?? null), events: asNumber(row[1] ?? null) }));
  }

  async stats(): Promise<StoreStats> {
    this.assertOpen();
    const runsByStatus: Record<RunStatus, number> = { running: 0, complete: 0, incomplete: 0 };
    for (const row of (await this.conn.runAndReadAll('SELECT status, count(*) FROM runs GROUP BY status')).getRows()) {
      const status = asString(row[0] ?? null);
      if (status in runsByStatus) runsByStatus[status as RunStatus] = asNumber(row[1] ?? null);
    }
    const findingsBySeverity = Object.fromEntries(
      FINDING_SEVERITIES.map((s) => [s, 0]),
    ) as StoreStats['findingsBySeverity'];
    for (const row of (
      await this.conn.runAndReadAll('SELECT severity, count(*) FROM findings GROUP BY severity')
    ).getRows()) {
      const severity = asOptString(row[0] ?? null);
      const known = FINDING_SEVERITIES.find((s) => s === severity);
      if (known !== undefined) findingsBySeverity[known] = asNumber(row[1] ?? null);
    }
    const events = asNumber((await this.conn.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]?.[0] ?? null);
    return {
      runs: Object.values(runsByStatus).reduce((a, b) => a + b, 0),
      runsByStatus,
      events,
      findings: Object.values(findingsBySeverity).reduce((a, b) => a + b, 0),
      findingsBySeverity,
    };
  }

  async ruleHits(): Promise<RuleHits[]> {
    this.assertOpen();
    return (await this.conn.runAndReadAll(RULE_HITS_SELECT)).getRows().map(ruleHitsFromRow);
  }

  async *events(query: EventQuery): AsyncGenerator<Event> {
    this.assertOpen();
    const where = ['run_id = $1'];
    const values: DuckDBValue[] = [query.runId];
    if (query.types !== undefined) {
      // An empty type list selects nothing, as `IN ()` would if SQL allowed it.
      if (query.types.length === 0) return;
      values.push(listValue(query.types));
      where.push(`list_contains($${values.length}, type)`);
    }
    if (query.pid !== undefined) {
      values.push(query.pid);
      where.push(`pid = $${values.length}`);
    }
    let sql = `SELECT ${EVENT_SELECT} FROM events WHERE ${where.join(' AND ')} ORDER BY seq`;
    if (query.limit !== undefined) {
      values.push(query.limit);
      sql += ` LIMIT $${values.length}`;
    }
    if (query.offset !== undefined) {
      values.push(query.offset);
      sql += ` OFFSET $${values.length}`;
    }
    yield* this.stream(sql, values, eventFromRow);
  }

  /** Streams a query's rows on a connection of its own (see the file comment). */
  private async *stream<T>(sql: string, values: DuckDBValue[], fromRow: (row: DuckDBValue[]) => T): AsyncGenerator<T> {
    const conn = await this.instance.connect();
    this.streams.add(conn);
    try {
      const result = await conn.stream(sql, values);
      for await (const rows of result.yieldRows()) {
        for (const row of rows) yield fromRow(row);
      }
    } finally {
      if (this.streams.delete(conn)) conn.closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Runs still open when their store closes did not finish: keep what they buffered.
      for (const writer of [...this.writers]) await writer.abandon();
      this.lanes.close();
      // Checkpoint through the async API so that closeSync below, on the event loop, finds little to do.
      if (!this.readOnly) await this.conn.run('CHECKPOINT').catch(() => undefined);
    } finally {
      for (const conn of this.streams) conn.closeSync();
      this.streams.clear();
      this.conn.closeSync();
      this.instance.closeSync();
      this.onClose();
    }
  }

  private async queryRuns(sql: string, values: DuckDBValue[]): Promise<RunRecord[]> {
    const reader = await this.conn.runAndReadAll(sql, values);
    const runs = reader.getRows().map(runFromRow);
    for (const [i, run] of runs.entries()) {
      if (this.readOnly && run.status === 'running') runs[i] = await this.asRecovered(run);
    }
    return runs;
  }

  /**
   * Read-only opens cannot run recovery, but they cannot coexist with a writer either (DuckDB's
   * lock), so a run still marked `running` is one whose writer died: show it as recovery would
   * leave it.
   */
  private async asRecovered(run: RunRecord): Promise<RunRecord> {
    const reader = await this.conn.runAndReadAll('SELECT count(*) FROM events WHERE run_id = $1', [run.id]);
    return { ...run, status: 'incomplete', eventCount: asNumber(reader.getRows()[0]?.[0] ?? null) };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError(`store ${this.path} is closed`);
  }
}
