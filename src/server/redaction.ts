/**
 * The last line of defence for "no secret values in API responses". Harrier's own clients redact
 * before anything is stored (pipeline/exec-secrets.ts), but a collector also takes data from
 * older or third-party senders, so what the API returns passes through the same redaction again:
 * exec environments by variable name, known secret formats anywhere in command lines, evidence
 * and summaries. Cheap, because only exec events, argument lists and small JSON documents pass
 * here, never every event's arguments.
 */
import type { Event } from '../events/event.js';
import { redactText } from '../detect/secrets/detector.js';
import { redactExecSecrets } from '../pipeline/exec-secrets.js';

const EXEC_TYPES: ReadonlySet<string> = new Set(['execve', 'execveat']);

/** `event` itself when it is not an exec, else a copy with its environment and argv redacted. */
export function redactedEvent(event: Event): Event {
  if (!EXEC_TYPES.has(event.type)) return event;
  const copy: Event = { ...event, args: { ...event.args } };
  redactExecSecrets(copy);
  return copy;
}

export function redactedArgs(args: readonly string[]): string[] {
  return args.map(redactText);
}

/** Every string inside a JSON-like value (evidence, summaries), known secret formats redacted. */
export function redactedDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactedDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactedDeep(v);
    return out;
  }
  return value;
}
