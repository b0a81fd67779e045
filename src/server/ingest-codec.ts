/**
 * Decoding what ingest clients send: NDJSON event batches in the project's event codec
 * (events/json.ts) with each event's resolved context, and findings and processes as JSON with
 * nanosecond timestamps as decimal strings. Every error names the line or item and the field.
 */
import { EventJsonError, eventFromJsonValue, parseJsonLine } from '../events/json.js';
import type { FindingRecord, ProcessRecord, StoredEvent } from '../store/store.js';
import { badRequest } from './errors.js';

/** Lines beyond this many in one batch are refused rather than parsed. */
export const MAX_BATCH_EVENTS = 200_000;

function plainJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    throw new EventJsonError(`not JSON: ${(e as Error).message}`);
  }
}

function optionalString(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${where}: "${key}" must be a string`);
  return v;
}

/**
 * Parses an NDJSON batch. Each line is an event as `harrier run --events` writes it, optionally
 * with `path`, `path2` and `endpoint`: the context the sender's process/fd state resolved (the
 * server keeps no state of its own for remote runs, so what is not sent is not searchable).
 */
export function parseEventBatch(body: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    lineNo++;
    const line = body.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (events.length >= MAX_BATCH_EVENTS) {
      throw badRequest(`batch has more than ${MAX_BATCH_EVENTS} events; send smaller batches`);
    }
    const where = `line ${lineNo}`;
    try {
      // The reviver costs a call per JSON node (measured: most of the parse); only lines that
      // carry a bigint wrapper need it.
      const raw = line.includes('"$bigint"') ? parseJsonLine(line) : plainJson(line);
      const event = eventFromJsonValue(raw);
      const o = raw as Record<string, unknown>;
      const stored: StoredEvent = { event };
      const path = optionalString(o, 'path', where);
      if (path !== undefined) stored.path = path;
      const path2 = optionalString(o, 'path2', where);
      if (path2 !== undefined) stored.path2 = path2;
      const endpoint = optionalString(o, 'endpoint', where);
      if (endpoint !== undefined) stored.endpoint = endpoint;
      events.push(stored);
    } catch (e) {
      if (e instanceof EventJsonError) throw badRequest(`${where}: ${e.message}`);
      throw e;
    }
  }
  return events;
}

export function nsFromString(v: string, where: string): bigint {
  if (!/^\d{1,20}$/.test(v)) throw badRequest(`${where} must be nanoseconds since the epoch as a decimal string`);
  return BigInt(v);
}

/** A finding as the ingest API takes it (schema-checked already): timestamps as decimal strings. */
export interface FindingInput {
  id: string;
  ruleId: string;
  kind: FindingRecord['kind'];
  severity: FindingRecord['severity'];
  title: string;
  message: string;
  fingerprint: string;
  count: number;
  firstTs: string;
  lastTs: string;
  evidence?: Record<string, unknown>;
}

export function findingFromInput(f: FindingInput, index: number): FindingRecord {
  return {
    id: f.id,
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    message: f.message,
    fingerprint: f.fingerprint,
    count: f.count,
    firstTs: nsFromString(f.firstTs, `findings[${index}].firstTs`),
    lastTs: nsFromString(f.lastTs, `findings[${index}].lastTs`),
    evidence: f.evidence ?? {},
  };
}

export interface ProcessInput {
  pid: number;
  ppid: number;
  exePath: string;
  args: string[];
  cwd: string;
  uid: number;
  gid: number;
  user: string;
  group: string;
  startTs: string;
  exitTs?: string;
  exitCode?: number;
  exitSignal?: string;
}

export function processFromInput(p: ProcessInput, index: number): ProcessRecord {
  const out: ProcessRecord = {
    pid: p.pid,
    ppid: p.ppid,
    exePath: p.exePath,
    args: p.args,
    cwd: p.cwd,
    uid: p.uid,
    gid: p.gid,
    user: p.user,
    group: p.group,
    startTs: nsFromString(p.startTs, `processes[${index}].startTs`),
  };
  if (p.exitTs !== undefined) out.exitTs = nsFromString(p.exitTs, `processes[${index}].exitTs`);
  if (p.exitCode !== undefined) out.exitCode = p.exitCode;
  if (p.exitSignal !== undefined) out.exitSignal = p.exitSignal;
  return out;
}
