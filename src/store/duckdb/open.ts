/**
 * Opening a store file: the checks that keep a user's other files safe, the translation of
 * DuckDB's errors, the schema migration and the recovery of crashed runs.
 */
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { StoreError, type Store } from '../store.js';
import { translateOpenError } from './errors.js';
import { checkEventColumns, migrate } from './migrations.js';
import { recoverOrphanedRuns } from './recovery.js';
import { DEFAULT_WRITER_OPTIONS, type WriterOptions } from './run-writer.js';
import { MIGRATIONS } from './schema.js';
import { DuckDbStore } from './store.js';

export interface OpenOptions extends Partial<WriterOptions> {
  readOnly?: boolean;
}

/**
 * DuckDB checkpoints synchronously inside whichever commit crosses this WAL size; run writers
 * checkpoint on their own, off the event loop, well before it (run-writer.ts), so this is only
 * the backstop.
 *
 * One DuckDB worker thread: a writable store shares the machine with Node's own thread (the
 * sensor's decoding, or the server's HTTP), and on 2 cores a second DuckDB thread only made
 * them contend: measured on `harrier serve` ingest, 8.5 µs of CPU per event and 52–75 k
 * events/s with one thread against 14–15 µs and 38–40 k/s with two (the DuckDB default here).
 */
const WRITE_SETTINGS = { checkpoint_threshold: '512MB', threads: '1' };

/**
 * Files open in this process. DuckDB's file lock only keeps other processes out: a second
 * instance on the same file inside this process would open happily and the two would corrupt
 * each other's writes.
 */
const openHere = new Set<string>();

/** The file's identity, following symlinks as far as they exist yet. */
function fileKey(abs: string): string {
  if (existsSync(abs)) return realpathSync(abs);
  const dir = dirname(abs);
  return existsSync(dir) ? join(realpathSync(dir), basename(abs)) : abs;
}

function prepareLocation(path: string, abs: string, readOnly: boolean): void {
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) {
      throw new StoreError(`store ${path} is a directory`, 'pass --store with the path of a file');
    }
    return;
  }
  if (readOnly) throw new StoreError(`no store at ${path}`, 'run `harrier run` first to create one, or pass --store');
  try {
    mkdirSync(dirname(abs), { recursive: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError(`cannot create the directory for store ${path}: ${reason}`);
  }
}

export async function openDuckDbStore(path: string, opts?: OpenOptions): Promise<Store> {
  const readOnly = opts?.readOnly ?? false;
  const abs = resolve(path);
  prepareLocation(path, abs, readOnly);
  const key = fileKey(abs);
  if (openHere.has(key)) {
    throw new StoreError(`store ${path} is already open in this process`, 'close the other Store first');
  }
  openHere.add(key);

  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  try {
    try {
      instance = await DuckDBInstance.create(abs, readOnly ? { access_mode: 'READ_ONLY' } : WRITE_SETTINGS);
    } catch (err) {
      throw translateOpenError(err, path);
    }
    conn = await instance.connect();
    await migrate(conn, path, MIGRATIONS, readOnly);
    await checkEventColumns(conn, path);
    if (!readOnly) await recoverOrphanedRuns(conn);
    const writerOptions: WriterOptions = {
      batchRows: opts?.batchRows ?? DEFAULT_WRITER_OPTIONS.batchRows,
      flushIntervalMs: opts?.flushIntervalMs ?? DEFAULT_WRITER_OPTIONS.flushIntervalMs,
      checkpointRows: opts?.checkpointRows ?? DEFAULT_WRITER_OPTIONS.checkpointRows,
    };
    return new DuckDbStore(path, instance, conn, readOnly, writerOptions, () => openHere.delete(key));
  } catch (err) {
    conn?.closeSync();
    instance?.closeSync();
    openHere.delete(key);
    throw err;
  }
}
