import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, lineage, World } from './helpers.js';

test('proc.* of an execed process: name, exe, exepath, args, cmdline, ids, cwd', () => {
  const { w, sh } = lineage();
  const e = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('proc.name', e), 'sh');
  assert.equal(w.field('proc.exe', e), 'sh');
  assert.equal(w.field('proc.exepath', e), '/bin/sh');
  assert.equal(w.field('proc.args', e), '-c id');
  assert.equal(w.field('proc.cmdline', e), 'sh -c id');
  assert.equal(w.field('proc.exeline', e), 'sh -c id');
  assert.equal(w.field('proc.cmdnargs', e), 2);
  assert.equal(w.field('proc.cmdlenargs', e), 4);
  assert.equal(w.field('proc.pid', e), 300);
  assert.equal(w.field('proc.ppid', e), 200);
  assert.equal(w.field('proc.vpid', e), 300);
  assert.equal(w.field('proc.pvpid', e), 200);
  assert.equal(w.field('proc.cwd', e), '/');
  assert.equal(w.field('thread.tid', e), 300);
  assert.equal(w.field('thread.vtid', e), 300);
  assert.equal(w.field('thread.ismain', e), true);
  assert.equal(w.field('proc.nthreads', e), 1);
  assert.equal(w.field('proc.duration', e), e.ts - (w.state.process(300)?.startTs ?? 0n));
});

test('parent and ancestors: pname, pcmdline, pexe, aname[N], apid[N], unindexed aname', () => {
  const { w, sh } = lineage();
  const e = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('proc.pname', e), 'python3');
  assert.equal(w.field('proc.pcmdline', e), 'python3 app.py --port 8080');
  assert.equal(w.field('proc.pexe', e), 'python3');
  assert.equal(w.field('proc.pexepath', e), '/usr/bin/python3');
  assert.equal(w.field('proc.aname[0]', e), 'sh');
  assert.equal(w.field('proc.aname[1]', e), 'python3');
  assert.equal(w.field('proc.aname[2]', e), 'bash');
  assert.equal(w.field('proc.aname[3]', e), 'systemd');
  assert.equal(w.field('proc.aname[4]', e), undefined);
  assert.equal(w.field('proc.apid[2]', e), 100);
  assert.equal(w.field('proc.aexepath[2]', e), '/usr/bin/bash');
  assert.equal(w.field('proc.aexe[3]', e), '/sbin/init');
  assert.equal(w.field('proc.acmdline[2]', e), 'bash -l');
  assert.deepEqual(w.field('proc.aname', e), ['python3', 'bash', 'systemd']);
  assert.deepEqual(w.field('proc.apid', e), [200, 100, 1]);
});

test('proc.env and proc.env[VAR]', () => {
  const { w } = lineage();
  const e = w.apply(ev('getpid', 100, {}, 100));
  assert.equal(w.field('proc.env', e), 'HOME=/root TERM=xterm EMPTY=');
  assert.equal(w.field('proc.env[HOME]', e), '/root');
  assert.equal(w.field('proc.env[TERM]', e), 'xterm');
  assert.equal(w.field('proc.env[EMPTY]', e), '');
  assert.equal(w.field('proc.env[HOM]', e), undefined);
  assert.equal(w.field('proc.env[NOPE]', e), undefined);
  // python3 was exec'd without envp: it keeps the environment it inherited.
  const py = w.apply(ev('getpid', 200, {}, 200));
  assert.equal(w.field('proc.env[HOME]', py), '/root');
});

test('a pid with no known origin: its fields are undefined, not empty strings', () => {
  const w = new World();
  const e = w.apply(ev('getpid', 4242, {}, 4242));
  for (const f of [
    'proc.name',
    'proc.exe',
    'proc.exepath',
    'proc.cmdline',
    'proc.args',
    'proc.pname',
    'proc.ppid',
    'proc.aname[1]',
    'user.name',
    'user.uid',
    'proc.cwd',
    'proc.env',
    'proc.env[HOME]',
  ]) {
    assert.equal(w.field(f, e), undefined, f);
  }
  assert.equal(w.field('proc.pid', e), 4242);
  assert.deepEqual(w.field('proc.aname', e), []);
});

test('proc.is_exe_from_memfd: exec of /proc/self/fd/N over a memfd, fexecve, and a kernel /memfd: path', () => {
  const w = new World();
  w.state.seedProcess({
    pid: 500,
    ppid: 1,
    exe: 'loader',
    exePath: '/usr/bin/loader',
    name: 'loader',
    args: [],
    cwd: '/tmp',
  });
  const before = w.apply(ev('getpid', 500, {}, 500));
  assert.equal(w.field('proc.is_exe_from_memfd', before), false);
  w.apply(ev('memfd_create', 500, { name: 'x', flags: { names: [] } }, 5));
  const ex = w.apply(ev('execve', 500, { filename: '/proc/self/fd/5', argv: ['x'] }, 0));
  assert.equal(w.state.process(500)?.exePath, 'memfd:x');
  assert.equal(w.field('proc.is_exe_from_memfd', ex), true);

  const w2 = new World();
  w2.state.seedProcess({ pid: 600, ppid: 1, exe: 'a', exePath: '/usr/bin/a', name: 'a', args: [], cwd: '/' });
  const k = w2.apply(
    ev('execve', 600, { filename: '/proc/self/fd/3', exepath: '/memfd:payload (deleted)', argv: ['p'] }, 0),
  );
  assert.equal(w2.field('proc.is_exe_from_memfd', k), true);
});

test('host-only values: container.* and probes', () => {
  const { w, sh } = lineage();
  const e = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('container.id', e), 'host');
  assert.equal(w.field('container.name', e), 'host');
  assert.equal(w.field('container.privileged', e), false);
  assert.equal(w.field('container.image.repository', e), undefined);
  assert.equal(w.field('container.label[app]', e), undefined);
  assert.equal(w.field('k8s.ns.name', e), undefined);
  assert.equal(w.field('proc.is_container_healthcheck', e), false);
  assert.equal(w.field('proc.tty', e), undefined);
  assert.equal(w.field('thread.cap_permitted', e), undefined);
});

test('user.* and group.*: the effective ids, names from the host databases', () => {
  const { w, sh } = lineage();
  const e = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('user.uid', e), 0);
  assert.equal(w.field('user.name', e), 'root');
  assert.equal(w.field('group.gid', e), 0);
  assert.equal(w.field('group.name', e), 'root');
  assert.equal(w.field('user.homedir', e), '/root');
  assert.equal(typeof w.field('user.shell', e), 'string');
  assert.equal(w.field('user.loginuid', e), undefined);
  w.apply(ev('setresuid', sh, { ruid: 0, euid: 65534, suid: 0 }, 0));
  const after = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('user.uid', after), 65534);
});

test("proc.name, pname, aname and cmdline hold the kernel's 15-character comm, as in Falco", () => {
  const { w, sh } = lineage();
  w.apply(ev('clone', sh, { flags: { names: ['SIGCHLD'] } }, 400));
  w.apply(
    ev('execve', 400, { filename: '/usr/bin/update-alternatives', argv: ['update-alternatives', '--list', 'x'] }, 0),
  );
  w.apply(ev('clone', 400, { flags: { names: ['SIGCHLD'] } }, 500));
  const e = w.apply(ev('execve', 500, { filename: '/bin/true', argv: ['true'] }, 0));
  assert.equal(w.field('proc.pname', e), 'update-alternat');
  assert.equal(w.field('proc.aname[1]', e), 'update-alternat');
  assert.equal(w.field('proc.pcmdline', e), 'update-alternat --list x');
  assert.equal(w.field('proc.pexepath', e), '/usr/bin/update-alternatives', 'paths stay whole');
  assert.equal(w.field('proc.pexe', e), 'update-alternatives', 'argv[0] stays whole');
});
