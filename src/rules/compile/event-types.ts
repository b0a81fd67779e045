/**
 * The event types a condition can match, so the engine evaluates a rule only for those (as
 * Falco indexes rules by event type). Each sub-condition is abstracted to "these types", "all but
 * these types" or "any type"; `and` intersects, `or` unites, `not` swaps the first two. A check
 * that does not constrain `evt.type` can match any type, and so can its negation.
 */
import type { BinaryCheck, Expr } from '../condition/ast.js';
import { expandListItems, expandNamed, type ListTable } from './lists.js';

type Types = { kind: 'any' } | { kind: 'only'; set: Set<string> } | { kind: 'except'; set: Set<string> };

const ANY: Types = { kind: 'any' };

export interface EventTypeOptions {
  macros?: ReadonlyMap<string, Expr>;
  lists?: ListTable;
}

/** The set of `evt.type` values the condition requires, or undefined when it may match any type. */
export function referencedEventTypes(ast: Expr, options: EventTypeOptions = {}): Set<string> | undefined {
  const t = abstract(ast, options.macros ?? new Map(), options.lists ?? new Map(), []);
  return t.kind === 'only' ? t.set : undefined;
}

function abstract(e: Expr, macros: ReadonlyMap<string, Expr>, lists: ListTable, chain: string[]): Types {
  switch (e.kind) {
    case 'and':
      return e.children.map((c) => abstract(c, macros, lists, chain)).reduce(intersect, ANY);
    case 'or': {
      const [first, ...rest] = e.children.map((c) => abstract(c, macros, lists, chain));
      return rest.reduce(unite, first ?? ANY);
    }
    case 'not': {
      const t = abstract(e.child, macros, lists, chain);
      if (t.kind === 'only') return { kind: 'except', set: t.set };
      if (t.kind === 'except') return { kind: 'only', set: t.set };
      return ANY;
    }
    case 'macro': {
      const body = macros.get(e.name);
      if (body === undefined || chain.includes(e.name)) return ANY;
      chain.push(e.name);
      const t = abstract(body, macros, lists, chain);
      chain.pop();
      return t;
    }
    case 'unary':
      return ANY;
    case 'binary':
      return check(e, lists);
  }
}

function check(e: BinaryCheck, lists: ListTable): Types {
  if (e.left.kind !== 'field' || e.left.name !== 'evt.type' || e.left.arg !== undefined) return ANY;
  const r = e.right;
  let values: string[];
  if (r.kind === 'value') values = [r.value];
  else if (r.kind === 'list') values = expandListItems(r.items, lists);
  else if (r.kind === 'listref') {
    values = [];
    if (lists.has(r.name)) expandNamed(r.name, lists, values, new Set());
    else values.push(r.name);
  } else return ANY;
  const set = new Set(values);
  const anyOf = e.modifier === undefined || e.modifier !== 'allof';
  switch (e.op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return anyOf || set.size <= 1 ? { kind: 'only', set } : { kind: 'only', set: new Set() };
    case '!=':
      // `!= allof (a, b)`: differs from every one of them
      return e.modifier === undefined || e.modifier === 'allof' || set.size <= 1 ? { kind: 'except', set } : ANY;
    default:
      return ANY;
  }
}

function intersect(a: Types, b: Types): Types {
  if (a.kind === 'any') return b;
  if (b.kind === 'any') return a;
  if (a.kind === 'only' && b.kind === 'only')
    return { kind: 'only', set: new Set([...a.set].filter((x) => b.set.has(x))) };
  if (a.kind === 'except' && b.kind === 'except') return { kind: 'except', set: new Set([...a.set, ...b.set]) };
  const only = (a.kind === 'only' ? a : b).set;
  const except = (a.kind === 'except' ? a : b).set;
  return { kind: 'only', set: new Set([...only].filter((x) => !except.has(x))) };
}

function unite(a: Types, b: Types): Types {
  if (a.kind === 'any' || b.kind === 'any') return ANY;
  if (a.kind === 'only' && b.kind === 'only') return { kind: 'only', set: new Set([...a.set, ...b.set]) };
  if (a.kind === 'except' && b.kind === 'except')
    return { kind: 'except', set: new Set([...a.set].filter((x) => b.set.has(x))) };
  const only = (a.kind === 'only' ? a : b).set;
  const except = (a.kind === 'except' ? a : b).set;
  return { kind: 'except', set: new Set([...except].filter((x) => !only.has(x))) };
}
