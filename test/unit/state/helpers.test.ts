import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFd, parseInetEndpoint } from '../../../src/events/state/fd-describe.js';
import { basename, joinPath, normalizePath } from '../../../src/events/state/paths.js';
import { formatIpv6, parseHexEndpoint } from '../../../src/events/state/proc-net.js';
import { parseStat } from '../../../src/events/state/proc-reader.js';

test('normalizePath', () => {
  const cases: [string, string][] = [
    ['/etc/passwd', '/etc/passwd'],
    ['/etc/../etc/../etc/shadow', '/etc/shadow'],
    ['/a/./b//c/', '/a/b/c'],
    ['/..', '/'],
    ['/../../x', '/x'],
    ['/', '/'],
    ['a/../../b', '../b'],
    ['./x', 'x'],
    ['.', '.'],
    ['a/..', '.'],
    ['/a/.hidden/..b', '/a/.hidden/..b'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(normalizePath(input), want, input);
  const clean = '/usr/lib/x86_64-linux-gnu/libc.so.6';
  assert.equal(normalizePath(clean), clean);
});

test('joinPath and basename', () => {
  assert.equal(joinPath('/home/u', 'a/b'), '/home/u/a/b');
  assert.equal(joinPath('/', 'a'), '/a');
  assert.equal(joinPath('/home/u', '/abs'), '/abs');
  assert.equal(joinPath('/home/u', '..'), '/home');
  assert.equal(basename('/usr/bin/ls'), 'ls');
  assert.equal(basename('/usr/bin/'), 'bin');
  assert.equal(basename('ls'), 'ls');
  assert.equal(basename('/'), '/');
});

test('describeFd reads /proc link targets and strace decorations', () => {
  assert.deepEqual(
    [
      'socket:[123]',
      'pipe:[5]',
      'anon_inode:[eventpoll]',
      'anon_inode:inotify',
      'anon_inode:[eventfd]',
      'anon_inode:[signalfd]',
      'anon_inode:[timerfd]',
      'anon_inode:[io_uring]',
      '/dev/null',
      '/memfd:x (deleted)',
      'NETLINK:[ROUTE:99]',
      'TCP:[12345]',
      'weird',
    ].map((d) => [describeFd(3, d).type, describeFd(3, d).name]),
    [
      ['socket', 'socket:[123]'],
      ['pipe', 'pipe:[5]'],
      ['eventpoll', 'anon_inode:[eventpoll]'],
      ['inotify', 'anon_inode:inotify'],
      ['event', 'anon_inode:[eventfd]'],
      ['signalfd', 'anon_inode:[signalfd]'],
      ['timerfd', 'anon_inode:[timerfd]'],
      ['unknown', 'anon_inode:[io_uring]'],
      ['file', '/dev/null'],
      ['memfd', 'memfd:x'],
      ['netlink', 'NETLINK:[ROUTE:99]'],
      ['ipv4', 'TCP:[12345]'],
      ['unknown', 'weird'],
    ],
  );
  const listen = describeFd(4, 'TCPv6:[[::]:8080]');
  assert.deepEqual(listen.local, { family: 'inet6', ip: '::', port: 8080 });
  assert.equal(listen.name, '[::]:8080');
  assert.deepEqual(parseInetEndpoint('::1:80'), { family: 'inet6', ip: '::1', port: 80 });
  assert.equal(parseInetEndpoint('12345'), undefined);
});

test('/proc/net hex endpoints', () => {
  assert.deepEqual(parseHexEndpoint('0100007F:1F90'), { family: 'inet', ip: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseHexEndpoint('00000000000000000000000001000000:0035'), {
    family: 'inet6',
    ip: '::1',
    port: 53,
  });
  assert.deepEqual(parseHexEndpoint('0000000000000000FFFF00000100007F:01BB'), {
    family: 'inet6',
    ip: '::ffff:127.0.0.1',
    port: 443,
  });
  assert.equal(formatIpv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]), '2001:db8::7');
  assert.equal(formatIpv6(new Array<number>(16).fill(0)), '::');
  assert.equal(formatIpv6([0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4]), '1:0:2::3:0:4');
});

test('parseStat survives spaces and parentheses in comm', () => {
  const line = '4242 (my (odd) prog) S 17 4242 4242 34817 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200\n';
  assert.deepEqual(parseStat(line), { comm: 'my (odd) prog', ppid: 17, ttyNr: 34817, startTicks: 987654n });
  assert.equal(parseStat('garbage'), undefined);
});
