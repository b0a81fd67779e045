import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../src/sensors/ptrace/line-parser.js';
import { parseCall } from '../../../src/sensors/ptrace/syscall-parser.js';

test('tid and nanosecond timestamp', () => {
  const l = parseLine('2477  1795471917.699395715 close(3) = 0');
  assert.ok(l?.kind === 'call');
  assert.equal(l.tid, 2477);
  assert.equal(l.ts, 1795471917_699395715n);
  assert.equal(l.text.slice(l.start), 'close(3) = 0');
});

test('shorter fractions are scaled to nanoseconds; [pid N] prefixes and CRLF are accepted', () => {
  const l = parseLine('[pid  3802] 1700000000.5 close(3) = 0\r');
  assert.ok(l?.kind === 'call');
  assert.equal(l.tid, 3802);
  assert.equal(l.ts, 1700000000_500000000n);
  assert.equal(l.text.slice(l.start), 'close(3) = 0');
});

test('unfinished and resumed halves', () => {
  const u = parseLine('2478 1.000000001 execve("/usr/bin/true", ["true"], 0x55 /* 3 vars */ <unfinished ...>');
  assert.deepEqual(u, {
    kind: 'unfinished',
    tid: 2478,
    ts: 1_000000001n,
    name: 'execve',
    text: 'execve("/usr/bin/true", ["true"], 0x55 /* 3 vars */',
  });
  const r = parseLine('2478 1.000000002 <... execve resumed>) = -1 ENOENT (No such file or directory)');
  assert.deepEqual(r, {
    kind: 'resumed',
    tid: 2478,
    ts: 1_000000002n,
    name: 'execve',
    rest: ') = -1 ENOENT (No such file or directory)',
  });
});

test('process ends: exited, killed, core dumped, superseded', () => {
  assert.deepEqual(parseLine('7 1.0 +++ exited with 3 +++'), { kind: 'exited', tid: 7, ts: 1_000000000n, code: 3 });
  assert.deepEqual(parseLine('7 1.0 +++ killed by SIGKILL +++'), {
    kind: 'killed',
    tid: 7,
    ts: 1_000000000n,
    signal: 'SIGKILL',
    core: false,
  });
  assert.deepEqual(parseLine('7 1.0 +++ killed by SIGSEGV (core dumped) +++'), {
    kind: 'killed',
    tid: 7,
    ts: 1_000000000n,
    signal: 'SIGSEGV',
    core: true,
  });
  assert.deepEqual(parseLine('7 1.0 +++ superseded by execve in pid 9 +++'), {
    kind: 'superseded',
    tid: 7,
    ts: 1_000000000n,
    byTid: 9,
  });
});

test('signals with and without siginfo', () => {
  const text = '5 2.0 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6} ---';
  const s = parseLine(text);
  assert.ok(s?.kind === 'signal');
  assert.equal(s.sig, 'SIGCHLD');
  assert.equal(text.slice(s.infoStart, s.infoEnd), '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6}');
  assert.deepEqual(parseLine('5 2.0 --- stopped by SIGSTOP ---'), { kind: 'note', tid: 5, ts: 2_000000000n });
});

test('garbage is rejected, never thrown', () => {
  for (const g of [
    '',
    'hello world',
    'strace: Process 1 attached',
    '12',
    '12 ',
    '12 1.',
    '12 1.5',
    'abc 1.0 close(3) = 0',
    '12 1.0 close',
    '12 1.0 +++ exited with +++',
    '12 1.0 +++ exited with 3',
    '12 1.0 <... close',
    '99999999999999 1.0 close(1) = 0',
  ]) {
    assert.equal(parseLine(g), undefined, g);
  }
});

test('results: numbers, fds, errors, unknown', () => {
  const r = (t: string): unknown => {
    const c = parseCall(t);
    return c && { res: c.res, errno: c.errno, fd: c.resFd?.path, complete: c.complete, broken: c.broken };
  };
  assert.deepEqual(r('setuid(0)    = 0'), { res: 0, errno: undefined, fd: undefined, complete: true, broken: false });
  assert.deepEqual(r('openat(AT_FDCWD</x>, "/etc/hostname", O_RDONLY) = 3</etc/hostname>'), {
    res: 3,
    errno: undefined,
    fd: '/etc/hostname',
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('connect(3, NULL, 0) = -1 ECONNREFUSED (Connection refused)'), {
    res: -111,
    errno: 'ECONNREFUSED',
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('exit_group(3) = ?'), {
    res: undefined,
    errno: undefined,
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('wait4(-1, 0x7ffc, 0, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)'), {
    res: undefined,
    errno: 'ERESTARTSYS',
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('read(3, 0x1, 1) = -1 EAGAIN (Resource temporarily unavailable)'), {
    res: -11,
    errno: 'EAGAIN',
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('brk(NULL) = 0x55d6a1b2c000'), {
    res: 0x55d6a1b2c000,
    errno: undefined,
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)'), {
    res: 1,
    errno: undefined,
    fd: undefined,
    complete: true,
    broken: false,
  });
  assert.deepEqual(r('x(1) = -1 ERRNO_520 (Unknown error 520)'), {
    res: -520,
    errno: 'ERRNO_520',
    fd: undefined,
    complete: true,
    broken: false,
  });
});

test('a call cut mid-way is incomplete', () => {
  const c = parseCall('openat(AT_FDCWD</tmp>, "/etc/hos');
  assert.equal(c?.complete, false);
  const d = parseCall('openat(AT_FDCWD</tmp>, "/etc/hostname", O_RDONLY) = ');
  assert.equal(d?.complete, true);
  assert.equal(d?.broken, true);
  assert.equal(d?.res, undefined);
});
