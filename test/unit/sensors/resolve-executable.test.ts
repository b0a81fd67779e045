import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exitCodeFor, resolveExecutable } from '../../../src/sensors/resolve-executable.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-resolve-'));
const bin1 = join(dir, 'bin1');
const bin2 = join(dir, 'bin2');
mkdirSync(bin1);
mkdirSync(bin2);
writeFileSync(join(bin1, 'tool'), '#!/bin/sh\n', { mode: 0o644 }); // not executable: skipped
writeFileSync(join(bin2, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(bin1, 'only-plain'), '', { mode: 0o644 });
mkdirSync(join(bin1, 'adir'));
const env = { PATH: `${bin1}:${bin2}` };

test('searches PATH in order and skips non-executable files, as execvp does', () => {
  assert.deepEqual(resolveExecutable('tool', env, '/'), { ok: true, path: join(bin2, 'tool') });
});

test('a name with a slash is taken relative to the working directory', () => {
  assert.deepEqual(resolveExecutable('./bin2/tool', env, dir), { ok: true, path: join(bin2, 'tool') });
});

test('not found → 127; found but not executable → 126; a directory → 126', () => {
  const missing = resolveExecutable('nope', env, '/');
  assert.deepEqual(missing, { ok: false, reason: 'not found' });
  assert.equal(!missing.ok && exitCodeFor(missing), 127);
  const plain = resolveExecutable('only-plain', env, '/');
  assert.deepEqual(plain, { ok: false, reason: 'permission denied' });
  assert.equal(!plain.ok && exitCodeFor(plain), 126);
  assert.deepEqual(resolveExecutable(join(bin1, 'adir'), env, '/'), { ok: false, reason: 'is a directory' });
  assert.deepEqual(resolveExecutable('', env, '/'), { ok: false, reason: 'not found' });
});
