/**
 * The macros and lists a condition names directly (not through its macros), so the loader can
 * warn about unused macros and lists and order its checks, as Falco does.
 */
import type { Expr } from '../condition/ast.js';
import type { ListTable } from './lists.js';

export interface ReferencedNames {
  macros: Set<string>;
  /** `in my_list` names, and unquoted value-list items that are names in `lists` when it is given. */
  lists: Set<string>;
}

export function referencedNames(ast: Expr, lists?: ListTable): ReferencedNames {
  const out: ReferencedNames = { macros: new Set(), lists: new Set() };
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'and':
      case 'or':
        e.children.forEach(walk);
        return;
      case 'not':
        walk(e.child);
        return;
      case 'macro':
        out.macros.add(e.name);
        return;
      case 'unary':
        return;
      case 'binary':
        if (e.right.kind === 'listref') out.lists.add(e.right.name);
        else if (e.right.kind === 'list' && lists !== undefined) {
          for (const item of e.right.items) if (!item.quoted && lists.has(item.value)) out.lists.add(item.value);
        }
    }
  };
  walk(ast);
  return out;
}
