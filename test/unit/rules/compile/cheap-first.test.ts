import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCondition } from '../../../../src/rules/condition/parser.js';
import { compileConditionText } from '../../../../src/rules/compile/index.js';
import { conditionCost } from '../../../../src/rules/compile/cost.js';
import { FalcoFieldRegistry } from '../../../../src/rules/fields/registry.js';
import { plain } from '../../../../src/rules/fields/spec.js';
import type { EvalContext, FieldValue } from '../../../../src/rules/fields/types.js';

/** Fields read from a plain record, each read logged, so the order of evaluation shows. */
const reads: string[] = [];
const field = (name: string) =>
  plain(name, 'string', name, (ctx) => {
    reads.push(name);
    return (ctx.event as unknown as Record<string, FieldValue>)[name];
  });
const registry = new FalcoFieldRegistry([
  field('fd.name'),
  field('fd.nameraw'),
  field('proc.name'),
  field('proc.pname'),
]);
const ctxOf = (values: Record<string, string>) => ({ event: values, state: {} }) as unknown as EvalContext;

test('a cheap conjunct is tested before a dear one written first', () => {
  const p = compileConditionText("fd.name glob '*../*../*' and proc.name = bash", { registry }).predicate;
  reads.length = 0;
  assert.equal(p(ctxOf({ 'fd.name': '/a/../../b', 'proc.name': 'sh' })), false);
  assert.deepEqual(reads, ['proc.name']);
});

test('exclusions go last even when cheaper', () => {
  const p = compileConditionText("not proc.name = bash and fd.name contains '../'", { registry }).predicate;
  reads.length = 0;
  assert.equal(p(ctxOf({ 'fd.name': '/etc/passwd', 'proc.name': 'sh' })), false);
  assert.deepEqual(reads, ['fd.name']);
});

test("Falco's directory-traversal shape tests the one substring before the four path patterns", () => {
  const cond =
    "(fd.name startswith /etc/ or fd.name contains '/.ssh/' or fd.name startswith /root/.ssh or fd.name contains id_rsa) and (fd.nameraw contains '../' and fd.nameraw glob '*../*../*') and not proc.pname in (bash, sh)";
  const p = compileConditionText(cond, { registry }).predicate;
  reads.length = 0;
  assert.equal(p(ctxOf({ 'fd.name': '/usr/lib/x.so', 'fd.nameraw': '/usr/lib/x.so', 'proc.pname': 'node' })), false);
  assert.deepEqual(reads, ['fd.nameraw']);
});

test('reordering never changes a result', () => {
  const conds = [
    "fd.name glob '*../*' and proc.name = bash",
    "not proc.name = bash and fd.name contains '../'",
    '(fd.name startswith /etc or fd.name contains x) and proc.name in (a, bash) and not proc.pname = init',
    'proc.name = bash and proc.pname = init and fd.name exists',
  ];
  const contexts: Record<string, string>[] = [];
  for (const name of ['/etc/x', '/a/../b', '/x', 'rel/x'])
    for (const proc of ['bash', 'a', 'zsh'])
      for (const parent of ['init', 'bash'])
        contexts.push({ 'fd.name': name, 'proc.name': proc, 'proc.pname': parent });
  for (const cond of conds) {
    const p = compileConditionText(cond, { registry }).predicate;
    // The reference: the same condition evaluated conjunct by conjunct in written order.
    const parts = cond.split(' and ').map((c) => compileConditionText(c, { registry }).predicate);
    for (const c of contexts) {
      const want = parts.every((q) => q(ctxOf(c)));
      assert.equal(p(ctxOf(c)), want, `${cond} on ${JSON.stringify(c)}`);
    }
  }
});

test('costs: an or pays every branch, an and mostly its first conjunct, lineage fields are dear', () => {
  const cost = (c: string) => conditionCost(parseCondition(c), new Map());
  assert.ok(cost('proc.name = a or proc.name = b') > cost('proc.name = a and proc.name = b'));
  assert.ok(cost('proc.pname = a') > cost('proc.name = a'));
  assert.ok(cost("fd.name glob '*x'") > cost('fd.name contains x'));
  assert.ok(cost('fd.name contains x') > cost('fd.name startswith x'));
});
