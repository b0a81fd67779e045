import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemState } from '../../../../src/events/state/system-state.js';
import { compileConditionText } from '../../../../src/rules/compile/index.js';
import { FalcoFieldRegistry, fieldRegistry } from '../../../../src/rules/fields/registry.js';
import { plain } from '../../../../src/rules/fields/spec.js';
import type { EvalContext } from '../../../../src/rules/fields/types.js';
import { ev } from './helpers.js';

test('a field read by several tests of one evaluation is computed once, and again for the next', () => {
  let calls = 0;
  const registry = new FalcoFieldRegistry([plain('test.calls', 'int', 'counts extractions', () => ++calls)]);
  const p = compileConditionText('test.calls > 0 and test.calls < 100 and test.calls != 7', { registry }).predicate;
  const state = new SystemState();
  const ctx1: EvalContext = { event: ev('getpid', 1, {}), state };
  assert.equal(p(ctx1), true);
  assert.equal(p(ctx1), true);
  assert.equal(calls, 1);
  assert.equal(p({ event: ev('getpid', 1, {}), state }), true);
  assert.equal(calls, 2);
});

test('the registry hands every user of a field the same extractor', () => {
  const def = fieldRegistry.lookup('fd.name');
  assert.ok(def);
  assert.equal(fieldRegistry.extractor(def, undefined), fieldRegistry.extractor(def, undefined));
  const env = fieldRegistry.lookup('proc.env');
  assert.ok(env);
  assert.notEqual(fieldRegistry.extractor(env, 'HOME'), fieldRegistry.extractor(env, 'PATH'));
});

test('a new context after the state changed sees the new value, not the memoised one', () => {
  const state = new SystemState();
  const def = fieldRegistry.lookup('fd.name');
  assert.ok(def);
  const fdName = fieldRegistry.extractor(def, undefined);
  const open1 = ev('openat', 40, { dirfd: { fd: -100 }, name: '/etc/passwd', flags: { names: ['O_RDONLY'] } }, 3);
  state.apply(open1);
  assert.equal(fdName({ event: open1, state }), '/etc/passwd');
  const close = ev('close', 40, { fd: 3 }, 0);
  state.apply(close);
  const open2 = ev('openat', 40, { dirfd: { fd: -100 }, name: '/tmp/x', flags: { names: ['O_RDONLY'] } }, 3);
  state.apply(open2);
  assert.equal(fdName({ event: open2, state }), '/tmp/x');
});
