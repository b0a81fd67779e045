/**
 * The eBPF sensor's kernel view of a socket (`local`, `remote`, `l4proto` args, from the probe's
 * TUPLE item) in the socket handlers: it fills what the caller's sockaddr cannot say, and wins
 * where the two differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemState } from '../../../src/events/state/system-state.js';
import { ev, fdref, flags, inet, inet6, unix } from './events.js';

function proc(): SystemState {
  const s = new SystemState();
  s.seedProcess({ pid: 100, ppid: 1, exe: 'app', exePath: '/usr/bin/app', cwd: '/', uid: 0, gid: 0 });
  return s;
}

test('server on port 0: bind and listen take the kernel-chosen port, accept the exact ends', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 2, type: 1, proto: 0 }, { res: 3 }));
  s.apply(
    ev(
      'bind',
      100,
      { fd: fdref(3), addr: inet('127.0.0.1', 0), local: inet('127.0.0.1', 40000), l4proto: 'tcp' },
      { res: 0 },
    ),
  );
  const l = s.fd(100, 3);
  assert.deepEqual(l?.local, inet('127.0.0.1', 40000));
  assert.equal(l?.name, '127.0.0.1:40000');
  s.apply(ev('listen', 100, { fd: fdref(3), backlog: 1, local: inet('127.0.0.1', 40000), l4proto: 'tcp' }, { res: 0 }));
  assert.equal(l?.listening, true);
  assert.equal(l?.role, 'server');
  assert.equal(l?.name, '127.0.0.1:40000');
  assert.equal(l?.remote, undefined);

  s.apply(
    ev(
      'accept4',
      100,
      {
        fd: fdref(3),
        addr: null,
        flags: flags('SOCK_CLOEXEC'),
        local: inet('127.0.0.1', 40000),
        remote: inet('127.0.0.1', 51234),
        l4proto: 'tcp',
      },
      { res: 4 },
    ),
  );
  const c = s.fd(100, 4);
  assert.deepEqual(
    { ...c },
    {
      fd: 4,
      type: 'ipv4',
      name: '127.0.0.1:51234->127.0.0.1:40000',
      flags: undefined,
      l4proto: 'tcp',
      local: inet('127.0.0.1', 40000),
      remote: inet('127.0.0.1', 51234),
      listening: undefined,
      cloexec: true,
      role: 'server',
    },
  );
});

test('accept on a wildcard listener: the connection gets the address it was made to', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 10, type: 1, proto: 0 }, { res: 3 }));
  s.apply(ev('bind', 100, { fd: fdref(3), addr: inet6('::', 8080), local: inet6('::', 8080) }, { res: 0 }));
  s.apply(ev('listen', 100, { fd: fdref(3), backlog: 5, local: inet6('::', 8080) }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '[::]:8080');
  s.apply(
    ev(
      'accept',
      100,
      {
        fd: fdref(3),
        addr: inet6('::ffff:10.0.0.9', 40001),
        local: inet6('::ffff:10.0.0.5', 8080),
        remote: inet6('::ffff:10.0.0.9', 40001),
      },
      { res: 4 },
    ),
  );
  assert.equal(s.fd(100, 4)?.name, '[::ffff:10.0.0.9]:40001->[::ffff:10.0.0.5]:8080');
  assert.deepEqual(s.fd(100, 4)?.local, inet6('::ffff:10.0.0.5', 8080));
  // The listener keeps its own (wildcard) address.
  assert.deepEqual(s.fd(100, 3)?.local, inet6('::', 8080));
});

test('client connect (in progress): the source port names the connection local->remote', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 2, type: 1 | 0o4000, proto: 0 }, { res: 5 }));
  s.apply(
    ev(
      'connect',
      100,
      {
        fd: fdref(5),
        addr: inet('127.0.0.1', 40000),
        local: inet('127.0.0.1', 51234),
        remote: inet('127.0.0.1', 40000),
        l4proto: 'tcp',
      },
      { res: -115, errno: 'EINPROGRESS' },
    ),
  );
  const c = s.fd(100, 5);
  assert.equal(c?.name, '127.0.0.1:51234->127.0.0.1:40000');
  assert.deepEqual(c?.local, inet('127.0.0.1', 51234));
  assert.deepEqual(c?.remote, inet('127.0.0.1', 40000));
  assert.equal(c?.role, 'client');
  assert.equal(c?.l4proto, 'tcp');
});

test("the kernel's peer and protocol win over the caller's, and stand in when addr is missing", () => {
  const s = proc();
  // A descriptor the table never saw; the sockaddr could not be read (null).
  s.apply(
    ev(
      'connect',
      100,
      { fd: fdref(7), addr: null, local: inet('10.0.0.2', 50000), remote: inet('10.0.0.53', 53), l4proto: 'udp' },
      { res: 0 },
    ),
  );
  const u = s.fd(100, 7);
  assert.equal(u?.type, 'ipv4');
  assert.equal(u?.l4proto, 'udp');
  assert.equal(u?.name, '10.0.0.2:50000->10.0.0.53:53');
  // An IPv6 socket connecting to a v4 address: the kernel stores it v4-mapped.
  s.apply(ev('socket', 100, { domain: 10, type: 1, proto: 0 }, { res: 8 }));
  s.apply(
    ev(
      'connect',
      100,
      {
        fd: fdref(8),
        addr: inet6('::ffff:1.2.3.4', 443),
        local: inet6('::ffff:10.0.0.2', 50001),
        remote: inet6('::ffff:1.2.3.4', 443),
        l4proto: 'tcp',
      },
      { res: 0 },
    ),
  );
  assert.equal(s.fd(100, 8)?.name, '[::ffff:10.0.0.2]:50001->[::ffff:1.2.3.4]:443');
  // A non-inet `local`/`remote` is not the kernel's tuple: ignored, the caller's addr is used.
  s.apply(ev('socket', 100, { domain: 2, type: 1, proto: 0 }, { res: 9 }));
  s.apply(
    ev('connect', 100, { fd: fdref(9), addr: inet('9.9.9.9', 80), local: unix('/x'), remote: unix('/y') }, { res: 0 }),
  );
  assert.equal(s.fd(100, 9)?.name, '->9.9.9.9:80');
  assert.equal(s.fd(100, 9)?.local, undefined);
});

test('listen without bind, or on a descriptor the table missed, still gets its address', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 2, type: 1, proto: 0 }, { res: 3 }));
  s.apply(ev('listen', 100, { fd: fdref(3), backlog: 1, local: inet('0.0.0.0', 39999), l4proto: 'tcp' }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '0.0.0.0:39999');
  assert.equal(s.fd(100, 3)?.listening, true);
  s.apply(ev('listen', 100, { fd: fdref(11), backlog: 1, local: inet6('::1', 7000), l4proto: 'tcp' }, { res: 0 }));
  const l = s.fd(100, 11);
  assert.equal(l?.type, 'ipv6');
  assert.equal(l?.name, '[::1]:7000');
  assert.equal(l?.listening, true);
  assert.equal(l?.role, 'server');
  // Without the kernel's view (ptrace), an unknown fd stays unknown.
  s.apply(ev('listen', 100, { fd: 12, backlog: 1 }, { res: 0 }));
  assert.equal(s.fd(100, 12), undefined);
});

test('sendto/sendmsg: an unconnected datagram socket learns the port its first send bound', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 2, type: 2, proto: 0 }, { res: 6 }));
  assert.equal(s.fd(100, 6)?.name, '');
  const send = { fd: fdref(6), size: 3, addr: inet('8.8.8.8', 53), local: inet('0.0.0.0', 33333), l4proto: 'udp' };
  s.apply(ev('sendto', 100, send, { res: 3 }));
  const u = s.fd(100, 6);
  assert.deepEqual(u?.local, inet('0.0.0.0', 33333));
  assert.equal(u?.remote, undefined);
  assert.equal(u?.name, '0.0.0.0:33333');
  assert.equal(u?.l4proto, 'udp');
  // The same again changes nothing; a failed send or one without the kernel's view neither.
  s.apply(ev('sendto', 100, { ...send }, { res: 3 }));
  assert.equal(s.fd(100, 6), u);
  assert.equal(u?.name, '0.0.0.0:33333');
  s.apply(ev('sendto', 100, { ...send, local: inet('0.0.0.0', 1) }, { res: -1, errno: 'EPERM' }));
  assert.deepEqual(u?.local, inet('0.0.0.0', 33333));
  s.apply(ev('sendmsg', 100, { fd: 13, addr: inet('1.1.1.1', 53) }, { res: 3 }));
  assert.equal(s.fd(100, 13), undefined);
  // A connected socket the table never saw connect: sendmsg names it from the kernel's tuple.
  s.apply(
    ev(
      'sendmsg',
      100,
      { fd: fdref(14), addr: null, local: inet('10.0.0.2', 41000), remote: inet('10.0.0.3', 443), l4proto: 'tcp' },
      { res: 100 },
    ),
  );
  assert.equal(s.fd(100, 14)?.name, '10.0.0.2:41000->10.0.0.3:443');
  assert.equal(s.fd(100, 14)?.type, 'ipv4');
});
