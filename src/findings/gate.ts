/**
 * The build gate (`--fail-on`): which findings fail the build.
 *
 *   --fail-on high         any finding at high or above
 *   --fail-on new:medium   only findings new against the baseline, at medium or above
 *   --fail-on none         never (the default: report, do not gate)
 *
 * Suppressed findings and fixed ones (the baseline's, gone from this run) never fail the gate.
 * `new:` without a baseline counts every finding as new: the first build of a branch, or one
 * whose baseline could not be found, is judged on everything rather than silently passing.
 */
import type { AssessedFinding, GatePolicy, GateResult } from './assessment.js';
import { FindingsError } from './errors.js';
import { atLeast, SEVERITIES, type Severity } from './finding.js';

export const FAIL_ON_FORMS = [...SEVERITIES, ...SEVERITIES.map((s) => `new:${s}`), 'none'];

/** The policy a `--fail-on` value names; undefined for `none`. */
export function parseFailOn(value: string): GatePolicy | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'none') return undefined;
  const onlyNew = v.startsWith('new:');
  const severity = onlyNew ? v.slice(4) : v;
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    throw new FindingsError(
      `unknown --fail-on value '${value}'`,
      `use a severity (${SEVERITIES.join(', ')}), new:<severity> to count only findings new against the baseline (e.g. new:medium), or none`,
    );
  }
  return { severity: severity as Severity, onlyNew };
}

/** The policy as `--fail-on` spells it. */
export function formatPolicy(policy: GatePolicy | undefined): string {
  if (policy === undefined) return 'none';
  return policy.onlyNew ? `new:${policy.severity}` : policy.severity;
}

/** Whether one finding fails the policy. */
export function failsPolicy(a: AssessedFinding, policy: GatePolicy): boolean {
  if (a.suppression !== undefined || a.novelty === 'fixed') return false;
  if (policy.onlyNew && a.novelty === 'unchanged') return false;
  return atLeast(a.finding.severity, policy.severity);
}

/**
 * Judges the findings, setting `failsGate` on each one in place (reports show which ones
 * failed), and returns the verdict. No policy: nothing fails and `policy` is absent.
 */
export function evaluateGate(assessed: AssessedFinding[], policy: GatePolicy | undefined): GateResult {
  let failing = 0;
  for (const a of assessed) {
    a.failsGate = policy !== undefined && failsPolicy(a, policy);
    if (a.failsGate) failing++;
  }
  const result: GateResult = { failed: failing > 0, failing };
  if (policy !== undefined) result.policy = formatPolicy(policy);
  return result;
}
