import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore, SCHEMA_VERSION } from '../../../src/store/duckdb/index.js';
import { migrate } from '../../../src/store/duckdb/migrations.js';
import { MIGRATIONS, type Migration } from '../../../src/store/duckdb/schema.js';
import { StoreError } from '../../../src/store/store.js';
import { newRun, tempDir } from './fixtures.js';

/** Runs `body` against the file with DuckDB directly, bypassing the store. */
async function withRawDb<T>(
  path: string,
  body: (run: (sql: string) => Promise<unknown[][]>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    return await body(async (sql) => (await conn.runAndReadAll(sql)).getRows());
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function rejectsWith(promise: Promise<unknown>, message: string, hint?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.message, message);
    if (hint !== undefined) assert.equal(err.hint, hint);
    return true;
  });
}

describe('opening a store', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a fresh file gets the whole schema, missing parent directories included', async () => {
    const path = join(tmp.dir, 'a', 'b', '.harrier', 'harrier.duckdb');
    const store = await openDuckDbStore(path);
    assert.equal(store.path, path);
    await store.close();
    await withRawDb(path, async (run) => {
      assert.deepEqual(await run('SELECT version FROM schema_version'), [[SCHEMA_VERSION]]);
      assert.deepEqual(await run("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"), [
        ['alerts'],
        ['events'],
        ['findings'],
        ['ingest_batches'],
        ['processes'],
        ['runs'],
        ['schema_version'],
      ]);
      assert.deepEqual(await run('SELECT count(*) FROM findings'), [[0n]]);
    });
  });

  test('reopening an existing store keeps its runs', async () => {
    const path = join(tmp.dir, 'reopen.duckdb');
    const first = await openDuckDbStore(path);
    const run = await first.beginRun(newRun(7n));
    await run.finish({ endedAt: 8n, summary: 1, partial: false });
    await first.close();
    const second = await openDuckDbStore(path);
    try {
      assert.deepEqual(
        (await second.listRuns()).map((r) => [r.id, r.status]),
        [[run.runId, 'complete']],
      );
    } finally {
      await second.close();
    }
  });

  test('a file that is not a DuckDB database is refused and left untouched', async () => {
    const path = join(tmp.dir, 'notes.txt');
    const content = 'my precious notes\n'.repeat(500);
    writeFileSync(path, content);
    await rejectsWith(
      openDuckDbStore(path),
      `${path} exists but is not a DuckDB database`,
      'pass --store with another path; Harrier never overwrites a file it did not create',
    );
    await rejectsWith(openDuckDbStore(path, { readOnly: true }), `${path} exists but is not a DuckDB database`);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.deepEqual(
      readdirSync(tmp.dir).filter((f) => f.startsWith('notes')),
      ['notes.txt'],
    );
  });

  test('a DuckDB database that is not a Harrier store is refused and left untouched', async () => {
    const path = join(tmp.dir, 'theirs.duckdb');
    await withRawDb(path, async (run) => {
      await run('CREATE TABLE accounts (id INTEGER, name VARCHAR)');
      await run("INSERT INTO accounts VALUES (1, 'ada')");
    });
    await rejectsWith(
      openDuckDbStore(path),
      `${path} is a DuckDB database but not a Harrier store`,
      'pass --store with another path; Harrier never changes a database it did not create',
    );
    await withRawDb(path, async (run) => {
      assert.deepEqual(await run("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"), [['accounts']]);
      assert.deepEqual(await run('SELECT * FROM accounts'), [[1, 'ada']]);
    });
  });

  test('a directory at the path is refused', async () => {
    const path = join(tmp.dir, 'adir');
    mkdirSync(path);
    await rejectsWith(openDuckDbStore(path), `store ${path} is a directory`);
  });

  test('read-only open of a missing file fails without creating it', async () => {
    const path = join(tmp.dir, 'missing', 'harrier.duckdb');
    await rejectsWith(
      openDuckDbStore(path, { readOnly: true }),
      `no store at ${path}`,
      'run `harrier run` first to create one, or pass --store',
    );
    assert.equal(existsSync(join(tmp.dir, 'missing')), false);
  });

  test('a second open of the same file in one process is refused until the first closes', async () => {
    const path = join(tmp.dir, 'twice.duckdb');
    const first = await openDuckDbStore(path);
    await rejectsWith(openDuckDbStore(path), `store ${path} is already open in this process`);
    await rejectsWith(
      openDuckDbStore(join(tmp.dir, '.', 'twice.duckdb'), { readOnly: true }),
      `store ${join(tmp.dir, 'twice.duckdb')} is already open in this process`,
    );
    await first.close();
    const second = await openDuckDbStore(path, { readOnly: true });
    await second.close();
  });

  test('a store written by a newer Harrier is refused, not changed', async () => {
    const path = join(tmp.dir, 'newer.duckdb');
    await (await openDuckDbStore(path)).close();
    const newer = SCHEMA_VERSION + 3;
    await withRawDb(path, (run) => run(`UPDATE schema_version SET version = ${newer}`));
    for (const readOnly of [false, true]) {
      await rejectsWith(
        openDuckDbStore(path, { readOnly }),
        `store ${path} was written by a newer Harrier (schema ${newer} > ${SCHEMA_VERSION})`,
        'upgrade Harrier to read it, or pass --store with another path',
      );
    }
    await withRawDb(path, async (run) => assert.deepEqual(await run('SELECT version FROM schema_version'), [[newer]]));
  });

  test('an events table whose columns moved is refused rather than appended to by position', async () => {
    const path = join(tmp.dir, 'moved.duckdb');
    await (await openDuckDbStore(path)).close();
    await withRawDb(path, async (run) => {
      await run('ALTER TABLE events DROP COLUMN path2');
      await run('ALTER TABLE events ADD COLUMN path2 VARCHAR');
    });
    await rejectsWith(
      openDuckDbStore(path),
      `store ${path} has an unexpected events table (columns run_id, seq, ts, source, type, pid, tid, res, errno, path, endpoint, truncated, args, path2)`,
    );
  });

  test('a store left at an older version is migrated forward on open', async () => {
    // Version 0: what a crash between creating schema_version and the first migration leaves.
    const path = join(tmp.dir, 'older.duckdb');
    await withRawDb(path, async (run) => {
      await run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      await run('INSERT INTO schema_version VALUES (0)');
    });
    await rejectsWith(
      openDuckDbStore(path, { readOnly: true }),
      `store ${path} uses an older schema (0 < ${SCHEMA_VERSION}) and is open read-only`,
    );
    const store = await openDuckDbStore(path);
    const run = await store.beginRun(newRun(1n));
    await run.finish({ endedAt: 2n, summary: null, partial: false });
    await store.close();
    await withRawDb(path, async (r) => {
      assert.deepEqual(await r('SELECT version FROM schema_version'), [[SCHEMA_VERSION]]);
      assert.deepEqual(await r('SELECT id, status FROM runs'), [[run.runId, 'complete']]);
    });
  });
});

describe('migrations', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  const v2: Migration = {
    description: 'notes',
    statements: ['CREATE TABLE notes (run_id VARCHAR, text VARCHAR)', 'ALTER TABLE runs ADD COLUMN label VARCHAR'],
  };

  async function withConn<T>(path: string, body: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>) {
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    try {
      return await body(conn);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }

  test('only the missing steps run, and existing data is kept', async () => {
    const path = join(tmp.dir, 'm.duckdb');
    await withConn(path, async (conn) => {
      assert.equal(await migrate(conn, path, MIGRATIONS, false), MIGRATIONS.length);
      await conn.run(
        "INSERT INTO runs (id, command, cwd, sensor, hostname, started_at, status, harrier_version, owner_pid) VALUES ('r1', ['x'], '/', 'ptrace', 'h', 1, 'complete', 'v', 1)",
      );
    });
    await withConn(path, async (conn) => {
      assert.equal(await migrate(conn, path, [...MIGRATIONS, v2], false), MIGRATIONS.length + 1);
      assert.deepEqual((await conn.runAndReadAll('SELECT id, label FROM runs')).getRows(), [['r1', null]]);
      assert.deepEqual((await conn.runAndReadAll('SELECT count(*) FROM notes')).getRows(), [[0n]]);
      // Already current: nothing runs again (a second CREATE TABLE notes would fail).
      assert.equal(await migrate(conn, path, [...MIGRATIONS, v2], false), MIGRATIONS.length + 1);
    });
  });

  test('a failing step leaves the file at the previous version', async () => {
    const path = join(tmp.dir, 'bad.duckdb');
    const broken: Migration = {
      description: 'broken',
      statements: ['CREATE TABLE half (a INTEGER)', 'SELECT * FROM nowhere'],
    };
    await withConn(path, async (conn) => {
      await assert.rejects(migrate(conn, path, [...MIGRATIONS, broken], false), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.match(
          err.message,
          new RegExp(`^could not upgrade store ${path} to schema ${MIGRATIONS.length + 1} \\(broken\\): `),
        );
        return true;
      });
      assert.deepEqual((await conn.runAndReadAll('SELECT version FROM schema_version')).getRows(), [
        [MIGRATIONS.length],
      ]);
      assert.deepEqual(
        (await conn.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half'")).getRows(),
        [[0n]],
      );
    });
  });
});
