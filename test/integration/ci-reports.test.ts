/**
 * CI integration through the real CLI: two builds of a C program compared by fingerprint, the
 * gate and its exit codes, baselines from the store and from report files, every report format
 * checked for what CI systems need, suppressions, build metadata from CI variables, bad input.
 *
 * Build 1 and build 2 are separate checkouts (different absolute paths, as CI runners give), so
 * "unchanged" also proves the fingerprint holds no checkout path.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import type { JsonFinding, JsonReport } from '../../src/findings/json-report.js';
import { readJson, repoRoot, runHarrier, tempDir, type Result } from '../helpers/harrier.js';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'gcc is not installed: the fixture programs cannot be built';

// The official OASIS schema (draft-04), kept unmodified in the shared peer data beside the repo.
const schemaPath = join(repoRoot, '../shared/peer-data/sarif/sarif-schema-2.1.0.json');
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** CI variables of whatever runs this suite must not leak into the runs under test. */
const CLEAN_ENV: NodeJS.ProcessEnv = {
  GITHUB_ACTIONS: '',
  GITHUB_STEP_SUMMARY: '',
  GITLAB_CI: '',
  BUILDKITE: '',
  CIRCLECI: '',
  JENKINS_URL: '',
  JENKINS_HOME: '',
};

const BUILD_1 = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_name(char *dst, const char *src) {
  strcpy(dst, src);
}

int main(int argc, char **argv) {
  char buf[64];
  copy_name(buf, "harrier");
  puts(buf);
  return argc > 1 ? atoi(argv[1]) : 0;
}
`;

// The same copy moved down by a comment and a new function that calls rand().
const BUILD_2 = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Build 2 picks a slot for the name;
   the copy below has moved down
   but is the same code. */

static int pick_slot(void) {
  return rand() % 8;
}

static void copy_name(char *dst, const char *src) {
  strcpy(dst, src);
}

int main(int argc, char **argv) {
  char buf[64];
  copy_name(buf, "harrier");
  printf("%s %d\\n", buf, pick_slot());
  return argc > 1 ? atoi(argv[1]) : 0;
}
`;

const COPY = 'libc.unbounded-copy';
const RAND = 'libc.weak-random';

/** 1-based line of the first line of SOURCE containing NEEDLE. */
function lineOf(source: string, needle: string): number {
  const i = source.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no ${needle} in the source`);
  return i + 1;
}

/** A git checkout holding demo.c (SOURCE) built as ./demo. */
function checkout(source: string): string {
  const dir = tempDir('harrier-ci-');
  execFileSync('git', ['init', '-q', dir]);
  writeFileSync(join(dir, 'demo.c'), source);
  execFileSync('gcc', ['-g', '-O0', '-fno-builtin', '-o', join(dir, 'demo'), join(dir, 'demo.c')]);
  return dir;
}

function harrier(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return runHarrier(args, { cwd, env: { ...CLEAN_ENV, ...env } });
}

function finding(report: JsonReport, ruleId: string): JsonFinding {
  const f = report.findings.find((x) => x.ruleId === ruleId);
  assert.ok(f, `no ${ruleId} finding in ${JSON.stringify(report.findings.map((x) => x.ruleId))}`);
  return f;
}

function sarifResult(log: Sarif.Log, ruleId: string): Sarif.Result {
  const r = log.runs[0]?.results?.find((x) => x.ruleId === ruleId);
  assert.ok(r, `no SARIF result for ${ruleId}`);
  return r;
}

/** Build 1's comparison with build 2 as every baseline form must give it. */
function assertBuild2Judged(report: JsonReport, build1: JsonReport, policy: string): void {
  const copy = finding(report, COPY);
  assert.equal(copy.novelty, 'unchanged');
  assert.equal(copy.fingerprint, finding(build1, COPY).fingerprint);
  assert.equal(copy.failsGate, false);
  const rand = finding(report, RAND);
  assert.equal(rand.novelty, 'new');
  assert.equal(rand.failsGate, true);
  assert.deepEqual(report.gate, { failed: true, failing: 1, policy });
}

describe('CI integration: builds, baselines, gate, reports', { skip }, () => {
  let b1: string;
  let b2: string;
  let store: string;
  let build1: JsonReport;
  let build1RunId: string;

  before(async () => {
    b1 = checkout(BUILD_1);
    b2 = checkout(BUILD_2);
    store = join(tempDir(), 'runs.duckdb');
    const r = await harrier(b1, [
      'run',
      '-q',
      '--store',
      store,
      '--component',
      'demo',
      '--branch',
      'main',
      '--build-id',
      'ci-101',
      '--report',
      'json:b1.json',
      '--report',
      'sarif:b1.sarif',
      '--',
      './demo',
    ]);
    assert.equal(r.code, 0, r.stderr);
    build1 = readJson<JsonReport>(join(b1, 'b1.json'));
    assert.ok(build1.run.id);
    build1RunId = build1.run.id;
    // The premise: build 1 has the copy (at its own line) and no rand.
    const copy = finding(build1, COPY);
    assert.equal(copy.evidence.stack?.find((f) => f.inApp)?.line, lineOf(BUILD_1, 'strcpy('));
    assert.equal(
      build1.findings.find((f) => f.ruleId === RAND),
      undefined,
    );
  });

  describe('build 2 against `--baseline last` in the store', () => {
    let r: Result;
    let report: JsonReport;
    const summary = () => join(b2, 'step-summary.md');

    before(async () => {
      writeFileSync(summary(), 'earlier step\n');
      r = await harrier(
        b2,
        [
          'run',
          '-q',
          '--store',
          store,
          '--component',
          'demo',
          '--branch',
          'main',
          '--baseline',
          'last',
          '--fail-on',
          'new:low',
          ...['json:b2.json', 'sarif:b2.sarif', 'junit:b2.xml', 'html:b2.html'].flatMap((s) => ['--report', s]),
          '--',
          './demo',
        ],
        { GITHUB_STEP_SUMMARY: summary() },
      );
      report = readJson<JsonReport>(join(b2, 'b2.json'));
    });

    test('the gate fails (exit 1) on the new rand only; the moved strcpy is unchanged', () => {
      assert.equal(r.code, 1, r.stderr);
      assertBuild2Judged(report, build1, 'new:low');
      assert.equal(report.baseline?.runId, build1RunId);
      // The premise of "moved": the copy's line differs between the builds.
      const line = finding(report, COPY).evidence.stack?.find((f) => f.inApp)?.line;
      assert.equal(line, lineOf(BUILD_2, 'strcpy('));
      assert.notEqual(line, lineOf(BUILD_1, 'strcpy('));
    });

    test('SARIF: repository-relative location, codeFlows, partialFingerprints, baselineState', () => {
      const log = readJson<Sarif.Log>(join(b2, 'b2.sarif'));
      assert.equal(log.version, '2.1.0');
      const copy = sarifResult(log, COPY);
      const where = copy.locations?.[0]?.physicalLocation;
      assert.equal(where?.artifactLocation?.uri, 'demo.c');
      assert.ok(where?.artifactLocation?.uriBaseId, 'a repository-relative uri names its base');
      assert.equal(where?.region?.startLine, lineOf(BUILD_2, 'strcpy('));
      const flow = copy.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
      assert.deepEqual(
        flow.map((l) => l.location?.logicalLocations?.[0]?.name),
        ['copy_name', 'main'],
      );
      assert.ok(Object.values(copy.partialFingerprints ?? {}).includes(finding(report, COPY).fingerprint));
      assert.equal(copy.baselineState, 'unchanged');
      assert.equal(sarifResult(log, RAND).baselineState, 'new');
    });

    test('SARIF is valid against the official 2.1.0 schema', { skip: !existsSync(schemaPath) }, () => {
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
      for (const file of [join(b2, 'b2.sarif'), join(b1, 'b1.sarif')]) {
        assert.ok(validate(readJson(file)), `${file}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
      }
    });

    test("JUnit parses; its failures are the gate's failing findings", () => {
      const parser = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (n) => n === 'testcase',
      });
      const doc = parser.parse(readFileSync(join(b2, 'b2.xml'), 'utf8')) as {
        testsuites: {
          failures: string;
          testsuite: { failures: string; testcase: Array<{ name: string; failure?: unknown }> };
        };
      };
      const failed = doc.testsuites.testsuite.testcase.filter((c) => c.failure !== undefined).map((c) => c.name);
      assert.deepEqual(failed, [RAND]);
      assert.equal(failed.length, report.gate?.failing);
      assert.equal(Number(doc.testsuites.failures), report.gate?.failing);
      assert.equal(Number(doc.testsuites.testsuite.failures), report.gate?.failing);
    });

    test('Markdown is appended to $GITHUB_STEP_SUMMARY', () => {
      const md = readFileSync(summary(), 'utf8');
      assert.ok(md.startsWith('earlier step\n'), 'appended, not overwritten');
      assert.match(md, /gate failed/);
      assert.match(md, /Predictable random numbers[^\n]*new[^\n]*fails gate/);
      assert.match(md, /Unbounded string copy[^\n]*unchanged/);
    });

    test('HTML is self-contained: no http(s) src or href', () => {
      const html = readFileSync(join(b2, 'b2.html'), 'utf8');
      assert.match(html, /^<!doctype html>/i);
      assert.match(html, /Unbounded string copy/);
      assert.match(html, /Predictable random numbers/);
      assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      assert.doesNotMatch(html, /@import\s+url\(\s*["']?https?:/i);
    });

    test('`harrier report` and `harrier diff` agree with the run', async () => {
      const again = await harrier(b2, [
        'report',
        String(report.run.id),
        '--store',
        store,
        '--baseline',
        build1RunId,
        '--fail-on',
        'new:low',
        '--report',
        'json',
      ]);
      assert.equal(again.code, 1, again.stderr);
      assertBuild2Judged(JSON.parse(again.stdout) as JsonReport, build1, 'new:low');

      const diff = await harrier(b2, [
        'diff',
        build1RunId,
        String(report.run.id),
        '--store',
        store,
        '--json',
        '--exit-code',
      ]);
      assert.equal(diff.code, 1, diff.stderr);
      const d = JSON.parse(diff.stdout) as Record<'new' | 'fixed' | 'unchanged', JsonFinding[]>;
      assert.deepEqual(
        d.new.map((f) => f.ruleId),
        [RAND],
      );
      assert.deepEqual(
        d.unchanged.map((f) => f.ruleId),
        [COPY],
      );
      assert.deepEqual(d.fixed, []);
    });

    test('--fail-on new:critical passes (exit 0), with build 1 named by its build id', async () => {
      const pass = await harrier(b2, [
        'run',
        '-q',
        '--store',
        store,
        '--component',
        'demo',
        '--branch',
        'main',
        '--baseline',
        'ci-101',
        '--fail-on',
        'new:critical',
        '--report',
        'json:pass.json',
        '--',
        './demo',
      ]);
      assert.equal(pass.code, 0, pass.stderr);
      const passed = readJson<JsonReport>(join(b2, 'pass.json'));
      assert.deepEqual(passed.gate, { failed: false, failing: 0, policy: 'new:critical' });
      assert.equal(passed.baseline?.runId, build1RunId);
      assert.equal(finding(passed, RAND).novelty, 'new');
    });
  });

  describe('baselines as files (--no-store)', () => {
    test('a JSON report used as baseline and report path at once: read before it is overwritten', async () => {
      copyFileSync(join(b1, 'b1.json'), join(b2, 'same.json'));
      const r = await harrier(b2, [
        'run',
        '-q',
        '--no-store',
        '--baseline',
        'same.json',
        '--fail-on',
        'new:low',
        '--report',
        'json:same.json',
        '--',
        './demo',
      ]);
      assert.equal(r.code, 1, r.stderr);
      const report = readJson<JsonReport>(join(b2, 'same.json'));
      assert.equal(report.run.id, null, '--no-store: a new report, not the baseline left in place');
      assert.equal(report.baseline?.ref, 'same.json');
      assert.equal(report.baseline?.runId, build1RunId);
      assertBuild2Judged(report, build1, 'new:low');
    });

    test("a SARIF baseline; the command's own exit 3 wins over the failed gate", async () => {
      const r = await harrier(b2, [
        'run',
        '-q',
        '--no-store',
        '--baseline',
        join(b1, 'b1.sarif'),
        '--fail-on',
        'new:low',
        '--report',
        'json:from-sarif.json',
        '--',
        './demo',
        '3',
      ]);
      assert.equal(r.code, 3, r.stderr);
      const report = readJson<JsonReport>(join(b2, 'from-sarif.json'));
      assertBuild2Judged(report, build1, 'new:low');
      assert.equal(report.run.exit?.code, 3);
    });
  });

  describe('suppressions: .harrier/ignore.yaml in the repository', () => {
    let repo: string;
    let randFingerprint: string;
    const ignore = (text: string) => writeFileSync(join(repo, '.harrier/ignore.yaml'), text);
    const run = () =>
      harrier(repo, [
        'run',
        '--no-store',
        '--baseline',
        join(b1, 'b1.json'),
        '--fail-on',
        'new:low',
        '--report',
        'json:s.json',
        '--report',
        'text:s.txt',
        '--',
        './demo',
      ]);

    before(() => {
      repo = checkout(BUILD_2);
      mkdirSync(join(repo, '.harrier'));
      // The fingerprint as a previous report shows it (build 2's, from another checkout).
      const previous = readJson<JsonReport>(join(b2, 'b2.json'));
      randFingerprint = finding(previous, RAND).fingerprint;
    });

    test('a fingerprint entry suppresses the finding: counted, shown, and no longer failing the gate', async () => {
      ignore(`- fingerprint: ${randFingerprint}\n  reason: fixture seeds rand on purpose\n  expires: 2999-12-31\n`);
      const r = await run();
      assert.equal(r.code, 0, r.stderr);
      const report = readJson<JsonReport>(join(repo, 's.json'));
      const rand = finding(report, RAND);
      assert.equal(rand.suppression?.reason, 'fixture seeds rand on purpose');
      assert.equal(rand.failsGate, false);
      assert.equal(report.findings.filter((f) => f.suppression !== undefined).length, 1);
      assert.equal(report.suppressed, 1);
      assert.deepEqual(report.gate, { failed: false, failing: 0, policy: 'new:low' });
      assert.match(readFileSync(join(repo, 's.txt'), 'utf8'), /\b1 suppressed\b/);
    });

    test('an expired entry warns and the finding counts again', async () => {
      ignore(`- fingerprint: ${randFingerprint.slice(0, 16)}\n  reason: was accepted\n  expires: 2020-01-31\n`);
      const r = await run();
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /warning:.*expire/i);
      assert.match(r.stderr, /2020-01-31/);
      const report = readJson<JsonReport>(join(repo, 's.json'));
      assert.equal(finding(report, RAND).suppression, undefined);
      assert.equal(finding(report, RAND).failsGate, true);
    });

    test('a malformed ignore file: exit 2 with file:line:col, before the command runs', async () => {
      ignore(`- fingerprint: ${randFingerprint}\n  reason: ok\n- rule: ${RAND}\n  reasn: typo\n`);
      const r = await harrier(repo, ['run', '--no-store', '--no-libc', '--', 'touch', 'ran']);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`${join(repo, '.harrier/ignore.yaml')}:4:3:`), r.stderr);
      assert.match(r.stderr, /reasn/);
      assert.equal(existsSync(join(repo, 'ran')), false);
    });
  });

  test('build metadata detected from GitHub Actions variables is stored with the run', async () => {
    const dir = tempDir('harrier-ci-');
    execFileSync('git', ['init', '-q', dir]);
    const ghStore = join(dir, 'gh.duckdb');
    const gh = {
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '987654321',
      GITHUB_REF_NAME: 'feature/ci',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_SERVER_URL: 'https://github.com',
    };
    const r = await harrier(dir, ['run', '-q', '--no-libc', '--store', ghStore, '--', 'true'], gh);
    assert.equal(r.code, 0, r.stderr);
    const stored = await harrier(dir, ['report', 'last', '--store', ghStore, '--report', 'json']);
    assert.equal(stored.code, 0, stored.stderr);
    assert.deepEqual((JSON.parse(stored.stdout) as JsonReport).build, {
      ci: 'github',
      buildId: '987654321',
      branch: 'feature/ci',
      commit: '0123456789abcdef0123456789abcdef01234567',
      component: 'acme/widget',
      url: 'https://github.com/acme/widget/actions/runs/987654321',
    });
    // The build id GitHub shows is a baseline reference.
    const byBuild = await harrier(dir, ['report', 'last', '--store', ghStore, '--baseline', '987654321']);
    assert.equal(byBuild.code, 0, byBuild.stderr);
  });

  describe('bad input: exit 2 before the command runs', () => {
    let dir: string;
    before(() => {
      dir = tempDir('harrier-ci-');
      execFileSync('git', ['init', '-q', dir]);
      writeFileSync(join(dir, 'garbage.json'), '{"hello": "world"}\n');
    });

    const cases: Array<{ name: string; args: string[]; stderr: RegExp }> = [
      {
        name: '--report pdf lists the formats',
        args: ['--no-store', '--report', 'pdf:r.pdf'],
        stderr: /pdf[\s\S]*text, json, sarif, junit, markdown, html/,
      },
      {
        name: '--baseline naming nothing in the store',
        args: ['--store', 'runs.duckdb', '--baseline', 'nosuch'],
        stderr: /nosuch[\s\S]*hint:/,
      },
      {
        name: '--baseline naming a stored run with --no-store',
        args: ['--no-store', '--baseline', 'nosuch'],
        stderr: /no store[\s\S]*hint:/,
      },
      {
        name: '--fail-on bogus lists the policies',
        args: ['--no-store', '--fail-on', 'bogus'],
        stderr: /bogus[\s\S]*critical, high, medium, low, info[\s\S]*new:/,
      },
      {
        name: 'a baseline file that is no report, with a hint',
        args: ['--no-store', '--baseline', 'garbage.json'],
        stderr: /garbage\.json: not a Harrier report or SARIF file[\s\S]*hint:.*--report json:PATH/,
      },
      {
        name: 'a report path that cannot be written',
        args: ['--no-store', '--report', 'json:no/such/dir/r.json'],
        stderr: /no\/such\/dir/,
      },
    ];
    for (const c of cases) {
      test(c.name, async () => {
        const r = await harrier(dir, ['run', '--no-libc', ...c.args, '--', 'touch', 'ran']);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, c.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
        assert.equal(existsSync(join(dir, 'ran')), false, 'the command must not have run');
      });
    }
  });
});
