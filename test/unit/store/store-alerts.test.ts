/** Alerts written by a run writer and read back: numbering, retries, filters, paging, old stores. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore, SCHEMA_VERSION } from '../../../src/store/duckdb/index.js';
import { migrate } from '../../../src/store/duckdb/migrations.js';
import { MIGRATIONS } from '../../../src/store/duckdb/schema.js';
import type { AlertRecord, StoredAlert } from '../../../src/store/store.js';
import { newRun, tempDir } from './fixtures.js';

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

const T0 = 1_700_000_000_000_000_000n;

function alert(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    ts: T0,
    rule: 'Read sensitive file untrusted',
    priority: 'Warning',
    source: 'syscall',
    tags: ['filesystem', 'mitre_credential_access'],
    hostname: 'web-1',
    output: '12:00:00.000000000: Warning Sensitive file opened (file=/etc/shadow)',
    outputFields: {
      'evt.time': 1_700_000_000_000,
      'fd.name': '/etc/shadow',
      'proc.name': 'cat',
      'proc.pid': 4242,
      'user.name': 'root',
      'proc.cmdline': 'cat /etc/shadow',
      'proc.args': null,
      'big.value': '18446744073709551615',
    },
    repeats: 0,
    ...over,
  };
}

/** What the store gives back for `a` written as alert `seq` of `runId`. */
const stored = (a: AlertRecord, runId: string, seq: number): StoredAlert => ({ ...a, runId, seq });

describe('alerts in the store', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('alerts round-trip field for field, numbered in order, newest first', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'roundtrip.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      const a1 = alert();
      // Same time as a1: the later alert (higher seq) lists first.
      const a2 = alert({ ts: T0, rule: 'Shell spawned', priority: 'Notice', tags: [], repeats: 0 });
      const a3 = alert({ ts: T0 + 9n, repeats: 17, outputFields: { ...alert().outputFields, 'harrier.repeats': 17 } });
      run.appendAlerts([a1, a2]);
      run.appendAlerts([a3]);
      // Buffered: nothing is visible before the write.
      assert.deepEqual(await store.alerts({ limit: 10 }), []);
      await run.flush();
      assert.deepEqual(await store.alerts({ limit: 10 }), [
        stored(a3, run.runId, 3),
        stored(a2, run.runId, 2),
        stored(a1, run.runId, 1),
      ]);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('an alert sent again with the same seq is stored once; numbering continues after given numbers', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'retry.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      run.appendAlerts([alert({ seq: 1 }), alert({ seq: 2, ts: T0 + 1n })]);
      await run.flush();
      run.appendAlerts([alert({ seq: 2, ts: T0 + 1n, output: 'a retry' }), alert({ seq: 3, ts: T0 + 2n })]);
      run.appendAlerts([alert({ ts: T0 + 3n })]);
      await run.flush();
      const got = await store.alerts({ runId: run.runId, limit: 100 });
      assert.deepEqual(
        got.map((a) => [a.seq, a.ts - T0, a.output.startsWith('a retry')]),
        [
          [4, 3n, false],
          [3, 2n, false],
          [2, 1n, false],
          [1, 0n, false],
        ],
      );
      await run.finish({ endedAt: 2n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('a resumed run numbers its next alerts after the stored ones', async () => {
    const path = join(tmp.dir, 'resume.duckdb');
    let store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(1n));
    run.appendAlerts([alert(), alert({ ts: T0 + 1n })]);
    await run.flush();
    await store.close(); // the writer is abandoned: the run stays resumable
    store = await openDuckDbStore(path);
    try {
      const resumed = await store.resumeRun(run.runId);
      resumed.appendAlerts([alert({ ts: T0 + 2n })]);
      await resumed.finish({ endedAt: 3n, summary: null, partial: false });
      assert.deepEqual(
        (await store.alerts({ runId: run.runId, limit: 10 })).map((a) => a.seq),
        [3, 2, 1],
      );
    } finally {
      await store.close();
    }
  });

  test('filters by run, time, priority and rule, and pages with a keyset across runs', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'filters.duckdb'));
    try {
      const r1 = await store.beginRun(newRun(1n));
      const r2 = await store.beginRun(newRun(2n));
      r1.appendAlerts([
        alert({ ts: T0 + 1n, priority: 'Critical', rule: 'A' }),
        alert({ ts: T0 + 3n, priority: 'Warning', rule: 'B' }),
        alert({ ts: T0 + 5n, priority: 'Notice', rule: 'A' }),
      ]);
      // Same time as r1's second alert: run id then seq break the tie.
      r2.appendAlerts([alert({ ts: T0 + 3n, priority: 'Warning', rule: 'A' }), alert({ ts: T0 + 4n, rule: 'C' })]);
      await r1.flush();
      await r2.flush();
      const key = (list: StoredAlert[]) => list.map((a) => `${a.runId === r1.runId ? 'r1' : 'r2'}#${a.seq}`);
      const [hiRun, loRun] = r1.runId > r2.runId ? ['r1', 'r2'] : ['r2', 'r1'];
      const all = ['r1#3', 'r2#2', `${hiRun}#${hiRun === 'r1' ? 2 : 1}`, `${loRun}#${loRun === 'r1' ? 2 : 1}`, 'r1#1'];
      assert.deepEqual(key(await store.alerts({ limit: 100 })), all);
      assert.deepEqual(key(await store.alerts({ runId: r2.runId, limit: 100 })), ['r2#2', 'r2#1']);
      assert.deepEqual(key(await store.alerts({ since: T0 + 4n, limit: 100 })), ['r1#3', 'r2#2']);
      assert.deepEqual(key(await store.alerts({ priorities: ['Critical', 'Notice'], limit: 100 })), ['r1#3', 'r1#1']);
      assert.deepEqual(await store.alerts({ priorities: [], limit: 100 }), []);
      assert.deepEqual(key(await store.alerts({ rule: 'A', limit: 100 })), ['r1#3', 'r2#1', 'r1#1']);
      assert.deepEqual(key(await store.alerts({ rule: 'A', priorities: ['Warning'], runId: r2.runId, limit: 100 })), [
        'r2#1',
      ]);

      // Pages of two, each starting after the last alert of the one before, give the whole list once.
      const paged: StoredAlert[] = [];
      for (let page = await store.alerts({ limit: 2 }); page.length > 0;) {
        paged.push(...page);
        const last = page[page.length - 1] as StoredAlert;
        page = await store.alerts({ limit: 2, before: { ts: last.ts, runId: last.runId, seq: last.seq } });
      }
      assert.deepEqual(key(paged), all);
      await r1.finish({ endedAt: 9n, summary: null, partial: false });
      await r2.finish({ endedAt: 9n, summary: null, partial: false });
    } finally {
      await store.close();
    }
  });

  test('an alert that cannot be stored is refused at once and leaves the buffer as it was', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'bad.duckdb'));
    try {
      const run = await store.beginRun(newRun(1n));
      assert.throws(() => run.appendAlerts([alert(), alert({ repeats: -1 })]), {
        name: 'RangeError',
        message: /repeats must be a non-negative 32-bit integer, got -1/,
      });
      assert.throws(() => run.appendAlerts([alert({ seq: 0 })]), /seq must be a positive integer, got 0/);
      assert.throws(() => run.appendAlerts([alert({ ts: 5 as unknown as bigint })]), /ts must be a bigint/);
      await run.finish({ endedAt: 2n, summary: null, partial: false });
      assert.deepEqual(await store.alerts({ limit: 10 }), []);
    } finally {
      await store.close();
    }
  });
});

describe('alerts in a store written at schema 3', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('the store is migrated on open, keeps its runs and findings, and takes alerts', async () => {
    const path = join(tmp.dir, 'schema3.duckdb');
    await withRawDb(path, async (conn) => {
      assert.equal(await migrate(conn, path, MIGRATIONS.slice(0, 3), false), 3);
      await conn.run(
        `INSERT INTO runs (id, command, cwd, sensor, hostname, started_at, status, harrier_version, owner_pid, event_count)
         VALUES ('r0old', ['harrier', 'monitor'], '/', 'ebpf', 'h', 1, 'complete', '0.1.0', 1, 0)`,
      );
      await conn.run(
        `INSERT INTO findings VALUES ('r0old', 'f1', 'rule-x', 'rule', 'high', 't', 'm', 'fp', 2, 1, 2, '{}')`,
      );
      const tables = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name = 'alerts'"))
        .getRows()
        .map((r) => r[0]);
      assert.deepEqual(tables, [], 'schema 3 has no alerts table');
    });
    const store = await openDuckDbStore(path);
    try {
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        ['r0old'],
      );
      assert.deepEqual(
        (await store.findings('r0old')).map((f) => [f.id, f.count]),
        [['f1', 2]],
      );
      assert.deepEqual(await store.alerts({ limit: 10 }), []);
      const run = await store.beginRun(newRun(5n));
      run.appendAlerts([alert()]);
      await run.finish({ endedAt: 6n, summary: null, partial: false });
      assert.deepEqual(await store.alerts({ limit: 10 }), [stored(alert(), run.runId, 1)]);
    } finally {
      await store.close();
    }
    await withRawDb(path, async (conn) => {
      assert.deepEqual((await conn.runAndReadAll('SELECT version FROM schema_version')).getRows(), [[SCHEMA_VERSION]]);
    });
    assert.equal(SCHEMA_VERSION, 4);
  });
});
