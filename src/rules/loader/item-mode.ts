/**
 * How an item acts on what came before it: a new definition, a legacy `append: true`, or an
 * `override:` map of key → append|replace. Checks Falco's rules for overrides: the mode must be
 * one of the two, allowed for that key on that kind of item, the overridden key must be given,
 * and `append: true` cannot be combined with `override`.
 */
import { isMap, isScalar } from 'yaml';
import { boolOf, readEntries, scalarString } from './yaml-nodes.js';
import { allowedKeys, overrideAllowed } from './override-keys.js';
import type { ItemKind, OverrideMode } from './override-keys.js';
import type { ItemCtx } from './state.js';

export type ItemMode = { kind: 'define' } | { kind: 'append' } | { kind: 'override'; keys: Map<string, OverrideMode> };

/** The item's mode, or undefined when append/override are malformed (errors reported). */
export function itemMode(ctx: ItemCtx, kind: ItemKind, nameKey: string): ItemMode | undefined {
  const { src, diags, entries } = ctx;
  const appendEntry = entries.get('append');
  let append = false;
  if (appendEntry !== undefined) {
    const b = boolOf(appendEntry.value);
    if (b === undefined) {
      diags.error(src, appendEntry.valuePos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'append' must be a boolean");
      return undefined;
    }
    append = b;
    if (append) {
      diags.warn(
        src,
        appendEntry.keyPos,
        'LOAD_DEPRECATED_ITEM',
        "'append: true' is deprecated: list the key under 'override' instead (e.g. 'condition: append')",
      );
    }
  }
  const overrideEntry = entries.get('override');
  if (overrideEntry === undefined) return append ? { kind: 'append' } : { kind: 'define' };
  if (append) {
    diags.error(
      src,
      appendEntry?.keyPos ?? ctx.pos,
      'LOAD_ERR_YAML_VALIDATE',
      "Keys 'override' and 'append: true' cannot be used together",
    );
    return undefined;
  }
  if (!isMap(overrideEntry.value)) {
    diags.error(
      src,
      overrideEntry.valuePos,
      'LOAD_ERR_YAML_VALIDATE',
      "Value of 'override' must be a map of key: append|replace",
    );
    return undefined;
  }
  const keys = new Map<string, OverrideMode>();
  const mentioned = new Set<string>();
  let ok = true;
  for (const e of readEntries(src, diags, overrideEntry.value).values()) {
    mentioned.add(e.key);
    const mode = isScalar(e.value) ? scalarString(e.value) : undefined;
    if (mode !== 'append' && mode !== 'replace') {
      diags.error(src, e.valuePos, 'LOAD_ERR_YAML_VALIDATE', `Override of '${e.key}' must be 'append' or 'replace'`);
      ok = false;
      continue;
    }
    if (!overrideAllowed(kind, mode, e.key)) {
      const allowed = allowedKeys(kind, mode).join(', ');
      diags.error(
        src,
        e.keyPos,
        'LOAD_ERR_YAML_VALIDATE',
        `Key '${e.key}' cannot be overridden with '${mode}' in a ${kind} (allowed: ${allowed})`,
      );
      ok = false;
      continue;
    }
    if (!entries.has(e.key)) {
      diags.error(
        src,
        e.keyPos,
        'LOAD_ERR_YAML_VALIDATE',
        `An ${mode} override for '${e.key}' was specified but '${e.key}' is not defined`,
      );
      ok = false;
      continue;
    }
    keys.set(e.key, mode);
  }
  // A key given beside an override but not overridden would silently do nothing: refuse it.
  for (const e of entries.values()) {
    if (e.key === nameKey || e.key === 'override' || e.key === 'append' || mentioned.has(e.key)) continue;
    if (!overrideAllowed(kind, 'replace', e.key) && !overrideAllowed(kind, 'append', e.key)) continue; // unknown keys are warned about elsewhere
    diags.error(
      src,
      e.keyPos,
      'LOAD_ERR_YAML_VALIDATE',
      `Unexpected key '${e.key}': no corresponding entry under 'override' is defined`,
    );
    ok = false;
  }
  return ok ? { kind: 'override', keys } : undefined;
}

/** Warns about keys an item kind does not know (Falco warns and goes on, for newer files). */
export function warnUnknownKeys(ctx: ItemCtx, known: ReadonlySet<string>, what: string): void {
  for (const e of ctx.entries.values()) {
    if (!known.has(e.key)) {
      ctx.diags.warn(ctx.src, e.keyPos, 'LOAD_UNKNOWN_KEY', `Unknown key '${e.key}' in ${what} item`);
    }
  }
}

/** The item's name (the value of `list:`, `macro:` or `rule:`), or undefined with an error. */
export function itemName(ctx: ItemCtx, nameKey: string): string | undefined {
  const e = ctx.entries.get(nameKey);
  const name = e !== undefined && isScalar(e.value) ? scalarString(e.value) : undefined;
  if (name === undefined || name === '') {
    ctx.diags.error(
      ctx.src,
      e?.valuePos ?? ctx.pos,
      'LOAD_ERR_YAML_VALIDATE',
      `Value of '${nameKey}' must be a non-empty string`,
    );
    return undefined;
  }
  return name;
}

/** Falco's wording when an append or override names something that does not exist. */
export function missingTarget(ctx: ItemCtx, what: string, name: string): void {
  const nameEntry = ctx.entries.get(what.toLowerCase());
  ctx.diags.error(
    ctx.src,
    nameEntry?.valuePos ?? ctx.pos,
    'LOAD_ERR_VALIDATE',
    `${what} '${name}' has 'append' key or an override but no ${what.toLowerCase()} by that name already exists`,
  );
}
