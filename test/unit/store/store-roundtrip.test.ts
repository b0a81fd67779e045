import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import { StoreError, type RunRecord, type Store } from '../../../src/store/store.js';
import { collect, eventsOf, newRun, sampleEvents, sampleProcesses, tempDir } from './fixtures.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a run written and read back', () => {
  const tmp = tempDir();
  let store: Store;
  let runId: string;
  const summary = { findings: 2, counts: { openat: 2, events: 9n }, tags: ['a', 'b'], none: null };

  before(async () => {
    store = await openDuckDbStore(join(tmp.dir, 'harrier.duckdb'));
    const run = await store.beginRun(newRun(1_700_000_000_000_000_000n, ['node', 'app.js', '--flag=a b']));
    runId = run.runId;
    const events = sampleEvents();
    run.appendEvents(events.slice(0, 4));
    run.upsertProcesses(sampleProcesses());
    await run.flush();
    run.appendEvents(events.slice(4));
    // A later update of a process replaces it (the state table's final view of it).
    run.upsertProcesses([{ ...sampleProcesses()[2]!, exitTs: 1_700_000_000_123_457_000n, exitCode: 3 }]);
    await run.finish({
      endedAt: 1_700_000_001_000_000_000n,
      exit: { kind: 'killed', signal: 'SIGTERM', signo: 15 },
      summary,
      partial: false,
    });
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  test('the run record holds what was begun and finished', async () => {
    const expected: RunRecord = {
      id: runId,
      command: ['node', 'app.js', '--flag=a b'],
      cwd: '/srv/app',
      sensor: 'ptrace',
      hostname: 'ci-runner-7',
      startedAt: 1_700_000_000_000_000_000n,
      harrierVersion: '0.1.0-test',
      status: 'complete',
      endedAt: 1_700_000_001_000_000_000n,
      exit: { kind: 'killed', signal: 'SIGTERM', signo: 15 },
      eventCount: 9,
      summary,
    };
    assert.deepEqual(await store.getRun(runId), expected);
  });

  test('events come back identical, every ArgValue kind included, in append order', async () => {
    assert.deepEqual(await collect(store.events({ runId })), eventsOf(sampleEvents()));
  });

  test('events filter by type and pid, with limit and offset over seq order', async () => {
    const all = eventsOf(sampleEvents());
    assert.deepEqual(
      await collect(store.events({ runId, types: ['openat', 'connect'] })),
      all.filter((e) => e.type === 'openat' || e.type === 'connect'),
    );
    assert.deepEqual(
      await collect(store.events({ runId, pid: 4300 })),
      all.filter((e) => e.pid === 4300),
    );
    assert.deepEqual(await collect(store.events({ runId, limit: 3, offset: 2 })), all.slice(2, 5));
    assert.deepEqual(await collect(store.events({ runId, types: ['mmap'], pid: 4242 })), []);
    assert.deepEqual(await collect(store.events({ runId, types: [] })), []);
    assert.deepEqual(await collect(store.events({ runId: 'r-nonexistent' })), []);
  });

  test('processes come back as upserted, the last version of each pid winning', async () => {
    const [a, b, c] = sampleProcesses();
    assert.deepEqual(await store.processes(runId), [a, b, { ...c!, exitTs: 1_700_000_000_123_457_000n, exitCode: 3 }]);
  });

  test('two event streams can be read at the same time', async () => {
    const first = store.events({ runId })[Symbol.asyncIterator]();
    const second = store.events({ runId })[Symbol.asyncIterator]();
    assert.equal((await first.next()).value?.type, 'openat');
    assert.equal((await second.next()).value?.type, 'openat');
    assert.deepEqual((await collect({ [Symbol.asyncIterator]: () => first })).length, 8);
    assert.deepEqual((await collect({ [Symbol.asyncIterator]: () => second })).length, 8);
  });

  test('a finished run takes no more events', async () => {
    const writerStore = store;
    const run = await writerStore.beginRun(newRun(1n));
    await run.finish({ endedAt: 2n, summary: null, partial: false });
    assert.throws(() => run.appendEvents(sampleEvents()), StoreError);
    assert.deepEqual(await writerStore.getRun(run.runId), {
      ...newRun(1n),
      id: run.runId,
      status: 'complete',
      endedAt: 2n,
      eventCount: 0,
      summary: null,
    });
  });
});

describe('listing and naming runs', () => {
  const tmp = tempDir();
  let store: Store;
  const ids: string[] = [];

  before(async () => {
    store = await openDuckDbStore(join(tmp.dir, 'runs.duckdb'));
    // Started out of creation order: listing follows start time, not insertion.
    for (const startedAt of [3_000n, 1_000n, 2_000n]) {
      const run = await store.beginRun(newRun(startedAt, ['cmd', String(startedAt)]));
      await run.finish({ endedAt: startedAt + 1n, exit: { kind: 'exited', code: 0 }, summary: {}, partial: false });
      ids.push(run.runId);
    }
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  test('listRuns is newest first and honours limit', async () => {
    const [at3000, at1000, at2000] = ids;
    assert.deepEqual(
      (await store.listRuns()).map((r) => [r.id, r.startedAt]),
      [
        [at3000, 3_000n],
        [at2000, 2_000n],
        [at1000, 1_000n],
      ],
    );
    assert.deepEqual(
      (await store.listRuns({ limit: 2 })).map((r) => r.id),
      [at3000, at2000],
    );
  });

  test('getRun takes a full id, `last`, or a unique prefix', async () => {
    const [at3000] = ids;
    assert.equal((await store.getRun('last'))?.id, at3000);
    for (const id of ids) {
      assert.equal((await store.getRun(id))?.id, id);
      // The shortest prefix no other id shares.
      let n = 1;
      while (ids.some((other) => other !== id && other.startsWith(id.slice(0, n)))) n++;
      assert.equal((await store.getRun(id.slice(0, n)))?.id, id);
    }
    assert.equal(await store.getRun('zzz'), undefined);
    assert.equal(await store.getRun(''), undefined);
    assert.equal(await store.getRun(`${at3000}x`), undefined);
  });

  test('an ambiguous prefix names the candidates, newest first', async () => {
    const [at3000, at1000, at2000] = ids;
    await assert.rejects(store.getRun('r'), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.message, `run id prefix "r" is ambiguous: it matches ${at3000}, ${at2000}, ${at1000}`);
      assert.equal(err.hint, 'give more characters of the run id (`harrier report --list` shows them)');
      return true;
    });
  });

  test('the exit status of an exited run round-trips', async () => {
    assert.deepEqual((await store.getRun(ids[0]!))?.exit, { kind: 'exited', code: 0 });
  });
});

describe('writer batching, partial runs and closing', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a full buffer is written without waiting for flush or the timer', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'batch.duckdb'), { batchRows: 5, flushIntervalMs: 60_000 });
    try {
      const run = await store.beginRun(newRun(1n));
      const events = sampleEvents();
      run.appendEvents(events.slice(0, 4));
      await turn();
      assert.deepEqual(await collect(store.events({ runId: run.runId })), []);
      run.appendEvents(events.slice(4, 7));
      await turn();
      assert.deepEqual(await collect(store.events({ runId: run.runId })), eventsOf(events.slice(0, 7)));
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('the timer writes a small buffer', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'timer.duckdb'), { batchRows: 10_000, flushIntervalMs: 20 });
    try {
      const run = await store.beginRun(newRun(1n));
      run.appendEvents(sampleEvents().slice(0, 3));
      run.upsertProcesses(sampleProcesses().slice(0, 1));
      // Poll rather than sleep a fixed time: under load the 20 ms timer fires late, but it must
      // fire without any flush() from us.
      const deadline = Date.now() + 10_000;
      while ((await store.processes(run.runId)).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(await collect(store.events({ runId: run.runId })), eventsOf(sampleEvents().slice(0, 3)));
      assert.deepEqual(await store.processes(run.runId), sampleProcesses().slice(0, 1));
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('finish({partial}) marks the run incomplete and keeps its summary', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'partial.duckdb'));
    try {
      const run = await store.beginRun(newRun(10n));
      run.appendEvents(sampleEvents().slice(0, 2));
      await run.finish({ endedAt: 20n, summary: { reason: 'sensor lost' }, partial: true });
      assert.deepEqual(await store.getRun(run.runId), {
        ...newRun(10n),
        id: run.runId,
        status: 'incomplete',
        endedAt: 20n,
        eventCount: 2,
        summary: { reason: 'sensor lost' },
      });
    } finally {
      await store.close();
    }
  });

  test('closing the store under an unfinished run keeps its events and marks it incomplete', async () => {
    const path = join(tmp.dir, 'abandon.duckdb');
    const store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(10n));
    run.appendEvents(sampleEvents().slice(0, 6));
    await store.close();
    assert.throws(() => run.appendEvents(sampleEvents()), StoreError);

    const reopened = await openDuckDbStore(path, { readOnly: true });
    try {
      assert.deepEqual(await reopened.getRun(run.runId), {
        ...newRun(10n),
        id: run.runId,
        status: 'incomplete',
        eventCount: 6,
      });
      assert.deepEqual(await collect(reopened.events({ runId: run.runId })), eventsOf(sampleEvents().slice(0, 6)));
      await assert.rejects(reopened.beginRun(newRun(1n)), StoreError);
    } finally {
      await reopened.close();
    }
    await assert.rejects(reopened.listRuns(), StoreError);
  });
});

describe('backlog', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('counts events accepted but not yet written, and drops to 0 once flushed', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'backlog.duckdb'), {
      batchRows: 1_000_000,
      flushIntervalMs: 60_000,
    });
    try {
      const run = await store.beginRun(newRun(1_700_000_000_000_000_000n));
      const events = sampleEvents();
      assert.equal(run.backlog(), 0);
      run.appendEvents(events);
      run.appendEvents(events);
      assert.equal(run.backlog(), events.length * 2);
      await run.flush();
      assert.equal(run.backlog(), 0);
      await run.finish({ endedAt: 1_700_000_001_000_000_000n, summary: null, partial: false });
      assert.equal((await store.getRun(run.runId))?.eventCount, events.length * 2);
    } finally {
      await store.close();
    }
  });
});
