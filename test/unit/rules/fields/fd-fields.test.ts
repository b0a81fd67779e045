import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, lineage } from './helpers.js';

const O = (...names: string[]) => ({ names });

test('an openat of a file: fd.num, name, directory, filename, typechar, type, nameraw', () => {
  const { w, sh } = lineage();
  w.apply(ev('chdir', sh, { path: '/etc' }, 0));
  const open = w.apply(
    ev('openat', sh, { dirfd: { fd: -100 }, name: 'ssh/../passwd', flags: O('O_RDONLY', 'O_CLOEXEC'), mode: 0 }, 3),
  );
  assert.equal(w.field('fd.num', open), 3);
  assert.equal(w.field('fd.name', open), '/etc/passwd');
  assert.equal(w.field('fd.nameraw', open), 'ssh/../passwd');
  assert.equal(w.field('fd.directory', open), '/etc');
  assert.equal(w.field('fd.filename', open), 'passwd');
  assert.equal(w.field('fd.typechar', open), 'f');
  assert.equal(w.field('fd.type', open), 'file');
  assert.equal(w.field('fd.containername', open), 'host:/etc/passwd');
  assert.equal(w.field('fd.l4proto', open), undefined);
  assert.equal(w.field('fd.sip', open), undefined);
  assert.equal(w.field('fd.is_server', open), undefined);
  assert.equal(w.field('fd.name_changed', open), false);
  assert.equal(w.field('fs.path.name', open), '/etc/passwd');
  assert.equal(w.field('fs.path.nameraw', open), 'ssh/../passwd');
  assert.equal(w.field('fs.path.source', open), undefined);

  // A later read on the descriptor names the same file.
  const read = w.apply(ev('read', sh, { fd: { fd: 3 }, size: 10 }, 10));
  assert.equal(w.field('fd.num', read), 3);
  assert.equal(w.field('fd.name', read), '/etc/passwd');
  assert.equal(w.field('fd.filename', read), 'passwd');
  assert.equal(w.field('fs.path.name', read), undefined);
  // Descriptor arguments read the same whichever sensor saw them: Falco's `fd(<typechar>name)`.
  assert.equal(w.field('evt.arg.fd', read), '3(<f>/etc/passwd)');
  assert.equal(w.field('evt.args', read), 'res=10 fd=3(<f>/etc/passwd) size=10');
  assert.equal(w.field('evt.rawarg.fd', read), 3);
  assert.deepEqual(w.field('fd.types', read), ['file']);
  assert.deepEqual(w.field('fd.types[3]', read), ['file']);
  assert.deepEqual(w.field('fd.types[9]', read), undefined);

  // The close still sees what it closes (deferred removal); the next event no longer does.
  const close = w.apply(ev('close', sh, { fd: { fd: 3 } }, 0));
  assert.equal(w.field('fd.name', close), '/etc/passwd');
  const after = w.apply(ev('read', sh, { fd: { fd: 3 }, size: 10 }, -9, { errno: 'EBADF' }));
  assert.equal(w.field('fd.name', after), undefined);
  assert.equal(w.field('fd.num', after), 3);
});

test('a failed open: fd.num -1, the name asked for, typechar f, evt.res is the errno name', () => {
  const { w, sh } = lineage();
  const e = w.apply(
    ev('openat', sh, { dirfd: { fd: -100 }, name: '/etc/shadow', flags: O('O_RDONLY') }, -13, { errno: 'EACCES' }),
  );
  assert.equal(w.field('fd.num', e), -1);
  assert.equal(w.field('fd.name', e), '/etc/shadow');
  assert.equal(w.field('fd.directory', e), '/etc');
  assert.equal(w.field('fd.filename', e), undefined);
  assert.equal(w.field('fd.typechar', e), 'f');
  assert.equal(w.field('evt.res', e), 'EACCES');
  assert.equal(w.field('evt.rawres', e), -13);
  assert.equal(w.field('evt.failed', e), true);
  // Without the sensor's errno name the number is translated.
  const e2 = w.apply(ev('openat', sh, { dirfd: { fd: -100 }, name: '/nope', flags: O('O_RDONLY') }, -2));
  assert.equal(w.field('evt.res', e2), 'ENOENT');
});

test('evt.is_open_* from the access mode, O_CREAT and the mode bits', () => {
  const { w, sh } = lineage();
  const cases: Array<[string[], number, boolean, boolean, boolean, boolean]> = [
    // flags, mode, read, write, create, exec
    [['O_RDONLY'], 0, true, false, false, false],
    [['O_WRONLY', 'O_CREAT', 'O_TRUNC'], 0o644, false, true, true, false],
    [['O_RDWR'], 0, true, true, false, false],
    [['O_WRONLY', 'O_CREAT'], 0o755, false, true, true, true],
  ];
  let fd = 10;
  for (const [flags, mode, r, wr, c, x] of cases) {
    const e = w.apply(ev('openat', sh, { dirfd: { fd: -100 }, name: '/tmp/f', flags: O(...flags), mode }, fd++));
    assert.equal(w.field('evt.is_open_read', e), r, `read ${flags.join('|')}`);
    assert.equal(w.field('evt.is_open_write', e), wr, `write ${flags.join('|')}`);
    assert.equal(w.field('evt.is_open_create', e), c, `create ${flags.join('|')}`);
    assert.equal(w.field('evt.is_open_exec', e), x, `exec ${flags.join('|')}`);
  }
  const other = w.apply(ev('getpid', sh, {}, sh));
  assert.equal(w.field('evt.is_open_read', other), undefined);
  // strace's flags as a plain string work as well.
  const s = w.apply(ev('open', sh, { name: '/tmp/g', flags: 'O_WRONLY|O_CREAT', mode: 0o700 }, 20));
  assert.equal(w.field('evt.is_open_exec', s), true);
});

test('a TCP connect: fd.name, sip/sport, cip/cport, lip/rip, l4proto, typechar, net', () => {
  const { w, sh } = lineage();
  const sock = w.apply(ev('socket', sh, { domain: 'AF_INET', type: 'SOCK_STREAM', proto: 0 }, 4));
  assert.equal(w.field('fd.num', sock), 4);
  assert.equal(w.field('fd.typechar', sock), '4');
  assert.equal(w.field('fd.l4proto', sock), 'tcp');
  assert.equal(w.field('fd.connected', sock), false);
  // strace decorates the fd with the full tuple after connect; the state learns the local end.
  const conn = w.apply(
    ev(
      'connect',
      sh,
      {
        fd: { fd: 4, path: 'TCP:[10.0.0.5:43210->93.184.216.34:443]' },
        addr: { family: 'inet', ip: '93.184.216.34', port: 443 },
      },
      0,
    ),
  );
  assert.equal(w.field('fd.name', conn), '10.0.0.5:43210->93.184.216.34:443');
  assert.equal(w.field('fd.typechar', conn), '4');
  assert.equal(w.field('fd.type', conn), 'ipv4');
  assert.equal(w.field('fd.l4proto', conn), 'tcp');
  assert.equal(w.field('fd.sip', conn), '93.184.216.34');
  assert.equal(w.field('fd.sport', conn), 443);
  assert.equal(w.field('fd.cip', conn), '10.0.0.5');
  assert.equal(w.field('fd.cport', conn), 43210);
  assert.equal(w.field('fd.lip', conn), '10.0.0.5');
  assert.equal(w.field('fd.rip', conn), '93.184.216.34');
  assert.equal(w.field('fd.lport', conn), 43210);
  assert.equal(w.field('fd.rport', conn), 443);
  assert.deepEqual(w.field('fd.net', conn), ['10.0.0.5', '93.184.216.34']);
  assert.equal(w.field('fd.snet', conn), '93.184.216.34');
  assert.equal(w.field('fd.sockfamily', conn), 'ip');
  assert.equal(w.field('fd.is_server', conn), false);
  assert.equal(w.field('fd.connected', conn), true);
  assert.equal(w.field('fd.directory', conn), undefined);
  assert.equal(w.field('fd.filename', conn), undefined);
  assert.equal(w.field('fd.sip.name', conn), undefined);
  assert.equal(w.field('evt.arg.addr', conn), '93.184.216.34:443');
  assert.equal(w.field('evt.res', conn), 'SUCCESS');
  assert.equal(w.field('evt.category', conn), 'net');
});

test('an accepted connection: this process is the server', () => {
  const { w, sh } = lineage();
  w.apply(ev('socket', sh, { domain: 'AF_INET', type: 'SOCK_STREAM', proto: 0 }, 3));
  w.apply(ev('bind', sh, { fd: { fd: 3 }, addr: { family: 'inet', ip: '0.0.0.0', port: 8080 } }, 0));
  const listen = w.apply(ev('listen', sh, { fd: { fd: 3 }, backlog: 5 }, 0));
  assert.equal(w.field('fd.is_server', listen), true);
  assert.equal(w.field('fd.sport', listen), 8080);
  const acc = w.apply(
    ev(
      'accept4',
      sh,
      {
        fd: { fd: 3 },
        addr: { family: 'inet', ip: '192.168.1.9', port: 50000 },
        res_fd: { fd: 5, path: 'TCP:[127.0.0.1:8080->192.168.1.9:50000]' },
      },
      5,
    ),
  );
  assert.equal(w.field('fd.num', acc), 5);
  assert.equal(w.field('fd.name', acc), '192.168.1.9:50000->127.0.0.1:8080');
  assert.equal(w.field('fd.is_server', acc), true);
  assert.equal(w.field('fd.sip', acc), '127.0.0.1');
  assert.equal(w.field('fd.sport', acc), 8080);
  assert.equal(w.field('fd.cip', acc), '192.168.1.9');
  assert.equal(w.field('fd.cport', acc), 50000);
  assert.equal(w.field('fd.lport', acc), 8080);
  assert.equal(w.field('fd.rport', acc), 50000);
});

test('unix sockets and pipes: typechar u and p', () => {
  const { w, sh } = lineage();
  w.apply(ev('socket', sh, { domain: 'AF_UNIX', type: 'SOCK_STREAM', proto: 0 }, 6));
  const c = w.apply(ev('connect', sh, { fd: { fd: 6 }, addr: { family: 'unix', path: '/run/docker.sock' } }, 0));
  assert.equal(w.field('fd.typechar', c), 'u');
  assert.equal(w.field('fd.name', c), '/run/docker.sock');
  assert.equal(w.field('fd.sockfamily', c), 'unix');
  assert.equal(w.field('fd.l4proto', c), undefined);
  w.apply(ev('pipe2', sh, { fds: ['7', '8'], flags: O() }, 0));
  const wr = w.apply(ev('write', sh, { fd: { fd: 8 }, size: 1 }, 1));
  assert.equal(w.field('fd.typechar', wr), 'p');
  assert.equal(w.field('fd.type', wr), 'pipe');
});

test('fs.path.source/target for rename, link and symlink', () => {
  const { w, sh } = lineage();
  w.apply(ev('chdir', sh, { path: '/tmp' }, 0));
  const mv = w.apply(
    ev(
      'renameat2',
      sh,
      { olddirfd: { fd: -100 }, oldpath: 'a', newdirfd: { fd: -100 }, newpath: '/etc/b', flags: O() },
      0,
    ),
  );
  assert.equal(w.field('fs.path.source', mv), '/tmp/a');
  assert.equal(w.field('fs.path.target', mv), '/etc/b');
  assert.equal(w.field('fs.path.sourceraw', mv), 'a');
  assert.equal(w.field('fs.path.targetraw', mv), '/etc/b');
  assert.equal(w.field('fs.path.name', mv), undefined);
  const ln = w.apply(ev('symlinkat', sh, { target: '/etc', linkdirfd: { fd: -100 }, linkpath: 'link' }, 0));
  assert.equal(w.field('fs.path.source', ln), '/etc');
  assert.equal(w.field('fs.path.target', ln), '/tmp/link');
  assert.equal(w.field('evt.arg.target', ln), '/etc');
  assert.equal(w.field('evt.arg.linkpath', ln), 'link');
  const rm = w.apply(ev('unlinkat', sh, { dirfd: { fd: -100 }, path: 'x', flags: O() }, 0));
  assert.equal(w.field('fs.path.name', rm), '/tmp/x');
});
