/** A `macro` item: define, append condition text (`append: true` or override append) or replace. */
import { textOf } from './yaml-nodes.js';
import { itemMode, itemName, missingTarget, warnUnknownKeys } from './item-mode.js';
import type { ItemCtx } from './state.js';
import { concatText, scalarText } from './text-spans.js';

const MACRO_KEYS = new Set(['macro', 'condition', 'append', 'override']);

export function applyMacroItem(ctx: ItemCtx): void {
  const { src, diags, state, entries } = ctx;
  warnUnknownKeys(ctx, MACRO_KEYS, 'macro');
  const name = itemName(ctx, 'macro');
  const mode = itemMode(ctx, 'macro', 'macro');
  if (name === undefined || mode === undefined) return;
  // A macro is referred to as a bare identifier in conditions, so Falco asks for one.
  if (!/^[a-zA-Z]+[a-zA-Z0-9_]*$/.test(name)) {
    const at = entries.get('macro')?.valuePos ?? ctx.pos;
    diags.warn(
      src,
      at,
      'LOAD_INVALID_MACRO_NAME',
      `Macro name '${name}' is invalid: it should match [a-zA-Z]+[a-zA-Z0-9_]*`,
    );
  }
  const condEntry = entries.get('condition');
  if (condEntry === undefined) {
    diags.error(src, ctx.pos, 'LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'condition'");
    return;
  }
  const condition = textOf(condEntry.value);
  if (condition === undefined) {
    diags.error(src, condEntry.valuePos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'condition' must be a string");
    return;
  }
  if (mode.kind === 'define') {
    if (condition.trim() === '') {
      diags.error(src, condEntry.valuePos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'condition' must be non-empty");
      return;
    }
    const text = scalarText(src, condEntry.value, condition, condEntry.valuePos);
    state.macros.set(name, { condition: text, pos: ctx.pos, conditionPos: condEntry.valuePos });
    return;
  }
  const target = state.macros.get(name);
  if (target === undefined) {
    missingTarget(ctx, 'Macro', name);
    return;
  }
  const appending = mode.kind === 'append' || mode.keys.get('condition') === 'append';
  if (appending) {
    if (condition.trim() === '') {
      diags.warn(
        src,
        condEntry.valuePos,
        'LOAD_APPEND_NO_VALUES',
        `Appending to macro '${name}' with an empty condition`,
      );
      return;
    }
    // Falco joins appended condition text with a single space; the author writes the `or`/`and`.
    target.condition = concatText(
      target.condition,
      ' ',
      scalarText(src, condEntry.value, condition, condEntry.valuePos),
    );
  } else {
    target.condition = scalarText(src, condEntry.value, condition, condEntry.valuePos);
    target.conditionPos = condEntry.valuePos;
  }
}
