/**
 * A run's findings judged for its build: compared with a baseline (a stored run or a report
 * file), suppressed by the project's ignore file, and put through the gate. Shared by
 * `harrier run`, `harrier report` and `harrier diff`, so all three agree.
 */
import { existsSync } from 'node:fs';
import type { AssessedFinding, BaselineRef, BuildInfo, GatePolicy, GateResult } from '../findings/assessment.js';
import { loadBaselineFile } from '../findings/baseline-file.js';
import { compareFindings, unassessed } from '../findings/compare.js';
import { FindingsError } from '../findings/errors.js';
import type { Finding } from '../findings/finding.js';
import { evaluateGate } from '../findings/gate.js';
import { fromRecord } from '../findings/record.js';
import { applySuppressions, type IgnoreFile } from '../findings/suppressions.js';
import type { RunRecord, Store } from '../store/store.js';

export interface Baseline {
  ref: BaselineRef;
  findings: Finding[];
}

export interface Assessment {
  assessed: AssessedFinding[];
  gate: GateResult;
  baseline?: BaselineRef;
  suppressedCount: number;
  /** Things the user should know (expired suppressions, no earlier run to compare with). */
  warnings: string[];
}

const STORE_REF_HINT =
  'pass a run id (see `harrier runs`), a build id, `last`, or a previous report file (`--report json:PATH`)';

/** The findings a stored run recorded, in the finding model. */
export async function storedFindings(store: Store, runId: string): Promise<Finding[]> {
  return (await store.findings(runId)).map(fromRecord);
}

/**
 * What `--baseline REF` names. A file wins when one exists at that path; `last` is the newest
 * finished run of the same component and branch (`last~N` the one N runs before it); otherwise a run id (or unique prefix), then a
 * build id. Undefined (with a warning) only for `last` when there is no earlier run: the first
 * build of a branch has nothing to compare with, and that is not an error.
 */
export async function resolveBaseline(
  ref: string,
  store: Store | undefined,
  current: { runId?: string; build?: BuildInfo },
  warnings: string[],
): Promise<Baseline | undefined> {
  if (existsSync(ref) || /\.(json|sarif)$/i.test(ref)) {
    const file = await loadBaselineFile(ref);
    const out: BaselineRef = { ref };
    if (file.runId !== undefined) out.runId = file.runId;
    if (file.build !== undefined) out.build = file.build;
    return { ref: out, findings: file.findings };
  }
  if (store === undefined) {
    throw new FindingsError(`--baseline ${ref} names a stored run, but no store is open (--no-store)`, STORE_REF_HINT);
  }
  let run: RunRecord | undefined;
  const back = /^last(?:~(\d+))?$/.exec(ref);
  if (back !== null) {
    // `last~N`: N finished runs before the last one (as git's HEAD~N).
    const skip = Number(back[1] ?? 0);
    const filter = {
      completeOnly: true,
      limit: skip + 1,
      // `last` never means the run being judged; `last~N` counts from the newest, as written.
      ...(current.runId !== undefined && skip === 0 && { excludeId: current.runId }),
      ...(current.build?.component !== undefined && { component: current.build.component }),
      ...(current.build?.branch !== undefined && { branch: current.build.branch }),
    };
    run = (await store.listRuns(filter))[skip];
    if (run === undefined) {
      const scope = [current.build?.component, current.build?.branch].filter((x) => x !== undefined).join(' on ');
      warnings.push(
        `no earlier finished run${scope ? ` of ${scope}` : ''} in ${store.path} to compare with: every finding counts as new`,
      );
      return undefined;
    }
  } else {
    run = (await store.getRun(ref)) ?? (await store.listRuns({ buildId: ref, limit: 1 }))[0];
    if (run === undefined) throw new FindingsError(`--baseline ${ref}: no such run, build or file`, STORE_REF_HINT);
  }
  const out: BaselineRef = { ref, runId: run.id };
  if (run.build !== undefined) out.build = run.build;
  return { ref: out, findings: await storedFindings(store, run.id) };
}

export function assessFindings(
  findings: readonly Finding[],
  opts: { baseline?: Baseline; ignore?: IgnoreFile; policy?: GatePolicy; today?: Date; warnings?: string[] },
): Assessment {
  const compared = opts.baseline ? compareFindings(findings, opts.baseline.findings) : unassessed(findings);
  const { assessed, warnings } = applySuppressions(compared, opts.ignore, opts.today ?? new Date());
  const gate = evaluateGate(assessed, opts.policy);
  return {
    assessed,
    gate,
    ...(opts.baseline && { baseline: opts.baseline.ref }),
    suppressedCount: assessed.filter((a) => a.suppression !== undefined && a.novelty !== 'fixed').length,
    warnings: [...(opts.warnings ?? []), ...warnings],
  };
}
