import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemState } from '../../../src/events/state/system-state.js';
import { FORK, THREAD, ev, fdref, flags } from './events.js';

function rootShell(s: SystemState): void {
  s.seedProcess({
    pid: 100,
    ppid: 1,
    exe: 'bash',
    exePath: '/usr/bin/bash',
    args: ['-c', 'ls'],
    cwd: '/home/u',
    uid: 0,
    gid: 0,
    startTs: 5n,
  });
}

test('seedProcess fills names from the partial', () => {
  const s = new SystemState();
  rootShell(s);
  const p = s.process(100);
  assert.ok(p);
  assert.equal(p.name, 'bash');
  assert.equal(p.user, 'root');
  assert.equal(p.group, 'root');
  assert.equal(p.euid, 0);
  assert.deepEqual([...p.tids], [100]);
  assert.equal(s.processOfTid(100), p);
  assert.equal(p.execed, false);
  assert.equal(p.startTs, 5n);
});

test('fork then exec: child inherits, then exec replaces the image in place', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('openat', 100, { dirfd: fdref(-100), name: 'out.txt', flags: flags('O_WRONLY', 'O_CREAT') }, { res: 3 }));
  const fork = ev('clone', 100, { flags: FORK }, { res: 101 });
  s.apply(fork);
  const child = s.process(101);
  assert.ok(child);
  assert.equal(child.ppid, 100);
  assert.equal(child.exe, 'bash');
  assert.equal(child.exePath, '/usr/bin/bash');
  assert.deepEqual(child.args, ['-c', 'ls']);
  assert.equal(child.cwd, '/home/u');
  assert.equal(child.user, 'root');
  assert.equal(child.startTs, fork.ts);
  assert.equal(child.execed, false);
  assert.equal(child.fds.get(3)?.name, '/home/u/out.txt');
  assert.notEqual(child.fds, s.process(100)?.fds, 'fork copies the fd table');

  // Two failed attempts (PATH search) before the successful one: only res 0 counts.
  s.apply(ev('execve', 101, { filename: '/usr/local/bin/ls', argv: ['ls', '-l'] }, { res: -2, errno: 'ENOENT' }));
  assert.equal(s.process(101)?.exePath, '/usr/bin/bash');
  s.apply(ev('execve', 101, { filename: '/usr/sbin/ls', argv: ['ls', '-l'] }, { res: -2, errno: 'ENOENT' }));
  s.apply(
    ev(
      'execve',
      101,
      { filename: '/usr/bin/ls', argv: ['ls', '-l', '/tmp'], envp: ['PATH=/usr/bin', 'HOME=/root'] },
      { res: 0 },
    ),
  );
  const p = s.process(101);
  assert.ok(p);
  assert.equal(p, child, 'updated in place');
  assert.equal(p.exe, 'ls');
  assert.equal(p.exePath, '/usr/bin/ls');
  assert.equal(p.name, 'ls');
  assert.deepEqual(p.args, ['-l', '/tmp']);
  assert.deepEqual(p.env, ['PATH=/usr/bin', 'HOME=/root']);
  assert.equal(p.execed, true);
  assert.equal(p.ppid, 100);
  // The parent is untouched.
  assert.equal(s.process(100)?.name, 'bash');
  assert.deepEqual(
    s.children(100).map((c) => c.pid),
    [101],
  );
});

test('exec of a relative path and of a symlinked name', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('execve', 100, { filename: './bin/../tool', argv: ['./tool'] }, { res: 0 }));
  assert.equal(s.process(100)?.exePath, '/home/u/tool');
  assert.equal(s.process(100)?.name, 'tool');
  assert.equal(s.process(100)?.exe, './tool');
  // The process is named after the path executed, as the kernel's comm is (not the link target).
  s.apply(ev('execve', 100, { filename: '/tmp/httpd', argv: ['httpd'] }, { res: 0 }));
  assert.equal(s.process(100)?.name, 'httpd');
  // Names are not truncated to comm's 15 characters.
  s.apply(ev('execve', 100, { filename: '/opt/a-very-long-program-name', argv: ['x'] }, { res: 0 }));
  assert.equal(s.process(100)?.name, 'a-very-long-program-name');
});

test('exec of a memfd through /proc/self/fd resolves to the memfd', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('memfd_create', 100, { name: 'payload', flags: flags() }, { res: 4 }));
  assert.equal(s.fd(100, 4)?.type, 'memfd');
  assert.equal(s.fd(100, 4)?.name, 'memfd:payload');
  s.apply(ev('execve', 100, { filename: '/proc/self/fd/4', argv: ['x'] }, { res: 0 }));
  assert.equal(s.process(100)?.exePath, 'memfd:payload');
  assert.equal(s.process(100)?.name, '4');
  // fexecve(): execveat with an empty path.
  s.apply(ev('memfd_create', 100, { name: 'two', flags: flags('MFD_CLOEXEC') }, { res: 5 }));
  s.apply(ev('execveat', 100, { dirfd: 5, pathname: '', argv: ['y'], flags: flags('AT_EMPTY_PATH') }, { res: 0 }));
  assert.equal(s.process(100)?.exePath, 'memfd:two');
  assert.equal(s.process(100)?.name, '5');
  // MFD_CLOEXEC: gone at the next event; fd 4 survives.
  s.apply(ev('getpid', 100, {}, { res: 100 }));
  assert.equal(s.fd(100, 5), undefined);
  assert.equal(s.fd(100, 4)?.name, 'memfd:payload');
});

test('close-on-exec descriptors are dropped after the exec event', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('openat', 100, { dirfd: -100, name: '/etc/a', flags: flags('O_RDONLY', 'O_CLOEXEC') }, { res: 3 }));
  s.apply(ev('openat', 100, { dirfd: -100, name: '/etc/b', flags: flags('O_RDONLY') }, { res: 4 }));
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_STREAM|SOCK_CLOEXEC', proto: 0 }, { res: 5 }));
  s.apply(ev('execve', 100, { filename: '/bin/true', argv: ['true'] }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '/etc/a', 'still visible to the exec event');
  s.apply(ev('brk', 100, {}, { res: 0 }));
  assert.equal(s.fd(100, 3), undefined);
  assert.equal(s.fd(100, 5), undefined);
  assert.equal(s.fd(100, 4)?.name, '/etc/b');
});

test('threads: a thread clone adds a tid to the same process and shares its fds', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone3', 100, { flags: THREAD }, { res: 150 }));
  const p = s.process(100);
  assert.ok(p);
  assert.deepEqual([...p.tids].sort(), [100, 150]);
  assert.equal(s.processOfTid(150), p);
  assert.equal(s.process(150), undefined, 'a thread is no process');
  s.apply(ev('openat', 100, { dirfd: -100, name: 'f', flags: flags('O_RDONLY') }, { res: 7, tid: 150 }));
  assert.equal(s.fd(100, 7)?.name, '/home/u/f');
  // A thread exits: its tid goes at the next event; the process stays.
  s.apply(ev('exit', 100, { status: 0 }, { tid: 150 }));
  assert.equal(s.processOfTid(150), p);
  s.apply(ev('getpid', 100, {}, { res: 100 }));
  assert.equal(s.processOfTid(150), undefined);
  assert.deepEqual([...p.tids], [100]);
  assert.equal(p.exitTs, undefined);
});

test('a thread seen before its clone result joins its process', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('futex', 100, {}, { res: 0, tid: 151 }));
  assert.equal(s.processOfTid(151)?.pid, 100);
  s.apply(ev('clone', 100, { flags: THREAD }, { res: 151 }));
  assert.deepEqual([...(s.process(100)?.tids ?? [])].sort(), [100, 151]);
  assert.equal(s.stats().placeholders, 0);
});

test('exec from a non-leader thread leaves one thread under the pid', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone', 100, { flags: THREAD }, { res: 152 }));
  s.apply(ev('execve', 100, { filename: '/bin/sh', argv: ['sh'] }, { res: 0, tid: 152 }));
  assert.deepEqual([...(s.process(100)?.tids ?? [])], [100]);
  assert.equal(s.processOfTid(152), undefined);
});

test('child events before the parent clone result: placeholder fixed up by the clone', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('openat', 100, { dirfd: -100, name: '/etc/hosts', flags: flags('O_RDONLY') }, { res: 3 }));
  // The child runs first (strace and eBPF can report it before the parent's clone returns).
  s.apply(ev('openat', 200, { dirfd: -100, name: '/etc/passwd', flags: flags('O_RDONLY') }, { res: 4 }));
  let child = s.process(200);
  assert.ok(child);
  assert.equal(child.ppid, 0);
  assert.equal(child.name, '');
  assert.equal(child.uid, -1);
  assert.equal(child.user, '');
  assert.equal(child.fds.get(4)?.name, '/etc/passwd', 'an absolute path needs no cwd');
  assert.equal(s.stats().placeholders, 1);
  s.apply(ev('execve', 200, { filename: '/usr/bin/cat', argv: ['cat', 'x'] }, { res: 0 }));
  s.apply(ev('clone', 100, { flags: FORK }, { res: 200 }));
  child = s.process(200);
  assert.ok(child);
  assert.equal(child.ppid, 100);
  assert.equal(child.name, 'cat', 'the exec the child already did is kept');
  assert.deepEqual(child.args, ['x']);
  assert.equal(child.cwd, '/home/u');
  assert.equal(child.uid, 0);
  assert.equal(child.user, 'root');
  assert.equal(child.fds.get(3)?.name, '/etc/hosts', 'inherited');
  assert.equal(child.fds.get(4)?.name, '/etc/passwd', 'own');
  assert.equal(s.stats().placeholders, 0);
  assert.deepEqual(
    s.ancestors(200).map((p) => p.pid),
    [100],
  );
});

test('a placeholder that has not exec’d inherits the parent image', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('getpid', 201, {}, { res: 201 }));
  s.apply(ev('vfork', 100, {}, { res: 201 }));
  const c = s.process(201);
  assert.equal(c?.name, 'bash');
  assert.deepEqual(c?.args, ['-c', 'ls']);
  assert.equal(c?.ppid, 100);
});

test('the child side of clone (res 0) with ptid fixes up a placeholder', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone', 202, { flags: FORK, ptid: 100 }, { res: 0 }));
  assert.equal(s.process(202)?.ppid, 100);
  assert.equal(s.process(202)?.name, 'bash');
  // The parent's result afterwards changes nothing.
  s.apply(ev('clone', 100, { flags: FORK }, { res: 202 }));
  assert.equal(s.process(202)?.ppid, 100);
  assert.equal(s.allProcesses().length, 2);
});

test('CLONE_FILES shares the fd table; CLONE_PARENT makes a sibling', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone', 100, { flags: flags('CLONE_FILES', 'SIGCHLD') }, { res: 300 }));
  assert.equal(s.process(300)?.fds, s.process(100)?.fds);
  s.apply(ev('open', 300, { name: '/x', flags: flags('O_RDONLY', 'O_CLOEXEC') }, { res: 9 }));
  assert.equal(s.fd(100, 9)?.name, '/x', 'one table for both');
  // exec unshares the table, then drops close-on-exec entries from its own copy only.
  s.apply(ev('execve', 300, { filename: '/bin/true', argv: ['true'] }, { res: 0 }));
  s.apply(ev('getpid', 300, {}, { res: 300 }));
  assert.notEqual(s.process(300)?.fds, s.process(100)?.fds);
  assert.equal(s.fd(300, 9), undefined);
  assert.equal(s.fd(100, 9)?.name, '/x');
  s.apply(ev('clone', 300, { flags: flags('CLONE_PARENT', 'SIGCHLD') }, { res: 301 }));
  assert.equal(s.process(301)?.ppid, 100);
});

test('procexit: exit code or signal, threads unmapped later, record kept until reap', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone', 100, { flags: FORK }, { res: 101 }));
  s.apply(ev('clone', 101, { flags: THREAD }, { res: 102 }));
  s.apply(ev('clone', 100, { flags: FORK }, { res: 103 }));
  s.apply(ev('exit_group', 101, { status: 3 }));
  const exit1 = ev('procexit', 101, { status: 3 });
  s.apply(exit1);
  const p101 = s.process(101);
  assert.equal(p101?.exitTs, exit1.ts);
  assert.equal(p101?.exitCode, 3);
  assert.equal(p101?.exitSignal, undefined);
  assert.equal(s.processOfTid(102)?.pid, 101, 'threads resolvable while the exit is consumed');
  const exit2 = ev('procexit', 103, { signal: 'SIGKILL', core: false });
  s.apply(exit2);
  assert.equal(s.processOfTid(102), undefined);
  assert.equal(s.process(101), p101, 'exited processes stay listed');
  assert.equal(s.process(103)?.exitSignal, 'SIGKILL');
  assert.equal(s.process(103)?.exitCode, undefined);
  // A numeric signal is named.
  s.apply(ev('clone', 100, { flags: FORK }, { res: 104 }));
  s.apply(ev('procexit', 104, { signal: 15 }));
  assert.equal(s.process(104)?.exitSignal, 'SIGTERM');
  assert.deepEqual(
    s
      .allProcesses()
      .map((p) => p.pid)
      .sort(),
    [100, 101, 103, 104],
  );
  assert.deepEqual(s.stats(), { processes: 4, liveProcesses: 1, threads: 2, fds: 0, placeholders: 0 });
  assert.equal(s.reap(exit1.ts), 0, 'strictly older only');
  assert.equal(s.reap(exit2.ts), 1);
  assert.equal(s.process(101), undefined);
  assert.equal(s.reap(1n << 62n), 2);
  assert.deepEqual(
    s.allProcesses().map((p) => p.pid),
    [100],
  );
  assert.equal(s.stats().processes, 1);
});

test('a reused pid retires the exited record, which stays in allProcesses', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('clone', 100, { flags: FORK }, { res: 101 }));
  s.apply(ev('execve', 101, { filename: '/bin/a', argv: ['a'] }, { res: 0 }));
  s.apply(ev('procexit', 101, { status: 0 }));
  s.apply(ev('clone', 100, { flags: FORK }, { res: 101 }));
  assert.equal(s.process(101)?.name, 'bash');
  assert.equal(s.process(101)?.exitTs, undefined);
  const names = s
    .allProcesses()
    .filter((p) => p.pid === 101)
    .map((p) => p.name)
    .sort();
  assert.deepEqual(names, ['a', 'bash']);
  assert.equal(s.reap(1n << 62n), 1);
  assert.equal(s.allProcesses().length, 2);
});

test('ancestors: nearest first, bounded, stops at unknown, pid 1 and cycles', () => {
  const s = new SystemState();
  s.seedProcess({ pid: 1, ppid: 0, exe: 'systemd', exePath: '/usr/lib/systemd/systemd', uid: 0, gid: 0 });
  s.seedProcess({ pid: 10, ppid: 1, exe: 'sshd', exePath: '/usr/sbin/sshd', uid: 0, gid: 0 });
  s.apply(ev('clone', 10, { flags: FORK }, { res: 11 }));
  s.apply(ev('execve', 11, { filename: '/bin/bash', argv: ['bash'] }, { res: 0 }));
  s.apply(ev('clone', 11, { flags: FORK }, { res: 12 }));
  s.apply(ev('execve', 12, { filename: '/usr/bin/python3', argv: ['python3'] }, { res: 0 }));
  assert.deepEqual(
    s.ancestors(12, 10).map((p) => p.name),
    ['bash', 'sshd', 'systemd'],
  );
  assert.deepEqual(
    s.ancestors(12, 2).map((p) => p.name),
    ['bash', 'sshd'],
  );
  assert.deepEqual(s.ancestors(1), []);
  assert.deepEqual(s.ancestors(999), []);
  // An unknown parent ends the chain.
  s.seedProcess({ pid: 50, ppid: 49, exe: 'x' });
  assert.deepEqual(s.ancestors(50), []);
  // A cycle (stale ppids) ends it too.
  s.seedProcess({ pid: 60, ppid: 61, exe: 'a' });
  s.seedProcess({ pid: 61, ppid: 60, exe: 'b' });
  assert.deepEqual(
    s.ancestors(60).map((p) => p.pid),
    [61],
  );
});

test('setuid family updates ids and the user name', () => {
  const s = new SystemState();
  rootShell(s);
  s.apply(ev('setgid', 100, { gid: 65534 }, { res: 0 }));
  s.apply(ev('setuid', 100, { uid: 1 }, { res: 0 }));
  const p = s.process(100);
  assert.ok(p);
  assert.equal(p.uid, 1);
  assert.equal(p.euid, 1);
  assert.equal(p.user, 'daemon');
  assert.equal(p.gid, 65534);
  assert.equal(p.group, 'nogroup');
  // Unprivileged now: setuid changes only the effective id; failures change nothing.
  s.apply(ev('setuid', 100, { uid: 0 }, { res: -1, errno: 'EPERM' }));
  assert.equal(p.euid, 1);
  s.apply(ev('setresuid', 100, { ruid: -1, euid: 2, suid: -1 }, { res: 0 }));
  assert.equal(p.uid, 1);
  assert.equal(p.euid, 2);
  assert.equal(p.user, 'bin');
  s.apply(ev('setreuid', 100, { ruid: 3, euid: 4294967295 }, { res: 0 }));
  assert.equal(p.uid, 3);
  assert.equal(p.euid, 2);
  s.apply(ev('setresgid', 100, { rgid: 0, egid: 0, sgid: 0 }, { res: 0 }));
  assert.equal(p.group, 'root');
  // An id with no passwd entry renders as its number.
  s.apply(ev('setresuid', 100, { ruid: 43210, euid: 43210, suid: 43210 }, { res: 0 }));
  assert.equal(p.user, '43210');
});
