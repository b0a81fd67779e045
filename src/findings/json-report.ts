/**
 * Harrier's JSON report: a versioned document a CI job can keep as an artifact and pass to the
 * next build as its baseline. Shape (version 1):
 *
 *   { schema: 'harrier-report', version: 1,
 *     run: { id, command, startedAt, endedAt?, … },   // times as decimal nanosecond strings
 *     build?: BuildInfo,
 *     baseline?: BaselineRef, gate?: GateResult,
 *     findings: [Finding + assessment?],              // this run's findings; bigint times as decimal strings
 *     fixed?: [Finding + assessment?],                // the baseline's findings absent from this run
 *     summary?: unknown }                             // the run summary, as the summary builder wrote it
 *
 * `findings` holds only this run's findings, so a report read back as a baseline is exactly
 * what the run found. Readers accept any version-1 document with unknown extra keys (later
 * additions stay compatible); a newer version is refused with a message saying so.
 */
import type { AssessedFinding, BaselineRef, BuildInfo, GateResult, Novelty, Suppression } from './assessment.js';
import { FindingsError } from './errors.js';
import { type Evidence, type Finding, FINDING_KINDS, SEVERITIES } from './finding.js';

export const JSON_REPORT_SCHEMA = 'harrier-report';
export const JSON_REPORT_VERSION = 1;

export interface JsonReportRun {
  /** The run's id in the store; null when the run was not stored. */
  id: string | null;
  command: string[];
  /** Nanoseconds since the epoch, decimal. */
  startedAt: string;
  endedAt?: string;
  cwd?: string;
  sensor?: string;
  hostname?: string;
  harrierVersion?: string;
  exit?: { code?: number; signal?: string };
}

/** A Finding with its bigint times as decimal strings, plus how the run judged it. */
export interface JsonFinding extends Omit<Finding, 'firstTs' | 'lastTs'> {
  firstTs: string;
  lastTs: string;
  novelty?: Novelty;
  suppression?: Suppression;
  failsGate?: boolean;
}

export interface JsonReport {
  schema: typeof JSON_REPORT_SCHEMA;
  version: typeof JSON_REPORT_VERSION;
  run: JsonReportRun;
  build?: BuildInfo;
  baseline?: BaselineRef;
  gate?: GateResult;
  findings: JsonFinding[];
  fixed?: JsonFinding[];
  /** How many of `findings` the ignore file suppressed (they are listed, never hidden). */
  suppressed: number;
  summary?: unknown;
}

export interface JsonReportInput {
  run: JsonReportRun;
  build?: BuildInfo;
  baseline?: BaselineRef;
  gate?: GateResult;
  /** Plain findings, or assessed ones (then `fixed` ones go to the report's `fixed`). */
  findings: readonly (Finding | AssessedFinding)[];
  summary?: unknown;
}

export function toJsonReport(input: JsonReportInput): JsonReport {
  const current: JsonFinding[] = [];
  const fixed: JsonFinding[] = [];
  for (const f of input.findings) {
    if ('finding' in f) (f.novelty === 'fixed' ? fixed : current).push(assessedJson(f));
    else current.push(findingJson(f));
  }
  const report: JsonReport = {
    schema: JSON_REPORT_SCHEMA,
    version: JSON_REPORT_VERSION,
    run: input.run,
    findings: current,
    suppressed: current.filter((f) => f.suppression !== undefined).length,
  };
  if (input.build !== undefined) report.build = input.build;
  if (input.baseline !== undefined) report.baseline = input.baseline;
  if (input.gate !== undefined) report.gate = input.gate;
  if (fixed.length > 0) report.fixed = fixed;
  if (input.summary !== undefined) report.summary = input.summary;
  return report;
}

/** The report as text; any bigint left in evidence or the summary becomes a decimal string. */
export function jsonReportText(report: JsonReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

export function findingJson(f: Finding): JsonFinding {
  return { ...f, firstTs: f.firstTs.toString(), lastTs: f.lastTs.toString() };
}

function assessedJson(a: AssessedFinding): JsonFinding {
  const j = findingJson(a.finding);
  if (a.novelty !== undefined) j.novelty = a.novelty;
  if (a.suppression !== undefined) j.suppression = a.suppression;
  j.failsGate = a.failsGate;
  return j;
}

export interface ParsedJsonReport {
  report: JsonReport;
  /** This run's findings with their times as bigints again. */
  findings: Finding[];
}

/**
 * Validates a parsed JSON value as a version-1 Harrier report. `name` (the file) goes into
 * every error, with the path of the offending value (`findings[2].severity`).
 */
export function parseJsonReport(value: unknown, name: string): ParsedJsonReport {
  const fail = (where: string, what: string): never => {
    throw new FindingsError(
      `${name}: not a valid Harrier JSON report: ${where}: ${what}`,
      'pass a file written by `harrier run --report json:PATH` or `harrier report RUN --format json`',
    );
  };
  if (!isObject(value)) return fail('top level', 'expected a JSON object');
  if (value.schema !== JSON_REPORT_SCHEMA)
    return fail('schema', `expected "${JSON_REPORT_SCHEMA}", got ${show(value.schema)}`);
  if (typeof value.version !== 'number') return fail('version', `expected a number, got ${show(value.version)}`);
  if (value.version > JSON_REPORT_VERSION) {
    throw new FindingsError(
      `${name}: Harrier JSON report version ${value.version} is newer than this Harrier reads (version ${JSON_REPORT_VERSION})`,
      'upgrade Harrier, or produce the baseline with the same Harrier version',
    );
  }
  if (value.version !== JSON_REPORT_VERSION) return fail('version', `unsupported version ${show(value.version)}`);
  const run = value.run;
  if (!isObject(run)) return fail('run', 'expected an object');
  if (run.id !== null && typeof run.id !== 'string')
    return fail('run.id', `expected a string or null, got ${show(run.id)}`);
  if (!isStringArray(run.command)) return fail('run.command', 'expected an array of strings');
  if (!isDecimal(run.startedAt))
    return fail('run.startedAt', `expected decimal nanoseconds, got ${show(run.startedAt)}`);
  if (value.build !== undefined && !isObject(value.build)) return fail('build', 'expected an object');
  if (!Array.isArray(value.findings)) return fail('findings', 'expected an array');
  const findings = value.findings.map((f, i) => parseFinding(f, `findings[${i}]`, fail));
  if (value.fixed !== undefined) {
    if (!Array.isArray(value.fixed)) return fail('fixed', 'expected an array');
    value.fixed.forEach((f, i) => parseFinding(f, `fixed[${i}]`, fail));
  }
  return { report: value as unknown as JsonReport, findings };
}

function parseFinding(v: unknown, where: string, fail: (where: string, what: string) => never): Finding {
  if (!isObject(v)) return fail(where, 'expected an object');
  const str = (k: string): string => {
    const x = v[k];
    return typeof x === 'string' ? x : fail(`${where}.${k}`, `expected a string, got ${show(x)}`);
  };
  const kind = str('kind');
  if (!(FINDING_KINDS as readonly string[]).includes(kind))
    fail(`${where}.kind`, `expected one of ${FINDING_KINDS.join(', ')}, got ${show(kind)}`);
  const severity = str('severity');
  if (!(SEVERITIES as readonly string[]).includes(severity))
    fail(`${where}.severity`, `expected one of ${SEVERITIES.join(', ')}, got ${show(severity)}`);
  const fingerprint = str('fingerprint');
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) fail(`${where}.fingerprint`, 'expected 64 lowercase hex digits');
  if (!Array.isArray(v.cwe) || !v.cwe.every((n) => Number.isInteger(n)))
    fail(`${where}.cwe`, 'expected an array of CWE numbers');
  if (!isStringArray(v.tags)) fail(`${where}.tags`, 'expected an array of strings');
  if (!isObject(v.evidence)) fail(`${where}.evidence`, 'expected an object');
  if (typeof v.count !== 'number' || !Number.isSafeInteger(v.count) || v.count < 0)
    fail(`${where}.count`, `expected a non-negative integer, got ${show(v.count)}`);
  for (const k of ['firstTs', 'lastTs']) {
    if (!isDecimal(v[k])) fail(`${where}.${k}`, `expected decimal nanoseconds, got ${show(v[k])}`);
  }
  return {
    id: str('id'),
    ruleId: str('ruleId'),
    kind: kind as Finding['kind'],
    severity: severity as Finding['severity'],
    title: str('title'),
    message: str('message'),
    cwe: v.cwe as number[],
    tags: v.tags as string[],
    evidence: v.evidence as Evidence,
    count: v.count as number,
    firstTs: BigInt(v.firstTs as string),
    lastTs: BigInt(v.lastTs as string),
    fingerprint,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isDecimal(v: unknown): v is string {
  return typeof v === 'string' && /^\d+$/.test(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
