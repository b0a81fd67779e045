/**
 * Mapping between table rows and the Store's records. Each SELECT list sits next to the function
 * that reads it, so the column positions cannot drift apart.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { Event, SensorKind } from '../../events/event.js';
import type { BuildInfo } from '../../findings/assessment.js';
import type { ExitStatus } from '../../sensors/sensor.js';
import {
  FINDING_KINDS,
  FINDING_SEVERITIES,
  type FindingKind,
  type FindingRecord,
  type EventRow,
  type FindingSeverity,
  type ProcessRecord,
  type RuleHits,
  type RunRecord,
  type RunStatus,
  type StoredAlert,
} from '../store.js';
import { decodeArgs, decodeJson } from './codec.js';
import {
  asBigInt,
  asNumber,
  asOptBigInt,
  asOptBoolean,
  asOptNumber,
  asOptString,
  asString,
  asStringList,
} from './values.js';

type Row = readonly DuckDBValue[];

function at(row: Row, i: number): DuckDBValue {
  const v = row[i];
  if (v === undefined) throw new RangeError(`store row has no column ${i}`);
  return v;
}

const SENSORS: readonly SensorKind[] = ['ptrace', 'ebpf', 'libc', 'node', 'inventory'];
const STATUSES: readonly RunStatus[] = ['running', 'complete', 'incomplete'];

function asSensor(v: DuckDBValue): SensorKind {
  const s = asString(v);
  const found = SENSORS.find((k) => k === s);
  if (found === undefined) throw new TypeError(`store value: unknown sensor ${JSON.stringify(s)}`);
  return found;
}

function asStatus(v: DuckDBValue): RunStatus {
  const s = asString(v);
  const found = STATUSES.find((k) => k === s);
  if (found === undefined) throw new TypeError(`store value: unknown run status ${JSON.stringify(s)}`);
  return found;
}

export const RUN_COLUMNS = `id, command, cwd, sensor, hostname, started_at, ended_at, status, exit_kind, exit_code,
  exit_signal, exit_signo, event_count, summary, harrier_version, build_id, branch, commit_sha, component, ci, build_url`;

function exitFrom(
  kind: DuckDBValue,
  code: DuckDBValue,
  signal: DuckDBValue,
  signo: DuckDBValue,
): ExitStatus | undefined {
  if (kind === 'exited') return { kind: 'exited', code: asNumber(code) };
  if (kind === 'killed') return { kind: 'killed', signal: asString(signal), signo: asNumber(signo) };
  return undefined;
}

const BUILD_KEYS = ['buildId', 'branch', 'commit', 'component', 'ci', 'url'] as const;

function buildFrom(values: DuckDBValue[]): BuildInfo | undefined {
  const build: BuildInfo = {};
  let any = false;
  for (const [i, key] of BUILD_KEYS.entries()) {
    const v = asOptString(values[i] ?? null);
    if (v !== undefined) {
      build[key] = v;
      any = true;
    }
  }
  return any ? build : undefined;
}

/** A run's build metadata in BUILD_KEYS order, as the INSERT takes it (null where unknown). */
export function buildValues(build: BuildInfo | undefined): Array<string | null> {
  return BUILD_KEYS.map((key) => build?.[key] ?? null);
}

export function runFromRow(row: Row): RunRecord {
  const run: RunRecord = {
    id: asString(at(row, 0)),
    command: asStringList(at(row, 1)),
    cwd: asString(at(row, 2)),
    sensor: asSensor(at(row, 3)),
    hostname: asString(at(row, 4)),
    startedAt: asBigInt(at(row, 5)),
    status: asStatus(at(row, 7)),
    eventCount: asNumber(at(row, 12)),
    harrierVersion: asString(at(row, 14)),
  };
  const endedAt = asOptBigInt(at(row, 6));
  if (endedAt !== undefined) run.endedAt = endedAt;
  const exit = exitFrom(at(row, 8), at(row, 9), at(row, 10), at(row, 11));
  if (exit !== undefined) run.exit = exit;
  const summary = asOptString(at(row, 13));
  if (summary !== undefined) run.summary = decodeJson(summary);
  const build = buildFrom(row.slice(15, 21));
  if (build !== undefined) run.build = build;
  return run;
}

export const PROCESS_COLUMNS = `pid, ppid, exe_path, args, cwd, uid, gid, "user", "group", start_ts, exit_ts, exit_code,
  exit_signal`;

export function processFromRow(row: Row): ProcessRecord {
  const p: ProcessRecord = {
    pid: asNumber(at(row, 0)),
    ppid: asNumber(at(row, 1)),
    exePath: asString(at(row, 2)),
    args: asStringList(at(row, 3)),
    cwd: asString(at(row, 4)),
    uid: asNumber(at(row, 5)),
    gid: asNumber(at(row, 6)),
    user: asString(at(row, 7)),
    group: asString(at(row, 8)),
    startTs: asBigInt(at(row, 9)),
  };
  const exitTs = asOptBigInt(at(row, 10));
  if (exitTs !== undefined) p.exitTs = exitTs;
  const exitCode = asOptNumber(at(row, 11));
  if (exitCode !== undefined) p.exitCode = exitCode;
  const exitSignal = asOptString(at(row, 12));
  if (exitSignal !== undefined) p.exitSignal = exitSignal;
  return p;
}

export const EVENT_SELECT = 'ts, source, type, pid, tid, res, errno, truncated, args';

/** Optional fields are left off rather than set to undefined, so events compare equal to what was appended. */
export function eventFromRow(row: Row): Event {
  const event: Event = {
    ts: asBigInt(at(row, 0)),
    source: asSensor(at(row, 1)),
    type: asString(at(row, 2)),
    pid: asNumber(at(row, 3)),
    tid: asNumber(at(row, 4)),
    args: decodeArgs(asString(at(row, 8))),
  };
  const res = asOptNumber(at(row, 5));
  if (res !== undefined) event.res = res;
  const errno = asOptString(at(row, 6));
  if (errno !== undefined) event.errno = errno;
  const truncated = asOptBoolean(at(row, 7));
  if (truncated !== undefined) event.truncated = truncated;
  return event;
}

/** An event with its sequence number and context: those four columns, then EVENT_SELECT's. */
export const EVENT_ROW_SELECT = `seq, path, path2, endpoint, ${EVENT_SELECT}`;

export function eventRowFromRow(row: Row): EventRow {
  const stored: EventRow = { seq: asNumber(at(row, 0)), event: eventFromRow(row.slice(4)) };
  const path = asOptString(at(row, 1));
  if (path !== undefined) stored.path = path;
  const path2 = asOptString(at(row, 2));
  if (path2 !== undefined) stored.path2 = path2;
  const endpoint = asOptString(at(row, 3));
  if (endpoint !== undefined) stored.endpoint = endpoint;
  return stored;
}

function asKind(v: DuckDBValue): FindingKind {
  const s = asString(v);
  const found = FINDING_KINDS.find((k) => k === s);
  if (found === undefined) throw new TypeError(`store value: unknown finding kind ${JSON.stringify(s)}`);
  return found;
}

function asSeverity(v: DuckDBValue): FindingSeverity {
  const s = asString(v);
  const found = FINDING_SEVERITIES.find((k) => k === s);
  if (found === undefined) throw new TypeError(`store value: unknown finding severity ${JSON.stringify(s)}`);
  return found;
}

export function ruleHitsFromRow(row: Row): RuleHits {
  return {
    ruleId: asString(at(row, 0)),
    hits: asNumber(at(row, 1)),
    runs: asNumber(at(row, 2)),
    lastHit: asBigInt(at(row, 3)),
    severity: asSeverity(at(row, 4)),
  };
}

export const FINDING_COLUMNS =
  'id, rule_id, kind, severity, title, message, fingerprint, count, first_ts, last_ts, evidence';

/** Ranks severities in SQL as FINDING_SEVERITIES lists them (critical = 0), for ORDER BY. */
export const SEVERITY_RANK = `CASE severity ${FINDING_SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${FINDING_SEVERITIES.length} END`;

/** Per rule over every run: alerts (sum of counts), runs, newest last_ts, most severe severity. */
export const RULE_HITS_SELECT = `SELECT rule_id, sum(count)::BIGINT, count(DISTINCT run_id), max(last_ts),
  arg_min(severity, ${SEVERITY_RANK})
  FROM findings WHERE kind = 'rule' GROUP BY rule_id ORDER BY rule_id`;

export function findingFromRow(row: Row): FindingRecord {
  return {
    id: asString(at(row, 0)),
    ruleId: asString(at(row, 1)),
    kind: asKind(at(row, 2)),
    severity: asSeverity(at(row, 3)),
    title: asString(at(row, 4)),
    message: asString(at(row, 5)),
    fingerprint: asString(at(row, 6)),
    count: asNumber(at(row, 7)),
    firstTs: asBigInt(at(row, 8)),
    lastTs: asBigInt(at(row, 9)),
    evidence: decodeJson(asString(at(row, 10))),
  };
}

export const ALERT_COLUMNS = 'run_id, seq, ts, rule, priority, source, tags, hostname, output, output_fields, repeats';

export function alertFromRow(row: Row): StoredAlert {
  const fields = decodeJson(asString(at(row, 9)));
  return {
    runId: asString(at(row, 0)),
    seq: asNumber(at(row, 1)),
    ts: asBigInt(at(row, 2)),
    rule: asString(at(row, 3)),
    priority: asString(at(row, 4)),
    source: asString(at(row, 5)),
    tags: asStringList(at(row, 6)),
    hostname: asString(at(row, 7)),
    output: asString(at(row, 8)),
    outputFields:
      typeof fields === 'object' && fields !== null && !Array.isArray(fields)
        ? (fields as Record<string, unknown>)
        : {},
    repeats: asNumber(at(row, 10)),
  };
}
