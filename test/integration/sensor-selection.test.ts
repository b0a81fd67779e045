/**
 * Which sensor a run gets, and what the user is told when the one they asked for cannot run.
 * Unprivileged cases run harrier as `nobody` through setpriv (root only).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../src/report/summary.js';
import { harrierBin, runHarrier, tempDir } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

const isRoot = process.getuid?.() === 0;

function asNobody(args: string[]) {
  return spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, harrierBin, ...args],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: '/tmp' },
  );
}

test('strace missing: --sensor ptrace says so and how to install it', async () => {
  const r = await runHarrier(['run', '--sensor', 'ptrace', '--no-store', '--', 'true'], {
    env: { HARRIER_STRACE: '/nonexistent/strace' },
  });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^harrier: cannot use the ptrace sensor: strace is not installed\n {2}hint: apt-get install strace\n$/,
  );
});

test('as root with the probe built, auto picks eBPF', async (t) => {
  if (!sensorsUnderTest().includes('ebpf'))
    return t.skip('the eBPF sensor cannot run here (needs root and a built probe)');
  const dir = tempDir();
  const out = join(dir, 's.json');
  const r = await runHarrier(['run', '--no-store', '--json', out, '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(readFileSync(out, 'utf8')) as RunSummary;
  assert.equal(s.sensor, 'ebpf');
  assert.equal(s.sensorReason, 'preferred');
});

test('not root: auto falls back to ptrace and says why; --sensor ebpf is a clear error', async (t) => {
  if (!isRoot) return t.skip('needs root to switch to an unprivileged user');
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const out = join(dir, 's.json');
  const auto = asNobody(['run', '--no-store', '--json', out, '--', 'cat', '/etc/hostname']);
  assert.equal(auto.status, 0, auto.stderr);
  const s = JSON.parse(readFileSync(out, 'utf8')) as RunSummary;
  assert.equal(s.sensor, 'ptrace');
  assert.match(s.sensorReason, /^fallback: ebpf: .*root/);
  assert.match(auto.stderr, /sensor ptrace \(fallback: ebpf: .*root/);
  assert.ok(
    s.files.some((d) => d.files.some((f) => f.path === '/etc/hostname')),
    'ptrace observed the command',
  );

  const forced = asNobody(['run', '--sensor', 'ebpf', '--no-store', '--', 'true']);
  assert.equal(forced.status, 2);
  assert.match(
    forced.stderr,
    /^harrier: cannot use the ebpf sensor: .*root.*\n {2}hint: run as root, or use --sensor ptrace\n$/,
  );
});

test('monitor without privileges: a clear error, exit 2', async (t) => {
  if (!isRoot) return t.skip('needs root to switch to an unprivileged user');
  const r = asNobody(['monitor', '--no-store']);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /^harrier: no sensor can run here \(ebpf: .*root.*\n {2}hint: watching the whole host needs the eBPF sensor: run harrier monitor as root\n$/,
  );
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});
