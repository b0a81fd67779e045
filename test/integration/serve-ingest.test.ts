/**
 * `harrier serve`'s ingest API with a real server process: real events (recorded by
 * `harrier run --events`), retried batches, a server killed mid-run and restarted, bad input,
 * tokens, live updates, and the refusals at startup.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const TOKEN = 'test-token-7f3a';
const dir = tempDir('harrier-serve-ingest-');
const store = join(dir, 'collector.duckdb');
let server: ServerProcess;
let lines: string[];

const auth = { authorization: `Bearer ${TOKEN}` };

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return getJson<Record<string, unknown> & { error?: { code: string; message: string } }>(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
  });
}

function postBatch(runId: string, batchId: string, batch: string[]) {
  return post(`/api/v1/ingest/runs/${runId}/events`, batch.map((l) => `${l}\n`).join(''), {
    'content-type': 'application/x-ndjson',
    'idempotency-key': batchId,
  });
}

type Answer = { status: number; body: { error?: { code: string; message: string } } };

/**
 * A POST on a connection of its own whose answer is read even if the server stops reading the
 * body first (fetch then reports only the EPIPE): how a client learns why a batch was refused.
 */
function postOnOwnConnection(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method: 'POST', agent: false, headers: { ...auth, ...headers } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
    });
    req.on('error', (e) => {
      if (!answered)
        setTimeout(() => answered || reject(new Error(`${e.message}; server stderr: ${server.stderr()}`)), 2000);
    });
    req.end(body);
  });
}

async function newRun(build: Record<string, string> = {}): Promise<string> {
  const res = await post(
    '/api/v1/ingest/runs',
    JSON.stringify({
      command: ['make', 'test'],
      cwd: '/src',
      sensor: 'ebpf',
      hostname: 'ci-7',
      startedAt: String(BigInt(Date.now()) * 1_000_000n),
      harrierVersion: '0.1.0',
      build,
    }),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return String(res.body.id);
}

async function storedSeqs(runId: string): Promise<number[]> {
  const res = await fetch(`${server.url}/api/v1/runs/${runId}/events`, {
    headers: { ...auth, accept: 'application/x-ndjson' },
  });
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { seq: number }).seq);
}

before(async () => {
  const events = join(dir, 'events.ndjson');
  const r = await runHarrier([
    'run',
    '--no-store',
    '-q',
    '--events',
    events,
    '--',
    'sh',
    '-c',
    'cat /etc/hostname > /dev/null; ls / > /dev/null',
  ]);
  assert.equal(r.code, 0, r.stderr);
  lines = readFileSync(events, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  assert.ok(lines.length >= 30, `recorded ${lines.length} events`);
  server = await startServer(['--store', store, '--create'], { HARRIER_TOKEN: TOKEN });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest', () => {
  test('a wrong or missing token gets 401', async () => {
    const wrong = await post('/api/v1/ingest/runs', '{}', { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error?.code, 'unauthorized');
    const res = await getJson<{ error: { message: string } }>(`${server.url}/api/v1/ingest/runs`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 401);
    assert.match(res.body.error.message, /Bearer/);
  });

  test('a batch posted twice is stored once; live updates and metrics follow', async () => {
    const runId = await newRun({ component: 'api', branch: 'main' });
    const live = await fetch(`${server.url}/api/v1/runs/${runId}/live`);
    assert.equal(live.status, 200);
    assert.match(live.headers.get('content-type') ?? '', /text\/event-stream/);

    const half = Math.floor(lines.length / 2);
    const first = await postBatch(runId, 'b-1', lines.slice(0, half));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { runId, duplicate: false, stored: half, total: half });
    const again = await postBatch(runId, 'b-1', lines.slice(0, half));
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.stored, 0);
    const second = await postBatch(runId, 'b-2', lines.slice(half));
    assert.equal(second.body.total, lines.length);

    const findings = await post(
      `/api/v1/ingest/runs/${runId}/findings`,
      JSON.stringify([
        {
          id: 'f1',
          ruleId: 'Read sensitive file',
          kind: 'rule',
          severity: 'high',
          title: 'Sensitive file read',
          message: 'cat read /etc/shadow',
          fingerprint: 'fp1',
          count: 2,
          firstTs: '1700000000000000000',
          lastTs: '1700000000000000001',
          evidence: { details: { file: '/etc/shadow' } },
        },
      ]),
    );
    assert.equal(findings.status, 200, JSON.stringify(findings.body));
    const finish = await post(
      `/api/v1/ingest/runs/${runId}/finish`,
      JSON.stringify({
        endedAt: String(BigInt(Date.now()) * 1_000_000n),
        partial: false,
        exit: { kind: 'exited', code: 0 },
      }),
    );
    assert.equal(finish.status, 200, JSON.stringify(finish.body));
    assert.equal(finish.body.status, 'complete');
    const retried = await post(`/api/v1/ingest/runs/${runId}/finish`, JSON.stringify({ endedAt: '1', partial: false }));
    assert.equal(retried.body.alreadyFinished, true);

    const stream = await live.text(); // ends with the status change
    assert.match(stream, /^event: status\ndata: \{"status":"running"\}/);
    assert.match(stream, new RegExp(`event: events\\ndata: \\{"stored":${half},"total":${half}\\}`));
    assert.match(stream, /event: findings\ndata: .*"severity":"high"/);
    assert.match(stream, /event: status\ndata: \{"status":"complete"\}\n\n$/);
    assert.equal((stream.match(/event: events/g) ?? []).length, 2, 'the duplicate is not announced');

    assert.deepEqual(
      await storedSeqs(runId),
      lines.map((_, i) => i + 1),
    );
    const run = await getJson<{ run: { status: string; events: number } }>(`${server.url}/api/v1/runs/${runId}`, {
      headers: auth,
    });
    assert.equal(run.body.run.status, 'complete');
    assert.equal(run.body.run.events, lines.length);
    const byComponent = await getJson<{ runs: Array<{ id: string }> }>(
      `${server.url}/api/v1/runs?component=api&branch=main`,
    );
    assert.deepEqual(
      byComponent.body.runs.map((r) => r.id),
      [runId],
    );
    const high = await getJson<{ findings: unknown[] }>(`${server.url}/api/v1/runs/${runId}/findings?severity=high`);
    assert.equal(high.body.findings.length, 1);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const type = (JSON.parse(lines[0] ?? '{}') as { type: string }).type;
    assert.match(metrics, new RegExp(`harrier_ingest_events_total\\{type="${type}",sensor="\\w+"\\} \\d+`));
    assert.match(metrics, /harrier_ingest_duplicate_batches_total 1/);
    assert.match(metrics, /harrier_ingest_findings_total\{severity="high"\} 1/);
    assert.match(metrics, /harrier_store_write_seconds_count \d+/);
  });

  test('bad batches get a JSON 4xx naming the problem, store nothing, and the server keeps serving', async () => {
    const runId = await newRun();
    const good = lines[0] ?? '';
    const cases: Array<[string, () => Promise<Answer>, number, RegExp]> = [
      ['malformed line', () => postBatch(runId, 'x1', [good, '{"ts": oops']), 400, /line 2: not JSON/],
      [
        'wrong type',
        () => postBatch(runId, 'x2', [good, good.replace(/"pid":\d+/, '"pid":"12"')]),
        400,
        /line 2: "pid"/,
      ],
      // DuckDB's JSON reader takes this; stored, it could not be read back.
      [
        'NaN in args',
        () => postBatch(runId, 'x6', [good, good.replace(/"args":\{/, '"args":{"n":NaN,')]),
        400,
        /line 2: not JSON/,
      ],
      [
        'no batch id',
        () => post(`/api/v1/ingest/runs/${runId}/events`, good, { 'content-type': 'application/x-ndjson' }),
        400,
        /idempotency-key/,
      ],
      [
        'JSON instead of NDJSON',
        () => post(`/api/v1/ingest/runs/${runId}/events`, '{}', { 'idempotency-key': 'x3' }),
        415,
        /x-ndjson/,
      ],
      ['unknown run', () => postBatch('rnothere', 'x5', [good]), 404, /no run/],
      [
        'finding with a bad severity',
        () => post(`/api/v1/ingest/runs/${runId}/findings`, '[{"id":"x"}]'),
        400,
        /must have required property/,
      ],
      ['malformed JSON', () => post('/api/v1/ingest/runs', '{"command":'), 400, /JSON/],
      [
        'a string where a number belongs',
        () =>
          post(
            `/api/v1/ingest/runs/${runId}/processes`,
            JSON.stringify([
              {
                pid: '12',
                ppid: 1,
                exePath: '/bin/x',
                args: [],
                cwd: '/',
                uid: 0,
                gid: 0,
                user: 'u',
                group: 'g',
                startTs: '1',
              },
            ]),
          ),
        400,
        /pid must be integer/,
      ],
    ];
    cases.push([
      'oversized',
      () =>
        postOnOwnConnection(`/api/v1/ingest/runs/${runId}/events`, '\n'.repeat(8 * 2 ** 20 + 1), {
          'content-type': 'application/x-ndjson',
          'idempotency-key': 'x4',
        }),
      413,
      /larger than 8 MiB/,
    ]);
    // One at a time, so each answer is about its own request.
    for (const [name, send, status, message] of cases) {
      const res = await send();
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error?.message ?? '', message, name);
    }
    assert.deepEqual(await storedSeqs(runId), []);
    assert.equal((await getJson(`${server.url}/healthz`)).status, 200);
    // The refused batch ids were not remembered: sending x1 correctly now stores it.
    assert.equal((await postBatch(runId, 'x1', [good])).body.stored, 1);
  });

  test('a server killed mid-run and restarted stores nothing twice and loses nothing acknowledged', async () => {
    const runId = await newRun();
    const third = Math.floor(lines.length / 3);
    const batches = [lines.slice(0, third), lines.slice(third, 2 * third), lines.slice(2 * third)];
    assert.equal((await postBatch(runId, 'k-1', batches[0] ?? [])).status, 200);
    assert.equal((await postBatch(runId, 'k-2', batches[1] ?? [])).status, 200);
    // A crash, not a shutdown: only what DuckDB committed (and acknowledged) may survive.
    await server.stop('SIGKILL');
    server = await startServer(['--store', store], { HARRIER_TOKEN: TOKEN });

    const run = await getJson<{ run: { status: string } }>(`${server.url}/api/v1/runs/${runId}`);
    assert.equal(run.body.run.status, 'incomplete');
    // The client never saw k-2's answer and sends it again, then goes on.
    const retry = await postBatch(runId, 'k-2', batches[1] ?? []);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.duplicate, true);
    const last = await postBatch(runId, 'k-3', batches[2] ?? []);
    assert.equal(last.body.stored, batches[2]?.length);
    assert.equal(last.body.total, lines.length);
    const finish = await post(
      `/api/v1/ingest/runs/${runId}/finish`,
      JSON.stringify({ endedAt: String(BigInt(Date.now()) * 1_000_000n), partial: false }),
    );
    assert.equal(finish.body.status, 'complete');
    assert.deepEqual(
      await storedSeqs(runId),
      lines.map((_, i) => i + 1),
    );
  });
});

describe('startup refusals', () => {
  test('a non-loopback address without a token, and a missing store, exit 2 with a reason', async () => {
    const open = await runHarrier(['serve', '--store', store, '--listen', '0.0.0.0:0'], {
      env: { HARRIER_TOKEN: '' },
      timeoutMs: 20_000,
    });
    assert.equal(open.code, 2);
    assert.match(open.stderr, /refusing to listen on 0\.0\.0\.0:0 without a token/);
    assert.match(open.stderr, /hint: set HARRIER_TOKEN or pass --token-file/);

    const missing = await runHarrier(['serve', '--store', join(dir, 'none.duckdb'), '--listen', '127.0.0.1:0'], {
      timeoutMs: 20_000,
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no store at .*none\.duckdb/);

    const tokenFile = join(dir, 'empty-token');
    writeFileSync(tokenFile, '\n');
    const empty = await runHarrier(['serve', '--store', store, '--token-file', tokenFile], { timeoutMs: 20_000 });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /is empty/);
  });
});
