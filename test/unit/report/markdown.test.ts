import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMarkdown, MARKDOWN_MAX_BYTES } from '../../../src/report/markdown.js';
import type { AssessedFinding } from '../../../src/findings/assessment.js';
import { INJECTED, makeFinding, makeReportInput } from '../../helpers/report-input.js';

const tableRows = (md: string) => md.split('\n').filter((l) => /^\| (critical|high|medium|low|info) \| [^0-9]/.test(l));

test('verdict, counts by severity and novelty, and the suppressed count', () => {
  const md = formatMarkdown(makeReportInput());
  assert.match(md.split('\n')[0]!, /^## Harrier: ❌ gate failed: 2 findings at --fail-on new:medium$/);
  assert.match(md, /\| Severity \| Findings \| New \| Unchanged \| Fixed \|/);
  // Five findings in this run (the fixed one is the baseline's): 1 critical, 2 high, 1 low, 1 info.
  assert.match(md, /\| critical \| 1 \| 1 \| 0 \| 0 \|/);
  assert.match(md, /\| high \| 2 \| 1 \| 1 \| 0 \|/);
  assert.match(md, /\| medium \| 0 \| 0 \| 0 \| 1 \|/);
  assert.match(md, /\| \*\*total\*\* \| \*\*5\*\* \| 3 \| 2 \| 1 \|/);
  assert.match(md, /Suppressed: 1 finding /);
  assert.match(md, /Build: component demo · branch feature\/names · commit 4f2a9c1e0b7d · build 812 · on github/);
  assert.match(md, /Baseline: last \(run r-20261122-0007, build 811\)/);
  assert.match(md, /sensor ptrace · 1\.25 s · 4 processes/);
});

test('a findings table row per finding, gate failures first, with location and novelty', () => {
  const input = makeReportInput();
  const md = formatMarkdown(input);
  const rows = tableRows(md);
  assert.equal(rows.length, input.findings.length);
  assert.equal(
    rows[0],
    '| critical | Unbounded copy into a fixed-size buffer | src/parse.c:42 | new, **fails gate** | 3 |',
  );
  assert.match(
    rows[1]!,
    /^\| high \| Shell command built at run time \| build\/demo \| new, \*\*fails gate\*\* \| 1 \|$/,
  );
  assert.ok(rows.some((r) => r.includes('| /usr/bin/cat | unchanged |')));
  assert.ok(rows.some((r) => r.includes('| fixed |')));
  assert.ok(rows.some((r) => r.includes('new, suppressed |')));
});

test('evidence folds into <details> with the stack, and markup is escaped', () => {
  const input = makeReportInput();
  input.findings[1]!.finding.title = `Shell ${INJECTED}`;
  const md = formatMarkdown(input);
  assert.equal(md.match(/<details><summary>/g)?.length, input.findings.length);
  assert.match(md, /> copy_name \(src\/parse\.c:42\)/);
  assert.match(md, / {2}strcpy \(libc\.so\.6\+0x9f3a0\)/);
  assert.match(md, /suppressed by rule: CI fetches test data over HTTPS \(until 2027-01-31\)/);
  // Outside code, markup is shown as text; inside code blocks and spans it is inert already.
  const outsideCode = md.replace(/```text\n[\s\S]*?\n```/g, '').replace(/`[^`\n]*`/g, '');
  assert.ok(!outsideCode.includes('<script>'), 'raw <script> outside a code block');
  assert.ok(md.includes('| Shell &lt;script&gt;alert("x")&lt;/script&gt; |'));
  assert.ok(md.includes('<summary>high · Shell &lt;script&gt;'));
});

test('a table cell cannot be split by a | in a title', () => {
  const input = makeReportInput();
  input.findings[0]!.finding.title = 'a | b';
  const row = tableRows(formatMarkdown(input))[0]!;
  assert.match(row, /\| a \\\| b \|/);
});

test('stays under the step-summary limit and says what it left out', () => {
  const many: AssessedFinding[] = Array.from({ length: 4000 }, (_, i) => ({
    finding: makeFinding({
      id: `m${i}`,
      ruleId: `rule.${i % 7}`,
      message: `${INJECTED} ${'x'.repeat(400)}`,
      evidence: { stack: makeReportInput().findings[0]!.finding.evidence.stack! },
    }),
    failsGate: false,
  }));
  const md = formatMarkdown(makeReportInput({ findings: many }));
  assert.ok(Buffer.byteLength(md) <= MARKDOWN_MAX_BYTES, `${Buffer.byteLength(md)} bytes`);
  const shown = tableRows(md).length;
  assert.ok(shown > 100 && shown < 4000, `${shown} rows`);
  assert.match(md, new RegExp(`\\*\\*${4000 - shown} more findings not shown\\*\\*`));
  assert.equal(md.match(/<details>/g)?.length, shown);

  const small = formatMarkdown(makeReportInput(), { maxBytes: 3000 });
  assert.ok(Buffer.byteLength(small) <= 3000);
  assert.match(small, /more findings not shown/);
});

test('no findings and no gate', () => {
  const md = formatMarkdown(makeReportInput({ findings: [], gate: undefined, baseline: undefined }));
  assert.match(md, /^## Harrier: ℹ️ no gate \(--fail-on not given\)/);
  assert.match(md, /No findings\./);
  assert.match(md, /\| Severity \| Findings \|\n/);
});
