import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Script } from 'node:vm';
import { test } from 'node:test';
import { formatHtml } from '../../../src/report/html.js';
import { INJECTED, makeReportInput } from '../../helpers/report-input.js';

const html = formatHtml(makeReportInput());
const artifacts = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));
const chromium = '/usr/bin/chromium';

const all = (re: RegExp, s = html) => [...s.matchAll(re)].map((m) => m[1]!);

test('self-contained: no external reference of any kind', () => {
  assert.deepEqual(all(/\bsrc\s*=\s*"([^"]*)"/gi), []);
  const hrefs = all(/\bhref\s*=\s*"([^"]*)"/gi);
  assert.ok(hrefs.length > 0);
  assert.ok(
    hrefs.every((h) => h.startsWith('#')),
    hrefs.join(' '),
  );
  assert.ok(!/<link\b|@import|url\(/i.test(html));
  // The CI job's address is shown as text, never as a link.
  assert.ok(html.includes('<code>https://ci.example/demo/actions/runs/812</code>'));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
});

test('the CSP admits exactly the inline style and script (by hash), and the script parses', () => {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const hash = (s: string) => createHash('sha256').update(s).digest('base64');
  assert.ok(html.includes(`style-src &#39;sha256-${hash(style)}&#39;`));
  assert.ok(html.includes(`script-src &#39;sha256-${hash(script)}&#39;`));
  assert.doesNotThrow(() => new Script(script));
});

test('everything from the run is escaped: an injected <script> stays text', () => {
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(!html.includes(INJECTED));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  const hostile = formatHtml(
    makeReportInput({ run: { ...makeReportInput().run, hostname: `"><img src=x onerror=alert(1)>` } }),
  );
  assert.ok(!hostile.includes('<img'));
  assert.ok(hostile.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
});

test('header: verdict and build info', () => {
  assert.match(html, /<p class="verdict failed" role="status">gate failed: 2 findings at --fail-on new:medium<\/p>/);
  for (const s of ['feature/names', '4f2a9c1e0b7d3a5f', '<dt>component</dt><dd>demo</dd>', 'ci-runner-7', 'ptrace']) {
    assert.ok(html.includes(s), s);
  }
  const passed = formatHtml(makeReportInput({ gate: { policy: 'critical', failed: false, failing: 0 } }));
  assert.match(passed, /class="verdict passed"/);
});

test('every finding, with its evidence and stack, filterable by severity', () => {
  const input = makeReportInput();
  const articles = html.match(/<article class="finding" data-severity="(\w+)" data-novelty="(\w+)">/g) ?? [];
  assert.equal(articles.length, input.findings.length);
  for (const { finding } of input.findings) {
    assert.ok(html.includes(finding.fingerprint), finding.ruleId);
    assert.ok(html.includes(finding.title.replace(/&/g, '&amp;')), finding.title);
  }
  assert.match(
    html,
    /<tr class="app"><td class="num">1<\/td><td class="mono">copy_name<\/td><td class="mono">src\/parse\.c:42<\/td>/,
  );
  assert.match(html, /<td class="mono">strcpy<\/td><td class="mono">libc\.so\.6\+0x9f3a0<\/td>/);
  assert.match(
    html,
    /<button type="button" aria-pressed="true" data-filter="severity:critical">critical \(1\)<\/button>/,
  );
  assert.match(html, /suppressed by rule: CI fetches test data over HTTPS \(until 2027-01-31\)/);
  assert.match(html, /<span class="tag fails">fails gate<\/span>/);
});

test('the baseline comparison lists new, unchanged and fixed findings', () => {
  assert.match(html, /<h2 id="baseline">Comparison with the baseline<\/h2>/);
  assert.match(html, /<h3>new \(3\)<\/h3>/);
  assert.match(html, /<h3>unchanged \(2\)<\/h3>/);
  assert.match(html, /<h3>fixed \(1\)<\/h3><ul><li><span class="sev medium">medium<\/span> Non-constant format string/);
  const none = formatHtml(makeReportInput({ baseline: undefined }));
  assert.ok(!none.includes('id="baseline"'));
});

test('the process tree, files and network from the summary', () => {
  for (const pid of [4100, 4101, 4102, 4103]) assert.ok(html.includes(`<code>${pid}</code>`), String(pid));
  // Processes with children fold; leaves do not.
  assert.equal(html.match(/<li><details open><summary>/g)?.length, 2);
  assert.match(
    html,
    /<code>4103<\/code> <code>\/usr\/bin\/cat \/etc\/shadow<\/code>.*<span class="exit-bad">exit 1<\/span>/,
  );
  assert.ok(html.includes('/home/ci/work/demo/out/a&amp;b.txt'));
  assert.ok(html.includes('<td class="mono">/etc/shadow</td><td>read 1</td>'));
  assert.ok(html.includes('93.184.216.34:443'));
  assert.ok(html.includes('1 failed ECONNREFUSED'));
});

test('renders in headless Chromium without console errors', async (t) => {
  mkdirSync(artifacts, { recursive: true });
  const file = `${artifacts}report.html`;
  writeFileSync(file, html);
  if (!existsSync(chromium)) {
    t.skip(`${chromium} is not installed; wrote ${file} for a manual look`);
    return;
  }
  const { stdout, stderr } = await promisify(execFile)(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-logging=stderr',
      '--v=0',
      '--dump-dom',
      pathToFileURL(file).href,
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  // The script marks the document when it has run to the end: CSP let it run and it did not throw.
  assert.match(stdout, /<html lang="en" data-ready="1">/);
  const problems = stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Refused to/.test(l));
  assert.deepEqual(problems, []);
});
