import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../../src/cli/errors.js';
import { readToken } from '../../../src/cli/token.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-token-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.HARRIER_TOKEN;
  if (value === undefined) delete process.env.HARRIER_TOKEN;
  else process.env.HARRIER_TOKEN = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.HARRIER_TOKEN;
    else process.env.HARRIER_TOKEN = saved;
  }
}

test('the file’s first line wins over HARRIER_TOKEN, both trimmed alike', () => {
  const file = join(dir, 'token');
  writeFileSync(file, '  s3cr3t-Token_1  \nsecond line\n');
  assert.equal(
    withEnv('other', () => readToken(file)),
    's3cr3t-Token_1',
  );
  assert.equal(
    withEnv(' from-env \n', () => readToken(undefined)),
    'from-env',
  );
  assert.equal(
    withEnv('   ', () => readToken(undefined)),
    undefined,
  );
  assert.equal(
    withEnv(undefined, () => readToken(undefined)),
    undefined,
  );
});

test('a token an HTTP header cannot carry, an empty or missing file: a usage error saying which', () => {
  for (const bad of ['two words', 'ctl\u0001', 'café']) {
    assert.throws(
      () => withEnv(bad, () => readToken(undefined)),
      (e: Error) =>
        e instanceof UsageError && /the token in HARRIER_TOKEN has a space, control or non-ASCII/.test(e.message),
      JSON.stringify(bad),
    );
  }
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n');
  assert.throws(() => readToken(empty), /--token-file .*empty is empty/);
  assert.throws(() => readToken(join(dir, 'nope')), /cannot read --token-file .*nope: no such file/);
});
