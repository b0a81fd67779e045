import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unescapeC } from '../../../src/sensors/ptrace/c-string.js';

const un = (s: string): string => unescapeC(s, 0, s.length);

test('plain text is returned as is', () => {
  assert.equal(un('/etc/hostname'), '/etc/hostname');
  assert.equal(unescapeC('xx/etcxx', 2, 6), '/etc');
});

test('C escapes decode to their characters', () => {
  assert.equal(un('a\\nb\\tc\\rd\\ve\\ff'), 'a\nb\tc\rd\ve\ff');
  assert.equal(un('q\\"uote\\\\back'), 'q"uote\\back');
  assert.equal(un('\\a\\b\\e'), '\x07\x08\x1b');
});

test('octal escapes of one to three digits', () => {
  assert.equal(un('\\0'), '\0');
  assert.equal(un('\\1\\2\\10\\t'), '\x01\x02\x08\t');
  assert.equal(un('\\177'), '\x7f');
  assert.equal(un('\\33[31m'), '\x1b[31m');
  // Only three digits belong to the escape.
  assert.equal(un('\\1011'), 'A1');
});

test('hex escapes as printed by -x / -xx', () => {
  assert.equal(un('\\x2f\\x65\\x74\\x63'), '/etc');
  assert.equal(un('\\x41B'), 'AB');
});

test('escaped bytes are decoded as UTF-8', () => {
  assert.equal(un('/tmp/w\\303\\251t\\303\\251'), '/tmp/wété');
  assert.equal(un('\\xe2\\x82\\xac'), '€');
});

test('bytes that are not UTF-8 keep their escaped form', () => {
  assert.equal(un('/tmp/w\\377\\376'), '/tmp/w\\377\\376');
});

test('raw latin1 chars count as bytes', () => {
  // The sensor decodes lines as latin1; a raw UTF-8 byte pair must come back as one char.
  assert.equal(un('caf\u00c3\u00a9'), 'café');
});
