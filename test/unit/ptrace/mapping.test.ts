/**
 * One strace line in, one event out: argument names (Falco's), value types, results, errno.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { one } from './helpers.js';

test('common fields: source, type, ts, pid/tid, res', () => {
  const e = one('close(3</etc/passwd>) = 0');
  assert.deepEqual(e, {
    ts: 1700000000_000000001n,
    source: 'ptrace',
    type: 'close',
    pid: 100,
    tid: 100,
    res: 0,
    args: { fd: { fd: 3, path: '/etc/passwd' } },
  });
});

test('openat: dirfd, name, flags, mode, res_fd', () => {
  const e = one('openat(AT_FDCWD</tmp/st>, "/tmp/new", O_WRONLY|O_CREAT|O_TRUNC, 0640) = 3</tmp/new>');
  assert.deepEqual(e.args, {
    dirfd: { fd: -100, path: '/tmp/st' },
    name: '/tmp/new',
    flags: { names: ['O_WRONLY', 'O_CREAT', 'O_TRUNC'] },
    mode: 0o640,
    res_fd: { fd: 3, path: '/tmp/new' },
  });
  assert.equal(e.res, 3);
});

test('failed calls: res is -errno, errno is the name', () => {
  const e = one('openat(AT_FDCWD</tmp>, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)');
  assert.equal(e.res, -2);
  assert.equal(e.errno, 'ENOENT');
  assert.equal(e.args.res_fd, undefined);
});

test('open, openat2, creat', () => {
  assert.deepEqual(one('open("/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>').args, {
    name: '/etc/passwd',
    flags: { names: ['O_RDONLY', 'O_CLOEXEC'] },
    res_fd: { fd: 3, path: '/etc/passwd' },
  });
  assert.deepEqual(
    one(
      'openat2(AT_FDCWD</r>, "/etc/shadow", {flags=O_RDONLY|O_CLOEXEC, mode=0, resolve=RESOLVE_NO_SYMLINKS}, 24) = -1 EACCES (Permission denied)',
    ).args,
    {
      dirfd: { fd: -100, path: '/r' },
      name: '/etc/shadow',
      flags: { names: ['O_RDONLY', 'O_CLOEXEC'] },
      mode: 0,
      resolve: { names: ['RESOLVE_NO_SYMLINKS'] },
    },
  );
  assert.deepEqual(one('creat("/tmp/c", 0600) = 4</tmp/c>').args, {
    name: '/tmp/c',
    mode: 0o600,
    res_fd: { fd: 4, path: '/tmp/c' },
  });
});

test('execve: filename, argv, envp; truncated strings and arrays are flagged', () => {
  const e = one('execve("/usr/bin/true", ["true", "x y"], ["PATH=/usr/bin", "A=\\"q\\""]) = 0');
  assert.deepEqual(e.args, { filename: '/usr/bin/true', argv: ['true', 'x y'], envp: ['PATH=/usr/bin', 'A="q"'] });
  assert.equal(e.truncated, undefined);
  const t = one('execve("/bin/echo", ["echo", "aaaa"...], ["A=1", ...]) = 0');
  assert.deepEqual(t.args.argv, ['echo', 'aaaa']);
  assert.deepEqual(t.args.envp, ['A=1']);
  assert.equal(t.truncated, true);
  const v = one('execve("/bin/x", ["x"], 0x7ffd0c6670d8 /* 39 vars */) = 0');
  assert.deepEqual(v.args, { filename: '/bin/x', argv: ['x'] });
  assert.deepEqual(
    one('execveat(3</usr/bin>, "env", ["env"], [], AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)').args,
    {
      dirfd: { fd: 3, path: '/usr/bin' },
      filename: 'env',
      argv: ['env'],
      envp: [],
      flags: { names: ['AT_SYMLINK_NOFOLLOW'] },
    },
  );
});

test('network: socket, connect, bind, listen, accept, accept4, sendto, sendmsg', () => {
  assert.deepEqual(one('socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3<TCPv6:[99]>').args, {
    domain: 'AF_INET6',
    type: 'SOCK_STREAM|SOCK_CLOEXEC',
    proto: 'IPPROTO_TCP',
    res_fd: { fd: 3, path: 'TCPv6:[99]' },
  });
  const c = one(
    'connect(3<TCP:[6599]>, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
  );
  assert.deepEqual(c.args, {
    fd: { fd: 3, path: 'TCP:[6599]' },
    addr: { family: 'inet', ip: '127.0.0.1', port: 9 },
    addrlen: 16,
  });
  assert.equal(c.res, -111);
  assert.deepEqual(one('bind(4<UNIX-STREAM:[1]>, {sa_family=AF_UNIX, sun_path=@"abs"}, 6) = 0').args, {
    fd: { fd: 4, path: 'UNIX-STREAM:[1]' },
    addr: { family: 'unix', path: 'abs', abstract: true },
    addrlen: 6,
  });
  assert.deepEqual(one('listen(3<TCP:[127.0.0.1:80]>, 511) = 0').args, {
    fd: { fd: 3, path: 'TCP:[127.0.0.1:80]' },
    backlog: 511,
  });
  assert.deepEqual(one('accept(3<TCP:[127.0.0.1:80]>, NULL, NULL) = 4<TCP:[127.0.0.1:80->127.0.0.1:5000]>').args, {
    fd: { fd: 3, path: 'TCP:[127.0.0.1:80]' },
    addr: null,
    res_fd: { fd: 4, path: 'TCP:[127.0.0.1:80->127.0.0.1:5000]' },
  });
  assert.deepEqual(
    one(
      'accept4(7<TCP:[127.0.0.1:80]>, {sa_family=AF_INET6, sin6_port=htons(5000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, [28], SOCK_CLOEXEC) = 9<TCPv6:[1]>',
    ).args,
    {
      fd: { fd: 7, path: 'TCP:[127.0.0.1:80]' },
      addr: { family: 'inet6', ip: '::1', port: 5000 },
      flags: { names: ['SOCK_CLOEXEC'] },
      res_fd: { fd: 9, path: 'TCPv6:[1]' },
    },
  );
  assert.deepEqual(
    one(
      'sendto(8<UDP:[1]>, "q\\1\\n", 3, MSG_DONTWAIT, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16) = 3',
    ).args,
    {
      fd: { fd: 8, path: 'UDP:[1]' },
      data: 'q\x01\n',
      size: 3,
      flags: { names: ['MSG_DONTWAIT'] },
      addr: { family: 'inet', ip: '10.0.0.1', port: 53 },
    },
  );
  assert.deepEqual(
    one(
      'sendmsg(5<UDP:[2]>, {msg_name={sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr("192.0.2.1")}, msg_namelen=16, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1',
    ).args,
    {
      fd: { fd: 5, path: 'UDP:[2]' },
      addr: { family: 'inet', ip: '192.0.2.1', port: 123 },
      flags: { names: [], value: 0 },
    },
  );
});

test('pipes and socketpairs: fd1/fd2 and fds', () => {
  assert.deepEqual(one('pipe2([3<pipe:[41590]>, 4<pipe:[41590]>], O_CLOEXEC) = 0').args, {
    fd1: { fd: 3, path: 'pipe:[41590]' },
    fd2: { fd: 4, path: 'pipe:[41590]' },
    fds: ['3<pipe:[41590]>', '4<pipe:[41590]>'],
    flags: { names: ['O_CLOEXEC'] },
  });
  assert.deepEqual(one('pipe([5, 6]) = 0').args, { fd1: { fd: 5 }, fd2: { fd: 6 }, fds: ['5', '6'] });
  assert.deepEqual(
    one('socketpair(AF_UNIX, SOCK_DGRAM, 0, [7<UNIX:[34287->34288]>, 8<UNIX:[34288->34287]>]) = 0').args,
    {
      domain: 'AF_UNIX',
      type: 'SOCK_DGRAM',
      proto: '0',
      fd1: { fd: 7, path: 'UNIX:[34287->34288]' },
      fd2: { fd: 8, path: 'UNIX:[34288->34287]' },
      fds: ['7<UNIX:[34287->34288]>', '8<UNIX:[34288->34287]>'],
    },
  );
});

test('descriptors: dup, dup2, dup3, fcntl', () => {
  assert.deepEqual(one('dup(3</x>) = 4</x>').args, { fd: { fd: 3, path: '/x' }, res_fd: { fd: 4, path: '/x' } });
  assert.deepEqual(one('dup2(3</x>, 1</dev/null<char 1:3>>) = 1</x>').args, {
    fd: { fd: 3, path: '/x' },
    newfd: { fd: 1, path: '/dev/null' },
    res_fd: { fd: 1, path: '/x' },
  });
  assert.deepEqual(one('dup3(3</x>, 9, O_CLOEXEC) = 9</x>').args, {
    fd: { fd: 3, path: '/x' },
    newfd: { fd: 9 },
    flags: { names: ['O_CLOEXEC'] },
    res_fd: { fd: 9, path: '/x' },
  });
  assert.deepEqual(one('fcntl(11</x>, F_SETFD, FD_CLOEXEC) = 0').args, {
    fd: { fd: 11, path: '/x' },
    cmd: 'F_SETFD',
    arg: 'FD_CLOEXEC',
  });
});

test('filesystem changes', () => {
  assert.deepEqual(one('rename("/a", "/b") = 0').args, { oldpath: '/a', newpath: '/b' });
  assert.deepEqual(one('renameat(3</d>, "b", AT_FDCWD</w>, "/c") = 0').args, {
    olddirfd: { fd: 3, path: '/d' },
    oldpath: 'b',
    newdirfd: { fd: -100, path: '/w' },
    newpath: '/c',
  });
  assert.deepEqual(one('renameat2(AT_FDCWD</w>, "a", AT_FDCWD</w>, "b", RENAME_NOREPLACE) = 0').args, {
    olddirfd: { fd: -100, path: '/w' },
    oldpath: 'a',
    newdirfd: { fd: -100, path: '/w' },
    newpath: 'b',
    flags: { names: ['RENAME_NOREPLACE'] },
  });
  assert.deepEqual(one('unlink("/x") = 0').args, { path: '/x' });
  assert.deepEqual(one('unlinkat(3</d>, "soft", AT_REMOVEDIR) = 0').args, {
    dirfd: { fd: 3, path: '/d' },
    path: 'soft',
    flags: { names: ['AT_REMOVEDIR'] },
  });
  assert.deepEqual(one('rmdir("/d") = 0').args, { path: '/d' });
  assert.deepEqual(one('mkdir("/d", 0755) = 0').args, { path: '/d', mode: 0o755 });
  assert.deepEqual(one('mkdirat(AT_FDCWD</w>, "d", 0700) = 0').args, {
    dirfd: { fd: -100, path: '/w' },
    path: 'd',
    mode: 0o700,
  });
  assert.deepEqual(one('chdir("/tmp") = 0').args, { path: '/tmp' });
  assert.deepEqual(one('fchdir(3</d>) = 0').args, { fd: { fd: 3, path: '/d' } });
  assert.deepEqual(one('link("/a", "/b") = 0').args, { oldpath: '/a', newpath: '/b' });
  assert.deepEqual(one('linkat(AT_FDCWD</w>, "a", AT_FDCWD</w>, "b", 0) = 0').args, {
    olddirfd: { fd: -100, path: '/w' },
    oldpath: 'a',
    newdirfd: { fd: -100, path: '/w' },
    newpath: 'b',
    flags: { names: [], value: 0 },
  });
  assert.deepEqual(one('symlink("c.txt", "/d/soft") = 0').args, { target: 'c.txt', linkpath: '/d/soft' });
  assert.deepEqual(one('symlinkat("/etc/shadow", 3</d>, "s") = 0').args, {
    target: '/etc/shadow',
    linkdirfd: { fd: 3, path: '/d' },
    linkpath: 's',
  });
  assert.deepEqual(one('chmod("/x", 04755) = 0').args, { path: '/x', mode: 0o4755 });
  assert.deepEqual(one('fchmod(3</x>, 0600) = 0').args, { fd: { fd: 3, path: '/x' }, mode: 0o600 });
  assert.deepEqual(one('fchmodat(AT_FDCWD</w>, "x", 0777) = 0').args, {
    dirfd: { fd: -100, path: '/w' },
    path: 'x',
    mode: 0o777,
  });
  assert.deepEqual(one('chown("/x", 0, 0) = 0').args, { path: '/x', uid: 0, gid: 0 });
  assert.deepEqual(one('lchown("/x", -1, 5) = 0').args, { path: '/x', uid: -1, gid: 5 });
  assert.deepEqual(one('fchown(3</x>, 1000, 1000) = 0').args, { fd: { fd: 3, path: '/x' }, uid: 1000, gid: 1000 });
  assert.deepEqual(one('fchownat(AT_FDCWD</w>, "x", 0, 0, AT_SYMLINK_NOFOLLOW) = 0').args, {
    dirfd: { fd: -100, path: '/w' },
    path: 'x',
    uid: 0,
    gid: 0,
    flags: { names: ['AT_SYMLINK_NOFOLLOW'] },
  });
});

test('credentials', () => {
  assert.deepEqual(one('setuid(0)    = 0').args, { uid: 0 });
  assert.deepEqual(one('setgid(100) = -1 EPERM (Operation not permitted)').args, { gid: 100 });
  assert.deepEqual(one('setreuid(-1, 0) = 0').args, { ruid: -1, euid: 0 });
  assert.deepEqual(one('setregid(1, 2) = 0').args, { rgid: 1, egid: 2 });
  assert.deepEqual(one('setresuid(0, 0, 0) = 0').args, { ruid: 0, euid: 0, suid: 0 });
  assert.deepEqual(one('setresgid(0, 0, 0) = 0').args, { rgid: 0, egid: 0, sgid: 0 });
});

test('processes: clone flags, fork, vfork, exit', () => {
  const c = one(
    'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1ca08a4a10) = 2478',
  );
  assert.deepEqual(c.args, { flags: { names: ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD'] } });
  assert.equal(c.res, 2478);
  const c3 = one(
    'clone3({flags=CLONE_VM|CLONE_THREAD, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff80, tls=0x7f} => {parent_tid=[123]}, 88) = 123',
  );
  assert.deepEqual(c3.args, { flags: { names: ['CLONE_VM', 'CLONE_THREAD'] } });
  assert.equal(c3.res, 123);
  assert.deepEqual(one('fork() = 5').args, { flags: { names: [] } });
  assert.deepEqual(one('vfork() = 6').args, { flags: { names: ['CLONE_VM', 'CLONE_VFORK'] } });
  const x = one('exit_group(3) = ?');
  assert.deepEqual(x.args, { status: 3 });
  assert.equal('res' in x, false);
  assert.deepEqual(one('exit(0)      = ?').args, { status: 0 });
});

test('ptrace, memfd_create, modules, signals sent', () => {
  assert.deepEqual(one('ptrace(PTRACE_ATTACH, 1234) = 0').args, { request: 'PTRACE_ATTACH', pid: 1234 });
  assert.deepEqual(one('ptrace(PTRACE_TRACEME) = -1 EPERM (Operation not permitted)').args, {
    request: 'PTRACE_TRACEME',
  });
  assert.deepEqual(one('memfd_create("harrier\\tfx", MFD_CLOEXEC) = 7</memfd:harrier\\tfx>(deleted)').args, {
    name: 'harrier\tfx',
    flags: { names: ['MFD_CLOEXEC'] },
    res_fd: { fd: 7, path: '/memfd:harrier\tfx (deleted)' },
  });
  assert.deepEqual(one('finit_module(3</m.ko>, "debug=1", 0) = -1 EPERM (Operation not permitted)').args, {
    fd: { fd: 3, path: '/m.ko' },
    uargs: 'debug=1',
    flags: { names: [], value: 0 },
  });
  assert.deepEqual(one('init_module(0x7f00, 4096, "") = -1 EPERM (Operation not permitted)').args, {
    len: 4096,
    uargs: '',
  });
  assert.deepEqual(one('kill(8763, SIGTERM) = 0').args, { pid: 8763, sig: 'SIGTERM' });
  assert.deepEqual(one('kill(8763, 0) = 0').args, { pid: 8763, sig: '0' });
  assert.deepEqual(one('tgkill(10, 11, SIGKILL) = ?').args, { pid: 10, tid: 11, sig: 'SIGKILL' });
});

test('other syscalls keep positional arguments', () => {
  assert.deepEqual(one('read(3</etc/passwd>, "root:x:0:0"..., 4096) = 4096').args, {
    arg0: { fd: 3, path: '/etc/passwd' },
    arg1: 'root:x:0:0',
    arg2: 4096,
  });
  assert.deepEqual(
    one('getsockname(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("0.0.0.0")}, [16]) = 0').args,
    {
      arg0: 3,
      arg1: { family: 'inet', ip: '0.0.0.0', port: 80 },
      arg2: '[16]',
    },
  );
  assert.deepEqual(one('wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 3802').args, {
    arg0: -1,
    arg1: '[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]',
    arg2: 0,
    arg3: null,
  });
});

test('signals delivered and process ends', () => {
  assert.deepEqual(
    one(
      '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2478, si_uid=0, si_status=0, si_utime=0, si_stime=1 /* 0.01 s */} ---',
    ),
    {
      ts: 1700000000_000000001n,
      source: 'ptrace',
      type: 'signal',
      pid: 100,
      tid: 100,
      args: { sig: 'SIGCHLD', code: 'CLD_EXITED', from_pid: 2478 },
    },
  );
  assert.deepEqual(one('--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---').args, {
    sig: 'SIGSEGV',
    code: 'SEGV_MAPERR',
  });
  assert.deepEqual(one('+++ exited with 3 +++').args, { status: 3 });
  assert.equal(one('+++ exited with 3 +++').type, 'procexit');
  assert.deepEqual(one('+++ killed by SIGKILL +++').args, { signal: 'SIGKILL', core: false });
  assert.deepEqual(one('+++ killed by SIGSEGV (core dumped) +++').args, { signal: 'SIGSEGV', core: true });
});
