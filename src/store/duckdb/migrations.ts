/**
 * Brings a store file to the schema this code knows, or refuses it with a reason a user can act
 * on. Each migration commits together with its version bump, so a crash mid-upgrade leaves the
 * file at a consistent earlier version that the next open continues from.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StoreError } from '../store.js';
import { EVENT_COLUMNS, type Migration } from './schema.js';
import { asNumber } from './values.js';

const OTHER_STORE_HINT = 'pass --store with another path; Harrier never changes a database it did not create';

async function tableNames(conn: DuckDBConnection): Promise<string[]> {
  const reader = await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
     UNION ALL
     SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal`,
  );
  return reader.getRows().map((row) => String(row[0]));
}

async function inTransaction(conn: DuckDBConnection, body: () => Promise<void>): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await body();
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

async function readVersion(conn: DuckDBConnection, path: string): Promise<number> {
  const rows = (await conn.runAndReadAll('SELECT version FROM schema_version')).getRows();
  const version = rows[0]?.[0];
  if (rows.length !== 1 || version === undefined) {
    throw new StoreError(`store ${path} has a damaged schema_version table (${rows.length} rows)`, OTHER_STORE_HINT);
  }
  return asNumber(version);
}

/**
 * Checks the file's schema version and applies the missing migrations (read-write only).
 * Returns the version the file is at afterwards.
 */
export async function migrate(
  conn: DuckDBConnection,
  path: string,
  migrations: readonly Migration[],
  readOnly: boolean,
): Promise<number> {
  const known = migrations.length;
  const tables = await tableNames(conn);
  if (!tables.includes('schema_version')) {
    if (tables.length > 0) {
      throw new StoreError(`${path} is a DuckDB database but not a Harrier store`, OTHER_STORE_HINT);
    }
    if (readOnly) {
      throw new StoreError(`no store at ${path} (the DuckDB file holds no Harrier data)`, OTHER_STORE_HINT);
    }
    await inTransaction(conn, async () => {
      await conn.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      await conn.run('INSERT INTO schema_version VALUES (0)');
    });
  }

  let version = await readVersion(conn, path);
  if (version > known) {
    throw new StoreError(
      `store ${path} was written by a newer Harrier (schema ${version} > ${known})`,
      'upgrade Harrier to read it, or pass --store with another path',
    );
  }
  if (version < known && readOnly) {
    throw new StoreError(
      `store ${path} uses an older schema (${version} < ${known}) and is open read-only`,
      'open it once read-write (e.g. with `harrier run`) to upgrade it',
    );
  }
  for (; version < known; version++) {
    const step = migrations[version];
    if (step === undefined) break;
    const next = version + 1;
    try {
      await inTransaction(conn, async () => {
        for (const sql of step.statements) await conn.run(sql);
        await conn.run('UPDATE schema_version SET version = $1', [next]);
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreError(`could not upgrade store ${path} to schema ${next} (${step.description}): ${reason}`);
    }
  }
  return version;
}

/**
 * The appender fills `events` by position, so its columns must be exactly EVENT_COLUMNS, in
 * order; anything else would put values in the wrong columns without an error.
 */
export async function checkEventColumns(conn: DuckDBConnection, path: string): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'events'
     ORDER BY column_index`,
  );
  const actual = reader.getRows().map((row) => String(row[0]));
  if (actual.join(',') !== EVENT_COLUMNS.join(',')) {
    throw new StoreError(
      `store ${path} has an unexpected events table (columns ${actual.join(', ')})`,
      OTHER_STORE_HINT,
    );
  }
}
