/**
 * Run creation is idempotent: a `POST /api/v1/ingest/runs` retried with the same
 * Idempotency-Key (after its answer was lost) gets the run the first attempt made, also after
 * the collector restarted, and the store holds that run once. Without a key (older clients)
 * every POST makes a run.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const TOKEN = 'idem-token-52c1';
const dir = tempDir('harrier-run-idem-');
const store = join(dir, 'collector.duckdb');
let server: ServerProcess | undefined;

const newRunBody = (command: string): string =>
  JSON.stringify({
    command: [command],
    cwd: '/src',
    sensor: 'ebpf',
    hostname: 'ci-1',
    startedAt: String(BigInt(Date.now()) * 1_000_000n),
    harrierVersion: '0.1.0',
  });

async function createRun(command: string, key?: string) {
  assert.ok(server);
  const res = await getJson<{ id?: string; error?: { message: string } }>(`${server.url}/api/v1/ingest/runs`, {
    method: 'POST',
    body: newRunBody(command),
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(typeof res.body.id, 'string');
  return { id: res.body.id as string, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

async function runsNamed(command: string): Promise<string[]> {
  assert.ok(server);
  const res = await getJson<{ runs: { id: string; command: string[] }[] }>(`${server.url}/api/v1/runs?limit=1000`);
  assert.equal(res.status, 200);
  return res.body.runs.filter((r) => r.command[0] === command).map((r) => r.id);
}

before(async () => {
  server = await startServer(['--store', store, '--create'], { HARRIER_TOKEN: TOKEN });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the same key twice, even at once, gives one run; another key another run', async () => {
  const key = randomUUID();
  const first = await createRun('idem-a', key);
  assert.equal(first.replayed, false);
  const again = await createRun('idem-a', key);
  assert.deepEqual(again, { id: first.id, replayed: true });
  // Concurrent retries (a client and its timed-out twin) must not race into two runs.
  const key2 = randomUUID();
  const both = await Promise.all([createRun('idem-b', key2), createRun('idem-b', key2)]);
  assert.equal(both[0].id, both[1].id);
  assert.deepEqual(await runsNamed('idem-a'), [first.id]);
  assert.deepEqual(await runsNamed('idem-b'), [both[0].id]);
  const other = await createRun('idem-a', randomUUID());
  assert.notEqual(other.id, first.id);
  assert.equal((await runsNamed('idem-a')).length, 2);
});

test('without a key every POST makes a run (older clients)', async () => {
  const a = await createRun('idem-none');
  const b = await createRun('idem-none');
  assert.notEqual(a.id, b.id);
  assert.equal((await runsNamed('idem-none')).length, 2);
});

test('a key is remembered across a collector restart', async () => {
  const key = randomUUID();
  const first = await createRun('idem-restart', key);
  await server?.stop();
  server = await startServer(['--store', store], { HARRIER_TOKEN: TOKEN });
  const again = await createRun('idem-restart', key);
  assert.deepEqual(again, { id: first.id, replayed: true });
  assert.deepEqual(await runsNamed('idem-restart'), [first.id]);
});

test('a malformed key is a 400 saying which header', async () => {
  assert.ok(server);
  const res = await getJson<{ error: { message: string } }>(`${server.url}/api/v1/ingest/runs`, {
    method: 'POST',
    body: newRunBody('idem-bad'),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'has space' },
  });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /idempotency-key/);
});
