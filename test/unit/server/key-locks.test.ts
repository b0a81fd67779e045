import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyLocks } from '../../../src/server/key-locks.js';

/** A promise and the function that settles it, so a test decides when work ends. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('work on an overlapping key waits for the holder; work on other keys does not', async () => {
  const locks = new KeyLocks();
  const log: string[] = [];
  const first = gate();
  const a = locks.with(['r\u00001', 'r\u00002'], async () => {
    log.push('a start');
    await first.opened;
    log.push('a end');
  });
  const b = locks.with(['r\u00002'], async () => {
    log.push('b');
  });
  const c = locks.with(['r\u00003'], async () => {
    log.push('c');
  });
  await tick();
  assert.deepEqual(log, ['a start', 'c']);
  first.open();
  await Promise.all([a, b, c]);
  assert.deepEqual(log, ['a start', 'c', 'a end', 'b']);
  assert.equal(locks.size, 0);
});

test('a failed holder releases its keys and its error reaches only its own caller', async () => {
  const locks = new KeyLocks();
  const failing = locks.with(['k'], async () => {
    await tick();
    throw new Error('insert failed');
  });
  const next = locks.with(['k'], async () => 'stored');
  await assert.rejects(failing, /insert failed/);
  assert.equal(await next, 'stored');
  assert.equal(locks.size, 0);
});

test('three callers on one key run one at a time, in arrival order', async () => {
  const locks = new KeyLocks();
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3].map((n) =>
      locks.with(['same', 'same'], async () => {
        most = Math.max(most, ++inside);
        await tick();
        order.push(n);
        inside--;
      }),
    ),
  );
  assert.equal(most, 1);
  assert.deepEqual(order, [1, 2, 3]);
});
