/**
 * The one finding model every detector speaks (rule alerts, code-execution risks, and later
 * anomalies and RASP verdicts), and every report reads. A finding is already aggregated: one per
 * (rule or risk, place) in a run, with how often it happened and one representative piece of
 * evidence.
 */

export type FindingKind = 'rule' | 'risk' | 'anomaly' | 'rasp';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Most severe first: the order reports list findings in, and the order gates compare by. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const FINDING_KINDS: readonly FindingKind[] = ['rule', 'risk', 'anomaly', 'rasp'];

/** One frame of a native (or, later, JavaScript) stack, innermost first. */
export interface StackFrame {
  /** Absolute address in the process, hex (`0x55d0c1a2b3c4`). */
  address: string;
  /** The ELF module (executable or shared library) the address lies in. */
  module?: string;
  /** Offset of the address within the module's file, hex: stable across ASLR. */
  offset?: string;
  function?: string;
  /** Source file as the debug information names it (absolute or repository-relative). */
  file?: string;
  line?: number;
  /** True when the frame belongs to the project's own code (inside the repository), not a library. */
  inApp: boolean;
}

export interface ProcessRef {
  pid: number;
  exePath: string;
  args: string[];
}

export interface ProcessEvidence extends ProcessRef {
  user?: string;
  /** The process's ancestors, parent first. */
  ancestry: ProcessRef[];
}

export interface Evidence {
  process?: ProcessEvidence;
  /** The event that triggered the finding (type, time and arguments, JSON-safe). */
  event?: { type: string; ts: string; args: Record<string, unknown> };
  /** The stack that led to the risky call, innermost first. */
  stack?: StackFrame[];
  /** A rule finding's first alert, exactly as Falco's JSON output carries it. */
  alert?: Record<string, unknown>;
  /** Detector-specific facts (`{ variable: 'GITHUB_TOKEN' }`); never a secret's value. */
  details?: Record<string, string | number | boolean>;
}

export interface Finding {
  /** Unique within the run. */
  id: string;
  /** The rule name or the risk's stable id (`libc.unbounded-copy`). */
  ruleId: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** One line saying what happened where (no secret values). */
  message: string;
  /** CWE numbers (`[120, 676]`); empty when none applies. */
  cwe: number[];
  /** MITRE ATT&CK and compliance tags, as the rule or risk declares them. */
  tags: string[];
  evidence: Evidence;
  /** Occurrences in the run. */
  count: number;
  /** First and last occurrence, nanoseconds since the epoch. */
  firstTs: bigint;
  lastTs: bigint;
  /**
   * Content fingerprint (see fingerprint.ts): the same risk in the same code gives the same value
   * across builds, whatever the line numbers, pids, timestamps or temporary paths.
   */
  fingerprint: string;
}

/** True when `a` is at least as severe as `b`. */
export function atLeast(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b);
}
