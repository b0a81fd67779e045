/**
 * The dashboard in a real browser: a store filled by real `harrier run`s, a real `harrier serve`,
 * and Debian's Chromium driven by playwright-core through the runs list, a run's process tree
 * and findings, and the comparison of two builds, whose counts must match the API's. A
 * screenshot of each main view goes to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(repoRoot, 'test-artifacts');
const dir = tempDir('harrier-dashboard-');
const store = join(dir, 'runs.duckdb');

interface RunJson {
  id: string;
  build?: { buildId?: string };
}
interface ProcessJson {
  pid: number;
  exePath: string;
  children: ProcessJson[];
}
interface FindingJson {
  id: string;
  severity: string;
  title: string;
}
interface CompareJson {
  findings: { new: FindingJson[]; fixed: FindingJson[]; unchanged: FindingJson[] };
  processes: { appeared: string[]; vanished: string[] };
}

let server: ServerProcess | undefined;
let browser: Browser | undefined;
let base: RunJson;
let head: RunJson;

async function api<T>(path: string): Promise<T> {
  const res = await getJson<T>(`${server?.url}${path}`);
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Posts JSON to the ingest API, as a remote `harrier run` or monitor would. */
async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await getJson<Record<string, unknown>>(`${server?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

/** The page must not scroll sideways: the layout fits the viewport (tables scroll inside their box). */
async function assertNoHorizontalScroll(page: Page): Promise<void> {
  // The callbacks run in the page; strings, because this project's Node types have no DOM.
  const { scroll, width } = await page.evaluate<{ scroll: number; width: number }>(
    '({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })',
  );
  assert.ok(scroll <= width, `the page is ${scroll}px wide in a ${width}px window`);
}

const haveChromium = existsSync(CHROMIUM);

before(async () => {
  if (!haveChromium) return;
  if (!existsSync(join(repoRoot, 'ui/dist/index.html'))) {
    const built = spawnSync('npm', ['run', '-s', 'build:ui'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(built.status, 0, `npm run build:ui failed: ${built.stderr}`);
  }
  mkdirSync(artifacts, { recursive: true });
  // Two builds of one component: the second also reads the shadow file (a rule finding) and runs ls.
  const builds: [string, string][] = [
    ['1', 'cat /etc/hostname > /dev/null'],
    ['2', 'cat /etc/hostname /etc/shadow > /dev/null 2>&1; ls / > /dev/null'],
  ];
  for (const [build, script] of builds) {
    const r = await runHarrier([
      'run',
      '--store',
      store,
      '--no-libc',
      '-q',
      '--component',
      'demo',
      '--branch',
      'main',
      '--build-id',
      build,
      '--',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  server = await startServer(['--store', store]);
  const { runs } = await api<{ runs: RunJson[] }>('/api/v1/runs');
  assert.equal(runs.length, 2);
  [head, base] = runs as [RunJson, RunJson]; // newest first
  assert.equal(head.build?.buildId, '2');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root Chromium needs --no-sandbox; the rest keep it off a network this machine does not have.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the dashboard: runs list, a run’s process tree and findings, and the comparison of two builds', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)`);
    return;
  }
  assert.ok(browser !== undefined && server !== undefined);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000); // fail in seconds, not playwright's 30
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });

  // Runs list: both runs with their build metadata; the head run's finding counted by severity.
  await page.goto(`${server.url}/`);
  await page.locator('tr[data-run] [data-findings]').nth(1).waitFor();
  assert.deepEqual(
    await page.locator('tr[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run'))),
    [head.id, base.id],
  );
  const headFindings = await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings`);
  assert.ok(headFindings.findings.length > 0, 'reading /etc/shadow gives a finding');
  const headRow = page.locator(`tr[data-run="${head.id}"]`);
  assert.equal(
    await headRow.locator('[data-findings]').getAttribute('data-findings'),
    String(headFindings.findings.length),
  );
  assert.match((await headRow.textContent()) ?? '', /demo.*2.*main/);
  // Against the previous build of the same component and branch: the API's count of new findings.
  const novelty = await api<CompareJson>(`/api/v1/compare?base=${base.id}&head=${head.id}`);
  const badge = headRow.locator('.novelty');
  await badge.waitFor();
  assert.equal(await badge.getAttribute('data-new'), String(novelty.findings.new.length));
  assert.equal(await page.locator(`tr[data-run="${base.id}"] .novelty`).count(), 0, 'build 1 has no earlier build');
  await screenshot(page, 'dashboard-runs.png');

  // Run view: the process tree's root is the shell; expanding it shows its exe, user and children.
  await headRow.locator('a.run-link').click();
  const tree = await api<{ tree: ProcessJson[] }>(`/api/v1/runs/${head.id}/processes?tree=1`);
  const root = tree.tree[0];
  assert.ok(root !== undefined);
  const rootToggle = page.locator(`.proc-toggle[data-pid="${root.pid}"]`);
  await rootToggle.click();
  assert.equal(await rootToggle.getAttribute('aria-expanded'), 'true');
  const rootDetail = page.locator('.proc-tree > li > .proc-detail').first();
  assert.ok(await rootDetail.isVisible());
  assert.match((await rootDetail.textContent()) ?? '', new RegExp(`exe${root.exePath}.*user\\w+ \\(uid`));
  const child = root.children.find((c) => c.exePath.endsWith('/cat'));
  assert.ok(child !== undefined, 'cat ran under the shell');
  // A child by keyboard: focus its button and press Enter.
  const childToggle = page.locator(`.proc-toggle[data-pid="${child.pid}"]`);
  await childToggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await childToggle.getAttribute('aria-expanded'), 'true');
  // Its files come from the events API on expansion: cat opened the shadow file.
  const childFiles = childToggle.locator('xpath=following-sibling::dl').locator('.touched.files');
  await childFiles.waitFor();
  assert.match((await childFiles.textContent()) ?? '', /\/etc\/shadow.*openat/);

  // Findings: the shadow read's evidence opens; the severity filter hides what it should.
  const shadow = headFindings.findings.find((f) => /password|shadow/i.test(f.title));
  assert.ok(shadow !== undefined, `a finding about the shadow file among ${JSON.stringify(headFindings.findings)}`);
  const findingToggle = page.locator(`.finding-toggle[data-finding="${shadow.id}"]`);
  await findingToggle.click();
  const evidence = findingToggle.locator('xpath=following-sibling::div[contains(@class,"evidence")]');
  assert.ok(await evidence.isVisible());
  assert.match((await evidence.textContent()) ?? '', /\/etc\/shadow/);
  await page.locator('.chart canvas').first().waitFor();
  await screenshot(page, 'dashboard-run.png');

  await page.locator(`.filter[data-severity="${shadow.severity}"]`).click();
  const others = headFindings.findings.filter((f) => f.severity !== shadow.severity).length;
  await page.waitForFunction(`document.querySelector('.finding-toggle[data-finding="${shadow.id}"]') === null`);
  assert.equal(await page.locator('.finding-toggle').count(), others);
  await page.locator(`.filter[data-severity="${shadow.severity}"]`).click();
  await page.locator(`.finding-toggle[data-finding="${shadow.id}"]`).waitFor();

  // Status: only what is new since the previous build, as the API judges it, each marked new.
  const judged = await api<{ baseline: string; findings: FindingJson[] }>(
    `/api/v1/runs/${head.id}/findings?status=new`,
  );
  assert.equal(judged.baseline, base.id);
  await page.locator('[data-status-filter]').selectOption('new');
  await page.locator(`.findings-list a[href="#/runs/${base.id}"]`).waitFor();
  assert.equal(await page.locator('.finding-toggle').count(), judged.findings.length);
  assert.equal(await page.locator('.finding-toggle .status-new').count(), judged.findings.length);
  await page.locator('[data-status-filter]').selectOption('all');
  await page.waitForFunction(`document.querySelectorAll('.finding-toggle').length === ${headFindings.findings.length}`);

  await page.setViewportSize({ width: 800, height: 800 });
  await assertNoHorizontalScroll(page);
  await screenshot(page, 'dashboard-run-800.png');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Compare: pick the two builds in the form; the counts must be the API's.
  await page.getByRole('link', { name: 'Compare', exact: true }).click();
  await page.locator('select#base').selectOption(base.id);
  await page.locator('select#head').selectOption(head.id);
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.waitForFunction(`location.hash.includes('head=${head.id}')`);
  await page.locator('.compare-result').waitFor();
  const cmp = await api<CompareJson>(`/api/v1/compare?base=${base.id}&head=${head.id}`);
  assert.ok(cmp.findings.new.length > 0, 'the shadow read is new in build 2');
  for (const key of ['new', 'fixed', 'unchanged'] as const) {
    assert.equal(
      await page.locator(`.cmp-${key}`).getAttribute('data-count'),
      String(cmp.findings[key].length),
      `${key} findings`,
    );
  }
  const appeared = await page.locator('.proc-appeared li').allTextContents();
  assert.deepEqual(appeared, cmp.processes.appeared);
  assert.ok(
    appeared.some((p) => p.endsWith('/ls')),
    'ls ran only in build 2',
  );
  await screenshot(page, 'dashboard-compare.png');
  await page.setViewportSize({ width: 800, height: 800 });
  await assertNoHorizontalScroll(page);

  assert.deepEqual(pageErrors, [], 'no errors in the page');
  await page.close();
});

test('a path outside the API gets the dashboard (SPA fallback); an unknown API path keeps its JSON 404', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  const page = await fetch(`${server?.url}/runs/anything`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app"|<main id="app"/);
  const missing = await getJson<{ error: { code: string } }>(`${server?.url}/api/v1/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
});

test('a run being ingested: the run view follows it live, showing new findings and its completion', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  assert.ok(browser !== undefined && server !== undefined);
  const now = () => String(BigInt(Date.now()) * 1_000_000n);
  const created = await post('/api/v1/ingest/runs', {
    command: ['make', 'test'],
    cwd: '/src',
    sensor: 'ebpf',
    hostname: 'ci-live',
    startedAt: now(),
    harrierVersion: '0.1.0',
  });
  const runId = String(created.id);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000); // fail in seconds, not playwright's 30
  await page.goto(`${server.url}/#/runs/${runId}`);
  await page.locator('.live[data-connected]').waitFor();

  await post(`/api/v1/ingest/runs/${runId}/findings`, [
    {
      id: 'f-live',
      ruleId: 'Live Test Rule',
      kind: 'rule',
      severity: 'high',
      title: 'Arrived while the page was open',
      message: 'sent by the test after the page loaded',
      fingerprint: 'live-test',
      count: 1,
      firstTs: now(),
      lastTs: now(),
    },
  ]);
  await page.locator('.finding-toggle[data-finding="f-live"]').waitFor();
  await screenshot(page, 'dashboard-live.png');

  await post(`/api/v1/ingest/runs/${runId}/finish`, {
    endedAt: now(),
    partial: false,
    exit: { kind: 'exited', code: 0 },
  });
  await page.locator('.live').waitFor({ state: 'detached' });
  await page.locator('.run-facts dd', { hasText: /^complete$/ }).waitFor();
  await page.close();
});

test('a server that needs a token: the sign-in form, a wrong token, then the runs list and a live run by cookie', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  assert.ok(browser !== undefined);
  const token = 'e2e-token-4c8a1f';
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`);
  // Beyond loopback (0.0.0.0) a token is required for everything; the browser reaches it over loopback.
  const guarded = await startServer([
    '--listen',
    '0.0.0.0:0',
    '--store',
    join(dir, 'guarded.duckdb'),
    '--create',
    '--token-file',
    tokenFile,
  ]);
  try {
    const url = guarded.url.replace('0.0.0.0', '127.0.0.1');
    const created = await getJson<{ id: string }>(`${url}/api/v1/ingest/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        command: ['make', 'guarded'],
        cwd: '/src',
        sensor: 'ebpf',
        hostname: 'ci-guarded',
        startedAt: String(BigInt(Date.now()) * 1_000_000n),
        harrierVersion: '0.1.0',
      }),
    });
    assert.equal(created.status, 201);
    const runId = created.body.id;

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${url}/`);
    const field = page.getByLabel('Access token');
    await field.waitFor();
    assert.equal(await field.getAttribute('type'), 'password');
    assert.ok(await page.locator('main#app').isHidden(), 'no page behind the form');
    assert.ok(await page.locator('#sign-out').isHidden());
    assert.equal(await page.evaluate<boolean>('document.activeElement?.id === "signin-token"'), true);

    // By keyboard: type and press Enter.
    await field.fill('not-the-token');
    await page.keyboard.press('Enter');
    const error = page.getByRole('alert');
    await error.filter({ hasText: /wrong token/i }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal((await context.cookies()).length, 0, 'no cookie for a wrong token');

    await field.fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
    assert.ok(await page.locator('#sign-out').isVisible());
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]?.name, 'harrier_session');
    assert.equal(cookies[0]?.httpOnly, true);
    assert.equal(cookies[0]?.sameSite, 'Strict');
    assert.notEqual(cookies[0]?.value, token);
    // The page's scripts cannot read it.
    assert.equal(await page.evaluate<string>('document.cookie'), '');

    // The live view's EventSource goes through on the cookie.
    await page.goto(`${url}/#/runs/${runId}`);
    await page.locator('.live[data-connected]').waitFor();

    // Sign out: back to the form, and the server no longer takes the cookie.
    await page.goto(`${url}/`);
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    const after = await page.evaluate<number>('fetch("/api/v1/runs").then((r) => r.status)');
    assert.equal(after, 401);

    // The screenshot: the form as a first visitor sees it, with a wrong token's error.
    await page.getByLabel('Access token').fill('wrong-again');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: /wrong token/i })
      .waitFor();
    await screenshot(page, 'dashboard-signin.png');
    await context.close();
  } finally {
    await guarded.stop();
  }
});

interface RuleJson {
  name: string;
  tags: string[];
  hits: number;
  runs: number;
  priority?: string;
  condition?: string;
  file?: string;
  line?: number;
}

test('the rules view: loaded rules with hit counts, filters, a tag click and an expanded rule', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  assert.ok(browser !== undefined && server !== undefined);
  const listing = await api<{ rules: RuleJson[]; counts: { loaded: number } }>('/api/v1/rules');
  // The server runs with Harrier's default rules; build 2's shadow read fired one of them.
  const hit = listing.rules.find((r) => r.hits > 0 && r.condition !== undefined);
  assert.ok(hit !== undefined, `a loaded rule with hits among ${listing.rules.length}`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Rules', exact: true }).click();
  await page.locator('tr[data-rule]').first().waitFor();
  assert.equal(await page.locator('tr[data-rule]').count(), listing.rules.length, 'every rule listed');
  // Sorted by hits, most first: the rule that fired leads.
  assert.equal(await page.locator('tr[data-rule]').first().getAttribute('data-rule'), hit.name);

  // Text filter: only the rule searched for.
  await page.locator('#rule-text').fill(hit.name.slice(0, 30));
  const row = page.locator(`tr[data-rule="${hit.name}"]`);
  await page.waitForFunction(`document.querySelectorAll('tr[data-rule]').length < ${listing.rules.length}`);
  assert.ok(await row.isVisible());
  assert.equal(await row.locator('[data-hits]').getAttribute('data-hits'), String(hit.hits));
  assert.equal(await row.locator('[data-runs]').getAttribute('data-runs'), String(hit.runs));
  assert.match((await row.locator('.last-hit').textContent()) ?? '', /ago|just now/);
  assert.equal(((await row.locator('.sev').textContent()) ?? '').trim(), hit.priority);

  // Expand by keyboard: description, condition and file:line appear.
  const toggle = row.locator('button.rule-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const detail = page.locator(`#${(await toggle.getAttribute('aria-controls')) ?? ''}`);
  assert.ok(await detail.isVisible());
  const detailText = (await detail.textContent()) ?? '';
  assert.ok(detailText.includes(hit.condition ?? '?'), 'the condition as written');
  assert.ok(detailText.includes(`${hit.file}:${hit.line}`), 'file:line');
  await screenshot(page, 'dashboard-rules.png');

  // A tag chip filters by that tag; the tag select follows.
  await page.locator('#rule-text').fill('');
  const tag = hit.tags[hit.tags.length - 1] ?? '';
  await row.locator(`.chip[data-tag="${tag}"]`).click();
  const tagged = listing.rules.filter((r) => r.tags.includes(tag));
  await page.waitForFunction(`document.querySelectorAll('tr[data-rule]').length === ${tagged.length}`);
  assert.deepEqual(
    (await page.locator('tr[data-rule]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')))).sort(),
    tagged.map((r) => r.name).sort(),
  );
  assert.equal(await page.locator('#rule-tag').inputValue(), tag);

  // With hits only: the rules the API counts hits for.
  await page.locator('#rule-tag').selectOption('');
  await page.locator('#rule-hit-only').check();
  const withHits = listing.rules.filter((r) => r.hits > 0).length;
  await page.waitForFunction(`document.querySelectorAll('tr[data-rule]').length === ${withHits}`);

  // Sorting by name, A→Z.
  await page.locator('#rule-hit-only').uncheck();
  await page.locator('button.sort[data-sort="name"]').click();
  const names = await page
    .locator('tr[data-rule]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule') ?? ''));
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b)),
  );
  assert.equal(names.length, listing.rules.length);

  await page.setViewportSize({ width: 800, height: 800 });
  await assertNoHorizontalScroll(page);
  await screenshot(page, 'dashboard-rules-800.png');
  assert.deepEqual(pageErrors, [], 'no errors in the page');
  await page.close();
});

/** What each rule's output says, as the rules' output formats would render it. */
const DESCRIPTIONS: Record<string, string> = {
  'Harrier Shell Spawned by Server': 'Shell spawned by a server process',
  'Harrier Password File Read by Untrusted Program': 'Password file opened for reading by an untrusted program',
  'Harrier Outbound Connection': 'Outbound connection from a server process',
};

test('the host monitor view: recent alerts, then live ones on top without reload, expandable and filterable', async (t) => {
  if (!haveChromium) {
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  assert.ok(browser !== undefined && server !== undefined);
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const created = await post('/api/v1/ingest/runs', {
    command: ['harrier', 'monitor'],
    cwd: '/',
    sensor: 'ebpf',
    hostname: 'web-7',
    startedAt: String(nowNs()),
    harrierVersion: '0.1.0',
  });
  const runId = String(created.id);
  const alert = (seq: number, priority: string, rule: string, fields: Record<string, unknown>, tags: string[]) => {
    const ts = nowNs();
    const clock = new Date(Number(ts / 1_000_000n)).toISOString().slice(11, 19);
    const message = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    return {
      seq,
      ts: String(ts),
      rule,
      priority,
      source: 'syscall',
      tags,
      hostname: 'web-7',
      output: `${clock}.000000000: ${priority} ${DESCRIPTIONS[rule] ?? rule} (${message})`,
      outputFields: { 'evt.time': Number(ts / 1000n), ...fields },
      repeats: 0,
    };
  };
  // Before the page opens: a Notice the list must load.
  await post(`/api/v1/ingest/runs/${runId}/alerts`, [
    alert(
      1,
      'Notice',
      'Harrier Shell Spawned by Server',
      { 'proc.name': 'bash', 'proc.pid': 3101, 'user.name': 'www-data', 'proc.pname': 'nginx' },
      ['container', 'mitre_execution', 'shell'],
    ),
  ]);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Monitor', exact: true }).click();
  await page.locator('.live[data-connected]').waitFor();
  await page.locator('#app [data-loaded]').waitFor();
  const noticeRow = page.locator(`tr[data-alert="${runId}:1"]`);
  await noticeRow.waitFor();
  assert.match(
    (await noticeRow.textContent()) ?? '',
    /web-7.*Harrier Shell Spawned by Server.*Notice.*bash \(3101\) · www-data/,
  );

  // Arrives while the page is open: shown on top, without a reload.
  const live = alert(
    2,
    'Critical',
    'Harrier Password File Read by Untrusted Program',
    {
      'fd.name': '/etc/shadow',
      'proc.name': 'cat',
      'proc.pid': 4242,
      'user.name': 'root',
      'proc.cmdline': 'cat /etc/shadow',
    },
    ['T1003.008', 'filesystem', 'mitre_credential_access'],
  );
  await post(`/api/v1/ingest/runs/${runId}/alerts`, [live]);
  const liveRow = page.locator(`tr[data-alert="${runId}:2"]`);
  await liveRow.waitFor();
  assert.equal(await page.locator('tr.alert-row').first().getAttribute('data-alert'), `${runId}:2`);
  assert.equal(await liveRow.locator('.sev').textContent(), 'Critical');
  assert.match((await liveRow.locator('.sev').getAttribute('class')) ?? '', /sev-critical/);
  assert.match(
    (await liveRow.textContent()) ?? '',
    /cat \(4242\) · root.*Password file opened for reading by an untrusted program \(fd\.name=\/etc\/shadow/,
  );

  // Expands by keyboard to every output field and tag.
  const toggle = liveRow.locator('.alert-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const detail = page.locator(`#alert-${runId}-2`);
  assert.ok(await detail.isVisible());
  const detailText = (await detail.textContent()) ?? '';
  for (const text of [
    'proc.cmdline',
    'cat /etc/shadow',
    'fd.name',
    'evt.time',
    'T1003.008',
    'mitre_credential_access',
  ]) {
    assert.ok(detailText.includes(text), `${text} in the expanded alert: ${detailText}`);
  }
  await screenshot(page, 'dashboard-monitor.png');

  // Priority filter: without Notice the shell alert goes; the critical one stays.
  await page.locator('input[data-priority="Notice"]').uncheck();
  await noticeRow.waitFor({ state: 'detached' });
  assert.ok(await liveRow.isVisible());
  // A live alert of a hidden priority is not added.
  await post(`/api/v1/ingest/runs/${runId}/alerts`, [
    alert(3, 'Notice', 'Harrier Shell Spawned by Server', { 'proc.name': 'sh', 'proc.pid': 3200 }, []),
    alert(4, 'Warning', 'Harrier Outbound Connection', { 'proc.name': 'curl', 'proc.pid': 3300 }, []),
  ]);
  await page.locator(`tr[data-alert="${runId}:4"]`).waitFor();
  assert.equal(await page.locator(`tr[data-alert="${runId}:3"]`).count(), 0);
  await page.locator('input[data-priority="Notice"]').check();
  await page.locator(`tr[data-alert="${runId}:3"]`).waitFor();

  // Text filter on rule and output, in the page.
  await page.locator('#alert-text').fill('shadow');
  await page.waitForFunction(`document.querySelector('tr[data-alert="${runId}:4"]').hidden`);
  assert.ok(await liveRow.isVisible());
  await page.locator('#alert-text').fill('');

  await page.setViewportSize({ width: 800, height: 800 });
  await assertNoHorizontalScroll(page);
  await screenshot(page, 'dashboard-monitor-800.png');

  // Leaving the view closes its stream: the server then has no listener to write to.
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.locator('tr[data-run]').first().waitFor();
  assert.deepEqual(pageErrors, [], 'no errors in the page');
  await page.close();
});
