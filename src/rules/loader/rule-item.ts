/**
 * A `rule` item: a new definition (or redefinition, which replaces the rule in place), an
 * enable/disable toggle (`rule` + `enabled` only), a legacy `append: true` (condition text and
 * exceptions), or an `override:` of individual keys.
 */
import { finishException } from './exception-decode.js';
import type { ExceptionDef } from './exception-decode.js';
import { itemMode, itemName, missingTarget, warnUnknownKeys } from './item-mode.js';
import { RULE_KEYS, decodeRuleFields } from './rule-fields.js';
import type { RuleFields } from './rule-fields.js';
import type { ItemCtx, RuleState } from './state.js';
import type { RuleException } from './types.js';

const REQUIRED = ['condition', 'output', 'desc', 'priority'] as const;

/** Keys a legacy `append: true` rule item acts on; anything else there is ignored (and said so). */
const LEGACY_APPEND_KEYS = new Set(['rule', 'append', 'condition', 'exceptions']);

export function applyRuleItem(ctx: ItemCtx): void {
  warnUnknownKeys(ctx, RULE_KEYS, 'rule');
  const name = itemName(ctx, 'rule');
  const mode = itemMode(ctx, 'rule', 'rule');
  const { fields, ok } = decodeRuleFields(ctx);
  if (name === undefined || mode === undefined || !ok) return;
  const { state } = ctx;
  const target = state.rules.get(name);
  if (mode.kind === 'define') {
    if (isToggle(ctx)) toggle(ctx, name, target, fields.enabled ?? true);
    else define(ctx, name, fields);
    return;
  }
  if (target === undefined) {
    missingTarget(ctx, 'Rule', name);
    return;
  }
  if (fields.source !== undefined && fields.source !== target.source) {
    const e = ctx.entries.get('source');
    ctx.diags.error(
      ctx.src,
      e?.valuePos ?? ctx.pos,
      'LOAD_ERR_VALIDATE',
      `Rule '${name}' is defined for source '${target.source}', not '${fields.source}'`,
    );
    return;
  }
  if (mode.kind === 'append') legacyAppend(ctx, name, target, fields);
  else override(ctx, target, fields, mode.keys);
}

/** Falco's shorthand: an item with just `rule` and `enabled` switches an existing rule. */
function isToggle(ctx: ItemCtx): boolean {
  if (!ctx.entries.has('enabled')) return false;
  for (const key of ctx.entries.keys()) {
    if (key !== 'rule' && key !== 'enabled' && RULE_KEYS.has(key)) return false;
  }
  return true;
}

function toggle(ctx: ItemCtx, name: string, target: RuleState | undefined, enabled: boolean): void {
  if (target === undefined) {
    const e = ctx.entries.get('rule');
    ctx.diags.error(
      ctx.src,
      e?.valuePos ?? ctx.pos,
      'LOAD_ERR_VALIDATE',
      `Rule '${name}' has 'enabled' key but no rule by that name already exists`,
    );
    return;
  }
  target.enabled = enabled;
}

function define(ctx: ItemCtx, name: string, f: RuleFields): void {
  let ok = true;
  for (const key of REQUIRED) {
    if (f[key] === undefined) {
      ctx.diags.error(
        ctx.src,
        ctx.pos,
        'LOAD_ERR_YAML_VALIDATE',
        `Rule '${name}': item has no mapping for key '${key}'`,
      );
      ok = false;
    }
  }
  const exceptions = mergeExceptions(ctx, name, [], f.exceptions ?? [], false);
  if (!ok || exceptions === undefined || f.condition === undefined || f.output === undefined) return;
  if (f.desc === undefined || f.priority === undefined) return;
  const condEntry = ctx.entries.get('condition');
  ctx.state.rules.set(name, {
    name,
    desc: f.desc,
    condition: f.condition,
    output: f.output,
    priority: f.priority,
    tags: f.tags ?? [],
    source: f.source === undefined || f.source === '' ? 'syscall' : f.source,
    enabled: f.enabled ?? true,
    exceptions,
    warnEvttypes: f.warnEvttypes ?? true,
    skipIfUnknownFilter: f.skipIfUnknownFilter ?? false,
    capture: f.capture ?? false,
    captureDuration: f.captureDuration,
    pos: ctx.pos,
    conditionPos: condEntry?.valuePos ?? ctx.pos,
  });
}

function legacyAppend(ctx: ItemCtx, name: string, target: RuleState, f: RuleFields): void {
  if (f.condition === undefined && f.exceptions === undefined) {
    ctx.diags.error(
      ctx.src,
      ctx.pos,
      'LOAD_ERR_VALIDATE',
      `Appended rule '${name}' must have exceptions or condition property`,
    );
    return;
  }
  for (const e of ctx.entries.values()) {
    if (!LEGACY_APPEND_KEYS.has(e.key) && RULE_KEYS.has(e.key)) {
      ctx.diags.warn(
        ctx.src,
        e.keyPos,
        'LOAD_IGNORED_KEY',
        `Key '${e.key}' is ignored with 'append: true' (use 'override' to change it)`,
      );
    }
  }
  const exceptions = mergeExceptions(ctx, name, target.exceptions, f.exceptions ?? [], true);
  if (exceptions === undefined) return;
  if (f.condition !== undefined) target.condition = `${target.condition} ${f.condition}`;
  target.exceptions = exceptions;
}

function override(ctx: ItemCtx, target: RuleState, f: RuleFields, keys: Map<string, 'append' | 'replace'>): void {
  // Validate everything before changing anything, so a bad override leaves the rule as it was.
  let exceptions = target.exceptions;
  const excMode = keys.get('exceptions');
  if (excMode !== undefined) {
    const merged = mergeExceptions(
      ctx,
      target.name,
      excMode === 'append' ? target.exceptions : [],
      f.exceptions ?? [],
      excMode === 'append',
    );
    if (merged === undefined) return;
    exceptions = merged;
  }
  for (const [key, mode] of keys) {
    const append = mode === 'append';
    switch (key) {
      case 'condition':
        if (f.condition === undefined) break;
        target.condition = append ? `${target.condition} ${f.condition}` : f.condition;
        if (!append) target.conditionPos = ctx.entries.get('condition')?.valuePos ?? target.conditionPos;
        break;
      case 'output':
        if (f.output !== undefined) target.output = append ? `${target.output} ${f.output}` : f.output;
        break;
      case 'desc':
        if (f.desc !== undefined) target.desc = append ? `${target.desc} ${f.desc}` : f.desc;
        break;
      case 'tags':
        if (f.tags !== undefined) target.tags = append ? [...new Set([...target.tags, ...f.tags])] : f.tags;
        break;
      case 'exceptions':
        target.exceptions = exceptions;
        break;
      case 'priority':
        if (f.priority !== undefined) target.priority = f.priority;
        break;
      case 'enabled':
        if (f.enabled !== undefined) target.enabled = f.enabled;
        break;
      case 'warn_evttypes':
        if (f.warnEvttypes !== undefined) target.warnEvttypes = f.warnEvttypes;
        break;
      case 'skip-if-unknown-filter':
        if (f.skipIfUnknownFilter !== undefined) target.skipIfUnknownFilter = f.skipIfUnknownFilter;
        break;
      case 'capture':
        if (f.capture !== undefined) target.capture = f.capture;
        break;
      case 'capture_duration':
        if (f.captureDuration !== undefined) target.captureDuration = f.captureDuration;
        break;
    }
  }
}

/**
 * Adds decoded exceptions to `base`. When appending, one whose name matches an existing
 * exception adds its values to it; otherwise it is a new exception. Undefined on any error.
 */
function mergeExceptions(
  ctx: ItemCtx,
  rule: string,
  base: readonly RuleException[],
  defs: readonly ExceptionDef[],
  appending: boolean,
): RuleException[] | undefined {
  const out = base.map((e) => ({ ...e }));
  let ok = true;
  for (const def of defs) {
    const i = out.findIndex((e) => e.name === def.name);
    if (i >= 0 && !appending) {
      ctx.diags.error(
        ctx.src,
        def.pos,
        'LOAD_ERR_VALIDATE',
        `Rule '${rule}' defines exception '${def.name}' more than once`,
      );
      ok = false;
      continue;
    }
    const done = finishException(ctx, def, i >= 0 ? out[i] : undefined);
    if (done === undefined) ok = false;
    else if (i >= 0) out[i] = done;
    else out.push(done);
  }
  return ok ? out : undefined;
}
