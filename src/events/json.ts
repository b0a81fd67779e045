/**
 * The JSON form of an Event, used for NDJSON event files and anywhere events cross a process
 * boundary. JSON has no bigint, so the timestamp is a decimal string and bigint argument values
 * are wrapped as `{"$bigint": "123"}`; everything else is plain JSON.
 */
import type { ArgValue, Event, EventArgs, SensorKind } from './event.js';

export interface EventJson {
  ts: string;
  source: SensorKind;
  type: string;
  pid: number;
  tid: number;
  res?: number;
  errno?: string;
  args: Record<string, unknown>;
  truncated?: boolean;
}

function argToJson(v: ArgValue): unknown {
  return typeof v === 'bigint' ? { $bigint: v.toString() } : v;
}

export function eventToJson(ev: Event): EventJson {
  const args: Record<string, unknown> = {};
  for (const k in ev.args) args[k] = argToJson(ev.args[k] as ArgValue);
  const out: EventJson = { ts: ev.ts.toString(), source: ev.source, type: ev.type, pid: ev.pid, tid: ev.tid, args };
  if (ev.res !== undefined) out.res = ev.res;
  if (ev.errno !== undefined) out.errno = ev.errno;
  if (ev.truncated) out.truncated = true;
  return out;
}

export function stringifyArgs(args: EventArgs): string {
  return JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function parseArgs(json: string): EventArgs {
  return JSON.parse(json, reviveBigint) as EventArgs;
}

function reviveBigint(_k: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null && '$bigint' in v) {
    const s = (v as { $bigint: unknown }).$bigint;
    if (typeof s === 'string') return BigInt(s);
  }
  return v;
}

/** Thrown for a JSON event that does not have the Event shape; says which field is wrong. */
export class EventJsonError extends Error {}

const SOURCES: ReadonlySet<string> = new Set(['ptrace', 'ebpf', 'libc', 'node', 'inventory']);

/** Parses one NDJSON line back into an Event, validating the fields that matter. */
export function eventFromJsonLine(line: string): Event {
  return eventFromJsonValue(parseJsonLine(line));
}

/** Parses a line of the codec's JSON (bigint wrappers revived), without checking its shape. */
export function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line, reviveBigint);
  } catch (e) {
    throw new EventJsonError(`not JSON: ${(e as Error).message}`);
  }
}

/**
 * An Event from a value parsed by `parseJsonLine`, for readers that also want the line's other
 * fields (the collector takes each event's resolved path and endpoint alongside it).
 */
export function eventFromJsonValue(raw: unknown): Event {
  if (typeof raw !== 'object' || raw === null) throw new EventJsonError('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.ts !== 'string' || !/^\d+$/.test(o.ts)) throw new EventJsonError('"ts" must be a decimal string');
  if (typeof o.source !== 'string' || !SOURCES.has(o.source)) throw new EventJsonError('"source" is not a sensor');
  if (typeof o.type !== 'string') throw new EventJsonError('"type" must be a string');
  if (!Number.isInteger(o.pid) || !Number.isInteger(o.tid)) throw new EventJsonError('"pid"/"tid" must be integers');
  if (typeof o.args !== 'object' || o.args === null || Array.isArray(o.args))
    throw new EventJsonError('"args" must be an object');
  const ev: Event = {
    ts: BigInt(o.ts),
    source: o.source as SensorKind,
    type: o.type,
    pid: o.pid as number,
    tid: o.tid as number,
    args: o.args as EventArgs,
  };
  if (typeof o.res === 'number') ev.res = o.res;
  if (typeof o.errno === 'string') ev.errno = o.errno;
  if (o.truncated === true) ev.truncated = true;
  return ev;
}
