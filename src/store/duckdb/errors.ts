/**
 * Turns DuckDB's open errors into StoreErrors a user can act on. DuckDB reports them only as
 * message text, so this matches on the wording of @duckdb/node-api 1.5 and falls back to
 * naming the path with DuckDB's own words.
 */
import { StoreError } from '../store.js';

export function lockedError(path: string, pid: number | undefined): StoreError {
  const by = pid === undefined ? 'another process' : `another process (pid ${pid})`;
  return new StoreError(
    `store ${path} is locked by ${by}`,
    'wait for the other harrier to finish, or pass --store with another path',
  );
}

export function translateOpenError(err: unknown, path: string): StoreError {
  const message = err instanceof Error ? err.message : String(err);
  if (/could not set lock on file/i.test(message)) {
    const pid = /\(PID (\d+)\)/.exec(message)?.[1];
    return lockedError(path, pid === undefined ? undefined : Number(pid));
  }
  if (/not a valid DuckDB database file/i.test(message)) {
    return new StoreError(
      `${path} exists but is not a DuckDB database`,
      'pass --store with another path; Harrier never overwrites a file it did not create',
    );
  }
  if (/database does not exist/i.test(message)) {
    return new StoreError(`no store at ${path}`, 'run `harrier run` first to create one, or pass --store');
  }
  return new StoreError(`cannot open store ${path}: ${message.replace(/^IO Error: /, '')}`);
}
