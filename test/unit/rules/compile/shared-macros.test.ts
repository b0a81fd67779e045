import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCondition } from '../../../../src/rules/condition/parser.js';
import type { Expr } from '../../../../src/rules/condition/ast.js';
import { compileConditionText, SharedMacros } from '../../../../src/rules/compile/index.js';
import { FalcoFieldRegistry } from '../../../../src/rules/fields/registry.js';
import { plain } from '../../../../src/rules/fields/spec.js';
import type { EvalContext } from '../../../../src/rules/fields/types.js';

let calls = 0;
const registry = new FalcoFieldRegistry([
  plain('test.calls', 'int', 'counts extractions', () => ++calls),
  plain('evt.type', 'string', 'the event type', (ctx) => ctx.event.type),
  plain('proc.name', 'string', 'a constant name', () => 'bash'),
]);
const ctxOf = (type: string) => ({ event: { type }, state: {} }) as unknown as EvalContext;

function macros(defs: Record<string, string>): Map<string, Expr> {
  return new Map(Object.entries(defs).map(([k, v]) => [k, parseCondition(v)]));
}

test('a macro shared by two rules is evaluated once per event for both', () => {
  // proc.name is constant, so the macro's only varying work is the counted field.
  const m = macros({ busy: 'proc.name = bash and test.calls > 0' });
  const sharedMacros = new SharedMacros();
  const a = compileConditionText('busy', { registry, macros: m, sharedMacros }).predicate;
  const b = compileConditionText('not busy or proc.name = sh', { registry, macros: m, sharedMacros }).predicate;
  calls = 0;
  const ctx = ctxOf('openat');
  assert.equal(a(ctx), true);
  assert.equal(b(ctx), false);
  assert.equal(calls, 1);
  a(ctxOf('openat'));
  assert.equal(calls, 2);
});

test('without a shared cache each rule compiles and evaluates its own copy', () => {
  const m = macros({ busy: 'test.calls > 0' });
  const a = compileConditionText('busy', { registry, macros: m }).predicate;
  const b = compileConditionText('busy', { registry, macros: m }).predicate;
  calls = 0;
  const ctx = ctxOf('openat');
  a(ctx);
  b(ctx);
  // The field memo (a FalcoFieldRegistry feature) still makes it one extraction.
  assert.equal(calls, 1);
});

test('a macro folded for other event types is compiled again, not reused', () => {
  const m = macros({ is_open: 'evt.type = open' });
  const sharedMacros = new SharedMacros();
  const forOpen = compileConditionText('is_open', {
    registry,
    macros: m,
    sharedMacros,
    eventTypes: new Set(['open']),
  }).predicate;
  const forOpenat = compileConditionText('is_open', {
    registry,
    macros: m,
    sharedMacros,
    eventTypes: new Set(['openat']),
  }).predicate;
  assert.equal(forOpen(ctxOf('open')), true);
  assert.equal(forOpenat(ctxOf('openat')), false);
});

test("a shared macro's warnings are reported for every rule, under each rule's macro chain", () => {
  const m = macros({ odd: 'proc.name in no_such_list', outer: 'odd and test.calls > 0' });
  const sharedMacros = new SharedMacros();
  const first = compileConditionText('odd', { registry, macros: m, sharedMacros });
  const second = compileConditionText('outer', { registry, macros: m, sharedMacros });
  const alone = compileConditionText('outer', { registry, macros: m });
  assert.equal(first.warnings.length, 1);
  assert.deepEqual(first.warnings[0]?.macroChain, ['odd']);
  assert.deepEqual(second.warnings, alone.warnings);
  assert.deepEqual(second.warnings[0]?.macroChain, ['outer', 'odd']);
});
