/**
 * `--report FORMAT[:PATH]`: which reports to write and where. Parsed before the command runs, so
 * a typo costs nothing; every path is checked writable at the same time.
 */
import { UsageError } from './errors.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportSpec {
  format: ReportFormat;
  /** Absent: standard output. */
  path?: string;
}

const ALIASES: Record<string, ReportFormat> = { md: 'markdown', xml: 'junit' };

export function parseReportSpec(value: string): ReportSpec {
  const colon = value.indexOf(':');
  const name = (colon < 0 ? value : value.slice(0, colon)).trim().toLowerCase();
  const path = colon < 0 ? undefined : value.slice(colon + 1);
  const format = ALIASES[name] ?? REPORT_FORMATS.find((f) => f === name);
  if (format === undefined) {
    throw new UsageError(
      `unknown report format "${name}" in --report ${value}`,
      `use one of ${REPORT_FORMATS.join(', ')}, optionally with :PATH (e.g. --report sarif:harrier.sarif)`,
    );
  }
  if (path === '')
    throw new UsageError(`--report ${value} has an empty path`, `write --report ${name}:FILE or just --report ${name}`);
  return path === undefined ? { format } : { format, path };
}

/** At most one report may go to standard output, or they would be interleaved. */
export function checkReportSpecs(specs: readonly ReportSpec[]): void {
  const toStdout = specs.filter((s) => s.path === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `${toStdout.map((s) => s.format).join(' and ')} reports would both go to standard output`,
      'give all but one a path: --report FORMAT:PATH',
    );
  }
}
