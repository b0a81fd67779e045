/**
 * `harrier report RUN`: the reports of a stored run, written later (another format, another
 * baseline, the same gate). Judged by the same code as `harrier run`, so both agree.
 */
import { join } from 'node:path';
import { parseFailOn } from '../../findings/gate.js';
import { IGNORE_FILE, loadIgnoreFile } from '../../findings/suppressions.js';
import { assessFindings, resolveBaseline, storedFindings } from '../../pipeline/assess.js';
import { rebuildSummary } from '../../pipeline/replay.js';
import { isRunSummary } from '../../report/summary.js';
import { UsageError } from '../errors.js';
import { findRepoRoot } from '../repo-root.js';
import type { ReportSpec } from '../report-specs.js';
import { checkReportPaths, reportInput, writeReports } from '../reports.js';
import { openStore } from '../store.js';
import { EXIT_GATE_FAILED } from './run.js';

export interface ReportOptions {
  store?: string;
  reports: ReportSpec[];
  baseline?: string;
  failOn?: string;
  ignoreFile?: string;
}

export async function reportCommand(runRef: string, opts: ReportOptions): Promise<number> {
  const repoRoot = findRepoRoot(process.cwd());
  const policy = opts.failOn === undefined ? undefined : parseFailOn(opts.failOn);
  const ignore = await loadIgnoreFile(opts.ignoreFile ?? join(repoRoot, IGNORE_FILE), opts.ignoreFile === undefined);
  const specs: ReportSpec[] = opts.reports.length > 0 ? opts.reports : [{ format: 'text' }];
  const store = await openStore(opts.store, { readOnly: true });
  try {
    const run = await store.getRun(runRef);
    if (!run) throw new UsageError(`no run '${runRef}' in ${store.path}`, 'list the stored runs with `harrier runs`');
    const warnings: string[] = [];
    const baseline =
      opts.baseline === undefined
        ? undefined
        : await resolveBaseline(
            opts.baseline,
            store,
            { runId: run.id, ...(run.build && { build: run.build }) },
            warnings,
          );
    checkReportPaths(specs);
    const summary = isRunSummary(run.summary) ? run.summary : await rebuildSummary(store, run);
    const assessment = assessFindings(await storedFindings(store, run.id), { baseline, ignore, policy, warnings });
    for (const w of assessment.warnings) process.stderr.write(`harrier: warning: ${w}\n`);
    writeReports(
      specs,
      reportInput({ summary, runId: run.id, build: run.build, assessment, repoRoot, hostname: run.hostname }),
    );
    return assessment.gate.failed ? EXIT_GATE_FAILED : 0;
  } finally {
    await store.close();
  }
}
