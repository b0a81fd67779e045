/**
 * Event batches through a real `harrier serve`, where the store reads the NDJSON itself:
 * what it stores matches what the JavaScript codec stores for the same lines, order holds over
 * a 50k-line batch, a retried batch lands once, and each bad line gets the codec's 400.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const dir = tempDir('harrier-serve-batches-');
let server: ServerProcess;
let recorded: string[];

type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } };

function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return getJson<Answer['body']>(`${server.url}${path}`, { method: 'POST', body, headers });
}

function postBatch(runId: string, key: string, lines: string[]): Promise<Answer> {
  return post(`/api/v1/ingest/runs/${runId}/events`, lines.join('\n'), {
    'content-type': 'application/x-ndjson',
    'idempotency-key': key,
  });
}

async function newRun(): Promise<string> {
  const res = await post(
    '/api/v1/ingest/runs',
    JSON.stringify({
      command: ['make'],
      cwd: '/src',
      sensor: 'ebpf',
      hostname: 'ci-1',
      startedAt: '1',
      harrierVersion: '0.1.0',
    }),
    { 'content-type': 'application/json' },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return String(res.body.id);
}

/** The run's events as the query API streams them (the event codec plus seq and context). */
async function stored(runId: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${server.url}/api/v1/runs/${runId}/events`, { headers: { accept: 'application/x-ndjson' } });
  assert.equal(res.status, 200);
  return (await res.text())
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

before(async () => {
  const events = join(dir, 'events.ndjson');
  const r = await runHarrier(['run', '--no-store', '-q', '--events', events, '--', 'sh', '-c', 'cat /etc/hostname']);
  assert.equal(r.code, 0, r.stderr);
  recorded = readFileSync(events, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  server = await startServer(['--store', join(dir, 'store.duckdb'), '--create']);
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('event batches read by the store', () => {
  test('store what the codec path stores for the same lines', async () => {
    const extra = [
      '{"ts":"5","source":"libc","type":"write","pid":3,"tid":4,"res":-9,"errno":"EBADF","truncated":true,' +
        '"args":{"fd":{"fd":9},"n":{"$bigint":"9007199254740993"},"s":"ü → 😀 \\"\\\\\\n"},' +
        '"path":"/tmp/ü","path2":"/x","endpoint":"[::1]:80"}',
    ];
    const lines = [...recorded, '', ...extra];
    const fast = await newRun();
    assert.equal((await postBatch(fast, 'k', lines)).status, 200);
    // A line the store's reader does not take as is (pid 3.0) sends the whole batch to the codec.
    const viaCodec = await newRun();
    const odd = '{"ts":"6","source":"ebpf","type":"close","pid":3.0,"tid":3,"args":{}}';
    assert.equal((await postBatch(viaCodec, 'k', [...lines, odd])).status, 200);
    const a = await stored(fast);
    const b = await stored(viaCodec);
    assert.equal(a.length, recorded.length + extra.length);
    assert.equal(b.length, a.length + 1);
    assert.deepEqual(a, b.slice(0, a.length));
    const last = a[a.length - 1];
    assert.deepEqual(last, { seq: a.length, ...(JSON.parse(extra[0] ?? '') as Record<string, unknown>) });
  });

  test('keep line order over 50,000 lines, and store a retried batch once', async () => {
    const runId = await newRun();
    const lines: string[] = [];
    for (let i = 1; i <= 50_000; i++) {
      lines.push(
        `{"ts":"${i}","source":"ebpf","type":"read","pid":${i},"tid":1,"res":${i % 4096},"args":{"fd":{"fd":3},"pad":"${'z'.repeat(i % 53)}"}}`,
      );
    }
    const first = await postBatch(runId, 'big', lines);
    assert.deepEqual(first.body, { runId, duplicate: false, stored: 50_000, total: 50_000 });
    const retry = await postBatch(runId, 'big', lines);
    assert.deepEqual(retry.body, { runId, duplicate: true, stored: 0, total: 50_000 });
    const rows = await stored(runId);
    assert.equal(rows.length, 50_000);
    rows.forEach((r, i) => {
      if (r.seq !== i + 1 || r.ts !== String(i + 1)) assert.fail(`seq ${String(r.seq)} holds line ${String(r.ts)}`);
    });
  });

  test('a bad line gets the codec 400 naming it, and nothing of its batch is stored', async () => {
    const runId = await newRun();
    // The shortest recorded line with a result, so 20,000 of them stay well under the body limit.
    const good = recorded.filter((l) => l.includes('},"res":')).sort((x, y) => x.length - y.length)[0] ?? '';
    const many = Array.from({ length: 20_000 }, () => good);
    const cases: Array<[string, string, RegExp]> = [
      ['pid "x"', good.replace(/"pid":\d+/, '"pid":"x"'), /^line 10001: "pid"\/"tid" must be integers$/],
      ['ts as a number', good.replace(/"ts":"(\d+)"/, '"ts":12'), /^line 10001: "ts" must be a decimal string$/],
      [
        'args an array',
        good.replace(/"args":\{.*\}(,"res")/, '"args":[1,2]$1'),
        /^line 10001: "args" must be an object$/,
      ],
      ['unknown source', good.replace(/"source":"\w+"/, '"source":"dtrace"'), /^line 10001: "source" is not a sensor$/],
      ['path a number', good.replace(/^\{/, '{"path":5,'), /^line 10001: "path" must be a string$/],
      ['not JSON', '{"ts":"1",', /^line 10001: not JSON/],
    ];
    for (const [name, bad, message] of cases) {
      assert.notEqual(bad, good, name);
      const lines = [...many];
      lines[10_000] = bad;
      const res = await postBatch(runId, name.replace(/\W/g, '-'), lines);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error?.message ?? '', message, name);
    }
    assert.deepEqual(await stored(runId), []);
    assert.equal((await postBatch(runId, 'pid--x-', [good])).body.stored, 1);
  });
});
