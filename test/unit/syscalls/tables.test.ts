import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostArch, syscallEntries, syscallName, syscallNumber } from '../../../src/events/syscalls/index.js';

test('x86_64 numbers match the kernel ABI', () => {
  assert.equal(syscallName('x86_64', 0), 'read');
  assert.equal(syscallName('x86_64', 59), 'execve');
  assert.equal(syscallName('x86_64', 257), 'openat');
  assert.equal(syscallName('x86_64', 435), 'clone3');
  assert.equal(syscallName('x86_64', 322), 'execveat');
  assert.equal(syscallName('x86_64', 437), 'openat2');
  assert.equal(syscallName('x86_64', 469), 'file_setattr');
  assert.equal(syscallNumber('x86_64', 'connect'), 42);
  assert.equal(syscallNumber('x86_64', 'memfd_create'), 319);
  assert.equal(syscallNumber('x86_64', 'uretprobe'), 335);
});

test('i386 numbers (ADFA-LD uses them)', () => {
  assert.equal(syscallName('i386', 11), 'execve');
  assert.equal(syscallName('i386', 1), 'exit');
  assert.equal(syscallName('i386', 5), 'open');
  assert.equal(syscallName('i386', 102), 'socketcall');
  assert.equal(syscallNumber('i386', 'clone3'), 435);
});

test('arm64 uses the generic numbering', () => {
  assert.equal(syscallName('arm64', 221), 'execve');
  assert.equal(syscallName('arm64', 56), 'openat');
  assert.equal(syscallName('arm64', 63), 'read');
  assert.equal(syscallName('arm64', 79), 'newfstatat');
  assert.equal(syscallName('arm64', 38), 'renameat');
  assert.equal(syscallNumber('arm64', 'open'), undefined);
  assert.equal(syscallNumber('arm64', 'clone3'), 435);
});

test('unknown numbers and names are undefined', () => {
  assert.equal(syscallName('x86_64', 400), undefined);
  assert.equal(syscallName('x86_64', 100000), undefined);
  assert.equal(syscallName('x86_64', -1), undefined);
  assert.equal(syscallNumber('x86_64', 'no_such_call'), undefined);
});

test('tables are complete, ascending and without duplicates', () => {
  assert.equal(syscallEntries('x86_64').length, 383);
  assert.equal(syscallEntries('i386').length, 458);
  assert.equal(syscallEntries('arm64').length, 325);
  for (const arch of ['x86_64', 'i386', 'arm64'] as const) {
    const entries = syscallEntries(arch);
    const names = new Set(entries.map(([, n]) => n));
    assert.equal(names.size, entries.length, arch);
    for (let i = 1; i < entries.length; i++) assert.ok(entries[i]![0] > entries[i - 1]![0], arch);
    for (const [nr, name] of entries) {
      assert.equal(syscallName(arch, nr), name);
      assert.equal(syscallNumber(arch, name), nr);
    }
  }
});

test('hostArch maps Node arch names', () => {
  assert.equal(hostArch(), process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'arm64' : undefined);
});
