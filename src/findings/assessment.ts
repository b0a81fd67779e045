/**
 * What a run's findings mean for a build: compared with a baseline (new, unchanged, fixed),
 * suppressed by the project's ignore file, and judged by the gate. Reports read these types;
 * the logic that produces them lives beside them in this folder.
 */
import type { Finding, Severity } from './finding.js';

/** Where a run came from, recorded with it (auto-detected from CI variables or given as flags). */
export interface BuildInfo {
  buildId?: string;
  branch?: string;
  commit?: string;
  component?: string;
  /** The CI system that was detected (`github`, `gitlab`, `jenkins`, `circleci`, `buildkite`). */
  ci?: string;
  /** A link to the CI job, when the CI system gives one. */
  url?: string;
}

export type Novelty = 'new' | 'unchanged' | 'fixed';

export interface Suppression {
  reason: string;
  /** ISO date after which the suppression no longer applies. */
  expires?: string;
  /** What matched: the finding's fingerprint or its rule id. */
  by: 'fingerprint' | 'rule';
}

export interface AssessedFinding {
  finding: Finding;
  /** Absent when there is no baseline. A `fixed` finding is the baseline's, absent from this run. */
  novelty?: Novelty;
  /** Present when the ignore file covers it: counted in every report, never hidden. */
  suppression?: Suppression;
  /** True when this finding makes the gate fail. */
  failsGate: boolean;
}

export interface GatePolicy {
  /** Findings at or above this severity fail the gate. */
  severity: Severity;
  /** Only findings that are new against the baseline count (`--fail-on new:medium`). */
  onlyNew: boolean;
}

export interface GateResult {
  /** The policy as the user wrote it (`new:medium`), or absent when no gate was asked for. */
  policy?: string;
  failed: boolean;
  /** How many findings fail the gate. */
  failing: number;
}

export interface BaselineRef {
  /** What the user passed to `--baseline` (`last`, a run id, a build id, a file). */
  ref: string;
  runId?: string;
  build?: BuildInfo;
}
