/** Findings written by a run writer and read back: upserts, order, evidence, runs kept apart, old stores. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore, SCHEMA_VERSION } from '../../../src/store/duckdb/index.js';
import { migrate } from '../../../src/store/duckdb/migrations.js';
import { MIGRATIONS } from '../../../src/store/duckdb/schema.js';
import { StoreError, type FindingRecord } from '../../../src/store/store.js';
import { collect, eventsOf, finding, newRun, sampleEvents, sampleFindings, tempDir } from './fixtures.js';

/** Runs `body` against the file with DuckDB directly, bypassing the store. */
async function withRawDb<T>(
  path: string,
  body: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    return await body(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function rows(path: string, sql: string): Promise<unknown[][]> {
  return withRawDb(path, async (conn) => (await conn.runAndReadAll(sql)).getRows());
}

describe('findings in the store', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('an upsert then an update of the same id leaves one row, with the new count and lastTs', async () => {
    const path = join(tmp.dir, 'upsert.duckdb');
    const store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(1n));
    const first = finding({ id: 'f1', count: 1, firstTs: 100n, lastTs: 100n });
    run.upsertFindings([first]);
    await run.flush();
    assert.deepEqual(await store.findings(run.runId), [first]);

    const updated = { ...first, count: 7, lastTs: 900n, message: 'seen 7 times' };
    run.upsertFindings([updated]);
    await run.flush();
    assert.deepEqual(await store.findings(run.runId), [updated]);

    // Several updates between writes: the last one is written; and finish() writes what is buffered.
    run.upsertFindings([{ ...updated, count: 8, lastTs: 901n }]);
    run.upsertFindings([{ ...updated, count: 9, lastTs: 950n }]);
    await run.finish({ endedAt: 2n, summary: null, partial: false });
    const last = { ...updated, count: 9, lastTs: 950n };
    assert.deepEqual(await store.findings(run.runId), [last]);
    assert.equal((await store.getRun(run.runId))?.status, 'complete');
    await store.close();

    assert.deepEqual(await rows(path, `SELECT id, count, first_ts, last_ts FROM findings`), [['f1', 9n, 100n, 950n]]);
  });

  test('findings are listed by severity (critical first), then count (highest first), then title', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'order.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      const f = (id: string, severity: FindingRecord['severity'], count: number, title: string) =>
        finding({ id, severity, count, title });
      // Written in an order that matches none of the keys.
      run.upsertFindings([
        f('a', 'info', 50, 'Zeta'),
        f('b', 'low', 1, 'Alpha'),
        f('c', 'high', 2, 'Beta'),
        f('d', 'critical', 1, 'Omega'),
        f('e', 'high', 2, 'Alpha'),
        f('f', 'medium', 9, 'Mid'),
        f('g', 'high', 10, 'Zulu'),
        f('h', 'critical', 3, 'Alpha'),
      ]);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
      assert.deepEqual(
        (await store.findings(run.runId)).map((x) => [x.id, x.severity, x.count, x.title]),
        [
          ['h', 'critical', 3, 'Alpha'],
          ['d', 'critical', 1, 'Omega'],
          ['g', 'high', 10, 'Zulu'],
          ['e', 'high', 2, 'Alpha'],
          ['c', 'high', 2, 'Beta'],
          ['f', 'medium', 9, 'Mid'],
          ['b', 'low', 1, 'Alpha'],
          ['a', 'info', 50, 'Zeta'],
        ],
      );
    } finally {
      await store.close();
    }
  });

  test('evidence comes back identical, bigints beyond 2^53, NaN and look-alike strings included', async () => {
    const path = join(tmp.dir, 'evidence.duckdb');
    const store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(1n));
    const written = [
      ...sampleFindings(),
      finding({ id: 'f-bare-bigint', severity: 'low', evidence: 2n ** 64n + 1n }),
      finding({ id: 'f-no-evidence', severity: 'low', title: 'No evidence', evidence: null }),
      finding({ id: 'f-big-ts', severity: 'low', title: 'Z', firstTs: -(2n ** 63n), lastTs: 2n ** 63n - 1n }),
    ];
    run.upsertFindings(written);
    await run.finish({ endedAt: 2n, summary: null, partial: false });
    await store.close();

    const reader = await openDuckDbStore(path, { readOnly: true });
    try {
      const read = await reader.findings(run.runId);
      const byId = new Map(read.map((x) => [x.id, x]));
      assert.equal(read.length, written.length);
      for (const w of written) assert.deepEqual(byId.get(w.id), w, w.id);
      assert.deepEqual(byId.get('f-rule')?.evidence, {
        ts: 1_700_000_000_123_456_789n,
        huge: 1_180_591_620_717_411_303_424n,
        nested: [{ seq: -9_223_372_036_854_775_808n }],
        ok: true,
      });
    } finally {
      await reader.close();
    }
    // Stored with the events' codec: bigints wrapped, the look-alike string left a string.
    const [[rule], [risk]] = (await rows(
      path,
      "SELECT evidence FROM findings WHERE id IN ('f-rule', 'f-risk') ORDER BY id DESC",
    )) as [[string], [string]];
    assert.equal(
      rule,
      '{"ts":{"$bigint":"1700000000123456789"},"huge":{"$bigint":"1180591620717411303424"},"nested":[{"seq":{"$bigint":"-9223372036854775808"}}],"ok":true}',
    );
    assert.equal(
      risk,
      '{"endpoint":"127.0.0.1:8080","ratio":{"$number":"NaN"},"note":"{\\"$bigint\\":\\"1\\"}","none":null}',
    );
  });

  test('a finding is stored as it was when upserted, not as its caller later changed it', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'snapshot.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      const live = finding({ id: 'live', count: 1, evidence: { pids: [1] } });
      run.upsertFindings([live]);
      const asUpserted = structuredClone(live);
      live.count = 99;
      (live.evidence as { pids: number[] }).pids.push(2);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
      assert.deepEqual(await store.findings(run.runId), [asUpserted]);
    } finally {
      await store.close();
    }
  });

  test('a finding that cannot be stored is refused at once, and the run goes on', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'refused.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      const good = finding({ id: 'good' });
      const bad: unknown[] = [
        { ...good, id: 'k', kind: 'hunch' },
        { ...good, id: 's', severity: 'urgent' },
        { ...good, id: 'c', count: 1.5 },
        { ...good, id: 'n', count: -1 },
        { ...good, id: 't', lastTs: 5 },
      ];
      const messages = [
        'finding "k": unknown kind "hunch"',
        'finding "s": unknown severity "urgent"',
        'finding "c": count must be a non-negative integer, got 1.5',
        'finding "n": count must be a non-negative integer, got -1',
        'finding "t": firstTs and lastTs must be bigints',
      ];
      for (const [i, b] of bad.entries()) {
        // Together with a good one: nothing of the call is taken.
        assert.throws(() => run.upsertFindings([good, b as FindingRecord]), { message: messages[i] });
      }
      await run.flush();
      assert.deepEqual(await store.findings(run.runId), []);
      run.upsertFindings([good]);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
      assert.deepEqual(await store.findings(run.runId), [good]);
      assert.equal((await store.getRun(run.runId))?.status, 'complete');
      assert.throws(() => run.upsertFindings([good]), StoreError);
    } finally {
      await store.close();
    }
  });

  test('the findings of two runs are kept apart, even under the same ids', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'two-runs.duckdb'));
    try {
      const one = await store.beginRun(newRun(1n));
      const two = await store.beginRun(newRun(2n));
      const oneFindings = [finding({ id: 'shared', count: 1 }), finding({ id: 'only-one', severity: 'low' })];
      const twoFindings = [finding({ id: 'shared', count: 5, message: 'run two' })];
      one.upsertFindings(oneFindings);
      two.upsertFindings(twoFindings);
      await Promise.all([one.flush(), two.flush()]);
      // An update in one run leaves the other's finding of the same id alone.
      one.upsertFindings([{ ...oneFindings[0]!, count: 2 }]);
      await one.finish({ endedAt: 3n, summary: null, partial: false });
      await two.finish({ endedAt: 4n, summary: null, partial: false });
      assert.deepEqual(await store.findings(one.runId), [{ ...oneFindings[0]!, count: 2 }, oneFindings[1]]);
      assert.deepEqual(await store.findings(two.runId), twoFindings);
      assert.deepEqual(await store.findings('r-no-such-run'), []);
    } finally {
      await store.close();
    }
  });
});

describe('when findings are written', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('the timer writes buffered findings, with no events pending', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'timer.duckdb'), { flushIntervalMs: 20 });
    try {
      const run = await store.beginRun(newRun(1n));
      run.upsertFindings(sampleFindings().slice(0, 1));
      // Poll rather than sleep a fixed time: on a loaded machine the 20 ms timer can fire late,
      // but it must fire without any flush() from us.
      const deadline = Date.now() + 10_000;
      while ((await store.findings(run.runId)).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(await store.findings(run.runId), sampleFindings().slice(0, 1));
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('nothing is written before a write is due', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'due.duckdb'), { flushIntervalMs: 60_000 });
    try {
      const run = await store.beginRun(newRun(1n));
      run.upsertFindings(sampleFindings());
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(await store.findings(run.runId), []);
      await run.flush();
      assert.equal((await store.findings(run.runId)).length, sampleFindings().length);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('a store closed under an unfinished run keeps the findings it buffered', async () => {
    const path = join(tmp.dir, 'abandoned.duckdb');
    const store = await openDuckDbStore(path, { flushIntervalMs: 60_000 });
    const run = await store.beginRun(newRun(1n));
    run.appendEvents(sampleEvents());
    run.upsertFindings(sampleFindings());
    await store.close();
    const reader = await openDuckDbStore(path, { readOnly: true });
    try {
      assert.equal((await reader.getRun(run.runId))?.status, 'incomplete');
      assert.deepEqual(
        (await reader.findings(run.runId)).map((f) => f.id),
        ['f-rasp', 'f-rule', 'f-risk', 'f-anomaly'],
      );
    } finally {
      await reader.close();
    }
  });

  test('findings updated while events stream in all land, in full, beside every event', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'busy.duckdb'), { batchRows: 7, flushIntervalMs: 5 });
    try {
      const run = await store.beginRun(newRun(1n));
      const ids = Array.from({ length: 200 }, (_, i) => `f${String(i).padStart(3, '0')}`);
      let appended = 0;
      for (let round = 1; round <= 20; round++) {
        run.appendEvents(sampleEvents());
        appended += sampleEvents().length;
        run.upsertFindings(
          ids.map((id, i) => finding({ id, count: round * (i + 1), lastTs: BigInt(round), evidence: { round } })),
        );
        if (round % 3 === 0) await run.flush();
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await run.finish({ endedAt: 2n, summary: null, partial: false });
      const found = await store.findings(run.runId);
      assert.equal(found.length, ids.length);
      // Same severity throughout, so by count: the highest index first.
      assert.deepEqual(
        found.map((f) => [f.id, f.count, f.lastTs, f.evidence]),
        ids.map((id, i) => [id, 20 * (i + 1), 20n, { round: 20 }]).reverse(),
      );
      const run2 = await store.getRun(run.runId);
      assert.deepEqual([run2?.status, run2?.eventCount], ['complete', appended]);
      const events = await collect(store.events({ runId: run.runId }));
      assert.deepEqual(events.slice(0, sampleEvents().length), eventsOf(sampleEvents()));
    } finally {
      await store.close();
    }
  });
});

describe('findings in stores written by an earlier schema', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a store at the previous schema version is migrated on open and takes findings', async () => {
    const path = join(tmp.dir, 'previous.duckdb');
    const previous = SCHEMA_VERSION - 1;
    await withRawDb(path, async (conn) => {
      assert.equal(await migrate(conn, path, MIGRATIONS.slice(0, previous), false), previous);
    });
    assert.deepEqual(await rows(path, 'SELECT version FROM schema_version'), [[previous]]);

    const store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(1n));
    run.upsertFindings(sampleFindings());
    await run.finish({ endedAt: 2n, summary: null, partial: false });
    await store.close();

    assert.deepEqual(await rows(path, 'SELECT version FROM schema_version'), [[SCHEMA_VERSION]]);
    const reader = await openDuckDbStore(path, { readOnly: true });
    try {
      assert.deepEqual(
        (await reader.findings(run.runId)).map((f) => f.id),
        ['f-rasp', 'f-rule', 'f-risk', 'f-anomaly'],
      );
    } finally {
      await reader.close();
    }
  });

  test('a store written before findings were recorded keeps its runs, with no findings, and takes new ones', async () => {
    // Schema 1 as first released, holding a run written without findings.
    const path = join(tmp.dir, 'schema1.duckdb');
    await withRawDb(path, async (conn) => {
      assert.equal(await migrate(conn, path, MIGRATIONS.slice(0, 1), false), 1);
      await conn.run(
        `INSERT INTO runs (id, command, cwd, sensor, hostname, started_at, status, harrier_version, owner_pid, event_count)
         VALUES ('r0old', ['x'], '/', 'ptrace', 'h', 1, 'complete', '0.0.1', 1, 0)`,
      );
    });
    const store = await openDuckDbStore(path);
    try {
      assert.deepEqual(
        (await store.listRuns()).map((r) => [r.id, r.status]),
        [['r0old', 'complete']],
      );
      assert.deepEqual(await store.findings('r0old'), []);
      const run = await store.beginRun(newRun(5n));
      const f = finding({ id: 'new' });
      run.upsertFindings([f]);
      await run.finish({ endedAt: 6n, summary: null, partial: false });
      assert.deepEqual(await store.findings(run.runId), [f]);
      assert.deepEqual(await store.findings('r0old'), []);
    } finally {
      await store.close();
    }
    assert.deepEqual(await rows(path, 'SELECT version FROM schema_version'), [[SCHEMA_VERSION]]);
  });
});
