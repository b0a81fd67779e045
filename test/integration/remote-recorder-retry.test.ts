/**
 * The real RemoteRecorder (what `harrier run --server` records with) against a real
 * `harrier serve`, through a small HTTP proxy in the test that plays the network's and a busy
 * collector's part: it answers 429 with Retry-After for chosen attempts, or forwards a request
 * and then cuts the connection so its answer is lost. Everything else is forwarded unchanged,
 * so what got stored is read back from the real collector.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Event } from '../../src/events/event.js';
import type { NewRun, RunWriter, StoredEvent } from '../../src/store/store.js';
import { RemoteRecorder } from '../../src/store/remote/remote-recorder.js';
import { tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const TOKEN = 'retry-token-0b7e';
const dir = tempDir('harrier-remote-retry-');
let collector: ServerProcess;

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  idempotencyKey: string | undefined;
  /** When the proxy received it (ms, monotonic). */
  at: number;
}

type Action = 'forward' | 'throttle' | 'lose';

interface Proxy {
  url: string;
  seen: Seen[];
  close: () => Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** A proxy to the collector that asks `plan` what to do with each request (numbered per path). */
async function startProxy(plan: (s: Seen, attemptOnPath: number) => Action): Promise<Proxy> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const u = new URL(req.url ?? '/', 'http://proxy');
      const s: Seen = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        at: performance.now(),
      };
      seen.push(s);
      const action = plan(s, seen.filter((o) => o.method === s.method && o.path === s.path).length);
      if (action === 'throttle') {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'store_busy', message: 'busy (test proxy)' } }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type', 'idempotency-key']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const upstream = await fetch(collector.url + (req.url ?? '/'), {
        method: s.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const text = await upstream.text();
      // The collector did the work; its answer never reaches the client.
      if (action === 'lose') return void req.socket.destroy();
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      res.end(text);
    })().catch((e: unknown) => {
      res.writeHead(599).end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const newRun = (name: string): NewRun => ({
  command: [name],
  cwd: '/src',
  sensor: 'ptrace',
  hostname: 'retry-host',
  startedAt: BigInt(Date.now()) * 1_000_000n,
  harrierVersion: '0.1.0',
});

let nextTs = BigInt(Date.now()) * 1_000_000n;
function events(n: number): StoredEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const event: Event = {
      ts: nextTs++,
      source: 'ptrace',
      type: 'openat',
      pid: 100,
      tid: 100,
      res: 3,
      args: { fd: -100, name: `/tmp/retry-${i}`, flags: 0 },
    };
    return { event, path: `/tmp/retry-${i}` };
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

async function storedEvents(runId: string): Promise<{ seq: number; path?: string }[]> {
  const res = await getJson<{ events: { seq: number; path?: string }[] }>(
    `${collector.url}/api/v1/runs/${runId}/events?limit=1000`,
    { headers: auth },
  );
  assert.equal(res.status, 200);
  return res.body.events;
}

async function runsNamed(name: string): Promise<{ id: string; status: string }[]> {
  const res = await getJson<{ runs: { id: string; status: string; command: string[] }[] }>(
    `${collector.url}/api/v1/runs?limit=1000`,
    { headers: auth },
  );
  return res.body.runs.filter((r) => r.command[0] === name);
}

async function droppedMetric(): Promise<number> {
  const text = await (await fetch(`${collector.url}/metrics`, { headers: auth })).text();
  const m = /^harrier_ingest_dropped_events_total (\d+)$/m.exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

const finish = (w: RunWriter): Promise<void> =>
  w.finish({
    endedAt: BigInt(Date.now()) * 1_000_000n,
    exit: { kind: 'exited', code: 0 },
    summary: {},
    partial: false,
  });

before(async () => {
  collector = await startServer(['--store', join(dir, 'collector.duckdb'), '--create'], { HARRIER_TOKEN: TOKEN });
});

after(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a 429 is retried after its Retry-After, with the same batch key, and the batch is stored once', async () => {
  const proxy = await startProxy((s, n) => (s.path.endsWith('/events') && n <= 2 ? 'throttle' : 'forward'));
  try {
    // A 50 ms backoff: only Retry-After can explain a retry a second later.
    const recorder = new RemoteRecorder({ url: proxy.url, token: TOKEN, batchEvents: 10, backoffMs: 50 });
    const writer = await recorder.beginRun(newRun('retry-429'));
    writer.appendEvents(events(10));
    await writer.flush();
    await finish(writer);

    const attempts = proxy.seen.filter((s) => s.path.endsWith('/events'));
    assert.equal(attempts.length, 3, 'two refused, the third taken');
    assert.ok(attempts[0]?.idempotencyKey !== undefined);
    assert.ok(
      attempts.every((a) => a.idempotencyKey === attempts[0]?.idempotencyKey),
      'one batch, one key',
    );
    for (let i = 1; i < attempts.length; i++) {
      const gap = (attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0);
      assert.ok(gap >= 950, `attempt ${i + 1} came ${gap.toFixed(0)} ms after the 429 that said Retry-After: 1`);
    }
    const stored = await storedEvents(writer.runId);
    assert.deepEqual(
      stored.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(new Set(stored.map((e) => e.path)).size, 10);
    assert.deepEqual(
      (await runsNamed('retry-429')).map((r) => r.status),
      ['complete'],
    );
  } finally {
    await proxy.close();
  }
});

test('a run creation whose answer is lost is retried with the same key and makes one run', async () => {
  const proxy = await startProxy((s, n) => (s.path === '/api/v1/ingest/runs' && n === 1 ? 'lose' : 'forward'));
  try {
    const recorder = new RemoteRecorder({ url: proxy.url, token: TOKEN, backoffMs: 50 });
    const writer = await recorder.beginRun(newRun('retry-lost-create'));
    const creations = proxy.seen.filter((s) => s.path === '/api/v1/ingest/runs');
    assert.equal(creations.length, 2, 'the lost answer was retried');
    assert.ok(creations[0]?.idempotencyKey !== undefined && creations[0].idempotencyKey.length >= 16);
    assert.equal(creations[1]?.idempotencyKey, creations[0]?.idempotencyKey);
    writer.appendEvents(events(3));
    await finish(writer);
    const runs = await runsNamed('retry-lost-create');
    assert.deepEqual(
      runs.map((r) => [r.id, r.status]),
      [[writer.runId, 'complete']],
    );
    assert.equal((await storedEvents(writer.runId)).length, 3);
  } finally {
    await proxy.close();
  }
});

test('with a tiny buffer, events that do not fit while the collector is busy are counted and reported once', async () => {
  const proxy = await startProxy((s, n) => (s.path.endsWith('/events') && n === 1 ? 'throttle' : 'forward'));
  try {
    const droppedBefore = await droppedMetric();
    const recorder = new RemoteRecorder({
      url: proxy.url,
      token: TOKEN,
      batchEvents: 5,
      bufferEvents: 5,
      backoffMs: 50,
    });
    const writer = await recorder.beginRun(newRun('retry-drops'));
    writer.appendEvents(events(5)); // a full batch: sent at once, and refused with Retry-After: 1
    const deadline = performance.now() + 5000;
    while (!proxy.seen.some((s) => s.path.endsWith('/events')) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // The buffer is full while the batch waits to be retried: these three cannot be kept.
    writer.appendEvents(events(3));
    await writer.flush();
    writer.appendEvents(events(2));
    await writer.flush();
    writer.appendEvents(events(1));
    await finish(writer);

    const batches = proxy.seen.filter((s) => s.path.endsWith('/events'));
    assert.deepEqual(
      batches.map((b) => b.query.get('dropped')),
      [null, null, '3', null],
      'refused, retried (sent before the drops), the next batch reports 3, the one after none',
    );
    assert.equal((await storedEvents(writer.runId)).length, 5 + 2 + 1);
    assert.equal((await droppedMetric()) - droppedBefore, 3, 'the collector counted each drop once');
    // A run that lost events is not complete, whatever its command did.
    assert.deepEqual(
      (await runsNamed('retry-drops')).map((r) => r.status),
      ['incomplete'],
    );
  } finally {
    await proxy.close();
  }
});
