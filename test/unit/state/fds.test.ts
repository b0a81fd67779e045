import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemState } from '../../../src/events/state/system-state.js';
import { ev, fdref, flags } from './events.js';

function shell(): SystemState {
  const s = new SystemState();
  s.seedProcess({ pid: 100, ppid: 1, exe: 'sh', exePath: '/bin/sh', cwd: '/srv/app', uid: 1000, gid: 1000 });
  return s;
}

test('open: the new fd with its resolved path, flags and type; failures change nothing', () => {
  const s = shell();
  s.apply(ev('openat', 100, { dirfd: -100, name: 'conf/../data.db', flags: flags('O_RDWR', 'O_CREAT') }, { res: 3 }));
  assert.deepEqual(s.fd(100, 3), {
    fd: 3,
    type: 'file',
    name: '/srv/app/data.db',
    flags: ['O_RDWR', 'O_CREAT'],
    l4proto: undefined,
    local: undefined,
    remote: undefined,
    listening: undefined,
    cloexec: undefined,
    role: undefined,
  });
  s.apply(ev('openat', 100, { dirfd: -100, name: '/nope', flags: flags('O_RDONLY') }, { res: -2, errno: 'ENOENT' }));
  assert.equal(s.stats().fds, 1);
  s.apply(ev('open', 100, { name: '/etc', flags: flags('O_RDONLY', 'O_DIRECTORY') }, { res: 4 }));
  assert.equal(s.fd(100, 4)?.type, 'directory');
  s.apply(ev('creat', 100, { name: 'new.txt', mode: 0o644 }, { res: 5 }));
  assert.equal(s.fd(100, 5)?.name, '/srv/app/new.txt');
  assert.deepEqual(s.fd(100, 5)?.flags, ['O_WRONLY', 'O_CREAT', 'O_TRUNC']);
  s.apply(ev('openat2', 100, { dirfd: 4, name: 'passwd', flags: flags('O_RDONLY') }, { res: 6 }));
  assert.equal(s.fd(100, 6)?.name, '/etc/passwd', 'relative to the dirfd');
});

test('open: the fd is named by the path asked for (as Falco does), not where a symlink leads', () => {
  const s = shell();
  s.apply(ev('openat', 100, { dirfd: fdref(-100, '/srv/app'), name: 'link', flags: flags('O_RDONLY') }, { res: 3 }));
  assert.equal(s.fd(100, 3)?.name, '/srv/app/link');
  const e = ev('openat', 100, { dirfd: -100, name: 'link', flags: flags('O_RDONLY') }, { res: 4 });
  e.args.res_fd = fdref(4, '/srv/real/target');
  s.apply(e);
  assert.equal(s.fd(100, 4)?.name, '/srv/app/link', 'same name whichever sensor decorated the fd');
  const noName = ev('openat', 100, { dirfd: -100, flags: flags('O_RDONLY') }, { res: 5 });
  noName.args.res_fd = fdref(5, '/srv/real/target');
  s.apply(noName);
  assert.equal(s.fd(100, 5)?.name, '/srv/real/target', 'the decoration names an open whose name is unknown');
  const memfd = ev('openat', 100, { dirfd: -100, name: 'x', flags: flags('O_RDONLY') }, { res: 6 });
  memfd.args.res_fd = fdref(6, 'anon_inode:[eventfd]');
  s.apply(memfd);
  assert.equal(s.fd(100, 6)?.type, 'event', 'a non-path decoration describes the fd');
});

test('close is deferred to the next event; a failed close keeps the fd', () => {
  const s = shell();
  s.apply(ev('openat', 100, { dirfd: -100, name: '/etc/shadow', flags: flags('O_RDONLY') }, { res: 3 }));
  s.apply(ev('close', 100, { fd: 9 }, { res: -9, errno: 'EBADF' }));
  s.apply(ev('close', 100, { fd: fdref(3, '/etc/shadow') }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '/etc/shadow', 'the close event can still resolve its fd');
  // The next open reuses the number: the old entry is gone first, the new one stays.
  s.apply(ev('openat', 100, { dirfd: -100, name: '/etc/hosts', flags: flags('O_RDONLY') }, { res: 3 }));
  assert.equal(s.fd(100, 3)?.name, '/etc/hosts');
  s.apply(ev('close', 100, { fd: 3 }, { res: 0 }));
  s.apply(ev('getpid', 100, {}, { res: 100 }));
  assert.equal(s.fd(100, 3), undefined);
});

test('dup, dup2, dup3, fcntl(F_DUPFD_CLOEXEC) copy the entry; the copy closes separately', () => {
  const s = shell();
  s.apply(ev('openat', 100, { dirfd: -100, name: 'log', flags: flags('O_WRONLY', 'O_APPEND') }, { res: 3 }));
  s.apply(ev('dup', 100, { oldfd: 3 }, { res: 4 }));
  s.apply(ev('dup2', 100, { oldfd: fdref(3, '/srv/app/log'), newfd: fdref(1) }, { res: 1 }));
  s.apply(ev('dup3', 100, { oldfd: 3, newfd: 7, flags: flags('O_CLOEXEC') }, { res: 7 }));
  s.apply(ev('fcntl', 100, { fd: 3, cmd: 'F_DUPFD_CLOEXEC' }, { res: 10 }));
  s.apply(ev('fcntl', 100, { fd: 3, cmd: 'F_GETFL' }, { res: 0o2001 }));
  s.apply(ev('dup', 100, { oldfd: 3 }, { res: -24, errno: 'EMFILE' }));
  for (const fd of [1, 4, 7, 10]) {
    assert.equal(s.fd(100, fd)?.name, '/srv/app/log', `fd ${fd}`);
    assert.equal(s.fd(100, fd)?.fd, fd);
    assert.deepEqual(s.fd(100, fd)?.flags, ['O_WRONLY', 'O_APPEND']);
  }
  assert.equal(s.fd(100, 4)?.cloexec, undefined);
  assert.equal(s.fd(100, 7)?.cloexec, true);
  assert.equal(s.fd(100, 10)?.cloexec, true);
  assert.equal(s.stats().fds, 5);
  s.apply(ev('close', 100, { fd: 3 }, { res: 0 }));
  s.apply(ev('getpid', 100, {}, { res: 100 }));
  assert.equal(s.fd(100, 3), undefined);
  assert.equal(s.fd(100, 1)?.name, '/srv/app/log');
});

test('pipes, socketpairs, memfd and anonymous-inode descriptors', () => {
  const s = shell();
  s.apply(ev('pipe2', 100, { fds: ['3', '4'], flags: flags('O_CLOEXEC') }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.type, 'pipe');
  assert.equal(s.fd(100, 4)?.cloexec, true);
  s.apply(ev('pipe', 100, { fds: ['5<pipe:[7001]>', '6<pipe:[7001]>'] }, { res: 0 }));
  assert.equal(s.fd(100, 5)?.name, 'pipe:[7001]');
  assert.equal(s.fd(100, 6)?.type, 'pipe');
  s.apply(ev('socketpair', 100, { domain: 'AF_UNIX', type: 'SOCK_STREAM', proto: 0, fds: ['7', '8'] }, { res: 0 }));
  assert.equal(s.fd(100, 7)?.type, 'unix');
  assert.equal(s.fd(100, 8)?.type, 'unix');
  s.apply(ev('epoll_create1', 100, { flags: flags('EPOLL_CLOEXEC') }, { res: 9 }));
  assert.equal(s.fd(100, 9)?.type, 'eventpoll');
  assert.equal(s.fd(100, 9)?.name, 'anon_inode:[eventpoll]');
  assert.equal(s.fd(100, 9)?.cloexec, true);
  s.apply(ev('eventfd2', 100, { initval: 0, flags: flags() }, { res: 10 }));
  assert.equal(s.fd(100, 10)?.type, 'event');
  s.apply(ev('inotify_init1', 100, {}, { res: 11 }));
  assert.equal(s.fd(100, 11)?.type, 'inotify');
  s.apply(ev('timerfd_create', 100, {}, { res: 12 }));
  assert.equal(s.fd(100, 12)?.type, 'timerfd');
  s.apply(ev('signalfd4', 100, { fd: -1 }, { res: 13 }));
  assert.equal(s.fd(100, 13)?.type, 'signalfd');
  s.apply(ev('close_range', 100, { fd: 10, max_fd: 12, flags: flags() }, { res: 0 }));
  s.apply(ev('getpid', 100, {}, { res: 100 }));
  assert.deepEqual(
    [...(s.process(100)?.fds.keys() ?? [])].sort((a, b) => a - b),
    [3, 4, 5, 6, 7, 8, 9, 13],
  );
});

test('cwd follows chdir/fchdir and the strace AT_FDCWD hint; paths resolve against it', () => {
  const s = shell();
  assert.equal(s.resolvePath(100, undefined, 'a/./b/../c'), '/srv/app/a/c');
  assert.equal(s.resolvePath(100, -100, '../../../../x'), '/x');
  assert.equal(s.resolvePath(100, undefined, '/etc/../etc//shadow'), '/etc/shadow');
  assert.equal(s.resolvePath(100, undefined, ''), '/srv/app');
  s.apply(ev('chdir', 100, { path: '../other' }, { res: 0 }));
  assert.equal(s.process(100)?.cwd, '/srv/other');
  s.apply(ev('chdir', 100, { path: '/missing' }, { res: -2, errno: 'ENOENT' }));
  assert.equal(s.process(100)?.cwd, '/srv/other');
  s.apply(ev('open', 100, { name: '/var/log', flags: flags('O_RDONLY', 'O_DIRECTORY') }, { res: 3 }));
  s.apply(ev('fchdir', 100, { fd: 3 }, { res: 0 }));
  assert.equal(s.process(100)?.cwd, '/var/log');
  assert.equal(s.resolvePath(100, 3, 'syslog'), '/var/log/syslog');
  assert.equal(s.resolvePath(100, undefined, 'x.log'), '/var/log/x.log');
  // strace prints AT_FDCWD</actual/cwd>: it refreshes the cwd even on a failed call.
  s.apply(ev('openat', 100, { dirfd: fdref(-100, '/home/u'), name: 'z', flags: flags('O_RDONLY') }, { res: -2 }));
  assert.equal(s.process(100)?.cwd, '/home/u');
  // An unknown base leaves the path relative (normalised).
  assert.equal(s.resolvePath(100, 42, './a/../b'), 'b');
  assert.equal(s.resolvePath(999, undefined, 'x/y'), 'x/y');
  // The child inherits the cwd; its chdir does not affect the parent.
  s.apply(ev('clone', 100, { flags: flags('SIGCHLD') }, { res: 101 }));
  s.apply(ev('chdir', 101, { path: '/tmp' }, { res: 0 }));
  assert.equal(s.process(101)?.cwd, '/tmp');
  assert.equal(s.process(100)?.cwd, '/home/u');
});

test('strace fd decorations teach the table about inherited or missed descriptors', () => {
  const s = shell();
  s.apply(ev('write', 100, { fd: fdref(1, '/dev/pts/0<char 136:0>'), size: 5 }, { res: 5 }));
  assert.equal(s.fd(100, 1)?.name, '/dev/pts/0');
  assert.equal(s.fd(100, 1)?.type, 'file');
  s.apply(ev('read', 100, { fd: fdref(0, 'pipe:[4242]') }, { res: 0 }));
  assert.equal(s.fd(100, 0)?.type, 'pipe');
  s.apply(ev('sendto', 100, { fd: fdref(5, 'TCP:[10.0.0.2:40000->93.184.216.34:443]') }, { res: 10 }));
  const sock = s.fd(100, 5);
  assert.equal(sock?.type, 'ipv4');
  assert.equal(sock?.l4proto, 'tcp');
  assert.deepEqual(sock?.local, { family: 'inet', ip: '10.0.0.2', port: 40000 });
  assert.deepEqual(sock?.remote, { family: 'inet', ip: '93.184.216.34', port: 443 });
  assert.equal(sock?.name, '10.0.0.2:40000->93.184.216.34:443');
  s.apply(ev('recvfrom', 100, { fd: fdref(6, 'UDPv6:[[::1]:5353->[::1]:53]') }, { res: 10 }));
  assert.equal(s.fd(100, 6)?.type, 'ipv6');
  assert.equal(s.fd(100, 6)?.l4proto, 'udp');
  assert.equal(s.fd(100, 6)?.name, '[::1]:5353->[::1]:53');
  s.apply(ev('read', 100, { fd: fdref(7, 'UNIX-STREAM:[1234->1235,"/run/dbus/system_bus_socket"]') }, { res: 1 }));
  assert.equal(s.fd(100, 7)?.type, 'unix');
  assert.equal(s.fd(100, 7)?.name, '/run/dbus/system_bus_socket');
  s.apply(ev('epoll_wait', 100, { fd: fdref(8, 'anon_inode:[eventpoll]') }, { res: 0 }));
  assert.equal(s.fd(100, 8)?.type, 'eventpoll');
  s.apply(ev('fstat', 100, { fd: fdref(9, '/memfd:jit (deleted)') }, { res: 0 }));
  assert.equal(s.fd(100, 9)?.type, 'memfd');
  assert.equal(s.fd(100, 9)?.name, 'memfd:jit');
  // A known file under a different path means a missed close: the decoration wins.
  s.apply(ev('read', 100, { fd: fdref(1, '/tmp/out') }, { res: 0 }));
  assert.equal(s.fd(100, 1)?.name, '/tmp/out');
  // …but a deleted file keeps the path it was opened with.
  s.apply(ev('read', 100, { fd: fdref(1, '/tmp/out (deleted)') }, { res: 0 }));
  assert.equal(s.fd(100, 1)?.name, '/tmp/out');
});

test('a fork copies the fd table: closes in the child do not touch the parent', () => {
  const s = shell();
  s.apply(ev('openat', 100, { dirfd: -100, name: 'a', flags: flags('O_RDONLY') }, { res: 3 }));
  s.apply(ev('fork', 100, {}, { res: 101 }));
  s.apply(ev('close', 101, { fd: 3 }, { res: 0 }));
  s.apply(ev('openat', 101, { dirfd: -100, name: 'b', flags: flags('O_RDONLY') }, { res: 4 }));
  assert.equal(s.fd(101, 3), undefined);
  assert.equal(s.fd(100, 3)?.name, '/srv/app/a');
  assert.equal(s.fd(100, 4), undefined);
  assert.equal(s.fd(101, 4)?.name, '/srv/app/b');
});
