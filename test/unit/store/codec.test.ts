import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventArgs } from '../../../src/events/event.js';
import { decodeArgs, decodeJson, encodeArgs, encodeJson } from '../../../src/store/duckdb/codec.js';
import { sampleEvents } from './fixtures.js';

test('every sample event args round-trip exactly', () => {
  for (const { event } of sampleEvents()) {
    assert.deepEqual(decodeArgs(encodeArgs(event.args)), event.args);
  }
});

test('bigints are wrapped, not turned into numbers or plain strings', () => {
  const args: EventArgs = { addr: 2n ** 64n + 1n, small: 7n, name: '18446744073709551617' };
  const text = encodeArgs(args);
  assert.equal(
    text,
    '{"addr":{"$bigint":"18446744073709551617"},"small":{"$bigint":"7"},"name":"18446744073709551617"}',
  );
  assert.deepEqual(decodeArgs(text), args);
});

test('args without bigints are plain JSON', () => {
  const args: EventArgs = { fd: { fd: 3, path: '/etc/hosts' }, flags: { names: ['O_RDONLY'], value: 0 } };
  assert.equal(encodeArgs(args), JSON.stringify(args));
});

test('non-finite numbers survive instead of becoming null', () => {
  const args: EventArgs = { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY };
  assert.equal(encodeArgs(args), '{"a":{"$number":"NaN"},"b":{"$number":"Infinity"},"c":{"$number":"-Infinity"}}');
  assert.deepEqual(decodeArgs(encodeArgs(args)), args);
});

test('a string that looks like a wrapper stays a string', () => {
  const args: EventArgs = { s: '{"$bigint":"1"}', arr: ['$bigint', '{"$number":"NaN"}'] };
  assert.deepEqual(decodeArgs(encodeArgs(args)), args);
});

test('summaries with nested bigints round-trip', () => {
  const summary = { counts: { events: 12n, drops: 0 }, spans: [1n, 2, 'x'], nested: { deep: { ts: -5n } } };
  assert.deepEqual(decodeJson(encodeJson(summary)), summary);
});
