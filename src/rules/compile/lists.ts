/**
 * Falco's list expansion: an unquoted item of a value list that names a list is replaced by that
 * list's items, and an item of that list that names another list expands too. Falco substitutes
 * items as condition text, so an item written with its own quotes (`'"10.0.0.0/8"'`, as Falco's
 * rules do) is read as that quoted string.
 */
import type { ValueLit } from '../condition/ast.js';
import { scanQuoted, unescapeQuoted } from '../condition/quoted.js';

export type ListTable = ReadonlyMap<string, readonly string[]>;

export function expandListItems(items: readonly ValueLit[], lists: ListTable): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (!item.quoted && lists.has(item.value)) expandNamed(item.value, lists, out, new Set());
    else out.push(item.value);
  }
  return out;
}

/** The items of a named list, nested list names expanded; a list naming itself stops the recursion. */
export function expandNamed(name: string, lists: ListTable, out: string[], seen: Set<string>): void {
  seen.add(name);
  for (const v of lists.get(name) ?? []) {
    if (lists.has(v) && !seen.has(v)) expandNamed(v, lists, out, seen);
    else out.push(listItemValue(v));
  }
  seen.delete(name);
}

/** A list item as a value: a whole quoted string is unquoted and its escapes decoded. */
export function listItemValue(item: string): string {
  const q = scanQuoted(item, 0);
  if (q === undefined || q.end !== item.length) return item;
  try {
    return unescapeQuoted(q.raw, q.quote);
  } catch {
    return item;
  }
}
