/** The store methods behind `harrier serve`: idempotent batches, resumed runs, pushed-down searches. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { join } from 'node:path';
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import { StoreError } from '../../../src/store/store.js';
import { newRun, sampleEvents, tempDir } from './fixtures.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('ingest batches', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a batch id is stored once, also after the store is reopened and the run resumed', async () => {
    const path = join(tmp.dir, 'batches.duckdb');
    const events = sampleEvents();
    let store = await openDuckDbStore(path);
    const writer = await store.beginRun(newRun(1n));
    const runId = writer.runId;
    assert.deepEqual(await writer.appendBatch('b1', events), {
      duplicate: false,
      stored: events.length,
      total: events.length,
    });
    assert.deepEqual(await writer.appendBatch('b1', events), { duplicate: true, stored: 0, total: events.length });
    // Closing without finishing is what a collector that dies leaves behind.
    await store.close();

    store = await openDuckDbStore(path);
    try {
      assert.equal((await store.getRun(runId))?.status, 'incomplete');
      const resumed = await store.resumeRun(runId);
      await assert.rejects(store.resumeRun(runId), StoreError);
      assert.equal((await resumed.appendBatch('b1', events)).duplicate, true);
      assert.deepEqual(await resumed.appendBatch('b2', events.slice(0, 2)), {
        duplicate: false,
        stored: 2,
        total: events.length + 2,
      });
      await resumed.finish({ endedAt: 2n, summary: null, partial: false });
      const run = await store.getRun(runId);
      assert.equal(run?.status, 'complete');
      assert.equal(run?.eventCount, events.length + 2);
      const seqs = (await collect(store.searchEvents({ runId }))).map((e) => e.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: events.length + 2 }, (_, i) => i + 1),
      );
      await assert.rejects(store.resumeRun(runId), /has finished/);
    } finally {
      await store.close();
    }
  });
});

describe('searches', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('each event filter narrows the result, and the cursor pages', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 's.duckdb'));
    try {
      const writer = await store.beginRun(newRun(10n));
      const events = sampleEvents();
      await writer.appendBatch('all', events);
      await writer.finish({ endedAt: 11n, summary: null, partial: false });
      const runId = writer.runId;
      const all = await collect(store.searchEvents({ runId }));
      assert.equal(all.length, events.length);

      const opens = await collect(store.searchEvents({ runId, types: ['openat'] }));
      assert.ok(opens.length > 0 && opens.length < all.length);
      assert.ok(opens.every((e) => e.event.type === 'openat'));

      const passwd = await collect(store.searchEvents({ runId, pathContains: 'passwd' }));
      assert.deepEqual(
        passwd.map((e) => e.path),
        ['/etc/passwd'],
      );
      const conn = await collect(store.searchEvents({ runId, endpointContains: ':8080' }));
      assert.deepEqual(
        conn.map((e) => e.endpoint),
        ['127.0.0.1:8080'],
      );
      const first = all[0];
      assert.ok(first !== undefined);
      const later = await collect(store.searchEvents({ runId, since: first.event.ts + 1n }));
      assert.equal(later.length, all.length - 1);
      const page = await collect(store.searchEvents({ runId, afterSeq: 2, limit: 2 }));
      assert.deepEqual(
        page.map((e) => e.seq),
        [3, 4],
      );
      const endpoints = await store.endpoints(runId);
      const named = new Set(all.flatMap((e) => (e.endpoint === undefined ? [] : [e.endpoint])));
      assert.deepEqual(endpoints.map((e) => e.endpoint).sort(), [...named].sort());
      assert.ok(endpoints.every((e) => e.events >= 1));
      const stats = await store.stats();
      assert.equal(stats.runs, 1);
      assert.equal(stats.events, events.length);
      assert.equal(stats.runsByStatus.complete, 1);
    } finally {
      await store.close();
    }
  });
});
