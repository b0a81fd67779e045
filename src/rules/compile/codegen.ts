/**
 * The rules an event type meets, as one generated JavaScript function instead of closure trees.
 * A closure tree pays a call per node (Falco's open rules: ~7 leaf tests through ~6 nested calls
 * each, per event); here `and`/`or`/`not` become operators, each field is read once into a local
 * shared by every rule of the group, a shared macro is computed once into a local, and string
 * comparisons and set lookups are inlined for string values.
 *
 * The closures stay the reference: the generator only rearranges what shape.ts recorded about
 * them and calls any part it does not recognise as it is, so a result can never differ. No text
 * from rules is spliced into the source: constants, extractors, tests and Sets reach the code as
 * elements of an array passed to the factory; the source holds only generated names, indices and
 * integers computed here.
 */
import type { EvalContext, Extractor } from '../fields/types.js';
import { withoutMemo } from '../fields/memo.js';
import { shapeOf, testShapeOf, type TestShape } from './shape.js';

type Predicate = (ctx: EvalContext) => boolean;
type ScalarTest = (v: unknown) => boolean;

/**
 * Evaluates every rule of a group on one event, in order. `hit(i)` is called for each rule that
 * matches and returns true to stop (first-match); `fail(i, error)` for a rule that threw, which
 * then counts as not matching — the other rules still run.
 */
export type GroupEvaluator = (
  ctx: EvalContext,
  hit: (index: number) => boolean,
  fail: (index: number, error: unknown) => void,
) => void;

/** Any value of a field passes the test (perValue in compiler.ts). */
function some(v: unknown, test: ScalarTest): boolean {
  if (v === undefined) return false;
  if (!Array.isArray(v)) return test(v);
  for (const x of v) if (test(x)) return true;
  return false;
}

/** Every value of a field passes the test (perValueEvery in compiler.ts). */
function every(v: unknown, test: ScalarTest): boolean {
  if (v === undefined) return false;
  if (!Array.isArray(v)) return test(v);
  if (v.length === 0) return false;
  for (const x of v) if (!test(x)) return false;
  return true;
}

/** Marks a field not read yet for this event (a field's value may itself be undefined). */
const UNREAD = Symbol('unread');

class Generator {
  /** Values the generated code uses, by index: `c<i>` in the source. */
  private readonly constants: unknown[] = [];
  private readonly constantIndex = new Map<unknown, number>();
  private readonly fields = new Map<Extractor, number>();
  private readonly macros = new Map<Predicate, number>();

  constant(x: unknown): string {
    let i = this.constantIndex.get(x);
    if (i === undefined) {
      i = this.constants.length;
      this.constants.push(x);
      this.constantIndex.set(x, i);
    }
    return `c${i}`;
  }

  private field(get: Extractor): string {
    let i = this.fields.get(get);
    if (i === undefined) {
      i = this.fields.size;
      this.fields.set(get, i);
    }
    // The local is the memo for this event: call what the registry's memo wraps.
    return `(f${i} === U ? (f${i} = ${this.constant(withoutMemo(get))}(ctx)) : f${i})`;
  }

  expr(p: Predicate): string {
    const shape = shapeOf(p);
    if (shape === undefined) return `${this.constant(p)}(ctx)`;
    switch (shape.kind) {
      case 'const':
        return shape.value ? 'true' : 'false';
      case 'not':
        return `!${this.expr(shape.part)}`;
      case 'and':
      case 'or':
        return `(${shape.parts.map((q) => this.expr(q)).join(shape.kind === 'and' ? ' && ' : ' || ')})`;
      case 'memo': {
        let i = this.macros.get(p);
        if (i === undefined) {
          i = this.macros.size;
          this.macros.set(p, i);
        }
        // 0: not computed for this event, 1: false, 2: true
        return `((m${i} === 0 ? (m${i} = ${this.expr(shape.part)} ? 2 : 1) : m${i}) === 2)`;
      }
      case 'each': {
        const read = this.field(shape.get);
        const test = this.constant(shape.test);
        if (shape.every) return `${this.constant(every)}(${read}, ${test})`;
        const inline = this.inlineTest(testShapeOf(shape.test));
        if (inline === undefined) return `${this.constant(some)}(${read}, ${test})`;
        // `v` is only read inside this expression, right after it is set
        return `(typeof (v = ${read}) === '${inline.type}' ? ${inline.test} : ${this.constant(some)}(v, ${test}))`;
      }
    }
  }

  /**
   * The test on a value `v` of one JS type, as an expression, where it is the closure's own
   * comparison once the closure's conversion (asText, normNum, asBool) is the identity.
   */
  private inlineTest(t: TestShape | undefined): { type: 'string' | 'number' | 'boolean'; test: string } | undefined {
    if (t === undefined) return undefined;
    switch (t.kind) {
      case 'string-set':
        if (!Number.isSafeInteger(t.longest)) return undefined;
        return {
          type: 'string',
          test: `(v.length <= ${t.longest} && ${this.constant(t.lengths)}[v.length] === 1 && ${this.constant(t.set)}.has(v))`,
        };
      case 'string': {
        const c = this.constant(t.constant);
        const test = {
          eq: `v === ${c}`,
          ne: `v !== ${c}`,
          startswith: `v.startsWith(${c})`,
          endswith: `v.endsWith(${c})`,
          contains: `v.includes(${c})`,
        }[t.op];
        return { type: 'string', test };
      }
      case 'number': {
        const op = { '=': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' }[t.op];
        return { type: 'number', test: `v ${op} ${this.constant(t.constant)}` };
      }
      case 'bool':
        return { type: 'boolean', test: `v ${t.equal ? '===' : '!=='} ${this.constant(t.constant)}` };
    }
  }

  build(predicates: readonly Predicate[]): GroupEvaluator {
    const body = predicates.map(
      (p, i) => `  try { r = ${this.expr(p)}; } catch (e) { r = false; fail(${i}, e); }\n  if (r && hit(${i})) return;`,
    );
    const locals = [
      'let v, r;',
      ...[...this.fields.values()].map((i) => `let f${i} = U;`),
      ...[...this.macros.values()].map((i) => `let m${i} = 0;`),
    ];
    const src = [
      "'use strict';",
      `const ${this.constants.map((_, i) => `c${i} = C[${i}]`).join(', ') || '_ = 0'};`,
      'return function evaluateRules(ctx, hit, fail) {',
      ...locals.map((l) => `  ${l}`),
      ...body,
      '};',
    ].join('\n');
    // Only generated names and integers are in `src`; see the module comment.
    const factory = new Function('C', 'U', src) as (c: unknown[], u: symbol) => GroupEvaluator;
    return factory(this.constants, UNREAD);
  }
}

/**
 * One function evaluating `predicates` in order, or undefined when code cannot be generated here
 * (a runtime started with --disallow-code-generation-from-strings): use the closures then.
 */
export function generateGroupEvaluator(predicates: readonly Predicate[]): GroupEvaluator | undefined {
  try {
    return new Generator().build(predicates);
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
