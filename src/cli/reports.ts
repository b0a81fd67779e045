/**
 * Writing the reports a run or `harrier report` asked for: each format rendered from one
 * ReportInput, to its file or standard output, plus the CI job summary when the CI provides one.
 */
import { appendFileSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { jsonReportText, toJsonReport } from '../findings/json-report.js';
import type { BuildInfo } from '../findings/assessment.js';
import type { Assessment } from '../pipeline/assess.js';
import { formatHtml } from '../report/html.js';
import { formatJunit } from '../report/junit.js';
import { formatMarkdown } from '../report/markdown.js';
import type { ReportInput } from '../report/report-model.js';
import { formatSarif } from '../report/sarif.js';
import { styleFor } from '../report/style.js';
import type { RunSummary } from '../report/summary.js';
import { formatReportText } from '../report/text.js';
import type { ReportFormat, ReportSpec } from './report-specs.js';
import { version } from './version.js';

export function reportInput(args: {
  summary: RunSummary;
  runId: string | null;
  build: BuildInfo | undefined;
  assessment: Assessment;
  repoRoot: string | undefined;
  hostname?: string;
}): ReportInput {
  const { summary, assessment } = args;
  return {
    run: {
      id: args.runId,
      command: summary.command,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      exit: summary.exit,
      hostname: args.hostname ?? hostname(),
      harrierVersion: version,
    },
    ...(args.build !== undefined && { build: args.build }),
    summary,
    findings: assessment.assessed,
    ...(assessment.baseline !== undefined && { baseline: assessment.baseline }),
    gate: assessment.gate,
    ...(args.repoRoot !== undefined && { repoRoot: args.repoRoot }),
    suppressedCount: assessment.suppressedCount,
  };
}

const isoToNs = (iso: string): string => String(BigInt(Date.parse(iso)) * 1_000_000n);

export function renderReport(format: ReportFormat, input: ReportInput, tty: { isTTY?: boolean }): string {
  switch (format) {
    case 'text':
      return formatReportText(input, { style: styleFor(tty) });
    case 'json': {
      const exit = input.run.exit;
      return jsonReportText(
        toJsonReport({
          run: {
            id: input.run.id,
            command: input.run.command,
            startedAt: isoToNs(input.run.startedAt),
            endedAt: isoToNs(input.run.endedAt),
            sensor: input.summary.sensor,
            harrierVersion: input.run.harrierVersion,
            ...(input.run.hostname !== undefined && { hostname: input.run.hostname }),
            ...(exit !== null && { exit }),
          },
          ...(input.build !== undefined && { build: input.build }),
          ...(input.baseline !== undefined && { baseline: input.baseline }),
          ...(input.gate !== undefined && { gate: input.gate }),
          findings: input.findings,
          summary: input.summary,
        }),
      );
    }
    case 'sarif':
      return formatSarif(input);
    case 'junit':
      return formatJunit(input);
    case 'markdown':
      return formatMarkdown(input);
    case 'html':
      return formatHtml(input);
  }
}

/**
 * Fails now, before a long run, if a report file cannot be written. Opens for append so an
 * existing file, which may be the very baseline being compared with, is left as it is.
 */
export function checkReportPaths(specs: readonly ReportSpec[]): void {
  for (const s of specs) if (s.path !== undefined) closeSync(openSync(s.path, 'a'));
}

export function writeReports(
  specs: readonly ReportSpec[],
  input: ReportInput,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const spec of specs) {
    const text = renderReport(spec.format, input, spec.path === undefined ? process.stdout : {});
    if (spec.path === undefined) process.stdout.write(text);
    else writeFileSync(spec.path, text);
  }
  // GitHub Actions shows this file as the job's summary page.
  const stepSummary = env.GITHUB_STEP_SUMMARY;
  if (stepSummary !== undefined && stepSummary !== '') appendFileSync(stepSummary, formatMarkdown(input) + '\n');
}
