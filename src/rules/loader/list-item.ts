/** A `list` item: define, append to (`append: true` or `override: {items: append}`) or replace. */
import { isSeq } from 'yaml';
import type { Node } from 'yaml';
import { stringListOf } from './yaml-nodes.js';
import { itemMode, itemName, missingTarget, warnUnknownKeys } from './item-mode.js';
import type { ItemCtx } from './state.js';

const LIST_KEYS = new Set(['list', 'items', 'append', 'override']);

export function applyListItem(ctx: ItemCtx): void {
  const { src, diags, state, entries } = ctx;
  warnUnknownKeys(ctx, LIST_KEYS, 'list');
  const name = itemName(ctx, 'list');
  const mode = itemMode(ctx, 'list', 'list');
  if (name === undefined || mode === undefined) return;
  // Falco's bare-string rule for list names: a name a condition can refer to inside `( )`.
  if (!/^[^()"'\s=,]+$/.test(name)) {
    const at = entries.get('list')?.valuePos ?? ctx.pos;
    diags.warn(
      src,
      at,
      'LOAD_INVALID_LIST_NAME',
      `List name '${name}' is invalid: it should match [^()"'[:space:]=,]+`,
    );
  }
  const itemsEntry = entries.get('items');
  if (itemsEntry === undefined) {
    diags.error(src, ctx.pos, 'LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'items'");
    return;
  }
  // As in Falco, `items:` with no value is not an empty list but a mistake: write `items: []`.
  const items = stringListOf(itemsEntry.value);
  if (items === undefined) {
    diags.error(src, itemsEntry.valuePos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'items' must be a sequence of strings");
    return;
  }
  const seq = itemsEntry.value;
  const itemPositions = isSeq(seq) ? (seq.items as (Node | null)[]).map((n) => src.posOf(n)) : [];
  const appending = mode.kind === 'append' || (mode.kind === 'override' && mode.keys.get('items') === 'append');
  if (mode.kind === 'define') {
    state.lists.set(name, { items, itemPositions, pos: ctx.pos });
    return;
  }
  const target = state.lists.get(name);
  if (target === undefined) {
    missingTarget(ctx, 'List', name);
    return;
  }
  if (appending) {
    if (items.length === 0) {
      diags.warn(src, itemsEntry.valuePos, 'LOAD_APPEND_NO_VALUES', `Appending to list '${name}' with no items`);
    }
    target.items.push(...items);
    target.itemPositions.push(...itemPositions);
  } else {
    target.items = items;
    target.itemPositions = itemPositions;
  }
}
