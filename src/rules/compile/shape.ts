/**
 * What a compiled predicate is made of, recorded beside the closure the compiler built, so the
 * code generator (codegen.ts) can turn a closure tree into straight-line JavaScript while the
 * closures stay the reference implementation. Anything without a recorded shape is called as
 * it is: the generator never needs to understand every operator to be correct.
 */
import type { EvalContext, Extractor } from '../fields/types.js';

type Predicate = (ctx: EvalContext) => boolean;
type ScalarTest = (v: unknown) => boolean;

export type PredicateShape =
  | { kind: 'and' | 'or'; parts: readonly Predicate[] }
  | { kind: 'not'; part: Predicate }
  | { kind: 'const'; value: boolean }
  /** A shared macro: computed once per event, whichever rule asks first. */
  | { kind: 'memo'; part: Predicate }
  /** `test` on a field's value: any value of a multi-valued field (`every`: all of them). */
  | { kind: 'each'; get: Extractor; test: ScalarTest; every: boolean };

/** Tests the generator can inline for values of one JS type (other values go through the closure). */
export type TestShape =
  | { kind: 'string'; op: 'eq' | 'ne' | 'startswith' | 'endswith' | 'contains'; constant: string }
  | { kind: 'string-set'; set: ReadonlySet<string>; lengths: Uint8Array; longest: number }
  /** For a number value: the closure's comparison on normNum(v), which is v itself. */
  | { kind: 'number'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; constant: number | bigint }
  /** For a boolean value: asBool(v) is v itself. */
  | { kind: 'bool'; equal: boolean; constant: boolean };

const predicateShapes = new WeakMap<Predicate, PredicateShape>();
const testShapes = new WeakMap<ScalarTest, TestShape>();

export function withShape<P extends Predicate>(p: P, shape: PredicateShape): P {
  predicateShapes.set(p, shape);
  return p;
}

export function withTestShape<T extends ScalarTest>(t: T, shape: TestShape): T {
  testShapes.set(t, shape);
  return t;
}

export const shapeOf = (p: Predicate): PredicateShape | undefined => predicateShapes.get(p);
export const testShapeOf = (t: ScalarTest): TestShape | undefined => testShapes.get(t);
