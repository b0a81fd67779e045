/**
 * The Markdown report, written for CI job summaries (`$GITHUB_STEP_SUMMARY`, GitLab and Jenkins
 * Markdown views): the verdict first, then counts, a table of findings, and each finding's
 * evidence folded away in `<details>`. GitHub refuses a step summary over 1 MiB, so the report
 * stops adding findings before that and says how many it left out.
 */
import { SEVERITIES } from '../findings/finding.js';
import type { AssessedFinding } from '../findings/assessment.js';
import {
  buildText,
  countByNovelty,
  countBySeverity,
  exitText,
  frameText,
  locationText,
  presentFindings,
  primaryLocation,
  sortFindings,
  suppressionText,
  timeText,
  verdictText,
  type ReportInput,
} from './report-model.js';
import { formatDuration, shellQuote } from './text.js';

/** GitHub's step summary limit is 1 MiB; the margin leaves room for the truncation note. */
export const MARKDOWN_MAX_BYTES = 1024 * 1024 - 8 * 1024;

export interface MarkdownOptions {
  maxBytes?: number;
}

/** Text that Markdown and the HTML GitHub allows in it both show literally. */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1');
}

/** A code span that survives backticks in its content. */
function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** A fenced block that no line of its content can close early. */
function codeBlock(s: string): string {
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${s}\n${fence}`;
}

function status(af: AssessedFinding): string {
  const parts = [af.novelty ?? '', af.suppression ? 'suppressed' : '', af.failsGate ? '**fails gate**' : ''];
  return parts.filter((p) => p !== '').join(', ');
}

function evidenceText(af: AssessedFinding, input: ReportInput): string {
  const f = af.finding;
  const lines = [f.message, `rule ${f.ruleId} (${f.kind}) · fingerprint ${f.fingerprint}`];
  lines.push(`occurrences ${f.count} · first ${timeText(f.firstTs)} · last ${timeText(f.lastTs)}`);
  if (f.cwe.length) lines.push(f.cwe.map((c) => `CWE-${c}`).join(', '));
  if (f.tags.length) lines.push(`tags ${f.tags.join(', ')}`);
  const p = f.evidence.process;
  if (p) {
    lines.push(
      `process ${p.pid}${p.user ? ` (${p.user})` : ''}: ${[p.exePath, ...p.args.slice(1)].map(shellQuote).join(' ')}`,
    );
    for (const a of p.ancestry)
      lines.push(`  parent ${a.pid}: ${[a.exePath, ...a.args.slice(1)].map(shellQuote).join(' ')}`);
  }
  if (f.evidence.details) {
    lines.push(...Object.entries(f.evidence.details).map(([k, v]) => `${k}: ${String(v)}`));
  }
  const sup = suppressionText(af);
  if (sup) lines.push(sup);
  const stack = f.evidence.stack ?? [];
  if (stack.length) {
    lines.push('stack (innermost first, > = application code):');
    for (const fr of stack) lines.push(`  ${fr.inApp ? '>' : ' '} ${frameText(fr, input.repoRoot)}`);
  }
  return lines.join('\n');
}

function countsTable(input: ReportInput): string[] {
  const present = presentFindings(input.findings);
  const all = countBySeverity(present);
  const withBaseline = input.baseline !== undefined;
  const header = withBaseline ? '| Severity | Findings | New | Unchanged | Fixed |' : '| Severity | Findings |';
  const rule = withBaseline ? '| --- | ---: | ---: | ---: | ---: |' : '| --- | ---: |';
  const rows = SEVERITIES.map((s) => {
    const of = input.findings.filter((f) => f.finding.severity === s);
    if (!withBaseline) return `| ${s} | ${all[s]} |`;
    const n = countByNovelty(of);
    return `| ${s} | ${all[s]} | ${n.new} | ${n.unchanged} | ${n.fixed} |`;
  });
  const total = present.length;
  const n = countByNovelty(input.findings);
  rows.push(
    withBaseline
      ? `| **total** | **${total}** | ${n.new} | ${n.unchanged} | ${n.fixed} |`
      : `| **total** | **${total}** |`,
  );
  return [header, rule, ...rows];
}

export function formatMarkdown(input: ReportInput, opts: MarkdownOptions = {}): string {
  const maxBytes = opts.maxBytes ?? MARKDOWN_MAX_BYTES;
  const s = input.summary;
  const verdict = verdictText(input.gate);
  const mark = !input.gate?.policy ? 'ℹ️' : input.gate.failed ? '❌' : '✅';

  const head: string[] = [`## Harrier: ${mark} ${mdText(verdict)}`, ''];
  head.push(
    [
      codeSpan(input.run.command.map(shellQuote).join(' ')),
      input.run.id ? `run ${mdText(input.run.id)}` : 'run not stored',
      mdText(exitText(input.run.exit)),
      `sensor ${mdText(s.totals.sensor)}`,
      formatDuration(s.totals.durationMs),
      `${s.totals.processes} processes`,
    ].join(' · ') + (s.partial ? ' · **partial data**' : ''),
  );
  const build = buildText(input.build);
  if (build) head.push('', `Build: ${mdText(build)}`);
  if (input.baseline) {
    const b = input.baseline;
    const from = [b.runId && `run ${b.runId}`, b.build?.buildId && `build ${b.build.buildId}`]
      .filter(Boolean)
      .join(', ');
    head.push('', `Baseline: ${mdText(b.ref)}${from ? ` (${mdText(from)})` : ''}`);
  }
  head.push('', ...countsTable(input), '');
  head.push(
    `Suppressed: ${input.suppressedCount} finding${input.suppressedCount === 1 ? '' : 's'} (listed below with the reason)`,
    '',
  );

  const sorted = sortFindings(input.findings);
  if (sorted.length === 0) {
    head.push('No findings.', '');
    return head.join('\n');
  }

  const rows = sorted.map((af) => {
    const f = af.finding;
    const loc = locationText(primaryLocation(f, input.repoRoot, input.run.command));
    return `| ${f.severity} | ${mdText(f.title)} | ${mdText(loc)} | ${status(af)} | ${f.count} |`;
  });
  const details = sorted.map((af) => {
    const f = af.finding;
    const loc = locationText(primaryLocation(f, input.repoRoot, input.run.command));
    const summary = `${f.severity} · ${f.title} · ${loc}`;
    return `<details><summary>${mdText(summary)}</summary>\n\n${codeBlock(evidenceText(af, input))}\n\n</details>\n`;
  });

  // Rows and details are added finding by finding while they fit, so a cut report still has
  // a consistent table and evidence for the findings it shows (the most important first).
  const fixed =
    head.join('\n') +
    '\n### Findings\n\n| Severity | Finding | Location | Status | Count |\n| --- | --- | --- | --- | ---: |\n';
  const bytes = (t: string) => Buffer.byteLength(t, 'utf8');
  const noteReserve = 200;
  let used = bytes(fixed) + bytes('\n### Evidence\n\n') + noteReserve;
  let shown = 0;
  for (; shown < sorted.length; shown++) {
    const cost = bytes(rows[shown]! + '\n') + bytes(details[shown]! + '\n');
    if (used + cost > maxBytes) break;
    used += cost;
  }
  const out = [fixed + rows.slice(0, shown).join('\n')];
  if (shown < sorted.length) {
    out.push(
      '',
      `> **${sorted.length - shown} more findings not shown**: the job summary is limited to 1 MiB. The SARIF, JSON and HTML reports have all of them.`,
    );
  }
  out.push('', '### Evidence', '', ...details.slice(0, shown));
  return out.join('\n');
}
