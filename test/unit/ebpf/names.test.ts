import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { decodeOpenFlags, errnoName, signalName } from '../../../src/sensors/ebpf/names.js';
import { formatIPv6 } from '../../../src/sensors/ebpf/sockaddr.js';
import { x64SyscallName, x64SyscallNumber } from '../../../src/sensors/ebpf/syscall-table.js';

test('errno names agree with the platform (aliases aside)', () => {
  const aliases = new Set(['EWOULDBLOCK', 'EDEADLOCK', 'ENOTSUP']);
  for (const [name, nr] of Object.entries(constants.errno)) {
    if (aliases.has(name)) continue;
    assert.equal(errnoName(nr), name, `errno ${nr}`);
  }
  assert.equal(errnoName(512), 'ERESTARTSYS');
});

test('signal names agree with the platform', () => {
  for (const [name, nr] of Object.entries(constants.signals)) {
    if (name === 'SIGIOT' || name === 'SIGPOLL' || name === 'SIGUNUSED') continue;
    assert.equal(signalName(nr), name, `signal ${nr}`);
  }
  assert.equal(signalName(34), 'SIGRTMIN');
  assert.equal(signalName(36), 'SIGRTMIN+2');
});

test('open flags: O_RDONLY is implied, unknown bits are kept', () => {
  assert.deepEqual(decodeOpenFlags(0).names, ['O_RDONLY']);
  assert.deepEqual(decodeOpenFlags(0x241).names, ['O_WRONLY', 'O_CREAT', 'O_TRUNC']);
  assert.deepEqual(decodeOpenFlags(0x410002).names, ['O_RDWR', 'O_TMPFILE']);
  assert.deepEqual(decodeOpenFlags(0x80000000).names, ['O_RDONLY', '0x80000000']);
});

test('IPv6 text form follows RFC 5952', () => {
  const b = (g: number[]): Buffer => {
    const x = Buffer.alloc(16);
    g.forEach((v, i) => x.writeUInt16BE(v, i * 2));
    return x;
  };
  assert.equal(formatIPv6(b([0, 0, 0, 0, 0, 0, 0, 1]), 0), '::1');
  assert.equal(formatIPv6(b([0, 0, 0, 0, 0, 0, 0, 0]), 0), '::');
  assert.equal(formatIPv6(b([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), 0), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(b([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]), 0), '2001:db8:0:1:1:1:1:1');
  assert.equal(formatIPv6(b([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 0), 'fe80::');
});

test('syscall table round-trips', () => {
  assert.equal(x64SyscallName(59), 'execve');
  assert.equal(x64SyscallNumber('openat2'), 437);
  assert.equal(x64SyscallName(511), 'syscall_511');
});
