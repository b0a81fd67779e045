/**
 * A monitor's alert stream end to end: a real `harrier monitor` (eBPF, whole host) sees a real
 * rule fire (`cat` reading /etc/shadow), and the alert reaches a real `harrier serve` collector's
 * query API and its live stream while the monitor runs, with the session's rule finding; a
 * local-store session keeps its alerts (deduplicated repeats counted) and findings; bad ingest
 * input is refused with a message naming the problem.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDuckDbStore } from '../../src/store/duckdb/index.js';
import { harrierBin, tempDir } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';
import { getJson, startServer } from '../helpers/server.js';

const RULE = 'Harrier Password File Read by Untrusted Program';
const NO_EBPF = 'the eBPF sensor cannot run here (needs root and a built probe)';

interface AlertJson {
  runId: string;
  seq: number;
  time: string;
  tsNs: string;
  rule: string;
  priority: string;
  hostname: string;
  output: string;
  tags: string[];
  outputFields: Record<string, unknown>;
  repeats: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** `harrier monitor ARGS`, resolved once its first stats line shows the sensor is running. */
async function startMonitor(
  args: string[],
): Promise<{ child: ChildProcess; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [harrierBin, 'monitor', '--json', '--stats-interval', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout?.resume();
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await until('the monitor to start', async () => (stderr.includes('"stats"') ? true : undefined));
  return {
    child,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGINT');
      return closed;
    },
  };
}

/** cat reads the shadow file `times` times in one process (identical alerts), then fails on the marker path. */
function readShadow(marker: string, times = 1): void {
  spawnSync('cat', [...Array<string>(times).fill('/etc/shadow'), `/nonexistent/${marker}`], { stdio: 'ignore' });
}

/** A server-sent-events client on a real HTTP connection, collecting `alert` events. */
async function alertStream(url: string): Promise<{ alerts: AlertJson[]; close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/alerts/live`, { signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const alerts: AlertJson[] = [];
  let ready = false;
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (event === 'ready') ready = true;
          if (event === 'alert' && data !== undefined) alerts.push(JSON.parse(data) as AlertJson);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  await until('the live stream to be ready', async () => (ready ? true : undefined), 5000);
  return { alerts, close: () => controller.abort() };
}

const hasMarker = (a: AlertJson, marker: string) => String(a.outputFields['proc.cmdline'] ?? '').includes(marker);

test('monitor --server: the alert is in the collector’s API and live stream while the monitor runs, with its finding', async (t) => {
  if (!sensorsUnderTest().includes('ebpf')) return t.skip(NO_EBPF);
  const dir = tempDir();
  const server = await startServer(['--store', join(dir, 'collector.duckdb'), '--create']);
  const live = await alertStream(server.url);
  const marker = `harrier-alerts-remote-${process.pid}`;
  const monitor = await startMonitor(['--no-store', '--server', server.url]);
  try {
    readShadow(marker);
    const ruleQuery = `${server.url}/api/v1/alerts?rule=${encodeURIComponent(RULE)}`;
    const alert = await until('the alert in GET /api/v1/alerts', async () => {
      const res = await getJson<{ alerts: AlertJson[] }>(ruleQuery);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.alerts.find((a) => hasMarker(a, marker));
    });
    assert.equal(alert.rule, RULE);
    assert.equal(alert.priority, 'Warning');
    assert.equal(alert.outputFields['proc.name'], 'cat');
    assert.equal(typeof alert.outputFields['proc.pid'], 'number');
    assert.equal(alert.outputFields['user.name'], 'root');
    assert.equal(alert.outputFields['fd.name'], '/etc/shadow');
    assert.match(alert.output, /^\d\d:\d\d:\d\d\.\d{9}: Warning Password file opened for reading/);
    assert.equal(alert.repeats, 0);
    assert.ok(alert.tags.length > 0, 'the rule’s tags come along');
    assert.equal(alert.time.slice(0, 10), new Date().toISOString().slice(0, 10));

    // The stream connected before the monitor started carried the same alert.
    const streamed = await until('the alert on /api/v1/alerts/live', async () =>
      live.alerts.find((a) => hasMarker(a, marker)),
    );
    assert.deepEqual(streamed, alert);

    // Priority filter in any case; another priority leaves it out.
    const warning = await getJson<{ alerts: AlertJson[] }>(`${ruleQuery}&priority=warning,error`);
    assert.ok(warning.body.alerts.some((a) => a.seq === alert.seq && a.runId === alert.runId));
    const critical = await getJson<{ alerts: AlertJson[] }>(`${ruleQuery}&priority=Critical`);
    assert.equal(critical.body.alerts.filter((a) => hasMarker(a, marker)).length, 0);

    // Findings are upserted during the session, not only when it ends.
    const finding = await until('the rule finding while the monitor runs', async () => {
      const res = await getJson<{ findings: Array<{ ruleId: string; kind: string; severity: string; count: number }> }>(
        `${server.url}/api/v1/runs/${alert.runId}/findings?rule=${encodeURIComponent(RULE)}`,
      );
      return res.body.findings.find((f) => f.kind === 'rule');
    });
    assert.equal(finding.severity, 'medium');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`harrier_ingest_alerts_total\\{priority="Warning",rule="${RULE}"\\} [1-9]`));
  } finally {
    const code = await monitor.stop();
    live.close();
    await server.stop();
    assert.equal(code, 0, monitor.stderr());
  }
});

test('monitor into a local store keeps its alerts, repeats counted, and its rule findings', async (t) => {
  if (!sensorsUnderTest().includes('ebpf')) return t.skip(NO_EBPF);
  const dir = tempDir();
  const path = join(dir, 'h.duckdb');
  const marker = `harrier-alerts-local-${process.pid}`;
  const monitor = await startMonitor(['--store', path, '--dedup-window', '60']);
  // One process, three identical reads: one alert at once, two counted into a second at shutdown.
  readShadow(marker, 3);
  await sleep(1500);
  assert.equal(await monitor.stop(), 0, monitor.stderr());

  const store = await openDuckDbStore(path, { readOnly: true });
  try {
    const [run] = await store.listRuns();
    assert.ok(run !== undefined);
    assert.deepEqual([run.command, run.status], [['harrier', 'monitor'], 'complete']);
    const mine = (await store.alerts({ runId: run.id, rule: RULE, limit: 1000 })).filter((a) =>
      String(a.outputFields['proc.cmdline']).includes(marker),
    );
    assert.deepEqual(
      mine.map((a) => [
        a.seq > 0,
        a.priority,
        a.outputFields['proc.name'],
        a.repeats,
        a.outputFields['harrier.repeats'],
      ]),
      [
        [true, 'Warning', 'cat', 2, 2],
        [true, 'Warning', 'cat', 0, undefined],
      ],
    );
    const findings = await store.findings(run.id, { ruleId: RULE });
    const shadow = findings.find((f) => JSON.stringify(f.evidence).includes(marker));
    assert.ok(shadow !== undefined, JSON.stringify(findings.map((f) => f.message)));
    assert.equal(shadow.kind, 'rule');
    assert.ok(shadow.count >= 3, `three reads counted, got ${shadow.count}`);
  } finally {
    await store.close();
  }
});

test('alert ingest refuses bad input with a message naming the problem, and needs the token', async () => {
  const dir = tempDir();
  const token = 'alerts-test-token';
  const server = await startServer(['--store', join(dir, 'c.duckdb'), '--create'], { HARRIER_TOKEN: token });
  try {
    const post = (path: string, body: unknown, auth = true) =>
      getJson<{ id?: string; error?: { code: string; message: string } }>(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
    const created = await post('/api/v1/ingest/runs', {
      command: ['harrier', 'monitor'],
      cwd: '/',
      sensor: 'ebpf',
      hostname: 'h1',
      startedAt: '1700000000000000000',
      harrierVersion: '0.1.0',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const runId = String(created.body.id);
    const good = {
      seq: 1,
      ts: '1700000000000000001',
      rule: 'R',
      priority: 'Warning',
      source: 'syscall',
      tags: ['t'],
      hostname: 'h1',
      output: 'o',
      outputFields: { 'proc.name': 'cat' },
      repeats: 0,
    };
    const path = `/api/v1/ingest/runs/${runId}/alerts`;
    const bad = async (body: unknown, status: number, message: RegExp) => {
      const res = await post(path, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.error?.message ?? '', message);
    };
    await bad(
      [{ ...good, priority: 'Loud' }],
      400,
      /alerts\[0\]\.priority: "Loud" is not a Falco priority \(Emergency,/,
    );
    await bad([good, { ...good, seq: 2, ts: 12 }], 400, /\/1\/ts must be string/);
    const { rule: _omitted, ...noRule } = good;
    await bad([noRule], 400, /must have required property 'rule'/);
    await bad([{ ...good, seq: 0 }], 400, /\/0\/seq must be >= 1/);
    await bad([{ ...good, colour: 'red' }], 400, /must NOT have additional properties/);
    await bad({ alerts: [good] }, 400, /body must be array/);
    assert.equal((await post(`/api/v1/ingest/runs/r0nosuchrun/alerts`, [good])).status, 404);
    assert.equal((await post(path, [good], false)).status, 401);

    // Nothing bad was stored; the good alert, sent twice (a retry), is stored once.
    assert.equal((await post(path, [good])).status, 200);
    assert.equal((await post(path, [good])).status, 200);
    const list = await getJson<{ alerts: AlertJson[]; next: string | null }>(`${server.url}/api/v1/alerts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(
      list.body.alerts.map((a) => [a.runId, a.seq, a.rule, a.tsNs]),
      [[runId, 1, 'R', '1700000000000000001']],
    );
    assert.equal(list.body.next, null);
    // …and counted once (a retry is not a second alert).
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    assert.match(metrics, /harrier_ingest_alerts_total\{priority="Warning",rule="R"\} 1\n/);

    // Copies of one post arriving together (a retry sent while the first is still being written):
    // stored, counted and streamed once.
    const live = await alertStream(server.url);
    try {
      const twin = { ...good, seq: 2, rule: 'R2' };
      const copies = await Promise.all([1, 2, 3, 4].map(() => post(path, [twin])));
      assert.deepEqual(
        copies.map((c) => c.status),
        [200, 200, 200, 200],
      );
      const after = await (
        await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      ).text();
      assert.match(after, /harrier_ingest_alerts_total\{priority="Warning",rule="R2"\} 1\n/);
      // One more post after them, so a late second copy would be on the stream before its marker.
      await post(path, [{ ...good, seq: 3, rule: 'R3' }]);
      await until(
        'the marker on the live stream',
        async () => (live.alerts.some((a) => a.rule === 'R3') ? true : undefined),
        5000,
      );
      assert.deepEqual(
        live.alerts.map((a) => [a.seq, a.rule]),
        [
          [2, 'R2'],
          [3, 'R3'],
        ],
      );
    } finally {
      live.close();
    }

    // Query parameters are checked too.
    const query = (q: string) =>
      getJson<{ error?: { message: string } }>(`${server.url}/api/v1/alerts?${q}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const badPriority = await query('priority=Warning,Loud');
    assert.equal(badPriority.status, 400);
    assert.match(badPriority.body.error?.message ?? '', /priority=Loud: expected one or more of Emergency, Alert/);
    assert.equal((await query('limit=1001')).status, 400);
    const badCursor = await query('cursor=nope');
    assert.equal(badCursor.status, 400);
    assert.match(badCursor.body.error?.message ?? '', /cursor="nope": pass the "next" of the previous page/);
    assert.equal((await query('run=r0nosuchrun')).status, 404);
  } finally {
    await server.stop();
  }
});
