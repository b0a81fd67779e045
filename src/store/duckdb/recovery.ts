/**
 * Closes out runs whose writer died (crash, SIGKILL, power loss) while they were `running`.
 *
 * This runs right after a read-write open, when we hold DuckDB's exclusive file lock, and a
 * process only writes a run while it holds that lock; a second open of the same file within
 * this process is refused (see open.ts). So no `running` run can still be in progress: each one
 * is marked `incomplete`. Checking the recorded owner_pid for liveness instead would leave a run
 * `running` for ever whenever the pid had been reused, or its owner had closed the store
 * without finishing it.
 *
 * The events a dead writer had flushed are committed, so the run keeps them, and its
 * event_count is taken from what actually reached the table.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { asString } from './values.js';

/** Returns the ids of the runs marked incomplete. */
export async function recoverOrphanedRuns(conn: DuckDBConnection): Promise<string[]> {
  const running = (await conn.runAndReadAll("SELECT id FROM runs WHERE status = 'running'")).getRows();
  const ids = running.map((row) => asString(row[0] ?? null));
  // One run at a time: a filter on run_id lets DuckDB skip other runs' row groups, where a
  // correlated count over all runs would scan every event in the store on every open.
  for (const id of ids) {
    await conn.run(
      `UPDATE runs SET status = 'incomplete', event_count = (SELECT count(*) FROM events WHERE run_id = $1)
       WHERE id = $1`,
      [id],
    );
  }
  return ids;
}
