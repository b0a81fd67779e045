import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFindingsText, formatReportText, formatSummaryText } from '../../../src/report/text.js';
import { colour, plain } from '../../../src/report/style.js';
import type { AssessedFinding } from '../../../src/findings/assessment.js';
import { makeFinding, makeReportInput } from '../../helpers/report-input.js';

test('findings are listed with severity, title, location, novelty and a one-line stack', () => {
  const lines = formatFindingsText(makeReportInput(), { style: plain }).split('\n');
  assert.equal(
    lines[1],
    'Findings (5: 1 critical, 2 high, 0 medium, 1 low, 1 info · 3 new, 2 unchanged, 1 fixed · 1 suppressed)',
  );
  assert.equal(lines[2], '  CRITICAL  Unbounded copy into a fixed-size buffer  ×3  new  FAILS GATE');
  assert.equal(lines[3], '            src/parse.c:42 · strcpy ← copy_name ← main ← __libc_start_main');
  assert.equal(lines[4], '  HIGH      Shell command built at run time  new  FAILS GATE');
  assert.equal(lines[5], '            build/demo · system ← demo');
  assert.ok(lines.includes('  LOW       Outbound connection  new  suppressed (CI fetches test data over HTTPS)'));
  assert.ok(lines.includes('  MEDIUM    Non-constant format string  fixed'));
  assert.equal(lines.at(-2), 'Gate failed: 2 findings at --fail-on new:medium');
});

test('the report is the unchanged summary followed by the findings', () => {
  const input = makeReportInput();
  const text = formatReportText(input, { style: plain });
  const summary = formatSummaryText(input.summary, { style: plain });
  assert.ok(text.startsWith(summary));
  assert.equal(text.slice(summary.length), formatFindingsText(input, { style: plain }));
});

test('colour marks gate failures red and a passed gate green, only when asked', () => {
  const failed = formatFindingsText(makeReportInput(), { style: colour });
  assert.ok(failed.includes(colour.red(colour.bold('FAILS GATE'))));
  assert.ok(failed.includes(colour.red('CRITICAL')));
  const passed = formatFindingsText(makeReportInput({ gate: { policy: 'critical', failed: false, failing: 0 } }), {
    style: colour,
  });
  assert.ok(passed.includes(colour.green('Gate passed (--fail-on critical)')));
  assert.ok(!formatFindingsText(makeReportInput(), { style: plain }).includes('\x1b['));
});

test('long lists are cut with a count, unless full', () => {
  const many: AssessedFinding[] = Array.from({ length: 45 }, (_, i) => ({
    finding: makeFinding({ id: `m${i}`, ruleId: `rule.${i}`, title: `finding ${i}` }),
    failsGate: false,
  }));
  const input = makeReportInput({ findings: many, baseline: undefined, gate: undefined, suppressedCount: 0 });
  const cutText = formatFindingsText(input, { style: plain });
  assert.equal(cutText.match(/^ {2}MEDIUM/gm)?.length, 30);
  assert.match(cutText, /… 15 more findings/);
  assert.match(cutText, /Findings \(45: 0 critical, 0 high, 45 medium, 0 low, 0 info · 0 suppressed\)/);
  assert.match(cutText, /No gate \(--fail-on not given\)\n$/);
  assert.equal(formatFindingsText(input, { style: plain, full: true }).match(/^ {2}MEDIUM/gm)?.length, 45);
});

test('no findings', () => {
  const text = formatFindingsText(makeReportInput({ findings: [], gate: undefined, suppressedCount: 0 }), {
    style: plain,
  });
  assert.match(text, /Findings \(0: .*\)\n {2}none\n/);
});
