import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StackFrame } from '../../../src/findings/finding.js';
import { classifyFrames, fingerprint, fingerprintBasis } from '../../../src/findings/fingerprint.js';
import {
  normalizeEndpoint,
  normalizeExecutable,
  normalizePath,
  normalizePlace,
} from '../../../src/findings/normalize.js';

const REPO = '/home/runner/work/app/app';

function stack(
  repo: string,
  lines: number[],
  addrBase: number,
  fns = ['copy_name', 'parse_header', 'main'],
): StackFrame[] {
  const frames: StackFrame[] = [
    {
      address: `0x${(addrBase + 0x10).toString(16)}`,
      module: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      function: 'strcpy',
      inApp: false,
    },
    ...fns.map((fn, i) => ({
      address: `0x${(addrBase + 0x100 * (i + 1)).toString(16)}`,
      module: `${repo}/build/app`,
      offset: `0x${(0x1000 + i).toString(16)}`,
      function: fn,
      file: `${repo}/src/${fn === 'main' ? 'main' : 'parse'}.c`,
      line: lines[i] ?? 1,
      inApp: false,
    })),
    { address: '0x7f00', module: '/usr/lib/x86_64-linux-gnu/libc.so.6', function: '__libc_start_main', inApp: false },
  ];
  return classifyFrames(frames, repo);
}

test('classifyFrames: in the repository and not vendored is app code', () => {
  const frames = classifyFrames(
    [
      { address: '0x1', file: `${REPO}/src/a.c`, inApp: false },
      { address: '0x2', file: `${REPO}/vendor/zlib/inflate.c`, inApp: true },
      { address: '0x3', file: `${REPO}/node_modules/x/y.c`, inApp: false },
      { address: '0x4', file: `${REPO}/third_party/z.c`, inApp: false },
      { address: '0x5', module: `${REPO}/build/app`, inApp: false },
      { address: '0x6', module: '/usr/lib/libc.so.6', function: 'strcpy', inApp: true },
      { address: '0x7', file: 'src/relative.c', inApp: false },
      { address: '0x8', file: `${REPO}-other/src/a.c`, inApp: false },
      { address: '0x9', inApp: true },
    ],
    REPO,
  );
  assert.deepEqual(
    frames.map((f) => f.inApp),
    [true, false, false, false, true, false, true, false, false],
  );
});

test('paths: repository-relative inside the repo, volatile components as * outside it', () => {
  assert.equal(normalizePath(`${REPO}/src/parse.c`, REPO), 'src/parse.c');
  assert.equal(normalizePath('/tmp/tmp.X1y2Z3/data/in.txt', REPO), '/tmp/*/data/in.txt');
  assert.equal(normalizePath('/tmp/harrier-abc123/out', REPO), '/tmp/harrier-*/out');
  assert.equal(normalizePath('/tmp/harrier-qwerty/out', REPO), '/tmp/harrier-*/out');
  assert.equal(normalizePath('/var/cache/harrier-Xk2qPz/out', REPO), '/var/cache/harrier-*/out');
  assert.equal(normalizePath('/proc/4242/environ', REPO), '/proc/*/environ');
  assert.equal(normalizePath('/srv/builds/1a2b3c4d5e6f/app.log', REPO), '/srv/builds/*/app.log');
  assert.equal(normalizePath('/tmp/tmpa8x_3kqz/f', REPO), '/tmp/*/f');
  // Named places stay named.
  assert.equal(normalizePath('/etc/shadow', REPO), '/etc/shadow');
  assert.equal(
    normalizePath('/usr/lib/python3.11/site-packages/yaml/reader.py', REPO),
    '/usr/lib/python3.11/site-packages/yaml/reader.py',
  );
  assert.equal(normalizePath('/tmp/release/output', REPO), '/tmp/release/output');
});

test('executables: repository-relative in the repo, bare name elsewhere', () => {
  assert.equal(normalizeExecutable(`${REPO}/build/app`, REPO), 'build/app');
  assert.equal(normalizeExecutable(`${REPO}/build/20240501/app`, REPO), 'build/*/app');
  assert.equal(normalizeExecutable('/usr/bin/python3', REPO), 'python3');
  assert.equal(normalizeExecutable('/tmp/tmp.X1y2Z3/prog', REPO), 'prog');
  assert.equal(normalizeExecutable('/tmp/harrier-abc123/prog', undefined), 'prog');
});

test('endpoints: the server side, ephemeral ports as *', () => {
  assert.equal(normalizeEndpoint('10.1.0.4:51234->93.184.216.34:443', REPO), '93.184.216.34:443');
  assert.equal(normalizeEndpoint('127.0.0.1:40000->127.0.0.1:45123', REPO), '127.0.0.1:*');
  assert.equal(normalizePlace('0.0.0.0:8080', REPO), '0.0.0.0:8080');
  assert.equal(normalizePlace('/run/user/1000/app.sock', REPO), '/run/user/*/app.sock');
});

test('a risk keeps its fingerprint when lines, addresses, pids, timestamps and checkout dirs change', () => {
  const a = fingerprint(
    {
      kind: 'risk',
      ruleId: 'libc.unbounded-copy',
      sink: 'strcpy',
      stack: stack(REPO, [10, 20, 30], 0x55d0c1a2b000),
      exePath: `${REPO}/build/app`,
    },
    REPO,
  );
  // Build 2: the code moved down 20 lines, ASLR moved every address, another checkout directory.
  const repo2 = '/tmp/tmp.Q9w8E7/app';
  const b = fingerprint(
    {
      kind: 'risk',
      ruleId: 'libc.unbounded-copy',
      sink: 'strcpy',
      stack: stack(repo2, [30, 40, 50], 0x5611aa000000),
      exePath: `${repo2}/build/app`,
    },
    repo2,
  );
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(a, b);
  // Recursion depth varies with input: consecutive repeats of one frame count once.
  const recursive = stack(REPO, [10, 10, 20, 30], 0x1000, ['copy_name', 'copy_name', 'parse_header', 'main']);
  assert.equal(
    fingerprint(
      { kind: 'risk', ruleId: 'libc.unbounded-copy', sink: 'strcpy', stack: recursive, exePath: `${REPO}/build/app` },
      REPO,
    ),
    a,
  );
});

test('different functions, sinks, rules or executables give different fingerprints', () => {
  const base = { kind: 'risk' as const, ruleId: 'libc.unbounded-copy', sink: 'strcpy', exePath: `${REPO}/build/app` };
  const fp = (over: Partial<typeof base> & { stack?: StackFrame[] }): string =>
    fingerprint({ ...base, stack: stack(REPO, [1, 2, 3], 0x1000), ...over }, REPO);
  const all = [
    fp({}),
    fp({ stack: stack(REPO, [1, 2, 3], 0x1000, ['copy_path', 'parse_header', 'main']) }),
    fp({ sink: 'strcat' }),
    fp({ ruleId: 'libc.format-string' }),
    fp({ exePath: `${REPO}/build/other` }),
  ];
  assert.equal(new Set(all).size, all.length);
});

test('rule fingerprints: pids and temp dirs in the place do not matter, the place itself does', () => {
  const rule = (place: string, exePath = '/usr/bin/cat'): string =>
    fingerprint({ kind: 'rule', ruleId: 'Read sensitive file', exePath, place }, REPO);
  assert.equal(rule('/proc/100/environ'), rule('/proc/2000/environ'));
  assert.equal(rule('/tmp/tmp.aB3dE5/secrets.env'), rule('/tmp/tmp.Zz9yX8/secrets.env'));
  assert.equal(rule('/etc/shadow', '/bin/cat'), rule('/etc/shadow', '/usr/bin/cat'));
  assert.notEqual(rule('/etc/shadow'), rule('/etc/sudoers'));
  assert.notEqual(rule('/etc/shadow'), rule('/etc/shadow', '/usr/bin/head'));
  assert.deepEqual(
    fingerprintBasis({ kind: 'rule', ruleId: 'R', exePath: `${REPO}/bin/tool`, place: `${REPO}/.env` }, REPO).slice(1),
    ['rule', 'R', '', 'bin/tool', '.env'],
  );
});
