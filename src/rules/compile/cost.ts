/**
 * A rough cost for evaluating a condition, so `and` can test cheap, selective conjuncts first.
 * Falco's `and` has no side effects and a missing field only makes a comparison false, so the
 * order of conjuncts never changes a result, only how much is computed before one is false.
 * Rules are written in reading order, not cost order: Falco's "Directory traversal" tests four
 * path patterns on every open before the one-substring check that almost always fails.
 */
import type { BinaryOperator, Expr, Operand, RightHand } from '../condition/ast.js';

/** Fields that walk the process tree or join strings: dearer than a table read. */
const DEAR_FIELDS: ReadonlySet<string> = new Set([
  'proc.pname',
  'proc.pexe',
  'proc.pexepath',
  'proc.pcmdline',
  'proc.aname',
  'proc.apid',
  'proc.aexe',
  'proc.aexepath',
  'proc.acmdline',
  'proc.sname',
  'proc.cmdline',
  'proc.args',
  'proc.env',
  'evt.args',
]);

/**
 * `evt.arg.NAME` renders the argument as Falco shows it (flags joined as `O_RDONLY|O_CLOEXEC`):
 * a fresh string per event. Falco's "Clear Log Activities" tested it on every open before
 * `open_write` (7 % of a stable-rules replay).
 */
const isArgText = (name: string): boolean => name === 'evt.arg' || name.startsWith('evt.arg.');

function operandCost(o: Operand): number {
  if (o.kind === 'field') return DEAR_FIELDS.has(o.name) || isArgText(o.name) ? 2 : 0.5;
  let c = 1;
  for (const a of o.args) if (a.kind !== 'value') c += operandCost(a);
  return c;
}

function operatorCost(op: BinaryOperator): number {
  switch (op) {
    case 'contains':
    case 'icontains':
    case 'bcontains':
      return 2;
    case 'glob':
    case 'iglob':
    case 'regex':
    case 'pmatch':
      return 4;
    default:
      return 1;
  }
}

function rightCost(r: RightHand): number {
  if (r.kind === 'val') return operandCost(r.field);
  if (r.kind === 'transform') return operandCost(r);
  return 0;
}

/** Macro name → its cost, so nested macros are costed once per compile, not once per use. */
export type MacroCosts = Map<string, number>;

export function conditionCost(
  e: Expr,
  macros: ReadonlyMap<string, Expr>,
  known: MacroCosts = new Map(),
  chain: string[] = [],
): number {
  switch (e.kind) {
    case 'and': {
      // later conjuncts only run when the earlier ones held
      let c = 0;
      let weight = 1;
      for (const child of e.children) {
        c += weight * conditionCost(child, macros, known, chain);
        weight /= 2;
      }
      return c;
    }
    case 'or': {
      // conditions are false far more often than true, and a false `or` runs every branch
      let c = 0;
      for (const child of e.children) c += conditionCost(child, macros, known, chain);
      return c;
    }
    case 'not':
      return conditionCost(e.child, macros, known, chain);
    case 'macro': {
      const seen = known.get(e.name);
      if (seen !== undefined) return seen;
      const body = macros.get(e.name);
      if (body === undefined || chain.includes(e.name)) return 1;
      chain.push(e.name);
      const c = conditionCost(body, macros, known, chain);
      chain.pop();
      known.set(e.name, c);
      return c;
    }
    case 'unary':
      return operandCost(e.left) + 1;
    case 'binary': {
      const modifierValues = e.modifier !== undefined && e.right.kind === 'list' ? e.right.items.length : 1;
      return operandCost(e.left) + rightCost(e.right) + operatorCost(e.op) * modifierValues;
    }
  }
}

/**
 * Exclusions (`not …`, directly or as a macro's whole body) hold for almost every event, so they
 * rarely end an `and` early: they go last whatever their cost.
 */
export function isExclusion(e: Expr, macros: ReadonlyMap<string, Expr>, chain: string[] = []): boolean {
  if (e.kind === 'not') return true;
  if (e.kind !== 'macro') return false;
  const body = macros.get(e.name);
  if (body === undefined || chain.includes(e.name)) return false;
  chain.push(e.name);
  const r = isExclusion(body, macros, chain);
  chain.pop();
  return r;
}
