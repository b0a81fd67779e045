/**
 * Field-to-field comparisons (`proc.name = val(proc.pname)`, `a = tolower(b)`): both sides are
 * read per event, so nothing can be precomputed except the operator's shape. Rare in rules, so
 * clarity wins over speed here.
 */
import type { BinaryOperator } from '../condition/ast.js';
import { globToRegExp } from './glob.js';
import type { TypeClass } from './operator-types.js';
import { pathPrefixTest } from './scalar-test.js';
import { asBytes, asText, normNum } from './values.js';

export type PairTest = (a: unknown, b: unknown) => boolean;

/** `leftIsList`: the left field is a list, which `in` needs wholly inside the right side. */
export function pairTest(op: BinaryOperator, cls: TypeClass, leftIsList: boolean): PairTest {
  const scalar = scalarPair(op, cls);
  if (op === 'in' || op === 'intersects') {
    return (a, b) => {
      const bs: unknown[] = Array.isArray(b) ? b : [b];
      const has = (x: unknown): boolean => bs.some((y) => scalar(x, y));
      if (!Array.isArray(a)) return has(a);
      return op === 'in' && leftIsList ? a.length > 0 && a.every(has) : a.some(has);
    };
  }
  return (a, b) => {
    const as: unknown[] = Array.isArray(a) ? a : [a];
    const bs: unknown[] = Array.isArray(b) ? b : [b];
    return as.some((x) => bs.some((y) => scalar(x, y)));
  };
}

function scalarPair(op: BinaryOperator, cls: TypeClass): PairTest {
  if (cls === 'number') {
    const n = (v: unknown) => normNum(v);
    switch (op) {
      case '<':
        return (a, b) => ordered(n(a), n(b), (x, y) => x < y);
      case '<=':
        return (a, b) => ordered(n(a), n(b), (x, y) => x <= y);
      case '>':
        return (a, b) => ordered(n(a), n(b), (x, y) => x > y);
      case '>=':
        return (a, b) => ordered(n(a), n(b), (x, y) => x >= y);
      case '!=':
        return (a, b) => n(a) !== n(b);
      default:
        return (a, b) => n(a) === n(b);
    }
  }
  if (cls === 'bytes' && (op === 'bcontains' || op === 'bstartswith' || op === 'contains' || op === 'startswith')) {
    return op === 'bcontains' || op === 'contains'
      ? (a, b) => asBytes(a).indexOf(asBytes(b)) >= 0
      : (a, b) => asBytes(a).subarray(0, asBytes(b).length).equals(asBytes(b));
  }
  const t = asText;
  switch (op) {
    case '!=':
      return (a, b) => t(a) !== t(b);
    case '<':
      return (a, b) => t(a) < t(b);
    case '<=':
      return (a, b) => t(a) <= t(b);
    case '>':
      return (a, b) => t(a) > t(b);
    case '>=':
      return (a, b) => t(a) >= t(b);
    case 'contains':
      return (a, b) => t(a).includes(t(b));
    case 'icontains':
      return (a, b) => t(a).toLowerCase().includes(t(b).toLowerCase());
    case 'startswith':
      return (a, b) => t(a).startsWith(t(b));
    case 'endswith':
      return (a, b) => t(a).endsWith(t(b));
    case 'glob':
    case 'iglob':
      return (a, b) => globToRegExp(t(b), op === 'iglob').test(t(a));
    case 'pmatch':
      return (a, b) => pathPrefixTest([t(b)])(a);
    default:
      return (a, b) => t(a) === t(b);
  }
}

function ordered(
  x: number | bigint | undefined,
  y: number | bigint | undefined,
  f: (x: number | bigint, y: number | bigint) => boolean,
): boolean {
  return x !== undefined && y !== undefined && f(x, y);
}
