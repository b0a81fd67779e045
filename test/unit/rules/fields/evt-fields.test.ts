import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { ev, lineage, World } from './helpers.js';

test('evt.* basics: type, dir, times, source, hostname, category', () => {
  const w = new World();
  const e = w.apply(ev('openat', 7, { dirfd: { fd: -100 }, name: '/x', flags: { names: ['O_RDONLY'] }, mode: 0 }, 3));
  e.ts = 1_795_990_317_695_030_192n;
  assert.equal(w.field('evt.type', e), 'openat');
  assert.equal(w.field('evt.dir', e), '<');
  assert.equal(w.field('evt.rawtime', e), 1_795_990_317_695_030_192n);
  assert.equal(w.field('evt.rawtime.s', e), 1_795_990_317n);
  assert.equal(w.field('evt.rawtime.ns', e), 695_030_192n);
  assert.equal(w.field('evt.time', e), '22:11:57.695030192');
  assert.equal(w.field('evt.time.s', e), '22:11:57');
  assert.equal(w.field('evt.time.iso8601', e), '2026-11-29T22:11:57.695030192Z');
  assert.equal(w.field('evt.datetime', e), '2026-11-29 22:11:57.695030192');
  assert.equal(w.field('evt.datetime.s', e), '2026-11-29 22:11:57');
  assert.equal(w.field('evt.source', e), 'syscall');
  assert.equal(w.field('evt.hostname', e), hostname());
  assert.equal(w.field('evt.category', e), 'file');
  assert.equal(w.field('evt.num', e), undefined);
  assert.equal(w.field('evt.pluginname', e), undefined);
});

test('evt.res/rawres/failed: SUCCESS for any non-negative result, nothing when the call never returned', () => {
  const { w, sh } = lineage();
  const ok = w.apply(ev('read', sh, { fd: { fd: 0 } }, 12));
  assert.equal(w.field('evt.res', ok), 'SUCCESS');
  assert.equal(w.field('evt.rawres', ok), 12);
  assert.equal(w.field('evt.failed', ok), false);
  const exit = w.apply(ev('exit_group', sh, { status: 0 }));
  assert.equal(w.field('evt.res', exit), undefined);
  assert.equal(w.field('evt.rawres', exit), undefined);
  assert.equal(w.field('evt.failed', exit), false);
});

test('evt.arg.NAME, evt.arg[N], evt.rawarg.NAME, evt.args', () => {
  const { w, sh } = lineage();
  const e = w.apply(
    ev(
      'openat',
      sh,
      {
        dirfd: { fd: -100 },
        name: '/etc/hosts',
        flags: { names: ['O_RDONLY', 'O_CLOEXEC'], value: 0o2000000 },
        mode: 0,
      },
      3,
    ),
  );
  assert.equal(w.field('evt.arg.name', e), '/etc/hosts');
  assert.equal(w.field('evt.arg.flags', e), 'O_RDONLY|O_CLOEXEC');
  assert.equal(w.field('evt.arg.dirfd', e), '-100');
  assert.equal(w.field('evt.arg.fd', e), '3');
  assert.equal(w.field('evt.arg.res', e), '3');
  assert.equal(w.field('evt.arg[1]', e), '/etc/hosts');
  assert.equal(w.field('evt.arg[9]', e), undefined);
  assert.equal(w.field('evt.arg.nope', e), undefined);
  assert.equal(w.field('evt.rawarg.flags', e), 0o2000000);
  assert.equal(w.field('evt.rawarg.mode', e), 0);
  assert.equal(w.field('evt.args', e), 'res=3 dirfd=-100 name=/etc/hosts flags=O_RDONLY|O_CLOEXEC mode=0');
  const pt = w.apply(ev('ptrace', sh, { request: 'PTRACE_ATTACH', pid: 1 }, 0));
  assert.equal(w.field('evt.arg.request', pt), 'PTRACE_ATTACH');
  assert.equal(w.field('evt.arg.pid', pt), '1');
  const ex = w.apply(ev('execve', sh, { filename: '/bin/ls', argv: ['ls', '-l'] }, 0));
  assert.equal(w.field('evt.arg.argv', ex), 'ls -l');
  assert.equal(w.field('proc.name', ex), 'ls');
  assert.equal(w.field('proc.cmdline', ex), 'ls -l');
  assert.equal(w.field('proc.pname', ex), 'python3');
});

test('evt.is_io*, io_dir, buflen, abspath', () => {
  const { w, sh } = lineage();
  const rd = w.apply(ev('read', sh, { fd: { fd: 0 }, size: 64 }, 12));
  assert.equal(w.field('evt.is_io', rd), true);
  assert.equal(w.field('evt.is_io_read', rd), true);
  assert.equal(w.field('evt.is_io_write', rd), false);
  assert.equal(w.field('evt.io_dir', rd), 'r');
  assert.equal(w.field('evt.buflen', rd), 12);
  const wr = w.apply(ev('sendto', sh, { fd: { fd: 1 }, size: 3 }, 3));
  assert.equal(w.field('evt.io_dir', wr), 'w');
  const other = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('evt.is_io', other), false);
  assert.equal(w.field('evt.buflen', other), undefined);
  assert.equal(w.field('evt.count', other), 1);
  w.apply(ev('chdir', sh, { path: '/var' }, 0));
  const ul = w.apply(ev('unlinkat', sh, { dirfd: { fd: -100 }, path: 'log/x', flags: { names: [] } }, 0));
  assert.equal(w.field('evt.abspath', ul), '/var/log/x');
  const mv = w.apply(
    ev('renameat', sh, { olddirfd: { fd: -100 }, oldpath: 'a', newdirfd: { fd: -100 }, newpath: 'b' }, 0),
  );
  assert.equal(w.field('evt.abspath.src', mv), '/var/a');
  assert.equal(w.field('evt.abspath.dst', mv), '/var/b');
  assert.equal(w.field('evt.abspath', mv), undefined);
});
