/** The store across real processes: a writer killed mid-run, and a store held by another process. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import { StoreError } from '../../../src/store/store.js';
import {
  CRASH_COMMITTED,
  collect,
  eventsOf,
  newRun,
  sampleEvents,
  sampleFindings,
  sampleProcesses,
  tempDir,
} from './fixtures.js';

const CHILD = fileURLToPath(new URL('./store-child.js', import.meta.url));

function startChild(command: string, path: string): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, [CHILD, command, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`child ${command} exited (${code ?? signal}) before writing a line`)),
    );
  });
  return { child, firstLine };
}

describe('a writer killed mid-run', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('leaves earlier runs intact and its own run incomplete with the events it committed', async () => {
    const path = join(tmp.dir, 'crash.duckdb');
    const before = await openDuckDbStore(path);
    const done = await before.beginRun(newRun(1_000n));
    done.appendEvents(sampleEvents());
    done.upsertProcesses(sampleProcesses());
    await done.finish({ endedAt: 2_000n, exit: { kind: 'exited', code: 0 }, summary: { ok: true }, partial: false });
    await before.close();

    const { child, firstLine } = startChild('crash', path);
    const crashedId = await firstLine;
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.deepEqual([code, signal], [null, 'SIGKILL']);

    const crashed = {
      ...newRun(5_000n, ['crashy', '--now']),
      id: crashedId,
      status: 'incomplete',
      eventCount: CRASH_COMMITTED,
    };
    // Read-only, before any recovery has been written: shown as recovery will leave it.
    const reader = await openDuckDbStore(path, { readOnly: true });
    try {
      assert.deepEqual(await reader.getRun(crashedId), crashed);
    } finally {
      await reader.close();
    }

    const store = await openDuckDbStore(path);
    try {
      assert.deepEqual(await store.listRuns(), [
        crashed,
        {
          ...newRun(1_000n),
          id: done.runId,
          status: 'complete',
          endedAt: 2_000n,
          exit: { kind: 'exited', code: 0 },
          eventCount: sampleEvents().length,
          summary: { ok: true },
        },
      ]);
      assert.deepEqual(
        await collect(store.events({ runId: crashedId })),
        eventsOf(sampleEvents().slice(0, CRASH_COMMITTED)),
      );
      assert.deepEqual(await store.processes(crashedId), sampleProcesses().slice(0, 1));
      // The findings flushed before the crash, as flushed (high before medium); not the later, buffered update.
      assert.deepEqual(await store.findings(crashedId), sampleFindings().slice(0, 2));
      assert.deepEqual(await store.findings(done.runId), []);
      assert.deepEqual(await collect(store.events({ runId: done.runId })), eventsOf(sampleEvents()));
      assert.deepEqual(await store.processes(done.runId), sampleProcesses());
    } finally {
      await store.close();
    }
  });
});

describe('a store held by another process', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('cannot be opened, and the error names the holder', async () => {
    const path = join(tmp.dir, 'held.duckdb');
    const { child, firstLine } = startChild('hold', path);
    try {
      assert.equal(await firstLine, 'ready');
      for (const readOnly of [false, true]) {
        await assert.rejects(openDuckDbStore(path, { readOnly }), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(err.message, `store ${path} is locked by another process (pid ${child.pid})`);
          assert.equal(err.hint, 'wait for the other harrier to finish, or pass --store with another path');
          return true;
        });
      }
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // Once the holder is gone the store opens.
    const store = await openDuckDbStore(path);
    assert.deepEqual(await store.listRuns(), []);
    await store.close();
  });
});
