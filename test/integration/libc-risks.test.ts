/**
 * Code-execution risks (issue 5) end to end: C fixtures built three ways run under the real
 * `harrier run` with the libc interposer, and the JSON report (and, for secrets, the DuckDB
 * store and every output) asserted against what the programs did. Call sites are located by the
 * `@risk NAME` marker comments in the fixture's source, never by hard-coded line numbers.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { StackFrame } from '../../src/findings/finding.js';
import type { JsonFinding, JsonReport } from '../../src/findings/json-report.js';
import { fixturesDir, readJson, repoRoot, runHarrier, tempDir, type Result } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'gcc is not installed: the C fixtures cannot be built';

const allRisksSource = join(fixturesDir, 'risks/all_risks.c');
const threadsSource = join(fixturesDir, 'risks/threads_counts.c');

/** How often the fixture's looped sites are called (its first two arguments). */
const COPIES = 3;
const RANDS = 5;
/** A secret-looking name (by name only: the value is nothing like a credential). */
const FORK_SECRET_NAME = 'FIXTURE_API_TOKEN';

interface Site {
  /** The fixture's function that makes the call (and the name in its `@risk` marker is `libc`). */
  fn: string;
  libc: string;
  ruleId: string;
  cwe: number[];
  /** What -D_FORTIFY_SOURCE=2 turns the call into, when it does. */
  fortified?: string;
  count: number;
  detail?: string;
}

const UNBOUNDED = { ruleId: 'libc.unbounded-copy', cwe: [120, 242, 676] };
const RANDOM = { ruleId: 'libc.weak-random', cwe: [338] };
const SHELL = { ruleId: 'libc.shell-exec', cwe: [78] };
const TEMP = { ruleId: 'libc.insecure-tempfile', cwe: [377] };

const SITES: Site[] = [
  { fn: 'copy_string', libc: 'strcpy', ...UNBOUNDED, fortified: '__strcpy_chk', count: COPIES },
  { fn: 'append_string', libc: 'strcat', ...UNBOUNDED, fortified: '__strcat_chk', count: 1 },
  { fn: 'format_number', libc: 'sprintf', ...UNBOUNDED, fortified: '__sprintf_chk', count: 1 },
  { fn: 'format_list', libc: 'vsprintf', ...UNBOUNDED, fortified: '__vsprintf_chk', count: 1 },
  // glibc declares gets (and so its fortified wrapper) only before C11: it stays gets.
  { fn: 'read_line', libc: 'gets', ruleId: 'libc.gets', cwe: [242, 120], count: 1 },
  {
    fn: 'print_with_data_format',
    libc: 'printf',
    ruleId: 'libc.format-string',
    cwe: [134],
    fortified: '__printf_chk',
    count: 1,
    detail: 'format %d\n',
  },
  { fn: 'roll_rand', libc: 'rand', ...RANDOM, count: RANDS },
  { fn: 'roll_random', libc: 'random', ...RANDOM, count: 1 },
  { fn: 'roll_drand48', libc: 'drand48', ...RANDOM, count: 1 },
  { fn: 'run_shell', libc: 'system', ...SHELL, count: 1, detail: 'echo from-system' },
  { fn: 'read_pipe', libc: 'popen', ...SHELL, count: 1, detail: 'echo from-popen' },
  { fn: 'make_temp_name', libc: 'mktemp', ...TEMP, count: 1 },
  { fn: 'make_tmpnam', libc: 'tmpnam', ...TEMP, count: 1 },
  {
    fn: 'push_terminal_input',
    libc: 'ioctl',
    ruleId: 'libc.dangerous-ioctl',
    cwe: [77, 668],
    count: 1,
    detail: '0x5412',
  },
  {
    fn: 'fork_worker',
    libc: 'fork',
    ruleId: 'libc.fork-with-secrets',
    cwe: [226],
    count: 1,
    detail: `env:${FORK_SECRET_NAME}`,
  },
];

interface Build {
  name: string;
  flags: string[];
  fortify: boolean;
  /** Whether frames beyond the call site can be recovered (frame pointers kept). */
  callers: boolean;
}

const BUILDS: Build[] = [
  { name: 'O0', flags: ['-O0', '-fno-builtin', '-g'], fortify: false, callers: true },
  { name: 'O2-fortify', flags: ['-O2', '-D_FORTIFY_SOURCE=2', '-g'], fortify: true, callers: false },
  { name: 'O2-no-frame-pointer', flags: ['-O2', '-fomit-frame-pointer', '-g'], fortify: false, callers: false },
];

// ---- the fixture's source: where each call is ----

function sourceLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

/** The 1-based line of the one `@risk NAME` marker in the source. */
function markerLine(lines: string[], name: string): number {
  const hits = lines.flatMap((l, i) => (l.includes(`/* @risk ${name} */`) ? [i + 1] : []));
  assert.equal(hits.length, 1, `exactly one @risk ${name} marker in the fixture`);
  return hits[0] as number;
}

/** The 1-based line where main calls FN (its first call after `int main(`). */
function callLineInMain(lines: string[], fn: string): number {
  const main = lines.findIndex((l) => l.startsWith('int main('));
  const i = lines.findIndex((l, n) => n > main && l.includes(`${fn}(`));
  assert.ok(main >= 0 && i > main, `main calls ${fn}`);
  return i + 1;
}

// ---- building and running ----

function compile(source: string, out: string, flags: string[]): string {
  // -Wno-deprecated-declarations: gets, mktemp and tmpnam are the point of the fixture.
  execFileSync('gcc', [...flags, '-Wall', '-Wno-deprecated-declarations', '-o', out, source], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return out;
}

async function harrierRun(
  args: string[],
  command: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ r: Result; report: JsonReport; reportPath: string }> {
  const reportPath = join(tempDir(), 'report.json');
  const r = await runHarrier(['run', ...args, '--report', `json:${reportPath}`, '--', ...command], {
    ...(env !== undefined && { env }),
  });
  assert.ok(existsSync(reportPath), `harrier wrote no report (exit ${r.code}): ${r.stderr}`);
  return { r, report: readJson<JsonReport>(reportPath), reportPath };
}

const fromExe = (report: JsonReport, exe: string): JsonFinding[] =>
  report.findings.filter((f) => f.evidence.process?.exePath === exe);

const libcFindings = (findings: JsonFinding[]): JsonFinding[] => findings.filter((f) => f.ruleId.startsWith('libc.'));

/** The innermost frame in the fixture's own source: the call site. */
function siteFrame(f: JsonFinding, source: string): StackFrame | undefined {
  return f.evidence.stack?.find((s) => s.file === source);
}

function describeFinding(f: JsonFinding): string {
  return `${f.ruleId} ×${f.count} ${String(f.evidence.details?.stackLine ?? f.message)}`;
}

/** Which sensors: eBPF when this machine can (root, probe built), else ptrace. */
const sensors = gcc ? sensorsUnderTest() : [];
const mainSensor = sensors.includes('ebpf') ? 'ebpf' : 'ptrace';

describe('code-execution risks through harrier run', { skip }, () => {
  let work: string;
  const binaries = new Map<string, string>();
  let threads: string;
  const lines = sourceLines(allRisksSource);

  before(() => {
    execFileSync('make', ['-s', '-C', join(repoRoot, 'native/preload')], { stdio: 'inherit' });
    work = tempDir('harrier-libc-risks-');
    for (const b of BUILDS) binaries.set(b.name, compile(allRisksSource, join(work, `all_risks_${b.name}`), b.flags));
    threads = compile(threadsSource, join(work, 'threads_counts'), ['-O0', '-fno-builtin', '-g', '-pthread']);
  });

  const binary = (build: string): string => {
    const path = binaries.get(build);
    assert.ok(path);
    return path;
  };

  /** Scenario 1: every site once, with its rule, CWE, function, line and count. */
  async function assertEverySite(build: Build, sensor: string): Promise<void> {
    const bin = binary(build.name);
    const { r, report } = await harrierRun(
      ['--sensor', sensor, '-q', '--no-store'],
      [bin, String(COPIES), String(RANDS)],
      { [FORK_SECRET_NAME]: 'fixture-value' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LD_PRELOAD set$/m);
    assert.match(r.stdout, /^done$/m);
    assert.equal(report.run.sensor, sensor);

    const found = libcFindings(fromExe(report, bin));
    const listing = found.map(describeFinding).join('\n');
    for (const site of SITES) {
      const at = found.filter((f) => siteFrame(f, allRisksSource)?.function === site.fn);
      assert.equal(at.length, 1, `${site.fn}: one finding for its call site, got:\n${listing}`);
      const f = at[0] as JsonFinding;
      const expectedFn = build.fortify && site.fortified !== undefined ? site.fortified : site.libc;
      const line = markerLine(lines, site.libc);
      assert.equal(f.ruleId, site.ruleId, site.fn);
      assert.deepEqual(f.cwe, site.cwe, site.fn);
      assert.equal(f.evidence.details?.fn, expectedFn, site.fn);
      assert.equal(f.count, site.count, `${site.fn}: count`);
      if (site.detail !== undefined) assert.equal(f.evidence.details?.detail, site.detail, site.fn);

      const stack = f.evidence.stack ?? [];
      const at0 = stack.findIndex((s) => s.file === allRisksSource);
      const frame = stack[at0];
      assert.ok(frame, `${site.fn}: a frame in the fixture's source`);
      assert.equal(frame.function, site.fn);
      assert.equal(frame.line, line, `${site.fn}: the line of its @risk marker`);
      assert.equal(frame.module, bin);
      if (build.fortify && site.fortified !== undefined) {
        // The fortify header's inline wrapper (named like the call) is the innermost frame.
        assert.equal(at0, 1, `${site.fn}: only the fortify wrapper before the call site`);
        assert.equal(stack[0]?.function, site.libc);
        assert.match(stack[0]?.file ?? '', /\/include\//);
      } else {
        assert.equal(at0, 0, `${site.fn}: the call site is the innermost frame`);
      }
      const caller = stack[at0 + 1];
      if (build.callers) {
        assert.equal(caller?.function, 'main', `${site.fn}: its caller`);
        assert.equal(caller?.line, callLineInMain(lines, site.fn), `${site.fn}: the line in main that calls it`);
      } else if (caller?.function === 'main') {
        // Without frame pointers the caller may be missing, but when given it must be right.
        assert.equal(caller.line, callLineInMain(lines, site.fn), `${site.fn}: the line in main that calls it`);
      }
      const stackLine = String(f.evidence.details?.stackLine);
      assert.ok(stackLine.startsWith(`${expectedFn} ← `), stackLine);
      // Source paths inside the repository are shown relative to it.
      assert.ok(stackLine.includes(`${site.fn} (${relative(repoRoot, allRisksSource)}:${line})`), stackLine);
    }
    assert.equal(found.length, SITES.length, `nothing reported twice or beyond the fixture's sites:\n${listing}`);
  }

  for (const build of BUILDS) {
    test(`every risky call, built ${build.flags.join(' ')} (${mainSensor}): one finding per call site`, () =>
      assertEverySite(build, mainSensor));
  }
  if (mainSensor !== 'ptrace') {
    test('every risky call, built -O0 (ptrace): the same findings', () =>
      assertEverySite(BUILDS[0] as Build, 'ptrace'));
  }

  test(`8 threads and forked children (${mainSensor}): output unchanged, counts add up`, async () => {
    const plain = execFileSync(threads, { encoding: 'utf8' });
    const { r, report } = await harrierRun(['--sensor', mainSensor, '-q', '--no-store'], [threads]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, plain, 'the program prints the same with the interposer');

    const expected = [...plain.matchAll(/^expect (\w+) (\w+) (\d+)$/gm)].map((m) => ({
      fn: m[1] as string,
      libc: m[2] as string,
      calls: Number(m[3]),
    }));
    assert.equal(expected.length, 4, plain);
    const found = libcFindings(fromExe(report, threads));
    const listing = found.map(describeFinding).join('\n');
    for (const e of expected) {
      const at = found.filter(
        (f) => siteFrame(f, threadsSource)?.function === e.fn && f.evidence.details?.fn === e.libc,
      );
      assert.equal(at.length, 1, `${e.libc} in ${e.fn}: one finding, got:\n${listing}`);
      const count = at[0]?.count ?? 0;
      // Fork children count their own hits of a site their parent reported; the collector sums
      // them over every process (locating a child's sites through its parent, at the end).
      assert.equal(count, e.calls, `${e.libc} in ${e.fn}: every call counted`);
    }
    const total = found.reduce((n, f) => n + f.count, 0);
    assert.equal(
      total,
      expected.reduce((n, e) => n + e.calls, 0),
      listing,
    );
  });

  test(`a static binary (${mainSensor}): reported as not instrumentable`, async (t) => {
    const libcA = execFileSync('gcc', ['-print-file-name=libc.a'], { encoding: 'utf8' }).trim();
    if (!libcA.startsWith('/') || !existsSync(libcA)) {
      t.skip('libc.a is not installed (glibc static library): no static binary to build');
      return;
    }
    const bin = compile(allRisksSource, join(work, 'all_risks_static'), ['-static', '-O0', '-g']);
    const { r, report } = await harrierRun(['--sensor', mainSensor, '-q', '--no-store'], [bin, '1', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LD_PRELOAD set$/m, 'the variable is there; there is just no loader to act on it');
    const own = fromExe(report, bin);
    const not = own.filter((f) => f.ruleId === 'process.not-instrumentable');
    assert.equal(not.length, 1, own.map(describeFinding).join('\n'));
    assert.deepEqual(not[0]?.evidence.details, { executable: bin, kind: 'static' });
    assert.equal(not[0]?.severity, 'info');
    assert.deepEqual(libcFindings(own), [], 'no libc findings can come from a static binary');
  });

  test(`a shell script running a C program (${mainSensor}): the program's risks are found`, async () => {
    const bin = binary('O0');
    const script = join(work, 'run-fixture.sh');
    writeFileSync(script, '#!/bin/sh\necho script-start\n"$1" 2 4\necho script-end\n');
    chmodSync(script, 0o755);
    const { r, report } = await harrierRun(['--sensor', mainSensor, '-q', '--no-store'], [script, bin]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /script-start[\s\S]*^done$[\s\S]*script-end/m);
    const found = libcFindings(fromExe(report, bin));
    const listing = found.map(describeFinding).join('\n');
    const copy = found.find((f) => siteFrame(f, allRisksSource)?.function === 'copy_string');
    const rand = found.find((f) => siteFrame(f, allRisksSource)?.function === 'roll_rand');
    assert.equal(copy?.count, 2, listing);
    assert.equal(rand?.count, 4, listing);
    assert.equal(found.length, SITES.length - 1, `every site but the fork (no secret here):\n${listing}`);
    assert.equal(copy?.evidence.process?.ancestry?.[0]?.exePath, script, 'started by the script');
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === 'process.not-instrumentable').map(describeFinding),
      [],
      'the script and everything it ran were instrumented',
    );
  });

  test(`environment secrets (${mainSensor}): reported by name, the values appear nowhere`, async () => {
    const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    // Built at run time so that no token-like literal sits in the repository.
    const token = `${'ghp'}_${[...randomBytes(36)].map((b) => base62[b % 62]).join('')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const dir = tempDir('harrier-secrets-');
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'token'), token);
    writeFileSync(join(secrets, 'password'), password);
    // The secrets reach only the child, read from files: never in any command line.
    const script = join(dir, 'start-child.sh');
    writeFileSync(script, '#!/bin/sh\nGITHUB_TOKEN="$(cat "$2/token")" DB_PASSWORD="$(cat "$2/password")" "$1" 1 1\n');
    chmodSync(script, 0o755);
    const storeDir = join(dir, 'store');
    mkdirSync(storeDir);
    const out = join(dir, 'out');
    mkdirSync(out);
    const bin = binary('O0');
    const { r, report, reportPath } = await harrierRun(
      [
        '--sensor',
        mainSensor,
        '--store',
        join(storeDir, 'h.duckdb'),
        '--events',
        join(out, 'events.ndjson'),
        '--json',
        join(out, 'summary.json'),
        '--full',
        '--report',
        `sarif:${join(out, 'report.sarif')}`,
        '--report',
        `html:${join(out, 'report.html')}`,
        '--report',
        `text:${join(out, 'report.txt')}`,
      ],
      [script, bin, secrets],
    );
    assert.equal(r.code, 0, r.stderr);

    const env = fromExe(report, bin).filter((f) => f.ruleId === 'env.secret');
    for (const name of ['GITHUB_TOKEN', 'DB_PASSWORD']) {
      const f = env.filter((x) => x.evidence.details?.variable === name);
      assert.equal(f.length, 1, `${name} reported for the child:\n${env.map(describeFinding).join('\n')}`);
      assert.deepEqual(f[0]?.cwe, [526]);
      assert.ok(f[0]?.message.includes(name), f[0]?.message);
    }
    const fork = fromExe(report, bin).find((f) => f.ruleId === 'libc.fork-with-secrets');
    assert.match(String(fork?.evidence.details?.detail), /^env:(GITHUB_TOKEN|DB_PASSWORD)$/);

    // The values, and their random parts alone (a partial leak counts), byte for byte everywhere.
    const needles = [token, token.slice(-16), password, password.slice(3)];
    const places: Array<[string, Buffer]> = [
      ['harrier stdout', Buffer.from(r.stdout)],
      ['harrier stderr', Buffer.from(r.stderr)],
      ['JSON report', readFileSync(reportPath)],
      ...readdirSync(out).map((f): [string, Buffer] => [f, readFileSync(join(out, f))]),
      ...readdirSync(storeDir).map((f): [string, Buffer] => [`store file ${f}`, readFileSync(join(storeDir, f))]),
    ];
    assert.ok(readdirSync(storeDir).includes('h.duckdb'), 'the store was written');
    assert.ok(places.length >= 8, places.map((p) => p[0]).join(', '));
    for (const [where, bytes] of places) {
      assert.ok(bytes.length > 0, `${where} is empty`);
      for (const n of needles) assert.equal(bytes.indexOf(n), -1, `a secret value is in ${where}`);
    }
    // DuckDB may compress strings, so also ask the database itself, row by row, table by table.
    const db = await DuckDBInstance.create(join(storeDir, 'h.duckdb'), { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    try {
      const tables = (await (await conn.run('SELECT table_name FROM information_schema.tables')).getRows()).map((row) =>
        String(row[0]),
      );
      assert.ok(tables.includes('events') && tables.includes('findings'), tables.join(', '));
      for (const t of tables) {
        for (const n of needles) {
          const rows = await (
            await conn.run(`SELECT count(*) FROM "${t}" AS x WHERE x::VARCHAR LIKE '%' || $1 || '%'`, [n])
          ).getRows();
          assert.equal(Number(rows[0]?.[0]), 0, `a secret value is in the store's ${t} table`);
        }
      }
      // The names are kept (that is the finding).
      const named = await (
        await conn.run(`SELECT count(*) FROM findings AS x WHERE x::VARCHAR LIKE '%DB_PASSWORD%'`)
      ).getRows();
      assert.ok(Number(named[0]?.[0]) >= 1, 'the store holds the finding by name');
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  test(`--no-libc (${mainSensor}): no libc findings, no LD_PRELOAD in the program`, async () => {
    const bin = binary('O0');
    const { r, report } = await harrierRun(
      ['--sensor', mainSensor, '-q', '--no-store', '--no-libc'],
      [bin, String(COPIES), String(RANDS)],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LD_PRELOAD unset$/m);
    assert.match(r.stdout, /^done$/m);
    assert.deepEqual(
      report.findings
        .filter((f) => f.ruleId.startsWith('libc.') || f.ruleId === 'process.not-instrumentable')
        .map(describeFinding),
      [],
    );
  });
});
