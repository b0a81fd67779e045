import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemState } from '../../../src/events/state/system-state.js';
import { ev, fdref, flags, inet, inet6, unix } from './events.js';

function proc(): SystemState {
  const s = new SystemState();
  s.seedProcess({ pid: 100, ppid: 1, exe: 'app', exePath: '/usr/bin/app', cwd: '/', uid: 0, gid: 0 });
  return s;
}

test('IPv4 client: socket, connect (EINPROGRESS counts), name ->remote then local->remote', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_STREAM|SOCK_NONBLOCK', proto: 0 }, { res: 3 }));
  const fd = s.fd(100, 3);
  assert.equal(fd?.type, 'ipv4');
  assert.equal(fd?.l4proto, 'tcp');
  assert.equal(fd?.name, '');
  s.apply(ev('connect', 100, { fd: 3, addr: inet('10.1.2.3', 8080) }, { res: -115, errno: 'EINPROGRESS' }));
  assert.equal(fd?.name, '->10.1.2.3:8080');
  assert.equal(fd?.role, 'client');
  assert.deepEqual(fd?.remote, inet('10.1.2.3', 8080));
  // strace's decoration on a later call carries the local end.
  s.apply(ev('sendto', 100, { fd: fdref(3, 'TCP:[192.168.1.5:44444->10.1.2.3:8080]') }, { res: 4 }));
  assert.equal(fd?.name, '192.168.1.5:44444->10.1.2.3:8080');
  assert.deepEqual(fd?.local, inet('192.168.1.5', 44444));
  // A refused connect changes nothing.
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_DGRAM', proto: 'IPPROTO_UDP' }, { res: 4 }));
  assert.equal(s.fd(100, 4)?.l4proto, 'udp');
  s.apply(ev('connect', 100, { fd: 4, addr: inet('10.9.9.9', 53) }, { res: -111, errno: 'ECONNREFUSED' }));
  assert.equal(s.fd(100, 4)?.remote, undefined);
});

test('IPv4 client with a bound local address gets the full tuple at connect', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_STREAM', proto: 0 }, { res: 3 }));
  s.apply(ev('bind', 100, { fd: 3, addr: inet('127.0.0.1', 5000) }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '127.0.0.1:5000');
  s.apply(ev('connect', 100, { fd: fdref(3, 'TCP:[127.0.0.1:5000]'), addr: inet('127.0.0.1', 8080) }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '127.0.0.1:5000->127.0.0.1:8080');
});

test('IPv4 server: bind, listen, accept names the connection client->server', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_STREAM|SOCK_CLOEXEC', proto: 'IPPROTO_TCP' }, { res: 3 }));
  s.apply(ev('bind', 100, { fd: 3, addr: inet('0.0.0.0', 8080) }, { res: 0 }));
  s.apply(ev('listen', 100, { fd: 3, backlog: 128 }, { res: 0 }));
  const l = s.fd(100, 3);
  assert.equal(l?.listening, true);
  assert.equal(l?.cloexec, true);
  assert.equal(l?.name, '0.0.0.0:8080');
  s.apply(ev('accept4', 100, { fd: 3, addr: inet('127.0.0.1', 51000), flags: flags('SOCK_CLOEXEC') }, { res: 4 }));
  const c = s.fd(100, 4);
  assert.equal(c?.type, 'ipv4');
  assert.equal(c?.l4proto, 'tcp');
  assert.equal(c?.role, 'server');
  assert.equal(c?.cloexec, true);
  assert.equal(c?.name, '127.0.0.1:51000->0.0.0.0:8080');
  // With strace's decoration of the result the exact local address is known.
  const e = ev('accept', 100, { fd: 3, addr: inet('127.0.0.1', 51002) }, { res: 5 });
  e.args.res_fd = fdref(5, 'TCP:[127.0.0.1:8080->127.0.0.1:51002]');
  s.apply(e);
  assert.equal(s.fd(100, 5)?.name, '127.0.0.1:51002->127.0.0.1:8080');
  assert.equal(s.fd(100, 5)?.listening, undefined);
});

test('IPv6 sockets are named with bracketed addresses', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_INET6', type: 'SOCK_STREAM', proto: 0 }, { res: 3 }));
  assert.equal(s.fd(100, 3)?.type, 'ipv6');
  s.apply(ev('bind', 100, { fd: 3, addr: inet6('::', 443) }, { res: 0 }));
  s.apply(ev('listen', 100, { fd: 3 }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '[::]:443');
  s.apply(ev('accept', 100, { fd: 3, addr: inet6('2001:db8::7', 40000) }, { res: 4 }));
  assert.equal(s.fd(100, 4)?.name, '[2001:db8::7]:40000->[::]:443');
  s.apply(ev('socket', 100, { domain: 'AF_INET6', type: 'SOCK_DGRAM', proto: 0 }, { res: 5 }));
  s.apply(ev('connect', 100, { fd: 5, addr: inet6('::1', 53) }, { res: 0 }));
  assert.equal(s.fd(100, 5)?.name, '->[::1]:53');
  assert.equal(s.fd(100, 5)?.l4proto, 'udp');
});

test('unix sockets are named by their path (abstract ones with @)', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_UNIX', type: 'SOCK_STREAM|SOCK_CLOEXEC', proto: 0 }, { res: 3 }));
  assert.equal(s.fd(100, 3)?.type, 'unix');
  assert.equal(s.fd(100, 3)?.l4proto, undefined);
  s.apply(ev('connect', 100, { fd: 3, addr: unix('/var/run/docker.sock') }, { res: 0 }));
  assert.equal(s.fd(100, 3)?.name, '/var/run/docker.sock');
  s.apply(ev('socket', 100, { domain: 'AF_UNIX', type: 'SOCK_DGRAM', proto: 0 }, { res: 4 }));
  s.apply(ev('connect', 100, { fd: 4, addr: { family: 'unix', path: 'journal', abstract: true } }, { res: 0 }));
  assert.equal(s.fd(100, 4)?.name, '@journal');
  s.apply(ev('socket', 100, { domain: 'AF_UNIX', type: 'SOCK_STREAM', proto: 0 }, { res: 5 }));
  s.apply(ev('bind', 100, { fd: 5, addr: unix('/tmp/srv.sock') }, { res: 0 }));
  s.apply(ev('listen', 100, { fd: 5 }, { res: 0 }));
  s.apply(ev('accept', 100, { fd: 5, addr: unix('') }, { res: 6 }));
  assert.equal(s.fd(100, 6)?.type, 'unix');
  assert.equal(s.fd(100, 6)?.name, '/tmp/srv.sock');
  assert.equal(s.fd(100, 6)?.remote, undefined);
});

test('numeric socket arguments (eBPF) decode the same way', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 2, type: 1 | 0o2000000, proto: 0 }, { res: 3 }));
  assert.equal(s.fd(100, 3)?.type, 'ipv4');
  assert.equal(s.fd(100, 3)?.l4proto, 'tcp');
  assert.equal(s.fd(100, 3)?.cloexec, true);
  s.apply(ev('socket', 100, { domain: 17, type: 3, proto: 768 }, { res: 4 }));
  assert.equal(s.fd(100, 4)?.type, 'socket');
  s.apply(ev('socket', 100, { domain: 'AF_NETLINK', type: 'SOCK_RAW', proto: 0 }, { res: 5 }));
  assert.equal(s.fd(100, 5)?.type, 'netlink');
});

test('connect on a descriptor the table never saw creates the socket entry', () => {
  const s = proc();
  s.apply(ev('connect', 100, { fd: 9, addr: inet('1.1.1.1', 443) }, { res: 0 }));
  assert.equal(s.fd(100, 9)?.type, 'ipv4');
  assert.equal(s.fd(100, 9)?.name, '->1.1.1.1:443');
  assert.equal(s.fd(100, 9)?.l4proto, 'tcp');
});

test('dup2 of a connected socket onto stdin keeps the connection (reverse shell shape)', () => {
  const s = proc();
  s.apply(ev('socket', 100, { domain: 'AF_INET', type: 'SOCK_STREAM', proto: 0 }, { res: 3 }));
  s.apply(ev('connect', 100, { fd: 3, addr: inet('10.0.0.66', 4444) }, { res: 0 }));
  s.apply(ev('dup2', 100, { oldfd: 3, newfd: 0 }, { res: 0 }));
  assert.equal(s.fd(100, 0)?.type, 'ipv4');
  assert.equal(s.fd(100, 0)?.name, '->10.0.0.66:4444');
});
