import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRunId } from '../../../src/store/duckdb/run-id.js';

test('run ids are r + 9 base-36 time digits + 6 random digits', () => {
  const id = newRunId(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  assert.match(id, /^r[0-9a-z]{15}$/);
  assert.equal(id.slice(1, 10), Date.UTC(2024, 0, 2, 3, 4, 5, 678).toString(36).padStart(9, '0'));
  assert.equal(newRunId(0).slice(0, 10), 'r000000000');
});

test('run ids sort by creation time as plain strings', () => {
  const times = [0, 1, 35, 36, 1_000_000, 1_700_000_000_000, 1_700_000_000_001, 4_000_000_000_000];
  const ids = times.map((t) => newRunId(t));
  assert.deepEqual([...ids].sort(), ids);
});

test('run ids made in the same millisecond differ', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newRunId(1_700_000_000_000)));
  assert.equal(ids.size, 200, `only ${ids.size} distinct ids out of 200`);
});
