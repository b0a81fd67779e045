/**
 * JUnit XML in the shape Jenkins, GitLab and most CI test views read: one test suite per run,
 * one test case per rule or risk id, and a failure only when that rule's findings fail the gate,
 * so the CI's test view goes red for exactly the reasons the build does. Everything else passes,
 * with its findings listed in the case's output so nothing is hidden.
 */
import { SEVERITIES } from '../findings/finding.js';
import type { AssessedFinding } from '../findings/assessment.js';
import {
  exitText,
  frameText,
  locationText,
  primaryLocation,
  sortFindings,
  suppressionText,
  timeText,
  verdictText,
  type ReportInput,
} from './report-model.js';

// XML 1.0 cannot carry most control characters, even escaped; a finding's message may hold any
// byte the observed program wrote, so they become U+FFFD.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');

function findingDetail(af: AssessedFinding, input: ReportInput): string {
  const f = af.finding;
  const loc = primaryLocation(f, input.repoRoot, input.run.command);
  const lines = [
    `[${f.severity}] ${f.title}${af.novelty ? ` (${af.novelty})` : ''}`,
    `  ${f.message}`,
    `  at ${locationText(loc)}`,
    `  occurrences ${f.count}, first ${timeText(f.firstTs)}, fingerprint ${f.fingerprint}`,
  ];
  if (f.cwe.length) lines.push(`  ${f.cwe.map((c) => `CWE-${c}`).join(', ')}`);
  const p = f.evidence.process;
  if (p) lines.push(`  process ${p.pid} ${[p.exePath, ...p.args.slice(1)].join(' ')}`);
  const sup = suppressionText(af);
  if (sup) lines.push(`  ${sup}`);
  for (const fr of f.evidence.stack ?? []) lines.push(`    ${fr.inApp ? '>' : ' '} ${frameText(fr, input.repoRoot)}`);
  return lines.join('\n');
}

interface Case {
  kind: string;
  ruleId: string;
  findings: AssessedFinding[];
}

export function formatJunit(input: ReportInput): string {
  const cases = new Map<string, Case>();
  for (const af of sortFindings(input.findings)) {
    const key = `${af.finding.kind}\0${af.finding.ruleId}`;
    const c = cases.get(key) ?? { kind: af.finding.kind, ruleId: af.finding.ruleId, findings: [] };
    c.findings.push(af);
    cases.set(key, c);
  }
  const ordered = [...cases.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.ruleId.localeCompare(b.ruleId));
  const failedCases = ordered.filter((c) => c.findings.some((f) => f.failsGate)).length;
  const seconds = (input.summary.totals.durationMs / 1000).toFixed(3);
  const start = input.run.startedAt !== '' ? input.run.startedAt.replace(/\.\d+Z$|Z$/, '') : undefined;

  const body: string[] = [];
  for (const c of ordered) {
    const failing = c.findings.filter((f) => f.failsGate);
    body.push(`    <testcase${attrs({ classname: `harrier.${c.kind}`, name: c.ruleId, time: '0' })}>`);
    if (failing.length > 0) {
      const worst = SEVERITIES.find((s) => failing.some((f) => f.finding.severity === s))!;
      const first = failing[0]!.finding;
      const message =
        failing.length === 1 ? first.message : `${failing.length} findings fail the gate; first: ${first.message}`;
      body.push(
        `      <failure${attrs({ message, type: worst })}>${xmlText(failing.map((f) => findingDetail(f, input)).join('\n\n'))}</failure>`,
      );
    }
    const rest = c.findings.filter((f) => !f.failsGate);
    if (rest.length > 0) {
      body.push(`      <system-out>${xmlText(rest.map((f) => findingDetail(f, input)).join('\n\n'))}</system-out>`);
    }
    body.push('    </testcase>');
  }

  const props: Record<string, string | undefined> = {
    'harrier.version': input.run.harrierVersion,
    'harrier.run': input.run.id ?? undefined,
    'harrier.command': input.run.command.join(' '),
    'harrier.exit': exitText(input.run.exit),
    'harrier.verdict': verdictText(input.gate),
    'harrier.gate.failing': input.gate ? String(input.gate.failing) : undefined,
    'harrier.suppressed': String(input.suppressedCount),
    'harrier.baseline': input.baseline?.ref,
    'harrier.build': input.build?.buildId,
    'harrier.branch': input.build?.branch,
    'harrier.commit': input.build?.commit,
    'harrier.component': input.build?.component,
  };
  const propLines = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`);

  const counts = { tests: ordered.length, failures: failedCases, errors: 0, skipped: 0, time: seconds };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'harrier', ...counts })}>`,
    `  <testsuite${attrs({ name: 'harrier', ...counts, timestamp: start, hostname: input.run.hostname })}>`,
    '    <properties>',
    ...propLines,
    '    </properties>',
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
