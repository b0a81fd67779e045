/**
 * What every report format renders: one run, its summary, its assessed findings, and what they
 * mean for the build (baseline, gate, suppressions). The renderers are pure functions of this
 * model, so the CLI can build it once (from a live run or from the store) and write any format.
 * The helpers here keep the formats consistent: the same order, counts and locations everywhere.
 */
import { posix } from 'node:path';
import { SEVERITIES, type Finding, type Severity, type StackFrame } from '../findings/finding.js';
import type { AssessedFinding, BaselineRef, BuildInfo, GateResult, Novelty } from '../findings/assessment.js';
import type { RunSummary } from './summary.js';
import { nsToIso } from './summary-builder.js';

export interface ReportRun {
  id: string | null;
  command: string[];
  startedAt: string;
  endedAt: string;
  exit: RunSummary['exit'];
  hostname?: string;
  harrierVersion: string;
}

export interface ReportInput {
  run: ReportRun;
  build?: BuildInfo;
  summary: RunSummary;
  /** Every finding of the run, and the baseline's fixed ones when a baseline was given. */
  findings: AssessedFinding[];
  baseline?: BaselineRef;
  gate?: GateResult;
  /** Absolute path of the repository: source files and executables are shown relative to it. */
  repoRoot?: string;
  suppressedCount: number;
}

export const NOVELTIES: readonly Novelty[] = ['new', 'unchanged', 'fixed'];

/** Findings that happened in this run: everything except the baseline's fixed ones. */
export function presentFindings(findings: readonly AssessedFinding[]): AssessedFinding[] {
  return findings.filter((f) => f.novelty !== 'fixed');
}

export function countBySeverity(findings: readonly AssessedFinding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.finding.severity]++;
  return counts;
}

export function countByNovelty(findings: readonly AssessedFinding[]): Record<Novelty, number> {
  const counts: Record<Novelty, number> = { new: 0, unchanged: 0, fixed: 0 };
  for (const f of findings) if (f.novelty) counts[f.novelty]++;
  return counts;
}

const rank = <T>(order: readonly T[], x: T | undefined) => (x === undefined ? order.length : order.indexOf(x));

/**
 * The order every format lists findings in: gate failures first (what broke the build), then most
 * severe, then new before unchanged before fixed, then by rule and fingerprint so the output is
 * stable from run to run.
 */
export function compareFindings(a: AssessedFinding, b: AssessedFinding): number {
  return (
    Number(b.failsGate) - Number(a.failsGate) ||
    rank(SEVERITIES, a.finding.severity) - rank(SEVERITIES, b.finding.severity) ||
    rank(NOVELTIES, a.novelty) - rank(NOVELTIES, b.novelty) ||
    a.finding.ruleId.localeCompare(b.finding.ruleId) ||
    a.finding.fingerprint.localeCompare(b.finding.fingerprint) ||
    a.finding.id.localeCompare(b.finding.id)
  );
}

export function sortFindings(findings: readonly AssessedFinding[]): AssessedFinding[] {
  return [...findings].sort(compareFindings);
}

/** A path relative to the repository when it lies inside it; otherwise unchanged. */
export function repoRelative(path: string, repoRoot: string | undefined): { path: string; inRepo: boolean } {
  if (!path.startsWith('/')) return { path: posix.normalize(path), inRepo: true };
  if (repoRoot === undefined) return { path, inRepo: false };
  const rel = posix.relative(posix.normalize(repoRoot), posix.normalize(path));
  if (rel === '' || rel.startsWith('../') || rel === '..' || rel.startsWith('/')) return { path, inRepo: false };
  return { path: rel, inRepo: true };
}

export interface PrimaryLocation {
  /** Repository-relative when `inRepo`, else absolute (a system executable, say). */
  path: string;
  inRepo: boolean;
  line?: number;
  /** The function of the frame the location came from. */
  function?: string;
  /** Where it came from: an application frame with a source file, or the process's executable. */
  source: 'frame' | 'executable' | 'command';
}

/**
 * Where a finding "is" for a code-review tool: the innermost application frame that has a source
 * file, else the executable of the process that did it, else the observed command.
 */
export function primaryLocation(
  finding: Finding,
  repoRoot: string | undefined,
  command: readonly string[] = [],
): PrimaryLocation {
  const frame = finding.evidence.stack?.find((f) => f.inApp && f.file);
  if (frame?.file) {
    const { path, inRepo } = repoRelative(frame.file, repoRoot);
    return {
      path,
      inRepo,
      source: 'frame',
      ...(frame.line !== undefined && frame.line > 0 ? { line: frame.line } : {}),
      ...(frame.function ? { function: frame.function } : {}),
    };
  }
  const exe = finding.evidence.process?.exePath;
  if (exe) return { ...repoRelative(exe, repoRoot), source: 'executable' };
  return { ...repoRelative(command[0] ?? 'unknown', repoRoot), source: 'command' };
}

export function locationText(loc: PrimaryLocation): string {
  return loc.line === undefined ? loc.path : `${loc.path}:${loc.line}`;
}

/** One frame as a person reads it: `copy_name (src/main.c:12)`, or `libc.so.6+0x9f3a0`. */
export function frameText(frame: StackFrame, repoRoot?: string): string {
  const where = frame.file
    ? repoRelative(frame.file, repoRoot).path + (frame.line ? `:${frame.line}` : '')
    : frame.module
      ? `${posix.basename(frame.module)}+${frame.offset ?? frame.address}`
      : frame.address;
  return frame.function ? `${frame.function} (${where})` : where;
}

/** A stack on one line, innermost first: `strcpy ← copy_name ← main`, cut after `max` frames. */
export function oneLineStack(stack: readonly StackFrame[] | undefined, max = 4): string {
  if (!stack || stack.length === 0) return '';
  const names = stack.slice(0, max).map((f) => f.function ?? (f.module ? posix.basename(f.module) : f.address));
  return names.join(' ← ') + (stack.length > max ? ` ← … ${stack.length - max} more` : '');
}

export function noveltyText(f: AssessedFinding): string {
  return f.novelty ?? '';
}

export function suppressionText(f: AssessedFinding): string | undefined {
  const s = f.suppression;
  if (!s) return undefined;
  return `suppressed by ${s.by}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ''}`;
}

/** The gate's verdict in one sentence, the same in every format. */
export function verdictText(gate: GateResult | undefined): string {
  if (!gate || gate.policy === undefined) return 'no gate (--fail-on not given)';
  const n = `${gate.failing} finding${gate.failing === 1 ? '' : 's'}`;
  return gate.failed ? `gate failed: ${n} at --fail-on ${gate.policy}` : `gate passed (--fail-on ${gate.policy})`;
}

export function exitText(exit: RunSummary['exit']): string {
  if (exit === null) return 'no exit status';
  return 'code' in exit ? `exit ${exit.code}` : `killed by ${exit.signal}`;
}

export function timeText(ns: bigint): string {
  return nsToIso(ns);
}

export function severityCountText(counts: Record<Severity, number>): string {
  return SEVERITIES.map((s) => `${counts[s]} ${s}`).join(' · ');
}

export function buildText(build: BuildInfo | undefined): string {
  if (!build) return '';
  const parts = [
    build.component && `component ${build.component}`,
    build.branch && `branch ${build.branch}`,
    build.commit && `commit ${build.commit.slice(0, 12)}`,
    build.buildId && `build ${build.buildId}`,
    build.ci && `on ${build.ci}`,
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(' · ');
}
