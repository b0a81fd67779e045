import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchQueue } from '../../../src/sensors/ebpf/batch-queue.js';

function queue(): { q: BatchQueue<number>; log: string[] } {
  const log: string[] = [];
  const q = new BatchQueue<number>({
    highWater: 4,
    lowWater: 1,
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
  });
  return { q, log };
}

test('pauses the producer above the high-water mark and resumes once drained', async () => {
  const { q, log } = queue();
  q.push([1, 2]);
  assert.deepEqual(log, []);
  q.push([3, 4]);
  assert.deepEqual(log, ['pause']);
  q.push([5]);
  q.end();
  const got: number[][] = [];
  for await (const b of q) got.push(b);
  assert.deepEqual(got, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(log, ['pause', 'resume']);
});

test('a waiting consumer is woken by the next batch, and by end', async () => {
  const { q } = queue();
  const it = q[Symbol.asyncIterator]();
  const next = it.next();
  q.push([7]);
  assert.deepEqual(await next, { value: [7], done: false });
  const last = it.next();
  q.end();
  assert.deepEqual(await last, { value: undefined, done: true });
});

test('a consumer that leaves releases the producer and the queue', async () => {
  const { q, log } = queue();
  q.push([1, 2, 3, 4, 5]);
  for await (const b of q) {
    assert.deepEqual(b, [1, 2, 3, 4, 5]);
    break;
  }
  // take() already resumed (5 → 0 queued), so leaving has nothing left to release.
  assert.deepEqual(log, ['pause', 'resume']);
  q.push([6, 7, 8, 9, 10]);
  assert.equal(q.size, 0, 'batches after the consumer left are dropped');
  assert.deepEqual(log, ['pause', 'resume']);
});
