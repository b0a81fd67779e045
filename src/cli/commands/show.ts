/** `harrier show RUN`: a stored run's summary again (rebuilt from its events if it was cut short). */
import { rebuildSummary } from '../../pipeline/replay.js';
import { isRunSummary } from '../../report/summary.js';
import { formatSummaryText } from '../../report/text.js';
import { styleFor } from '../../report/style.js';
import { UsageError } from '../errors.js';
import { openStore } from '../store.js';

export interface ShowOptions {
  store?: string;
  json?: boolean;
  full?: boolean;
}

export async function showCommand(runRef: string, opts: ShowOptions): Promise<number> {
  const store = await openStore(opts.store, { readOnly: true });
  try {
    const run = await store.getRun(runRef);
    if (!run) throw new UsageError(`no run '${runRef}' in ${store.path}`, 'list the stored runs with `harrier runs`');
    // Runs that ended without a summary (a crash, or `harrier monitor`) are rebuilt from their events.
    const summary = isRunSummary(run.summary) ? run.summary : await rebuildSummary(store, run);
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(formatSummaryText(summary, { style: styleFor(process.stdout), full: opts.full }));
    return 0;
  } finally {
    await store.close();
  }
}
