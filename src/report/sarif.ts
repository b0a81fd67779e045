/**
 * SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) ingest. One run,
 * one rule per rule/risk id, one result per finding. Runtime stacks go in `codeFlows` so the
 * viewer can walk from the risky call up to the application code that made it; the content
 * fingerprint goes in `partialFingerprints` so the same risk is one alert across builds.
 */
import type * as Sarif from 'sarif';
import { posix } from 'node:path';
import { SEVERITIES, type Finding, type FindingKind, type Severity, type StackFrame } from '../findings/finding.js';
import type { AssessedFinding, Novelty } from '../findings/assessment.js';
import {
  countBySeverity,
  frameText,
  presentFindings,
  primaryLocation,
  repoRelative,
  sortFindings,
  timeText,
  type ReportInput,
} from './report-model.js';
import { shellQuote } from './text.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub code scanning rejects a run with more results than this; the rest are counted, not sent. */
export const MAX_SARIF_RESULTS = 25_000;

export interface SarifOptions {
  /** The project's home page, shown by viewers next to the tool's name. */
  informationUri?: string;
  /**
   * Also emit the baseline's fixed findings, as results with `baselineState: 'absent'`. Off by
   * default: GitHub code scanning ignores `baselineState` and would open an alert for each of
   * them, while leaving them out is how it learns they are fixed. Viewers that read baseline
   * states (and a SARIF file kept as the next build's baseline) can ask for them.
   */
  includeFixed?: boolean;
}

/** GitHub's scale: ≥9 critical, 7–8.9 high, 4–6.9 medium, below 4 low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * How often a finding of this kind is a true positive. A risk is a call the program was seen to
 * make, so it is certain; a rule alert is as good as its condition; an anomaly is a guess.
 */
const PRECISION: Record<FindingKind, string> = {
  risk: 'very-high',
  rule: 'high',
  rasp: 'high',
  anomaly: 'medium',
};

const KIND_TEXT: Record<FindingKind, string> = {
  risk: 'A code-execution risk: a call the program made while Harrier observed it.',
  rule: 'A rule alert: an observed system call matched this rule.',
  anomaly: 'An anomaly: behaviour that differs from what the program was seen to do before.',
  rasp: 'A runtime protection verdict on a call the program made.',
};

const BASELINE_STATE: Record<Novelty, Sarif.Result.baselineState> = {
  new: 'new',
  unchanged: 'unchanged',
  fixed: 'absent',
};

const cweUri = (n: number) => `https://cwe.mitre.org/data/definitions/${n}.html`;

/** Percent-encodes each path segment, so spaces and `#` make a valid URI reference. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function artifact(path: string, inRepo: boolean): Sarif.ArtifactLocation {
  return inRepo ? { uri: encodePath(path), uriBaseId: '%SRCROOT%' } : { uri: `file://${encodePath(path)}` };
}

function hexToInt(hex: string | undefined): number | undefined {
  if (hex === undefined || !/^(0x)?[0-9a-f]+$/i.test(hex)) return undefined;
  const n = parseInt(hex, 16);
  return Number.isSafeInteger(n) ? n : undefined;
}

function frameLocation(frame: StackFrame, repoRoot: string | undefined): Sarif.ThreadFlowLocation {
  const location: Sarif.Location = { message: { text: frameText(frame, repoRoot) } };
  if (frame.file) {
    const { path, inRepo } = repoRelative(frame.file, repoRoot);
    location.physicalLocation = {
      artifactLocation: artifact(path, inRepo),
      ...(frame.line && frame.line > 0 ? { region: { startLine: frame.line } } : {}),
    };
  } else if (frame.module) {
    // No debug information: the module and the offset in it still identify the code exactly.
    const { path, inRepo } = repoRelative(frame.module, repoRoot);
    const offset = hexToInt(frame.offset);
    location.physicalLocation = {
      artifactLocation: artifact(path, inRepo),
      ...(offset !== undefined ? { address: { relativeAddress: offset, kind: 'instruction' } } : {}),
    };
  }
  if (frame.function) location.logicalLocations = [{ name: frame.function, kind: 'function' }];
  return {
    location,
    ...(frame.module ? { module: posix.basename(frame.module) } : {}),
    // The application's own frames are what a reviewer wants to see first.
    importance: frame.inApp ? 'important' : 'unimportant',
    properties: { address: frame.address, inApp: frame.inApp },
  };
}

interface RuleEntry {
  descriptor: Sarif.ReportingDescriptor;
  index: number;
}

function ruleDescriptor(id: string, findings: Finding[]): Sarif.ReportingDescriptor {
  const first = findings[0]!;
  const severity = SEVERITIES.find((s) => findings.some((f) => f.severity === s)) ?? first.severity;
  const cwes = [...new Set(findings.flatMap((f) => f.cwe))].sort((a, b) => a - b);
  // GitHub reads at most 20 tags per rule: ours and the CWEs come first so they are kept.
  const tags = [
    ...new Set(['security', ...cwes.map((c) => `external/cwe/cwe-${c}`), ...findings.flatMap((f) => f.tags)]),
  ].slice(0, 20);
  const cweLines = cwes.map((c) => `CWE-${c}: ${cweUri(c)}`);
  const cweLinks = cwes.map((c) => `[CWE-${c}](${cweUri(c)})`);
  return {
    id,
    name: id,
    shortDescription: { text: first.title },
    fullDescription: { text: `${first.title}. ${KIND_TEXT[first.kind]}` },
    ...(cwes[0] !== undefined ? { helpUri: cweUri(cwes[0]) } : {}),
    help: {
      text: [first.title, KIND_TEXT[first.kind], ...cweLines].join('\n'),
      markdown: [
        `**${first.title}**`,
        '',
        KIND_TEXT[first.kind],
        ...(cweLinks.length ? ['', cweLinks.join(', ')] : []),
      ].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[severity],
      tags,
      precision: PRECISION[first.kind],
      kind: first.kind,
    },
  };
}

function result(af: AssessedFinding, rule: RuleEntry, input: ReportInput): Sarif.Result {
  const f = af.finding;
  const loc = primaryLocation(f, input.repoRoot, input.run.command);
  const region = loc.line !== undefined ? { region: { startLine: loc.line } } : {};
  const stack = f.evidence.stack ?? [];
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex: rule.index,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation: artifact(loc.path, loc.inRepo), ...region },
        ...(loc.function ? { logicalLocations: [{ name: loc.function, kind: 'function' }] } : {}),
      },
    ],
    // Our own key only: `primaryLocationLineHash` is GitHub's, recomputed by its upload action
    // from the source line, and a different value there draws an "inconsistent fingerprint"
    // warning per result.
    partialFingerprints: { 'harrierFingerprint/v1': f.fingerprint },
    occurrenceCount: Math.max(1, f.count),
    properties: {
      occurrences: f.count,
      kind: f.kind,
      severity: f.severity,
      firstSeen: timeText(f.firstTs),
      lastSeen: timeText(f.lastTs),
      failsGate: af.failsGate,
      ...(f.evidence.process
        ? { process: { pid: f.evidence.process.pid, exe: f.evidence.process.exePath, args: f.evidence.process.args } }
        : {}),
      ...(f.evidence.details ? { details: f.evidence.details } : {}),
    },
  };
  if (stack.length > 0) {
    out.codeFlows = [
      {
        message: { text: 'Call stack at the risky call, innermost frame first' },
        threadFlows: [{ locations: stack.map((fr) => frameLocation(fr, input.repoRoot)) }],
      },
    ];
  }
  if (input.baseline && af.novelty) out.baselineState = BASELINE_STATE[af.novelty];
  if (af.suppression) {
    const s = af.suppression;
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: `${s.reason}${s.expires ? ` (until ${s.expires})` : ''} [by ${s.by}]`,
      },
    ];
  }
  return out;
}

function isoOrUndefined(s: string): string | undefined {
  return s !== '' && !Number.isNaN(Date.parse(s)) ? s : undefined;
}

export function renderSarif(input: ReportInput, opts: SarifOptions = {}): Sarif.Log {
  const fixed = input.findings.filter((f) => f.novelty === 'fixed').length;
  const sorted = sortFindings(opts.includeFixed ? input.findings : presentFindings(input.findings));
  const sent = sorted.slice(0, MAX_SARIF_RESULTS);

  const byRule = new Map<string, Finding[]>();
  for (const af of sent) {
    const list = byRule.get(af.finding.ruleId) ?? [];
    list.push(af.finding);
    byRule.set(af.finding.ruleId, list);
  }
  const ruleIds = [...byRule.keys()].sort();
  const rules = new Map<string, RuleEntry>(
    ruleIds.map((id, index) => [id, { index, descriptor: ruleDescriptor(id, byRule.get(id)!) }]),
  );

  const exit = input.run.exit;
  const start = isoOrUndefined(input.run.startedAt);
  const end = isoOrUndefined(input.run.endedAt);
  const invocation: Sarif.Invocation = {
    executionSuccessful: true,
    commandLine: input.run.command.map(shellQuote).join(' '),
    ...(start ? { startTimeUtc: start } : {}),
    ...(end ? { endTimeUtc: end } : {}),
    ...(exit && 'code' in exit ? { exitCode: exit.code } : {}),
    ...(exit && 'signal' in exit ? { exitSignalName: exit.signal } : {}),
    ...(input.run.hostname ? { machine: input.run.hostname } : {}),
  };

  const present = presentFindings(input.findings);
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'Harrier',
        version: input.run.harrierVersion,
        ...(/^\d+\.\d+\.\d+/.test(input.run.harrierVersion) ? { semanticVersion: input.run.harrierVersion } : {}),
        ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
        rules: ruleIds.map((id) => rules.get(id)!.descriptor),
      },
    },
    invocations: [invocation],
    ...(input.repoRoot
      ? { originalUriBaseIds: { '%SRCROOT%': { uri: `file://${encodePath(input.repoRoot.replace(/\/?$/, '/'))}` } } }
      : {}),
    // GitHub keeps one analysis per category: a component's runs replace each other, not others'.
    ...(input.build?.component ? { automationDetails: { id: `harrier/${input.build.component}/` } } : {}),
    results: sent.map((af) => result(af, rules.get(af.finding.ruleId)!, input)),
    properties: {
      runId: input.run.id,
      sensor: input.summary.sensor,
      processes: input.summary.totals.processes,
      durationMs: input.summary.totals.durationMs,
      partial: input.summary.partial,
      findings: present.length,
      bySeverity: countBySeverity(present),
      suppressed: input.suppressedCount,
      ...(input.baseline ? { fixed, fixedIncluded: opts.includeFixed === true } : {}),
      ...(sorted.length > sent.length ? { resultsLeftOut: sorted.length - sent.length } : {}),
      ...(input.build ? { build: { ...input.build } } : {}),
      ...(input.baseline ? { baseline: { ...input.baseline } } : {}),
      ...(input.gate ? { gate: { ...input.gate } } : {}),
    },
  };

  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** The SARIF log as the file GitHub's upload action reads. */
export function formatSarif(input: ReportInput, opts: SarifOptions = {}): string {
  return JSON.stringify(renderSarif(input, opts), null, 2) + '\n';
}
