import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeAtFlags,
  decodeBits,
  decodeCloneFlags,
  decodeMemfdFlags,
  decodeOpenFlags,
  decodeSocketType,
  encodeOpenFlags,
  errnoName,
  errnoNumber,
  ipProtocolName,
  signalName,
  signalNumber,
  socketFamilyName,
  socketFamilyNumber,
} from '../../../src/events/syscalls/index.js';

test('open flags: access mode first, then bits in kernel order', () => {
  assert.deepEqual(decodeOpenFlags(0), { names: ['O_RDONLY'], value: 0 });
  assert.deepEqual(decodeOpenFlags(0o2000101).names, ['O_WRONLY', 'O_CREAT', 'O_CLOEXEC']);
  assert.deepEqual(decodeOpenFlags(0o2001102).names, ['O_RDWR', 'O_CREAT', 'O_TRUNC', 'O_CLOEXEC']);
  assert.deepEqual(decodeOpenFlags(0o2204000).names, ['O_RDONLY', 'O_NONBLOCK', 'O_DIRECTORY', 'O_CLOEXEC']);
  // O_SYNC and O_TMPFILE are unions of two bits and consume both.
  assert.deepEqual(decodeOpenFlags(0o4010001).names, ['O_WRONLY', 'O_SYNC']);
  assert.deepEqual(decodeOpenFlags(0o20200002).names, ['O_RDWR', 'O_TMPFILE']);
  assert.deepEqual(decodeOpenFlags(0o10000).names, ['O_RDONLY', 'O_DSYNC']);
  // Unknown bits are kept as hex.
  assert.deepEqual(decodeOpenFlags(0o100000000).names, ['O_RDONLY', '0x1000000']);
});

test('open flags on arm64 use its own O_DIRECTORY/O_NOFOLLOW bits', () => {
  assert.deepEqual(decodeOpenFlags(0o40000, 'arm64').names, ['O_RDONLY', 'O_DIRECTORY']);
  assert.deepEqual(decodeOpenFlags(0o40000, 'x86_64').names, ['O_RDONLY', 'O_DIRECT']);
  assert.equal(encodeOpenFlags(['O_RDONLY', 'O_DIRECTORY'], 'arm64'), 0o40000);
  assert.equal(encodeOpenFlags(['O_WRONLY', 'O_CREAT', 'O_CLOEXEC']), 0o2000101);
});

test('errno names both ways, negative results accepted', () => {
  assert.equal(errnoName(2), 'ENOENT');
  assert.equal(errnoName(-13), 'EACCES');
  assert.equal(errnoName(115), 'EINPROGRESS');
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoName(512), 'ERESTARTSYS');
  assert.equal(errnoName(9999), undefined);
  assert.equal(errnoNumber('EWOULDBLOCK'), 11);
  assert.equal(errnoNumber('EHWPOISON'), 133);
});

test('signal names both ways, real-time signals like strace', () => {
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(signalName(17), 'SIGCHLD');
  assert.equal(signalName(32), 'SIGRTMIN');
  assert.equal(signalName(34), 'SIGRT_2');
  assert.equal(signalName(65), undefined);
  assert.equal(signalNumber('SIGTERM'), 15);
  assert.equal(signalNumber('TERM'), 15);
  assert.equal(signalNumber('SIGIOT'), 6);
  assert.equal(signalNumber('SIGRTMIN+3'), 35);
  assert.equal(signalNumber('SIGRT_3'), 35);
  assert.equal(signalNumber('SIGRTMAX'), 64);
  assert.equal(signalNumber('SIGNOPE'), undefined);
});

test('socket families, types and protocols', () => {
  assert.equal(socketFamilyName(1), 'AF_UNIX');
  assert.equal(socketFamilyName(2), 'AF_INET');
  assert.equal(socketFamilyName(10), 'AF_INET6');
  assert.equal(socketFamilyName(16), 'AF_NETLINK');
  assert.equal(socketFamilyName(17), 'AF_PACKET');
  assert.equal(socketFamilyNumber('AF_LOCAL'), 1);
  assert.deepEqual(decodeSocketType(1 | 0o2000000), { names: ['SOCK_STREAM', 'SOCK_CLOEXEC'], value: 0o2000001 });
  assert.deepEqual(decodeSocketType(2 | 0o4000).names, ['SOCK_DGRAM', 'SOCK_NONBLOCK']);
  assert.deepEqual(decodeSocketType(3).names, ['SOCK_RAW']);
  assert.equal(ipProtocolName(6), 'IPPROTO_TCP');
  assert.equal(ipProtocolName(17), 'IPPROTO_UDP');
});

test('clone flags, with the exit signal in the low byte', () => {
  // What glibc's fork() passes.
  assert.deepEqual(decodeCloneFlags(0x1200011).names, ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD']);
  // pthread_create.
  assert.deepEqual(decodeCloneFlags(0x3d0f00).names, [
    'CLONE_VM',
    'CLONE_FS',
    'CLONE_FILES',
    'CLONE_SIGHAND',
    'CLONE_THREAD',
    'CLONE_SYSVSEM',
    'CLONE_SETTLS',
    'CLONE_PARENT_SETTID',
    'CLONE_CHILD_CLEARTID',
  ]);
  // clone3 flags go past bit 31 and have no signal byte.
  assert.deepEqual(decodeCloneFlags(0x200000000 + 0x100, false).names, ['CLONE_VM', 'CLONE_INTO_CGROUP']);
  assert.deepEqual(decodeCloneFlags(0x80000000n, false).names, ['CLONE_IO']);
  assert.equal(decodeCloneFlags(0x4111).value, 0x4111);
  assert.deepEqual(decodeCloneFlags(0x4111).names, ['CLONE_VM', 'CLONE_VFORK', 'SIGCHLD']);
});

test('memfd and *at flags', () => {
  assert.deepEqual(decodeMemfdFlags(3).names, ['MFD_CLOEXEC', 'MFD_ALLOW_SEALING']);
  assert.deepEqual(decodeAtFlags(0x1100).names, ['AT_SYMLINK_NOFOLLOW', 'AT_EMPTY_PATH']);
  assert.deepEqual(decodeBits([], 0), { names: [], value: 0 });
});
