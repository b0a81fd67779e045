/**
 * `harrier diff A B`: what changed from A to B, by finding fingerprint. Each side is a stored run
 * (id, prefix, build id, `last`) or a report file, as `--baseline` accepts.
 */
import type { AssessedFinding } from '../../findings/assessment.js';
import type { Finding } from '../../findings/finding.js';
import { findingJson } from '../../findings/json-report.js';
import { assessFindings, resolveBaseline } from '../../pipeline/assess.js';
import { sortFindings, locationText, primaryLocation } from '../../report/report-model.js';
import { styleFor } from '../../report/style.js';
import type { Store } from '../../store/store.js';
import { findRepoRoot } from '../repo-root.js';
import { openStore } from '../store.js';

export interface DiffOptions {
  store?: string;
  json?: boolean;
  /** Exit 1 when B has findings A did not (for scripts). */
  exitCode?: boolean;
}

async function side(ref: string, store: () => Promise<Store>, warnings: string[]): Promise<Finding[]> {
  const resolved = await resolveBaseline(ref, /\.(json|sarif)$/i.test(ref) ? undefined : await store(), {}, warnings);
  return resolved?.findings ?? [];
}

export async function diffCommand(a: string, b: string, opts: DiffOptions): Promise<number> {
  let opened: Store | undefined;
  const store = async (): Promise<Store> => (opened ??= await openStore(opts.store, { readOnly: true }));
  try {
    const warnings: string[] = [];
    const before = await side(a, store, warnings);
    const after = await side(b, store, warnings);
    const { assessed } = assessFindings(after, { baseline: { ref: { ref: a }, findings: before } });
    const groups = { new: [] as AssessedFinding[], fixed: [] as AssessedFinding[], unchanged: [] as AssessedFinding[] };
    for (const f of sortFindings(assessed)) groups[f.novelty ?? 'new'].push(f);
    if (opts.json) {
      const json = Object.fromEntries(
        Object.entries(groups).map(([k, v]) => [k, v.map((f) => findingJson(f.finding))]),
      );
      process.stdout.write(JSON.stringify({ base: a, head: b, ...json }, null, 2) + '\n');
    } else {
      const st = styleFor(process.stdout);
      const repoRoot = findRepoRoot(process.cwd());
      const lines = [
        st.bold(
          `${a} → ${b}: ${groups.new.length} new, ${groups.fixed.length} fixed, ${groups.unchanged.length} unchanged`,
        ),
      ];
      const mark = { new: st.yellow('+ new      '), fixed: st.green('- fixed    '), unchanged: st.dim('  unchanged') };
      for (const kind of ['new', 'fixed', 'unchanged'] as const) {
        for (const f of groups[kind]) {
          const where = locationText(primaryLocation(f.finding, repoRoot, []));
          lines.push(`${mark[kind]}  ${f.finding.severity.padEnd(8)} ${f.finding.title}  ${st.dim(where)}`);
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
    }
    for (const w of warnings) process.stderr.write(`harrier: warning: ${w}\n`);
    return opts.exitCode === true && groups.new.length > 0 ? 1 : 0;
  } finally {
    await opened?.close();
  }
}
