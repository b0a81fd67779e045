/**
 * A `rule` item: a new definition (or redefinition, which replaces the rule in place), an
 * enable/disable toggle (an item without condition, output, desc, priority), a legacy
 * `append: true` (condition text and exceptions), or an `override:` of individual keys.
 */
import { finishException } from './exception-decode.js';
import type { ExceptionDef } from './exception-decode.js';
import { itemMode, itemName, missingTarget, warnUnknownKeys } from './item-mode.js';
import { RULE_KEYS, decodeRuleFields } from './rule-fields.js';
import type { RuleFields } from './rule-fields.js';
import type { ItemCtx, RuleState } from './state.js';
import type { RuleException } from './types.js';
import { concatText, scalarText } from './text-spans.js';
import type { SourcedText } from './text-spans.js';

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
    if (isToggle(ctx)) toggle(ctx, name, target, fields.enabled);
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

/**
 * Falco's older shorthand: a rule item with none of condition, output, desc and priority is not a
 * definition but switches an existing rule with its `enabled` key.
 */
function isToggle(ctx: ItemCtx): boolean {
  return REQUIRED.every((key) => !ctx.entries.has(key));
}

function toggle(ctx: ItemCtx, name: string, target: RuleState | undefined, enabled: boolean | undefined): void {
  const { src, diags } = ctx;
  if (enabled === undefined) {
    diags.error(
      src,
      ctx.pos,
      'LOAD_ERR_YAML_VALIDATE',
      `Rule '${name}': item has none of condition, output, desc, priority, so it must have 'enabled' (to switch an existing rule)`,
    );
    return;
  }
  diags.warn(
    src,
    ctx.entries.get('enabled')?.keyPos ?? ctx.pos,
    'LOAD_DEPRECATED_ITEM',
    "A rule item with only 'enabled' is deprecated: use 'override: {enabled: replace}'",
  );
  for (const e of ctx.entries.values()) {
    if (e.key !== 'rule' && e.key !== 'enabled' && RULE_KEYS.has(e.key)) {
      diags.warn(
        src,
        e.keyPos,
        'LOAD_IGNORED_KEY',
        `Key '${e.key}' is ignored in an item that only switches rule '${name}'`,
      );
    }
  }
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
  const { src, diags, state } = ctx;
  let ok = true;
  for (const key of REQUIRED) {
    const value = f[key];
    if (value === undefined) {
      diags.error(src, ctx.pos, 'LOAD_ERR_YAML_VALIDATE', `Rule '${name}': item has no mapping for key '${key}'`);
      ok = false;
    } else if (value.trim() === '') {
      const at = ctx.entries.get(key)?.valuePos ?? ctx.pos;
      diags.error(src, at, 'LOAD_ERR_YAML_VALIDATE', `Rule '${name}': value of '${key}' must be non-empty`);
      ok = false;
    }
  }
  const source = f.source === undefined || f.source === '' ? 'syscall' : f.source;
  const sourcePos = ctx.entries.get('source')?.valuePos ?? ctx.pos;
  const previous = state.rules.get(name);
  if (previous !== undefined && previous.source !== source) {
    const why = `('${previous.source}' before, '${source}' now)`;
    diags.error(
      src,
      sourcePos,
      'LOAD_ERR_VALIDATE',
      `Rule '${name}' has been re-defined with a different source ${why}`,
    );
    ok = false;
  }
  const exceptions = mergeExceptions(ctx, name, [], f.exceptions ?? [], false);
  const { condition, output, desc, priority } = f;
  if (!ok || exceptions === undefined) return;
  if (condition === undefined || output === undefined || desc === undefined || priority === undefined) return;
  if (!state.sources.has(source)) {
    const msg = `Unknown source ${source}: rule '${name}' is loaded but cannot be evaluated`;
    diags.warn(src, sourcePos, 'LOAD_UNKNOWN_SOURCE', msg);
  }
  state.rules.set(name, {
    name,
    desc,
    condition: conditionText(ctx, condition),
    // Falco trims outputs (a block scalar ends with a newline) and keeps tags as a set.
    output: output.trim(),
    priority,
    tags: [...new Set(f.tags ?? [])],
    source,
    enabled: f.enabled ?? true,
    exceptions,
    warnEvttypes: f.warnEvttypes ?? true,
    skipIfUnknownFilter: f.skipIfUnknownFilter ?? false,
    capture: f.capture ?? false,
    captureDuration: f.captureDuration,
    pos: ctx.pos,
    conditionPos: ctx.entries.get('condition')?.valuePos ?? ctx.pos,
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
  if (f.condition !== undefined) target.condition = joinCondition(target.condition, conditionText(ctx, f.condition));
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
        target.condition = append
          ? joinCondition(target.condition, conditionText(ctx, f.condition))
          : conditionText(ctx, f.condition);
        if (!append) target.conditionPos = ctx.entries.get('condition')?.valuePos ?? target.conditionPos;
        break;
      case 'output':
        if (f.output !== undefined) target.output = append ? joinText(target.output, f.output.trim()) : f.output.trim();
        break;
      case 'desc':
        if (f.desc !== undefined) target.desc = append ? joinText(target.desc, f.desc) : f.desc;
        break;
      case 'tags':
        if (f.tags !== undefined) target.tags = [...new Set(append ? [...target.tags, ...f.tags] : f.tags)];
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
    const i = appending ? out.findIndex((e) => e.name === def.name) : -1;
    if (!appending && out.some((e) => e.name === def.name)) {
      const msg = `Rule '${rule}' has more than one exception named '${def.name}'`;
      ctx.diags.warn(ctx.src, def.pos, 'LOAD_EXCEPTION_NAME_NOT_UNIQUE', msg);
    }
    if (appending && def.values.length === 0) {
      if (i < 0) {
        const msg = `Appended exception '${def.name}' is new to rule '${rule}', so it must have values`;
        ctx.diags.error(ctx.src, def.pos, 'LOAD_ERR_VALIDATE', msg);
        ok = false;
        continue;
      }
      ctx.diags.warn(ctx.src, def.pos, 'LOAD_APPEND_NO_VALUES', `Appending to exception '${def.name}' with no values`);
    }
    const done = finishException(ctx, def, i >= 0 ? out[i] : undefined);
    if (done === undefined) ok = false;
    else if (i >= 0) out[i] = done;
    else out.push(done);
  }
  return ok ? out : undefined;
}

/** Falco joins appended text with one space, and only when there is text to append. */
function joinText(base: string, more: string): string {
  return more === '' ? base : `${base} ${more}`;
}

function joinCondition(base: SourcedText, more: SourcedText): SourcedText {
  return more.text === '' ? base : concatText(base, ' ', more);
}

/** The item's condition text with where its characters are in the file. */
function conditionText(ctx: ItemCtx, condition: string): SourcedText {
  const entry = ctx.entries.get('condition');
  return scalarText(ctx.src, entry?.value ?? null, condition, entry?.valuePos ?? ctx.pos);
}
