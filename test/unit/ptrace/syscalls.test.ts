import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { findStrace } from '../../../src/sensors/ptrace/availability.js';
import { PTRACE_SYSCALLS } from '../../../src/sensors/ptrace/syscalls.js';

test('the set holds every syscall the sensor names, once', () => {
  assert.equal(new Set(PTRACE_SYSCALLS).size, PTRACE_SYSCALLS.length);
  for (const s of ['execve', 'clone3', 'openat2', 'connect', 'memfd_create', 'finit_module', 'tgkill']) {
    assert.ok(PTRACE_SYSCALLS.includes(s), s);
  }
});

test('strace on this machine accepts the whole set', (t) => {
  const strace = findStrace();
  if (strace === undefined) {
    t.skip('strace is not installed');
    return;
  }
  // Names are checked when the filter is parsed; `-o /dev/null` keeps the trace out of the way.
  const r = spawnSync(strace, ['-e', `trace=${PTRACE_SYSCALLS.join(',')}`, '-o', '/dev/null', '--', '/bin/true'], {
    encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});
