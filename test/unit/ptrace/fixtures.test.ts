/**
 * Real strace output (test/fixtures/strace, see capture.sh there) parsed end to end. The
 * expected values are read off the captured text; regenerating the fixtures changes pids, ports
 * and inodes, and these tests with them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../../src/events/event.js';
import { byType, fixture, parse } from './helpers.js';

function only(events: Event[], pred: (e: Event) => boolean, what: string): Event {
  const found = events.filter(pred);
  assert.equal(found.length, 1, `exactly one ${what}`);
  return found[0] as Event;
}

/** Every complete line is one event, every unfinished/resumed pair one event, non-leader exits none. */
function structure(name: string): { lines: number; unfinished: number } {
  const text = fixture(name).toString('latin1');
  const lines = text.split('\n').filter((l) => l.length > 0);
  return { lines: lines.length, unfinished: lines.filter((l) => l.endsWith('<unfinished ...>')).length };
}

test('shell pipeline: processes, pipes, execs, a failed exec, exit status', () => {
  const { events, parser } = parse(fixture('shell-pipeline.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  const s = structure('shell-pipeline.txt');
  assert.equal(events.length, s.lines - s.unfinished);
  assert.equal(parser.rootTid, 25068);
  assert.deepEqual(parser.rootEnd, { kind: 'exited', code: 7 });

  const sh = events[0] as Event;
  assert.equal(sh.type, 'execve');
  assert.equal(sh.ts, 1795474443_671329432n);
  assert.deepEqual(sh.args, {
    filename: '/bin/sh',
    argv: ['/bin/sh', '-c', 'cat /etc/passwd | grep -c root > /tmp/harrier-fx/count; /nonexistent/cmd; exit 7'],
    envp: ['PATH=/usr/bin:/bin', 'HOME=/root', 'LANG=C'],
  });

  assert.deepEqual(only(events, (e) => e.type === 'pipe2', 'pipe2').args.fds, ['3<pipe:[83139]>', '4<pipe:[83139]>']);
  assert.deepEqual(
    byType(events, 'clone').map((e) => [e.pid, e.res]),
    [
      [25068, 25069],
      [25068, 25070],
    ],
  );

  // cat's execve was split across an unfinished/resumed pair; it keeps its entry time.
  const cat = only(events, (e) => e.type === 'execve' && e.args.filename === '/usr/bin/cat', 'cat execve');
  assert.deepEqual([cat.pid, cat.tid, cat.res, cat.ts], [25069, 25069, 0, 1795474443_679721707n]);
  assert.deepEqual(cat.args.argv, ['cat', '/etc/passwd']);
  assert.deepEqual(cat.args.envp, ['HOME=/root', 'PATH=/usr/bin:/bin', 'LANG=C', 'PWD=/tmp/harrier-fx']);
  const grep = only(events, (e) => e.args.filename === '/usr/bin/grep', 'grep execve');
  assert.deepEqual([grep.pid, grep.res, grep.args.argv], [25070, 0, ['grep', '-c', 'root']]);

  const out = only(events, (e) => e.type === 'openat' && e.args.name === '/tmp/harrier-fx/count', 'redirect');
  assert.deepEqual(out.args, {
    dirfd: { fd: -100, path: '/tmp/harrier-fx' },
    name: '/tmp/harrier-fx/count',
    flags: { names: ['O_WRONLY', 'O_CREAT', 'O_TRUNC'] },
    mode: 0o666,
    res_fd: { fd: 3, path: '/tmp/harrier-fx/count' },
  });
  assert.equal(out.pid, 25070);

  const dup = only(events, (e) => e.type === 'dup2' && e.pid === 25069, "cat's dup2");
  assert.deepEqual(dup.args, {
    fd: { fd: 4, path: 'pipe:[83139]' },
    newfd: { fd: 1, path: '/dev/null' },
    res_fd: { fd: 1, path: 'pipe:[83139]' },
  });
  const badClose = only(events, (e) => e.type === 'close' && e.res === -9, 'close(-1)');
  assert.deepEqual([badClose.pid, badClose.errno, badClose.args.fd], [25068, 'EBADF', { fd: -1 }]);

  // The vfork child's failed exec is printed before vfork returns.
  const failed = only(events, (e) => e.args.filename === '/nonexistent/cmd', 'failed exec');
  assert.deepEqual([failed.pid, failed.res, failed.errno], [25071, -2, 'ENOENT']);
  const vfork = only(events, (e) => e.type === 'vfork', 'vfork');
  assert.equal(vfork.res, 25071);
  assert.ok(events.indexOf(failed) < events.indexOf(vfork));

  assert.deepEqual(
    byType(events, 'procexit').map((e) => [e.pid, e.args.status]),
    [
      [25069, 0],
      [25070, 0],
      [25071, 127],
      [25068, 7],
    ],
  );
  assert.deepEqual(
    byType(events, 'signal').map((e) => [e.pid, e.args.sig, e.args.code, e.args.from_pid]),
    [
      [25068, 'SIGCHLD', 'CLD_EXITED', 25069],
      [25068, 'SIGCHLD', 'CLD_EXITED', 25070],
      [25068, 'SIGCHLD', 'CLD_EXITED', 25071],
    ],
  );
});

test('file, descriptor, network and credential calls of one C program', () => {
  const { events, parser } = parse(fixture('fileops.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  assert.deepEqual(parser.rootEnd, { kind: 'exited', code: 3 });
  assert.ok(events.every((e) => e.pid === (e.tid === 25077 ? 25077 : 25076)));
  const find = (type: string, pred: (e: Event) => boolean = () => true): Event =>
    only(events, (e) => e.type === type && pred(e), type);

  assert.deepEqual(find('mkdir').args, { path: '/tmp/harrier-fx/d', mode: 0o755 });
  assert.deepEqual(find('rename').args, { oldpath: '/tmp/harrier-fx/d/a.txt', newpath: '/tmp/harrier-fx/d/b.txt' });
  assert.deepEqual(find('renameat').args, {
    olddirfd: { fd: 3, path: '/tmp/harrier-fx/d' },
    oldpath: 'b.txt',
    newdirfd: { fd: -100, path: '/tmp/harrier-fx' },
    newpath: '/tmp/harrier-fx/d/c.txt',
  });
  assert.deepEqual(find('link').args, { oldpath: '/tmp/harrier-fx/d/c.txt', newpath: '/tmp/harrier-fx/d/hard' });
  assert.deepEqual(find('symlink').args, { target: 'c.txt', linkpath: '/tmp/harrier-fx/d/soft' });
  assert.deepEqual(find('chmod').args, { path: '/tmp/harrier-fx/d/c.txt', mode: 0o4755 });
  assert.deepEqual(find('fchmodat').args, { dirfd: { fd: 3, path: '/tmp/harrier-fx/d' }, path: 'c.txt', mode: 0o600 });
  assert.deepEqual(find('chown').args, { path: '/tmp/harrier-fx/d/c.txt', uid: 0, gid: 0 });
  assert.deepEqual(find('fchdir').args, { fd: { fd: 3, path: '/tmp/harrier-fx/d' } });
  assert.deepEqual(find('unlinkat').args, {
    dirfd: { fd: 3, path: '/tmp/harrier-fx/d' },
    path: 'soft',
    flags: { names: [], value: 0 },
  });
  assert.deepEqual(
    byType(events, 'unlink').map((e) => e.args.path),
    ['/tmp/harrier-fx/d/hard', '/tmp/harrier-fx/d/c.txt', '/tmp/harrier-fx/created'],
  );
  const missing = find('openat', (e) => e.args.name === '/tmp/harrier-fx/missing');
  assert.deepEqual([missing.res, missing.errno], [-2, 'ENOENT']);
  assert.deepEqual(find('creat').res, 4);

  assert.deepEqual(find('pipe2').args, {
    fd1: { fd: 5, path: 'pipe:[83142]' },
    fd2: { fd: 6, path: 'pipe:[83142]' },
    fds: ['5<pipe:[83142]>', '6<pipe:[83142]>'],
    flags: { names: ['O_CLOEXEC'] },
  });
  assert.deepEqual([find('dup2').res, find('dup3').res, find('fcntl').res], [42, 43, 50]);
  assert.deepEqual(find('memfd_create').args, {
    name: 'harrier\tfx',
    flags: { names: ['MFD_CLOEXEC'] },
    res_fd: { fd: 7, path: '/memfd:harrier\tfx (deleted)' },
  });

  const tcpConnect = find('connect', (e) => e.res === 0 && (e.args.fd as { fd: number }).fd === 8);
  assert.deepEqual(tcpConnect.args.addr, { family: 'inet', ip: '127.0.0.1', port: 49155 });
  assert.deepEqual(find('listen', (e) => e.args.backlog === 8).args.fd, { fd: 7, path: 'TCP:[127.0.0.1:49155]' });
  const acc = find('accept4');
  assert.deepEqual(acc.args.addr, { family: 'inet', ip: '127.0.0.1', port: 46696 });
  assert.deepEqual(acc.args.res_fd, { fd: 9, path: 'TCP:[127.0.0.1:49155->127.0.0.1:46696]' });
  assert.deepEqual(find('sendto').args, {
    fd: { fd: 8, path: 'UDP:[83146]' },
    data: 'q\x01\n',
    size: 3,
    flags: { names: ['MSG_DONTWAIT'] },
    addr: { family: 'inet', ip: '10.11.12.13', port: 53 },
  });
  const v6 = find('connect', (e) => e.errno === 'ECONNREFUSED');
  assert.deepEqual([v6.res, v6.args.addr], [-111, { family: 'inet6', ip: '::1', port: 9 }]);
  const unix = find('connect', (e) => e.errno === 'ENOENT');
  assert.deepEqual(unix.args.addr, { family: 'unix', path: '/run/harrier-missing.sock' });
  assert.deepEqual(find('bind', (e) => e.args.addrlen === 13).args.addr, {
    family: 'unix',
    path: 'harrier-fx',
    abstract: true,
  });
  assert.deepEqual(find('listen', (e) => e.args.backlog === 4).args.fd, {
    fd: 12,
    path: 'UNIX-STREAM:[83149,@"harrier-fx"]',
  });
  assert.deepEqual(find('socketpair').args.fds, ['14<UNIX:[83151->83152]>', '15<UNIX:[83152->83151]>']);
  assert.deepEqual(find('setuid').args, { uid: 0 });
  assert.deepEqual(find('setresgid').args, { rgid: 0, egid: 0, sgid: 0 });
  assert.deepEqual(find('kill').args, { pid: 25076, sig: '0' });

  assert.equal(find('clone').res, 25077);
  assert.deepEqual(
    byType(events, 'execve')
      .filter((e) => e.pid === 25077)
      .map((e) => [e.args.filename, e.args.argv, e.args.envp, e.res, e.errno]),
    [
      ['/nonexistent/true', ['true', 'x y', 'q"uote'], ['A=1', 'PATH=/usr/bin:/bin'], -2, 'ENOENT'],
      ['/bin/true', ['true', 'x y', 'q"uote'], ['A=1', 'PATH=/usr/bin:/bin'], 0, undefined],
    ],
  );
});

test('threads: real interleavings, one thread group, a call cut by exit_group', () => {
  const { events, parser } = parse(fixture('threads.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  const s = structure('threads.txt');
  // Four non-leader thread exits produce no event.
  assert.equal(events.length, s.lines - s.unfinished - 4);
  assert.ok(
    events.every((e) => e.pid === 25082),
    'every thread maps to the process',
  );
  assert.deepEqual([...new Set(events.map((e) => e.tid))].sort(), [25082, 25083, 25084, 25085, 25086]);
  assert.deepEqual(
    byType(events, 'clone3').map((e) => [e.res, (e.args.flags as { names: string[] }).names.includes('CLONE_THREAD')]),
    [
      [25083, true],
      [25084, true],
      [25085, true],
      [25086, true],
    ],
  );
  const fifo = only(events, (e) => e.type === 'openat' && e.tid === 25084, 'fifo open');
  assert.deepEqual([fifo.res, fifo.ts, fifo.args.flags], [5, 1795474443_765583819n, { names: ['O_RDONLY'] }]);
  assert.deepEqual(
    byType(events, 'accept')
      .filter((e) => e.tid === 25083)
      .map((e) => (e.args.res_fd as { path: string }).path),
    [
      'TCP:[127.0.0.1:34049->127.0.0.1:45274]',
      'TCP:[127.0.0.1:34049->127.0.0.1:45284]',
      'TCP:[127.0.0.1:34049->127.0.0.1:45296]',
    ],
  );
  const cut = only(events, (e) => e.type === 'accept' && e.tid === 25086, 'accept cut by exit_group');
  assert.equal('res' in cut, false);
  assert.deepEqual(
    byType(events, 'procexit').map((e) => [e.pid, e.tid, e.args.status]),
    [[25082, 25082, 5]],
  );
  assert.deepEqual(parser.rootEnd, { kind: 'exited', code: 5 });
});

test('thread burst: a thread that prints before its clone3 returns is still in the group', () => {
  const { events, parser } = parse(fixture('thread-burst.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  assert.equal(parser.rootTid, 25540);
  assert.ok(events.every((e) => e.pid === 25540));
  const clones = byType(events, 'clone3').map((e) => e.res);
  assert.deepEqual(
    clones,
    Array.from({ length: 16 }, (_, i) => 25541 + i),
  );
  // 25542's close(-1) is printed while the clone3 that creates it is still unfinished, and that
  // clone3 shows parent_tid=[0]: its result is the child.
  const early = only(events, (e) => e.type === 'close' && e.tid === 25542, 'early close');
  assert.deepEqual([early.pid, early.res, early.errno], [25540, -9, 'EBADF']);
  assert.ok(events.indexOf(early) < events.findIndex((e) => e.type === 'clone3' && e.res === 25542));
  assert.equal(byType(events, 'close').filter((e) => e.tid !== 25540).length, 16);
  assert.equal(byType(events, 'procexit').length, 1);
});

test('clone3 printed as = 1 by strace still maps its thread', () => {
  const { events, parser } = parse(fixture('clone3-result-quirk.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  assert.deepEqual(
    byType(events, 'clone3').map((e) => e.res),
    [10086, 10087, 10088, 10089],
  );
  assert.ok(events.every((e) => e.pid === 10085));
  assert.deepEqual(
    byType(events, 'accept')
      .filter((e) => e.tid === 10086)
      .map((e) => e.res),
    [4, 4, 4],
  );
});

test('signals: core dump, SIGTERM from a sibling, a child killed mid-call, self-SIGKILL', () => {
  const { events, parser } = parse(fixture('signals.txt'));
  assert.equal(parser.counters.parseErrors, 0);
  assert.deepEqual(
    events.filter((e) => e.type === 'signal' || e.type === 'procexit').map((e) => [e.type, e.pid, e.args]),
    [
      ['signal', 25092, { sig: 'SIGSEGV', code: 'SEGV_MAPERR' }],
      ['procexit', 25092, { signal: 'SIGSEGV', core: true }],
      ['signal', 25091, { sig: 'SIGCHLD', code: 'CLD_DUMPED', from_pid: 25092 }],
      ['signal', 25093, { sig: 'SIGTERM', code: 'SI_USER', from_pid: 25091 }],
      ['procexit', 25093, { signal: 'SIGTERM', core: false }],
      ['signal', 25091, { sig: 'SIGCHLD', code: 'CLD_KILLED', from_pid: 25093 }],
      ['procexit', 25094, { signal: 'SIGKILL', core: false }],
      ['signal', 25091, { sig: 'SIGCHLD', code: 'CLD_KILLED', from_pid: 25094 }],
      ['procexit', 25091, { signal: 'SIGKILL', core: false }],
    ],
  );
  assert.deepEqual(
    byType(events, 'kill').map((e) => e.args),
    [
      { pid: 25093, sig: 'SIGTERM' },
      { pid: 25094, sig: 'SIGKILL' },
    ],
  );
  const blocked = only(events, (e) => e.type === 'openat' && e.pid === 25094, 'blocked open');
  assert.equal(blocked.args.name, '/tmp/harrier-fx/sigfifo');
  assert.equal('res' in blocked, false);
  const tgkill = only(events, (e) => e.type === 'tgkill', 'tgkill');
  assert.deepEqual([tgkill.args, 'res' in tgkill], [{ pid: 25091, tid: 25091, sig: 'SIGKILL' }, false]);
  assert.deepEqual(parser.rootEnd, { kind: 'killed', signal: 'SIGKILL', core: false });
});
