import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fcntlCmdName, ptraceRequestName } from '../../../src/sensors/ebpf/names.js';
import { formatIPv6 } from '../../../src/sensors/ebpf/sockaddr.js';

test('ptrace requests and fcntl commands by name, numbers kept when unknown', () => {
  assert.equal(ptraceRequestName(16), 'PTRACE_ATTACH');
  assert.equal(ptraceRequestName(0), 'PTRACE_TRACEME');
  assert.equal(ptraceRequestName(0x4206), 'PTRACE_SEIZE');
  assert.equal(ptraceRequestName(99), 'PTRACE_99');
  assert.equal(fcntlCmdName(1030), 'F_DUPFD_CLOEXEC');
  assert.equal(fcntlCmdName(77), 'F_77');
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
