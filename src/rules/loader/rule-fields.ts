/**
 * Decoding the typed keys of a `rule` item. Each key is checked on its own so that one item can
 * report several mistakes; the result holds only the keys that were given and valid.
 */
import { boolOf, stringListOf, textOf } from './yaml-nodes.js';
import { decodeExceptions } from './exception-decode.js';
import type { ExceptionDef } from './exception-decode.js';
import { PRIORITIES, parsePriority } from './priority.js';
import type { Priority } from './priority.js';
import type { ItemCtx } from './state.js';

export interface RuleFields {
  desc?: string;
  condition?: string;
  output?: string;
  priority?: Priority;
  tags?: string[];
  source?: string;
  enabled?: boolean;
  exceptions?: ExceptionDef[];
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
  capture?: boolean;
  captureDuration?: number;
}

export const RULE_KEYS = new Set([
  'rule',
  'desc',
  'condition',
  'output',
  'priority',
  'enabled',
  'tags',
  'source',
  'exceptions',
  'append',
  'override',
  'capture',
  'capture_duration',
  'warn_evttypes',
  'skip-if-unknown-filter',
]);

/** Decodes every present rule key; `ok` is false if any was invalid (errors reported). */
export function decodeRuleFields(ctx: ItemCtx): { fields: RuleFields; ok: boolean } {
  const { src, diags, entries } = ctx;
  const fields: RuleFields = {};
  let ok = true;
  const fail = (key: string, message: string): void => {
    const e = entries.get(key);
    diags.error(src, e?.valuePos ?? ctx.pos, 'LOAD_ERR_YAML_VALIDATE', message);
    ok = false;
  };
  const text = (key: 'desc' | 'condition' | 'output' | 'source'): void => {
    const e = entries.get(key);
    if (e === undefined) return;
    const t = textOf(e.value);
    if (t === undefined) fail(key, `Value of '${key}' must be a string`);
    else fields[key] = t;
  };
  const bool = (key: string, set: (b: boolean) => void): void => {
    const e = entries.get(key);
    if (e === undefined) return;
    const b = boolOf(e.value);
    if (b === undefined) fail(key, `Value of '${key}' must be a boolean (true or false)`);
    else set(b);
  };
  text('desc');
  text('condition');
  text('output');
  text('source');
  const prio = entries.get('priority');
  if (prio !== undefined) {
    const t = textOf(prio.value);
    const p = t === undefined ? undefined : parsePriority(t);
    if (p === undefined) {
      fail(
        'priority',
        `Invalid priority '${t ?? ''}': must be one of ${PRIORITIES.join(', ')} (any case; INFO also accepted)`,
      );
    } else fields.priority = p;
  }
  const tags = entries.get('tags');
  if (tags !== undefined) {
    const list = stringListOf(tags.value);
    if (list === undefined) fail('tags', "Value of 'tags' must be a sequence of strings");
    else fields.tags = list;
  }
  bool('enabled', (b) => (fields.enabled = b));
  bool('warn_evttypes', (b) => (fields.warnEvttypes = b));
  bool('skip-if-unknown-filter', (b) => (fields.skipIfUnknownFilter = b));
  bool('capture', (b) => (fields.capture = b));
  const dur = entries.get('capture_duration');
  if (dur !== undefined) {
    const t = textOf(dur.value);
    if (t === undefined || !/^\d+$/.test(t.trim()))
      fail('capture_duration', "Value of 'capture_duration' must be a non-negative integer (milliseconds)");
    else fields.captureDuration = Number(t.trim());
  }
  const exc = entries.get('exceptions');
  if (exc !== undefined) {
    const defs = decodeExceptions(ctx, exc.value, exc.valuePos);
    if (defs === undefined) ok = false;
    else fields.exceptions = defs;
  }
  return { fields, ok };
}
