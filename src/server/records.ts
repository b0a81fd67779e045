/**
 * The API's JSON for stored records, with the response schemas Fastify serialises them by.
 * Serialising through a schema also means a field we did not list never leaves the server.
 * Timestamps are ISO strings for people plus the nanosecond value as a decimal string (JSON has
 * no 64-bit integers).
 */
import { eventToJson } from '../events/json.js';
import { nsToIso } from '../report/summary-builder.js';
import type { EventRow, FindingRecord, ProcessRecord, RunRecord, StoredAlert } from '../store/store.js';
import { redactText } from '../detect/secrets/detector.js';
import { redactedArgs, redactedDeep, redactedEvent } from './redaction.js';

/**
 * Any JSON-like value with bigints turned into decimal strings (stored summaries and evidence
 * hold some), and secret values redacted (redaction.ts).
 */
export function jsonSafe(value: unknown): unknown {
  return redactedDeep(withoutBigints(value));
}

function withoutBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(withoutBigints);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutBigints(v);
    return out;
  }
  return value;
}

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

export const runSchema = {
  type: 'object',
  properties: {
    id: str,
    status: str,
    command: { type: 'array', items: str },
    cwd: str,
    sensor: str,
    hostname: str,
    startedAt: str,
    startedAtNs: str,
    endedAt: nullableStr,
    endedAtNs: nullableStr,
    exit: { type: ['object', 'null'], additionalProperties: true },
    events: int,
    harrierVersion: str,
    build: {
      type: 'object',
      properties: { buildId: str, branch: str, commit: str, component: str, ci: str, url: str },
    },
  },
} as const;

export function runJson(r: RunRecord) {
  return {
    id: r.id,
    status: r.status,
    command: redactedArgs(r.command),
    cwd: r.cwd,
    sensor: r.sensor,
    hostname: r.hostname,
    startedAt: nsToIso(r.startedAt),
    startedAtNs: r.startedAt.toString(),
    endedAt: r.endedAt === undefined ? null : nsToIso(r.endedAt),
    endedAtNs: r.endedAt === undefined ? null : r.endedAt.toString(),
    exit: r.exit ?? null,
    events: r.eventCount,
    harrierVersion: r.harrierVersion,
    build: r.build ?? {},
  };
}

export const processSchema = {
  type: 'object',
  properties: {
    pid: int,
    ppid: int,
    exePath: str,
    args: { type: 'array', items: str },
    cwd: str,
    uid: int,
    gid: int,
    user: str,
    group: str,
    startedAt: str,
    startTsNs: str,
    exitTsNs: nullableStr,
    exitCode: { type: ['integer', 'null'] },
    exitSignal: nullableStr,
  },
} as const;

export function processJson(p: ProcessRecord) {
  return {
    pid: p.pid,
    ppid: p.ppid,
    exePath: p.exePath,
    args: redactedArgs(p.args),
    cwd: p.cwd,
    uid: p.uid,
    gid: p.gid,
    user: p.user,
    group: p.group,
    startedAt: nsToIso(p.startTs),
    startTsNs: p.startTs.toString(),
    exitTsNs: p.exitTs?.toString() ?? null,
    exitCode: p.exitCode ?? null,
    exitSignal: p.exitSignal ?? null,
  };
}

export type ProcessNodeJson = ReturnType<typeof processJson> & { children: ProcessNodeJson[] };

/** Nests processes under their parents; a process whose parent is not in the run is a root. */
export function processTree(processes: ProcessRecord[]): ProcessNodeJson[] {
  const nodes = new Map<number, ProcessNodeJson>();
  for (const p of processes) nodes.set(p.pid, { ...processJson(p), children: [] });
  const roots: ProcessNodeJson[] = [];
  for (const node of nodes.values()) {
    const parent = node.ppid === node.pid ? undefined : nodes.get(node.ppid);
    (parent?.children ?? roots).push(node);
  }
  return roots;
}

export const findingSchema = {
  type: 'object',
  properties: {
    id: str,
    ruleId: str,
    kind: str,
    severity: str,
    title: str,
    message: str,
    fingerprint: str,
    count: int,
    firstTsNs: str,
    lastTsNs: str,
    evidence: anyObject,
  },
} as const;

export function findingJson(f: FindingRecord) {
  const evidence = jsonSafe(f.evidence);
  return {
    id: f.id,
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: redactText(f.title),
    message: redactText(f.message),
    fingerprint: f.fingerprint,
    count: f.count,
    firstTsNs: f.firstTs.toString(),
    lastTsNs: f.lastTs.toString(),
    evidence: typeof evidence === 'object' && evidence !== null ? evidence : {},
  };
}

export const eventSchema = {
  type: 'object',
  properties: {
    seq: int,
    ts: str,
    source: str,
    type: str,
    pid: int,
    tid: int,
    res: int,
    errno: str,
    truncated: { type: 'boolean' },
    args: anyObject,
    path: str,
    path2: str,
    endpoint: str,
  },
} as const;

/** The event in the project's NDJSON codec (json.ts), plus its sequence number and context. */
export function eventRowJson(row: EventRow) {
  const out: Record<string, unknown> = { seq: row.seq, ...eventToJson(redactedEvent(row.event)) };
  if (row.path !== undefined) out.path = row.path;
  if (row.path2 !== undefined) out.path2 = row.path2;
  if (row.endpoint !== undefined) out.endpoint = row.endpoint;
  return out;
}

export const alertSchema = {
  type: 'object',
  properties: {
    runId: str,
    seq: int,
    time: str,
    tsNs: str,
    rule: str,
    priority: str,
    source: str,
    tags: { type: 'array', items: str },
    hostname: str,
    output: str,
    outputFields: anyObject,
    repeats: int,
  },
} as const;

export type AlertJson = ReturnType<typeof alertJson>;

export function alertJson(a: StoredAlert) {
  const fields = jsonSafe(a.outputFields);
  return {
    runId: a.runId,
    seq: a.seq,
    time: nsToIso(a.ts),
    tsNs: a.ts.toString(),
    rule: a.rule,
    priority: a.priority,
    source: a.source,
    tags: a.tags,
    hostname: a.hostname,
    output: redactText(a.output),
    outputFields: typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {},
    repeats: a.repeats,
  };
}
