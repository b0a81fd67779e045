import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BatchFiles, removeStaleBatchDirs } from '../../../src/server/batch-files.js';

test('a server killed before it could clean up leaves nothing behind the next one', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'harrier-batch-files-'));
  try {
    // A pid that ran and is gone: a finished child's.
    const gone = spawnSync('true').pid;
    assert.ok(gone !== undefined);
    const stale = `harrier-ingest-${gone}-abc123`;
    mkdirSync(join(parent, stale));
    const living = `harrier-ingest-1-def456`; // pid 1 always runs
    mkdirSync(join(parent, living));
    mkdirSync(join(parent, 'unrelated'));

    const files = new BatchFiles(parent);
    const seen = await files.with([Buffer.from('{"line":'), Buffer.from('1}\n')], async (file) => {
      assert.equal(readFileSync(file, 'utf8'), '{"line":1}\n', 'the chunks, in order');
      return file;
    });
    assert.ok(!existsSync(seen), 'the batch file is removed once used');
    const names = readdirSync(parent).sort();
    assert.ok(!names.includes(stale), 'the dead server’s directory is removed');
    assert.ok(names.includes(living) && names.includes('unrelated'));
    assert.ok(
      names.some((n) => n.startsWith(`harrier-ingest-${process.pid}-`)),
      names.join(' '),
    );
    assert.deepEqual(await removeStaleBatchDirs(parent), [], 'nothing else is stale');
    await files.close();
    assert.ok(!readdirSync(parent).some((n) => n.startsWith(`harrier-ingest-${process.pid}-`)));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
