/**
 * A run's findings against a baseline's, matched by fingerprint: `new` (only in this run),
 * `unchanged` (in both; this run's finding, with this run's counts and evidence) and `fixed`
 * (only in the baseline; the baseline's finding). Nothing is suppressed or gated yet
 * (suppressions.ts and gate.ts do that).
 */
import type { AssessedFinding } from './assessment.js';
import type { Finding } from './finding.js';

export function compareFindings(current: readonly Finding[], baseline: readonly Finding[]): AssessedFinding[] {
  const before = new Set(baseline.map((f) => f.fingerprint));
  const now = new Set<string>();
  const out: AssessedFinding[] = [];
  for (const f of current) {
    if (now.has(f.fingerprint)) continue; // one finding per fingerprint, as the aggregators make them
    now.add(f.fingerprint);
    out.push({ finding: f, novelty: before.has(f.fingerprint) ? 'unchanged' : 'new', failsGate: false });
  }
  const fixed = new Set<string>();
  for (const f of baseline) {
    if (now.has(f.fingerprint) || fixed.has(f.fingerprint)) continue;
    fixed.add(f.fingerprint);
    out.push({ finding: f, novelty: 'fixed', failsGate: false });
  }
  return out;
}

/** Findings without a baseline: no novelty (the gate then treats each as new; see gate.ts). */
export function unassessed(current: readonly Finding[]): AssessedFinding[] {
  return current.map((finding) => ({ finding, failsGate: false }));
}
