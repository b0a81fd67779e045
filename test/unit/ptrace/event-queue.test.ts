import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../../src/events/event.js';
import { EventQueue } from '../../../src/sensors/ptrace/event-queue.js';

const ev = (n: number): Event => ({ ts: BigInt(n), source: 'ptrace', type: 'close', pid: 1, tid: 1, args: {} });

test('batches arrive in order and the stream ends after the last one', async () => {
  const q = new EventQueue(() => undefined);
  q.push([ev(1)]);
  q.push([]);
  q.push([ev(2), ev(3)]);
  q.end();
  q.push([ev(4)]);
  const seen: bigint[] = [];
  for await (const b of q) for (const e of b) seen.push(e.ts);
  assert.deepEqual(seen, [1n, 2n, 3n]);
});

test('a waiting consumer gets batches pushed later', async () => {
  const q = new EventQueue(() => undefined);
  const it = q[Symbol.asyncIterator]();
  const next = it.next();
  q.push([ev(7)]);
  const first: IteratorResult<Event[]> = await next;
  assert.deepEqual(first.done ? [] : first.value.map((e) => e.ts), [7n]);
  const end = it.next();
  q.end();
  assert.equal((await end).done, true);
});

test('a slow consumer pauses the producer at the high mark and resumes it at the low mark; nothing is dropped', async () => {
  const calls: boolean[] = [];
  const q = new EventQueue((pause) => calls.push(pause), 4, 1);
  for (let i = 0; i < 10; i++) q.push([ev(i)]);
  assert.deepEqual(calls, [true]);
  const it = q[Symbol.asyncIterator]();
  const got: bigint[] = [];
  const take = async (): Promise<void> => {
    const r = await it.next();
    if (!r.done) got.push(...r.value.map((e) => e.ts));
  };
  for (let i = 0; i < 8; i++) await take();
  // Two still queued: above the low mark.
  assert.deepEqual(calls, [true]);
  await take();
  assert.deepEqual(calls, [true, false]);
  q.end();
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    got.push(...r.value.map((e) => e.ts));
  }
  assert.deepEqual(
    got,
    Array.from({ length: 10 }, (_, i) => BigInt(i)),
  );
});

test('a consumer that stops iterating releases the producer', async () => {
  const calls: boolean[] = [];
  const q = new EventQueue((pause) => calls.push(pause), 2, 1);
  q.push([ev(1)]);
  q.push([ev(2)]);
  for await (const _ of q) break;
  assert.deepEqual(calls, [true, false]);
  q.push([ev(3)]);
  assert.equal(q.length, 0);
});

test('unbound() stops backpressure for shutdown', () => {
  const calls: boolean[] = [];
  const q = new EventQueue((pause) => calls.push(pause), 2, 1);
  q.push([ev(1)]);
  q.push([ev(2)]);
  q.unbound();
  for (let i = 0; i < 10; i++) q.push([ev(i)]);
  assert.deepEqual(calls, [true, false]);
});

test('the stream can be iterated only once', () => {
  const q = new EventQueue(() => undefined);
  q[Symbol.asyncIterator]();
  assert.throws(() => q[Symbol.asyncIterator](), /only be iterated once/);
});
