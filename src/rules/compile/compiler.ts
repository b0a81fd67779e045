/**
 * A condition's syntax tree to a predicate over events, built from closures: every constant is
 * converted, every regex and glob compiled and every `in` list turned into a Set here, once, so
 * evaluating an event allocates nothing for the common operators. Macros are expanded as they are
 * met (a cycle is an error) and list names in value lists expand as Falco does.
 */
import type { BinaryCheck, Expr, Position, UnaryCheck, ValueLit } from '../condition/ast.js';
import { ConditionCompileError, type CompileErrorCode } from '../condition/errors.js';
import { parseCondition } from '../condition/parser.js';
import type { EvalContext, Extractor, FieldRegistry } from '../fields/types.js';
import type { CompileContext, CompileWarning } from './context.js';
import { conditionCost, isExclusion, type MacroCosts } from './cost.js';
import { pairTest } from './dynamic.js';
import { expandListItems, expandNamed, type ListTable } from './lists.js';
import { membershipTest } from './membership.js';
import { compileOperand, type CompiledOperand } from './operand.js';
import { operatorAllowed, typeClass } from './operator-types.js';
import { pathPrefixTest, scalarTest, ValueError, type ScalarTest } from './scalar-test.js';
import { checkValueWarnings } from './warnings.js';
import { memoisedPredicate, SharedMacros } from './shared-macros.js';
import { withShape } from './shape.js';

export type Predicate = (ctx: EvalContext) => boolean;

export interface CompileOptions {
  registry: FieldRegistry;
  /**
   * The only event types the predicate will be asked about (the engine indexes rules by event
   * type). Tests on `evt.type` that this settles are folded away at compile time.
   */
  eventTypes?: ReadonlySet<string>;
  /** Macro name → its parsed condition. */
  macros?: ReadonlyMap<string, Expr>;
  /** List name → its items. */
  lists?: ListTable;
  /**
   * Macros already compiled for other rules of the same rule set: reused (and evaluated once per
   * event for all of them) instead of compiled again.
   */
  sharedMacros?: SharedMacros;
}

export interface CompiledCondition {
  predicate: Predicate;
  warnings: CompileWarning[];
}

/** Compiles a parsed condition; throws ConditionCompileError with the position of the fault. */
export function compileCondition(ast: Expr, options: CompileOptions): CompiledCondition {
  const c = new Compiler(options);
  const predicate = c.expr(ast);
  return { predicate, warnings: c.warnings };
}

/** Parses and compiles condition text (ConditionSyntaxError or ConditionCompileError on failure). */
export function compileConditionText(text: string, options: CompileOptions): CompiledCondition {
  return compileCondition(parseCondition(text), options);
}

const EMPTY_MACROS: ReadonlyMap<string, Expr> = new Map();
const EMPTY_LISTS: ListTable = new Map();

class Compiler implements CompileContext {
  readonly registry: FieldRegistry;
  readonly warnings: CompileWarning[] = [];
  private readonly macros: ReadonlyMap<string, Expr>;
  private readonly lists: ListTable;
  private readonly chain: string[] = [];

  private readonly eventTypes: ReadonlySet<string> | undefined;
  private readonly shared: SharedMacros | undefined;
  private readonly macroCosts: MacroCosts;

  constructor(o: CompileOptions) {
    this.registry = o.registry;
    this.eventTypes = o.eventTypes;
    this.shared = o.sharedMacros;
    this.macroCosts = o.sharedMacros?.costs ?? new Map();
    this.macros = o.macros ?? EMPTY_MACROS;
    this.lists = o.lists ?? EMPTY_LISTS;
  }

  fail(code: CompileErrorCode, reason: string, pos: Position, text: string): never {
    throw new ConditionCompileError(code, reason, pos, text, [...this.chain]);
  }

  warn(message: string, pos: Position): void {
    this.warnings.push({ message, pos, macroChain: [...this.chain] });
  }

  expr(e: Expr): Predicate {
    switch (e.kind) {
      case 'and': {
        // Compiled in written order so the first fault reported is the first written.
        const ps = e.children.map((c) => this.expr(c));
        return all(this.cheapFirst(e.children, ps));
      }
      case 'or':
        return any(e.children.map((c) => this.expr(c)));
      case 'not': {
        const p = this.expr(e.child);
        if (p === TRUE) return FALSE;
        if (p === FALSE) return TRUE;
        return withShape((ctx) => !p(ctx), { kind: 'not', part: p });
      }
      case 'macro':
        return this.macro(e.name, e.pos);
      case 'unary':
        return this.exists(e);
      case 'binary':
        return this.binary(e);
    }
  }

  /** Conjuncts reordered: likely-false before exclusions, cheap before dear (stable otherwise). */
  private cheapFirst(children: readonly Expr[], ps: Predicate[]): Predicate[] {
    const keyed = children.map((c, i) => ({
      p: ps[i] as Predicate,
      last: isExclusion(c, this.macros),
      cost: conditionCost(c, this.macros, this.macroCosts),
      i,
    }));
    keyed.sort((a, b) => Number(a.last) - Number(b.last) || a.cost - b.cost || a.i - b.i);
    return keyed.map((k) => k.p);
  }

  private macro(name: string, pos: Position): Predicate {
    const body = this.macros.get(name);
    if (body === undefined) return this.fail('undefined-macro', `undefined macro '${name}'`, pos, name);
    if (this.chain.includes(name)) return this.fail('macro-cycle', `macro '${name}' refers to itself`, pos, name);
    const key = this.shared && SharedMacros.key(name, this.eventTypes);
    const known = key === undefined ? undefined : this.shared?.get(key);
    if (known !== undefined) {
      // Its warnings concern this rule too: report them again, under this rule's macro chain.
      for (const w of known.warnings) this.warnings.push({ ...w, macroChain: [...this.chain, ...w.macroChain] });
      return known.predicate;
    }
    const depth = this.chain.length;
    const firstWarning = this.warnings.length;
    this.chain.push(name);
    let p: Predicate;
    try {
      p = this.expr(body);
    } finally {
      this.chain.pop();
    }
    if (key === undefined) return p;
    const shared = p === TRUE || p === FALSE ? p : memoisedPredicate(p);
    const warnings = this.warnings.slice(firstWarning).map((w) => ({ ...w, macroChain: w.macroChain.slice(depth) }));
    this.shared?.set(key, { predicate: shared, warnings });
    return shared;
  }

  private exists(e: UnaryCheck): Predicate {
    const get = compileOperand(e.left, this).get;
    return (ctx) => {
      const v = get(ctx);
      return v !== undefined && !(Array.isArray(v) && v.length === 0);
    };
  }

  private binary(e: BinaryCheck): Predicate {
    const left = compileOperand(e.left, this);
    const folded = this.foldEventType(e);
    if (folded !== undefined) return folded;
    const op = e.op;
    if (!operatorAllowed(left.type, op)) {
      this.fail('operator-type', `operator '${op}' is not valid for '${left.text}' (a ${left.type} field)`, e.pos, op);
    }
    const r = e.right;
    if (r.kind === 'val' || r.kind === 'transform') {
      if (op === 'regex') this.fail('operator-type', "'regex' needs a constant pattern, not a field", r.pos, 'regex');
      const right = compileOperand(r.kind === 'val' ? r.field : r, this);
      if (typeClass(right.type) !== typeClass(left.type)) {
        this.fail(
          'operator-type',
          `cannot compare '${left.text}' (${left.type}) with '${right.text}' (${right.type})`,
          r.pos,
          right.text,
        );
      }
      return fieldPair(left, right, pairTest(op, typeClass(left.type), left.isList));
    }
    if (r.kind === 'value') {
      if (op === 'in' || op === 'intersects' || op === 'pmatch') return this.listCheck(e, left, [r.value], r);
      checkValueWarnings(e, r, this);
      const test = this.scalar(op, left, r.value, r);
      // `!=` is the negation of `=`: on several values (fd.ip's two ends) none may be equal, as in libsinsp
      return op === '!=' ? perValueEvery(left.get, test) : perValue(left.get, test);
    }
    let values: string[];
    if (r.kind === 'list') {
      values = expandListItems(r.items, this.lists);
    } else if (this.lists.has(r.name)) {
      values = [];
      expandNamed(r.name, this.lists, values, new Set());
    } else {
      this.warn(`'${r.name}' is not a defined list; it is compared as a single value`, r.pos);
      values = [r.name];
    }
    const at: ValueLit = { kind: 'value', value: values.join(', '), quoted: false, pos: r.pos };
    if (e.modifier !== undefined) {
      const tests = values.map((v) => this.scalar(op, left, v, at));
      return perValue(left.get, e.modifier === 'allof' ? everyTest(tests) : someTest(tests));
    }
    return this.listCheck(e, left, values, at);
  }

  /**
   * `evt.type = x` / `evt.type in (…)` / `!=` when every event type the predicate can see gives
   * the same answer: a constant. Checked after the operand compiled, so errors are unchanged.
   */
  private foldEventType(e: BinaryCheck): Predicate | undefined {
    const known = this.eventTypes;
    if (known === undefined || known.size === 0 || e.modifier !== undefined) return undefined;
    if (e.left.kind !== 'field' || e.left.name !== 'evt.type' || e.left.arg !== undefined) return undefined;
    const r = e.right;
    let values: string[];
    if (r.kind === 'value') values = [r.value];
    else if (r.kind === 'list') values = expandListItems(r.items, this.lists);
    else return undefined;
    let test: (t: string) => boolean;
    if (e.op === '=' || e.op === '==') test = (t) => values[0] === t;
    else if (e.op === '!=') test = (t) => values[0] !== t;
    else if (e.op === 'in' && r.kind === 'list') test = (t) => values.includes(t);
    else return undefined;
    let yes = 0;
    for (const t of known) if (test(t)) yes++;
    return yes === known.size ? TRUE : yes === 0 ? FALSE : undefined;
  }

  /**
   * `in`, `intersects`, `pmatch`. A list field (`isList`, like fd.types) is `in` when all its
   * values are and `intersects` when one is; other fields that yield several values (fd.ip's two
   * ends, any ancestor for proc.aname) match when any value does, as in libsinsp.
   */
  private listCheck(e: BinaryCheck, left: CompiledOperand, values: string[], at: ValueLit): Predicate {
    const has = this.guard(() => (e.op === 'pmatch' ? pathPrefixTest(values) : membershipTest(left.type, values)), at);
    const get = left.get;
    if (e.op === 'in' && left.isList) {
      return (ctx) => {
        const v = get(ctx);
        if (v === undefined) return false;
        if (!Array.isArray(v)) return has(v);
        if (v.length === 0) return false;
        for (const x of v) if (!has(x)) return false;
        return true;
      };
    }
    return perValue(get, has);
  }

  private scalar(op: BinaryCheck['op'], left: CompiledOperand, value: string, at: ValueLit): ScalarTest {
    return this.guard(() => scalarTest(op, left.type, value), at);
  }

  private guard<T>(f: () => T, at: ValueLit): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof ValueError) this.fail('value', err.message, at.pos, at.value);
      throw err;
    }
  }
}

/** A test on one value, applied to a field that may be missing or hold a list (any element). */
function perValue(get: Extractor, test: ScalarTest): Predicate {
  return withShape(
    (ctx) => {
      const v = get(ctx);
      if (v === undefined) return false;
      if (!Array.isArray(v)) return test(v);
      for (const x of v) if (test(x)) return true;
      return false;
    },
    { kind: 'each', get, test, every: false },
  );
}

/** A test that must hold for every value of a multi-valued field (and for a single value). */
function perValueEvery(get: Extractor, test: ScalarTest): Predicate {
  return withShape(
    (ctx) => {
      const v = get(ctx);
      if (v === undefined) return false;
      if (!Array.isArray(v)) return test(v);
      if (v.length === 0) return false;
      for (const x of v) if (!test(x)) return false;
      return true;
    },
    { kind: 'each', get, test, every: true },
  );
}

function fieldPair(
  left: CompiledOperand,
  right: CompiledOperand,
  test: (a: unknown, b: unknown) => boolean,
): Predicate {
  const lg = left.get;
  const rg = right.get;
  return (ctx) => {
    const a = lg(ctx);
    if (a === undefined) return false;
    const b = rg(ctx);
    return b !== undefined && test(a, b);
  };
}

function someTest(tests: ScalarTest[]): ScalarTest {
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

function everyTest(tests: ScalarTest[]): ScalarTest {
  return (v) => {
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

/** `and` of predicates, unrolled for the common small arities. */
/** Constant predicates from folding; `all`/`any`/`not` simplify around them. */
const TRUE: Predicate = withShape(() => true, { kind: 'const', value: true });
const FALSE: Predicate = withShape(() => false, { kind: 'const', value: false });

function all(input: Predicate[]): Predicate {
  if (input.includes(FALSE)) return FALSE;
  const ps = input.filter((p) => p !== TRUE);
  if (ps.length === 0) return TRUE;
  const [a, b, c] = ps;
  if (ps.length === 1 && a) return a;
  let p: Predicate;
  if (ps.length === 2 && a && b) p = (ctx) => a(ctx) && b(ctx);
  else if (ps.length === 3 && a && b && c) p = (ctx) => a(ctx) && b(ctx) && c(ctx);
  else {
    p = (ctx) => {
      for (const q of ps) if (!q(ctx)) return false;
      return true;
    };
  }
  return withShape(p, { kind: 'and', parts: ps });
}

function any(input: Predicate[]): Predicate {
  if (input.includes(TRUE)) return TRUE;
  const ps = input.filter((p) => p !== FALSE);
  if (ps.length === 0) return FALSE;
  const [a, b, c] = ps;
  if (ps.length === 1 && a) return a;
  let p: Predicate;
  if (ps.length === 2 && a && b) p = (ctx) => a(ctx) || b(ctx);
  else if (ps.length === 3 && a && b && c) p = (ctx) => a(ctx) || b(ctx) || c(ctx);
  else {
    p = (ctx) => {
      for (const q of ps) if (q(ctx)) return true;
      return false;
    };
  }
  return withShape(p, { kind: 'or', parts: ps });
}
