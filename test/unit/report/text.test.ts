import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nsToIso } from '../../../src/report/summary-builder.js';
import { formatDuration, shellQuote } from '../../../src/report/text.js';
import { colour, plain, styleFor } from '../../../src/report/style.js';

test('shellQuote quotes only what a shell would need', () => {
  assert.equal(shellQuote('/usr/bin/cat'), '/usr/bin/cat');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('--opt=x,y'), '--opt=x,y');
});

test('formatDuration picks a readable unit', () => {
  assert.equal(formatDuration(0.25), '250 µs');
  assert.equal(formatDuration(3.21), '3.2 ms');
  assert.equal(formatDuration(42.4), '42 ms');
  assert.equal(formatDuration(1500), '1.50 s');
});

test('nsToIso keeps all nine fractional digits', () => {
  assert.equal(nsToIso(1795471917695030192n), '2026-11-23T22:11:57.695030192Z');
  assert.equal(nsToIso(1_000_000_000n), '1970-01-01T00:00:01.000000000Z');
});

test('colour only on a TTY, NO_COLOR wins, FORCE_COLOR forces', () => {
  assert.equal(styleFor({ isTTY: false }, {}), plain);
  assert.equal(styleFor({ isTTY: true }, {}), colour);
  assert.equal(styleFor({ isTTY: true }, { NO_COLOR: '1' }), plain);
  assert.equal(styleFor({ isTTY: false }, { FORCE_COLOR: '1' }), colour);
});
