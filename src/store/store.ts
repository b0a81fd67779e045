/**
 * The Store interface: where runs, their processes, events and findings are kept.
 * The embedded DuckDB implementation lives in ./duckdb; scale-out engines can come later
 * behind the same interface.
 */
import type { Event, SensorKind } from '../events/event.js';
import type { BuildInfo } from '../findings/assessment.js';
import { FINDING_KINDS, SEVERITIES, type FindingKind, type Severity } from '../findings/finding.js';
import type { ExitStatus } from '../sensors/sensor.js';

export type RunStatus = 'running' | 'complete' | 'incomplete';

export interface NewRun {
  /** The observed command line (argv as given by the user). */
  command: string[];
  cwd: string;
  sensor: SensorKind;
  hostname: string;
  /** Start time, nanoseconds since the epoch. */
  startedAt: bigint;
  harrierVersion: string;
  /** CI build metadata, when known (flags or detected from the CI's environment). */
  build?: BuildInfo;
}

export interface RunRecord extends NewRun {
  id: string;
  status: RunStatus;
  endedAt?: bigint;
  exit?: ExitStatus;
  eventCount: number;
  /** The run's summary as JSON, written when the run finishes (absent for incomplete runs). */
  summary?: unknown;
}

/** One process (thread group) as it ended up at the end of the run. */
export interface ProcessRecord {
  pid: number;
  ppid: number;
  /** Full path of the executable image. */
  exePath: string;
  args: string[];
  cwd: string;
  uid: number;
  gid: number;
  user: string;
  group: string;
  startTs: bigint;
  exitTs?: bigint;
  exitCode?: number;
  exitSignal?: string;
}

// The finding model's kinds and severities (most severe first: the order `findings()` lists them in).
export type { FindingKind };
export type FindingSeverity = Severity;
export { FINDING_KINDS, SEVERITIES as FINDING_SEVERITIES };

/** One finding of a run, deduplicated: repeats of it raise `count` and move `lastTs`. */
export interface FindingRecord {
  /** Unique within the run; upserts replace the finding with the same id. */
  id: string;
  ruleId: string;
  kind: FindingKind;
  severity: FindingSeverity;
  title: string;
  message: string;
  fingerprint: string;
  /** Occurrences so far (a non-negative safe integer). */
  count: number;
  /** First and last occurrence, nanoseconds since the epoch. */
  firstTs: bigint;
  lastTs: bigint;
  /** JSON-like, bigints included (stored with the codec that stores events' args). */
  evidence: unknown;
}

/** An event as stored: the normalised event plus the resolved context needed for queries. */
export interface StoredEvent {
  event: Event;
  /** Primary path the event concerns (opened file, fd's file, exec path, …), resolved by state. */
  path?: string;
  /** Secondary path (rename/link target). */
  path2?: string;
  /** Remote or bound endpoint, formatted (`127.0.0.1:80`, `/run/x.sock`). */
  endpoint?: string;
}

/**
 * One rule alert as it went out (Falco's alert JSON, plus Harrier's deduplication count). The
 * priority is Falco's spelling (`Warning`, `Informational`); the store takes it as given and the
 * code that produces or accepts alerts checks it.
 */
export interface AlertRecord {
  /** The alert's number in its run (1-based). Left out, the writer numbers alerts in order; a
   * sender that retries gives it, so a retried alert is stored once. */
  seq?: number;
  /** The event's time, nanoseconds since the epoch. */
  ts: bigint;
  rule: string;
  priority: string;
  source: string;
  tags: string[];
  hostname: string;
  /** The rendered output, with Falco's `time: Priority ` prefix. */
  output: string;
  /** Falco's `output_fields`: plain JSON values (large integers as decimal strings). */
  outputFields: Record<string, unknown>;
  /** Identical alerts folded into this one by a deduplication window (0: none). */
  repeats: number;
}

/** A stored alert: its run and number are always known. */
export interface StoredAlert extends AlertRecord {
  runId: string;
  seq: number;
}

/** Where a newest-first page of alerts ended: the next page starts after it. */
export interface AlertPosition {
  ts: bigint;
  runId: string;
  seq: number;
}

/** An alert search across runs, newest first (by time, then run and number). */
export interface AlertFilter {
  runId?: string;
  /** Only alerts at or after this time (ns since the epoch). */
  since?: bigint;
  /** Falco priorities, exactly as stored (`Warning`). */
  priorities?: string[];
  /** Exact rule name. */
  rule?: string;
  /** Only alerts older than this position (the last of the previous page). */
  before?: AlertPosition;
  limit: number;
}

export interface RunWriter {
  readonly runId: string;
  /** Buffers events; they reach the database in batches. Never blocks the caller. */
  appendEvents(events: StoredEvent[]): void;
  /**
   * Events accepted but not yet written. A caller that produces faster than the database writes
   * awaits `flush()` when this grows large, so memory stays bounded and the sensor, not the
   * heap, absorbs the burst (where any loss is counted).
   */
  backlog(): number;
  /** Inserts or replaces processes by pid. */
  upsertProcesses(processes: ProcessRecord[]): void;
  /**
   * Inserts or replaces findings by id, so a finding's count and lastTs can be brought up to date
   * as the run goes on. Buffered, and written with the next write (`flush()`, `finish()` or the
   * timer), which stores each finding as it was when last passed here. Throws a TypeError or
   * RangeError for a finding that cannot be stored (unknown kind or severity, bad count).
   */
  upsertFindings(findings: FindingRecord[]): void;
  /**
   * Buffers rule alerts, written with the next write as findings are. Throws a TypeError or
   * RangeError for an alert that cannot be stored (bad seq, repeats or timestamp).
   */
  appendAlerts(alerts: AlertRecord[]): void;
  /**
   * The run's rule evaluation so far (cumulative), for a collector's metrics. A local store has
   * no use for it; a remote writer reports what is new with its next event batch.
   */
  noteRuleCost(cost: RuleCost): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Flushes, records the outcome and marks the run complete (or incomplete when `partial`). */
  finish(outcome: { endedAt: bigint; exit?: ExitStatus; summary: unknown; partial: boolean }): Promise<void>;
}

/** What evaluating rules has cost a run so far. */
export interface RuleCost {
  /** Events the rules were evaluated on. */
  events: number;
  /** Seconds spent evaluating them (the detector estimates it from a sample). */
  seconds: number;
}

/** A store's own writer: it can also take acknowledged batches (the collector's ingest). */
export interface StoreRunWriter extends RunWriter {
  /**
   * Writes `events` and records `batchId` in one transaction, after anything buffered before it,
   * and resolves once both are committed: a caller that acknowledges the batch on resolution
   * never acknowledges something a crash could lose. A batch id the run already holds (it
   * survives restarts) stores nothing and resolves with `duplicate: true`.
   */
  appendBatch(batchId: string, events: StoredEvent[]): Promise<BatchResult>;
  /**
   * The same guarantees as `appendBatch` for a batch still in its wire form: `file` holds NDJSON
   * lines in the event codec (events/json.ts) with optional `path`, `path2` and `endpoint`,
   * blank lines allowed. The database reads and checks the lines itself, which is the fast way
   * in. A batch it cannot take as is (a line it refuses, or a form it does not read exactly as
   * the codec does) goes to `batch.parse`, in the same place in the run's order: what that
   * returns is stored through `appendBatch`'s path, and what it throws (the precise error) is
   * the call's error. Nothing of a refused batch is stored.
   */
  appendNdjsonBatch(batchId: string, file: string, batch: NdjsonBatchOptions): Promise<NdjsonBatchResult>;
}

export interface NdjsonBatchOptions {
  /** Lines in the file (an upper bound on its events), counted in the writer's backlog until stored. */
  lines: number;
  /** Lines (blank ones aside) past which the batch is refused; `parse` then says why. */
  maxEvents: number;
  /** Decodes the batch in JavaScript: the reference form, and the error messages' source. */
  parse: () => StoredEvent[];
}

export interface NdjsonBatchResult extends BatchResult {
  /** Events stored per (type, source), for metrics; empty for a duplicate. */
  counts: Array<{ type: string; source: string; events: number }>;
}

export interface BatchResult {
  duplicate: boolean;
  /** Events stored by this call (0 for a duplicate). */
  stored: number;
  /** Events of the run stored so far, this batch included. */
  total: number;
}

export interface EventQuery {
  runId: string;
  types?: string[];
  pid?: number;
  limit?: number;
  offset?: number;
}

/** An event search, every filter pushed down to the database. */
export interface EventSearch {
  runId: string;
  types?: string[];
  pid?: number;
  /** Substring of the event's path or second path. */
  pathContains?: string;
  /** Substring of the event's endpoint. */
  endpointContains?: string;
  /** Time range on the event's ts (ns since the epoch): since inclusive, until exclusive. */
  since?: bigint;
  until?: bigint;
  /** Keyset cursor: only events after this sequence number. */
  afterSeq?: number;
  limit?: number;
}

/** A stored event with its position in the run (1-based, gap-free). */
export interface EventRow extends StoredEvent {
  seq: number;
}

export interface FindingFilter {
  severities?: FindingSeverity[];
  kinds?: FindingKind[];
  ruleId?: string;
}

/** How often a run's events name one endpoint. */
export interface EndpointCount {
  endpoint: string;
  events: number;
}

export interface StoreStats {
  runs: number;
  runsByStatus: Record<RunStatus, number>;
  /** Stored event rows, running runs included. */
  events: number;
  findings: number;
  findingsBySeverity: Record<FindingSeverity, number>;
}

/** How often one rule fired across every stored run (its `kind: 'rule'` findings). */
export interface RuleHits {
  /** The rule's name, as rule findings carry it in `ruleId`. */
  ruleId: string;
  /** Sum of the findings' counts: the rule's alerts. */
  hits: number;
  /** Runs with at least one finding of the rule. */
  runs: number;
  /** The newest finding's last occurrence, ns since the epoch. */
  lastHit: bigint;
  /** The most severe severity its findings were given (what a rule no longer loaded is shown with). */
  severity: FindingSeverity;
}

export interface RunFilter {
  limit?: number;
  offset?: number;
  status?: RunStatus;
  /** Start time range (ns since the epoch): since inclusive, until exclusive. */
  since?: bigint;
  until?: bigint;
  component?: string;
  branch?: string;
  buildId?: string;
  /** Only runs that finished (`complete`). */
  completeOnly?: boolean;
  /** Leave this run out (the run being compared). */
  excludeId?: string;
}

/** Where a run is recorded while it happens: a Store, a remote collector, or several at once. */
export interface RunRecorder {
  /** Where the run goes (a file path or a URL), for messages. */
  readonly path: string;
  beginRun(run: NewRun): Promise<RunWriter>;
}

/** How a store begins a run for a remote client. */
export interface BeginRunOptions {
  /**
   * The client's key for this run creation, recorded in the same transaction as the run, so a
   * creation retried after a lost answer (or a collector restart) finds the run it made:
   * `runIdForKey(key)`.
   */
  idempotencyKey?: string;
}

export interface Store extends RunRecorder {
  readonly path: string;
  beginRun(run: NewRun, opts?: BeginRunOptions): Promise<StoreRunWriter>;
  /** The run begun with this idempotency key, if any; keys survive restarts. */
  runIdForKey(idempotencyKey: string): Promise<string | undefined>;
  /**
   * A writer that continues a run whose writer went away without finishing it (a collector that
   * restarted mid-ingest): sequence numbers carry on from the last stored event. Refuses a run
   * that finished or that has a writer in this store.
   */
  resumeRun(runId: string): Promise<StoreRunWriter>;
  /** Newest first. */
  listRuns(opts?: RunFilter): Promise<RunRecord[]>;
  /** Accepts a full id or a unique prefix; `last` names the newest run. */
  getRun(idOrPrefix: string): Promise<RunRecord | undefined>;
  processes(runId: string): Promise<ProcessRecord[]>;
  /** The run's findings, most severe first, then the most frequent, then by title. */
  findings(runId: string, filter?: FindingFilter): Promise<FindingRecord[]>;
  events(query: EventQuery): AsyncIterable<Event>;
  /** Events matching every given filter, in run order, with their context and sequence number. */
  searchEvents(query: EventSearch): AsyncIterable<EventRow>;
  /** Alerts matching every given filter, newest first, at most `limit`. */
  alerts(filter: AlertFilter): Promise<StoredAlert[]>;
  /** Which of `seqs` the run holds alerts for already (a sender's retry carries the same numbers). */
  storedAlertSeqs(runId: string, seqs: number[]): Promise<Set<number>>;
  /** The distinct endpoints a run's events name, most used first. */
  endpoints(runId: string): Promise<EndpointCount[]>;
  stats(): Promise<StoreStats>;
  /** Hit counts of every rule that has a finding in the store, by rule name. */
  ruleHits(): Promise<RuleHits[]>;
  close(): Promise<void>;
}

/** A store problem a user can act on (locked, unreadable, newer schema). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
