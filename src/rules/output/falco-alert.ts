/**
 * Falco's alert, field for field, so existing consumers (falcosidekick, SIEM pipelines) take
 * Harrier's alerts unchanged. Falco serialises with nlohmann::json, whose objects are ordered
 * maps: keys come out sorted (hostname, output, output_fields, priority, rule, source, tags,
 * time), output_fields sorted by field name, and tags (a std::set) sorted and unique.
 */
import { hostname as osHostname } from 'node:os';
import { iso8601Ns, timeNs } from '../fields/time-format.js';
import type { EvalContext, FieldValue } from '../fields/types.js';
import type { CompiledOutput } from './format.js';
import type { Priority } from './priority.js';
import { valueJson } from './value-text.js';

export interface FalcoAlert {
  hostname: string;
  /** `HH:MM:SS.nnnnnnnnn: Priority rendered text`. */
  output: string;
  /** Every field of the output format, plus `evt.time` (ns) as Falco adds from its prefix. */
  output_fields: Array<[string, FieldValue]>;
  priority: Priority;
  rule: string;
  source: string;
  tags: string[];
  /** ISO 8601, UTC, nanoseconds. */
  time: string;
}

export interface AlertInput {
  rule: string;
  priority: Priority;
  tags?: readonly string[];
  output: CompiledOutput;
  ctx: EvalContext;
  /** Defaults to this machine's name. */
  hostname?: string;
  /** Falco's event source; Harrier's events are all syscalls. */
  source?: string;
}

let host: string | undefined;

const byKey = (a: [string, FieldValue], b: [string, FieldValue]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function buildFalcoAlert(input: AlertInput): FalcoAlert {
  const ts = input.ctx.event.ts;
  const fields = input.output.values(input.ctx).filter(([k]) => k !== 'evt.time');
  fields.push(['evt.time', ts]);
  fields.sort(byKey);
  return {
    hostname: input.hostname ?? (host ??= osHostname()),
    output: `${timeNs(ts)}: ${input.priority} ${input.output.render(input.ctx)}`,
    output_fields: fields,
    priority: input.priority,
    rule: input.rule,
    source: input.source ?? 'syscall',
    tags: [...new Set(input.tags ?? [])].sort(),
    time: iso8601Ns(ts),
  };
}

/** One JSON line, exactly as Falco's json_output writes it (compact, keys in Falco's order). */
export function falcoAlertJson(a: FalcoAlert): string {
  const fields = a.output_fields.map(([k, v]) => `${JSON.stringify(k)}:${valueJson(v)}`).join(',');
  return (
    `{"hostname":${JSON.stringify(a.hostname)},"output":${JSON.stringify(a.output)},` +
    `"output_fields":{${fields}},"priority":${JSON.stringify(a.priority)},"rule":${JSON.stringify(a.rule)},` +
    `"source":${JSON.stringify(a.source)},"tags":${JSON.stringify(a.tags)},"time":${JSON.stringify(a.time)}}`
  );
}

/**
 * The alert as a plain object for Harrier's own JSON documents (run summaries). Falco writes
 * `evt.time` and other 64-bit values as JSON numbers, which JavaScript readers round; here a
 * value beyond 2^53 becomes its exact decimal string instead.
 */
export function falcoAlertObject(a: FalcoAlert): Record<string, unknown> {
  const exact = (v: unknown): unknown =>
    typeof v === 'bigint'
      ? v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(v)
        : v.toString()
      : Array.isArray(v)
        ? v.map(exact)
        : v instanceof Uint8Array
          ? Buffer.from(v).toString('latin1')
          : (v ?? null);
  return {
    hostname: a.hostname,
    output: a.output,
    output_fields: Object.fromEntries(a.output_fields.map(([k, v]) => [k, exact(v)])),
    priority: a.priority,
    rule: a.rule,
    source: a.source,
    tags: a.tags,
    time: a.time,
  };
}

/** The text line Falco prints without json_output: the alert's `output`. */
export const falcoAlertText = (a: FalcoAlert): string => a.output;

/** A line for people reading a terminal: the rule's name in front, its tags after. */
export function readableAlertLine(a: FalcoAlert): string {
  const tags = a.tags.length > 0 ? ` [${a.tags.join(', ')}]` : '';
  return `${a.time} ${a.priority.toUpperCase()} ${a.rule}: ${messageOf(a)}${tags}`;
}

/** The rendered rule output without Falco's `time: Priority ` prefix. */
function messageOf(a: FalcoAlert): string {
  const prefix = `: ${a.priority} `;
  const at = a.output.indexOf(prefix);
  return at === -1 ? a.output : a.output.slice(at + prefix.length);
}
