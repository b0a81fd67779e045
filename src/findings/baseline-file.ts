/**
 * A baseline given as a file (`--baseline report.json`): a previous Harrier JSON report or a
 * SARIF file Harrier wrote, told apart by content, not by extension (CI artifacts get renamed).
 */
import { readFile } from 'node:fs/promises';
import type { BuildInfo } from './assessment.js';
import { FindingsError } from './errors.js';
import type { Finding } from './finding.js';
import { JSON_REPORT_SCHEMA, parseJsonReport } from './json-report.js';
import { findingsFromSarif, looksLikeSarif } from './sarif-baseline.js';

export interface BaselineFile {
  format: 'json' | 'sarif';
  findings: Finding[];
  /** The baseline run's id and build, when the file records them (JSON reports do). */
  runId?: string;
  build?: BuildInfo;
}

const HINT =
  'pass a previous Harrier report: `--report json:PATH` or `--report sarif:PATH` from an earlier build, ' +
  'or a run id, a build id or `last` from the store';

export function parseBaselineText(text: string, name: string): BaselineFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FindingsError(`${name}: not a Harrier report or SARIF file: not JSON (${(e as Error).message})`, HINT);
  }
  if (typeof doc === 'object' && doc !== null && 'schema' in doc && doc.schema === JSON_REPORT_SCHEMA) {
    const { report, findings } = parseJsonReport(doc, name);
    const out: BaselineFile = { format: 'json', findings };
    if (report.run.id !== null) out.runId = report.run.id;
    if (report.build !== undefined) out.build = report.build;
    return out;
  }
  if (looksLikeSarif(doc)) return { format: 'sarif', findings: findingsFromSarif(doc, name) };
  throw new FindingsError(
    `${name}: not a Harrier report or SARIF file: JSON without "schema": "${JSON_REPORT_SCHEMA}" or a SARIF "runs" array`,
    HINT,
  );
}

export async function loadBaselineFile(path: string): Promise<BaselineFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FindingsError(
      `cannot read baseline ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      HINT,
    );
  }
  return parseBaselineText(text, path);
}
