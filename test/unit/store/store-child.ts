/**
 * A second process for the store tests (a crash, a lock holder). Does nothing without a
 * command, so the test runner, which runs every file under test/, finds nothing to do in it.
 *
 *   store-child.js crash PATH   begins a run, commits some events, processes and findings, then SIGKILLs itself
 *   store-child.js hold PATH    opens the store and keeps it open until killed
 */
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import { CRASH_COMMITTED, newRun, sampleEvents, sampleFindings, sampleProcesses } from './fixtures.js';

const [command, path] = process.argv.slice(2);

if (command === 'crash' && path !== undefined) {
  const store = await openDuckDbStore(path);
  const run = await store.beginRun(newRun(5_000n, ['crashy', '--now']));
  const events = sampleEvents();
  run.appendEvents(events.slice(0, CRASH_COMMITTED));
  run.upsertProcesses(sampleProcesses().slice(0, 1));
  run.upsertFindings(sampleFindings().slice(0, 2));
  await run.flush();
  run.appendEvents(events.slice(CRASH_COMMITTED));
  // Buffered only: the stored findings stay as flushed.
  run.upsertFindings(sampleFindings().map((f) => ({ ...f, count: f.count + 100 })));
  process.stdout.write(`${run.runId}\n`);
  // No await in between: the buffered events never reach the database.
  process.kill(process.pid, 'SIGKILL');
} else if (command === 'hold' && path !== undefined) {
  await openDuckDbStore(path);
  process.stdout.write('ready\n');
  setInterval(() => undefined, 60_000);
}
