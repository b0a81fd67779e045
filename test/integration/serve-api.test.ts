/**
 * `harrier serve`'s query API over a store filled by real `harrier run` invocations: each
 * filter must actually filter, paging and streaming must agree, bad input gets a JSON 4xx and
 * the server keeps answering.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

interface RunJson {
  id: string;
  status: string;
  events: number;
  command: string[];
  startedAtNs: string;
}
interface EventJson {
  seq: number;
  ts: string;
  type: string;
  pid: number;
  path?: string;
  path2?: string;
  endpoint?: string;
}
interface FindingJson {
  severity: string;
  ruleId: string;
  fingerprint: string;
}
interface ProcessJson {
  pid: number;
  ppid: number;
  exePath: string;
  children?: ProcessJson[];
}

const dir = tempDir('harrier-serve-api-');
const store = join(dir, 'runs.duckdb');
let server: ServerProcess;
let base: RunJson;
let head: RunJson;

async function api<T = Record<string, unknown>>(path: string, init?: RequestInit) {
  return getJson<T>(`${server.url}${path}`, init);
}

async function allEvents(runId: string, query = ''): Promise<EventJson[]> {
  const res = await api<{ events: EventJson[]; next: string | null }>(
    `/api/v1/runs/${runId}/events?limit=10000${query}`,
  );
  assert.equal(res.status, 200);
  assert.equal(res.body.next, null, 'the test runs are small enough for one page');
  return res.body.events;
}

before(async () => {
  // base: reads a file. head: also reads the shadow file (a rule finding), runs ls and connects.
  const runs = [
    ['sh', '-c', 'cat /etc/hostname > /dev/null'],
    [
      'sh',
      '-c',
      'cat /etc/hostname /etc/shadow > /dev/null 2>&1; ls / > /dev/null; bash -c "exec 3<>/dev/tcp/127.0.0.1/1" 2>/dev/null; true',
    ],
  ];
  for (const command of runs) {
    const r = await runHarrier(['run', '--store', store, '-q', '--', ...command]);
    assert.equal(r.code, 0, r.stderr);
  }
  server = await startServer(['--store', store]);
  const list = await api<{ runs: RunJson[] }>('/api/v1/runs');
  assert.equal(list.status, 200);
  assert.equal(list.body.runs.length, 2);
  [head, base] = list.body.runs as [RunJson, RunJson]; // newest first
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs', () => {
  test('list filters by status and time, and pages', async () => {
    assert.deepEqual(
      (await api<{ runs: RunJson[] }>('/api/v1/runs?status=complete')).body.runs.map((r) => r.id),
      [head.id, base.id],
    );
    assert.deepEqual((await api<{ runs: RunJson[] }>('/api/v1/runs?status=running')).body.runs, []);
    const since = await api<{ runs: RunJson[] }>(`/api/v1/runs?since=${head.startedAtNs}`);
    assert.deepEqual(
      since.body.runs.map((r) => r.id),
      [head.id],
    );
    const until = await api<{ runs: RunJson[] }>(`/api/v1/runs?until=${head.startedAtNs}`);
    assert.deepEqual(
      until.body.runs.map((r) => r.id),
      [base.id],
    );
    const future = await api<{ runs: RunJson[] }>('/api/v1/runs?since=2999-01-01T00:00:00Z');
    assert.deepEqual(future.body.runs, []);
    assert.deepEqual(
      (await api<{ runs: RunJson[] }>('/api/v1/runs?limit=1&offset=1')).body.runs.map((r) => r.id),
      [base.id],
    );
    assert.deepEqual((await api<{ runs: RunJson[] }>('/api/v1/runs?component=nope')).body.runs, []);
  });

  test('one run by unique prefix, with its stored summary', async () => {
    const res = await api<{ run: RunJson; summary: { runId?: string; totals?: unknown } | null }>(
      `/api/v1/runs/${head.id.slice(0, 12)}`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.run.id, head.id);
    assert.ok(res.body.summary !== null && typeof res.body.summary === 'object');
    assert.ok('totals' in res.body.summary);
    const missing = await api<{ error: { code: string; message: string } }>('/api/v1/runs/rnothere');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    // `r` prefixes both runs.
    const ambiguous = await api<{ error: { message: string } }>('/api/v1/runs/r');
    assert.equal(ambiguous.status, 400);
    assert.match(ambiguous.body.error.message, /ambiguous/);
  });

  test('processes flat and as a tree', async () => {
    const flat = await api<{ processes: ProcessJson[] }>(`/api/v1/runs/${head.id}/processes`);
    assert.equal(flat.status, 200);
    const exes = flat.body.processes.map((p) => p.exePath);
    assert.ok(
      exes.some((e) => e.endsWith('/ls')),
      exes.join(', '),
    );
    const tree = await api<{ tree: ProcessJson[] }>(`/api/v1/runs/${head.id}/processes?tree=1`);
    const count = (nodes: ProcessJson[]): number => nodes.reduce((n, p) => n + 1 + count(p.children ?? []), 0);
    assert.equal(count(tree.body.tree), flat.body.processes.length);
    assert.ok(tree.body.tree.length < flat.body.processes.length, 'children are nested under their parents');
    for (const root of tree.body.tree) {
      for (const child of root.children ?? []) assert.equal(child.ppid, root.pid);
    }
  });
});

describe('events', () => {
  test('each filter narrows to matching events only', async () => {
    const all = await allEvents(head.id);
    assert.ok(all.length > 20);
    assert.equal(all.length, head.events);

    const opens = await allEvents(head.id, '&type=openat,open');
    assert.ok(opens.length > 0 && opens.length < all.length);
    assert.ok(opens.every((e) => e.type === 'openat' || e.type === 'open'));

    const pid = all.find((e) => e.type === 'execve')?.pid ?? all[all.length - 1]?.pid;
    assert.ok(pid !== undefined);
    const byPid = await allEvents(head.id, `&pid=${pid}`);
    assert.ok(byPid.length > 0 && byPid.length < all.length);
    assert.ok(byPid.every((e) => e.pid === pid));

    const hostname = await allEvents(head.id, '&path=hostname');
    assert.ok(hostname.length > 0);
    assert.ok(hostname.every((e) => `${e.path ?? ''}${e.path2 ?? ''}`.includes('hostname')));
    assert.equal(
      hostname.length,
      all.filter((e) => (e.path ?? '').includes('hostname') || (e.path2 ?? '').includes('hostname')).length,
    );

    const connects = await allEvents(head.id, `&endpoint=${encodeURIComponent('127.0.0.1:1')}`);
    assert.ok(connects.length > 0, 'the run connected to 127.0.0.1:1');
    assert.ok(connects.every((e) => e.endpoint?.includes('127.0.0.1:1')));

    const mid = all[Math.floor(all.length / 2)];
    assert.ok(mid !== undefined);
    const later = await allEvents(head.id, `&since=${mid.ts}`);
    const earlier = await allEvents(head.id, `&until=${mid.ts}`);
    assert.equal(later.length + earlier.length, all.length);
    assert.ok(later.every((e) => BigInt(e.ts) >= BigInt(mid.ts)));
    assert.ok(earlier.every((e) => BigInt(e.ts) < BigInt(mid.ts)));
  });

  test('pages by cursor and streams NDJSON, both giving the same events', async () => {
    const all = await allEvents(head.id);
    const paged: EventJson[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const res: { body: { events: EventJson[]; next: string | null } } = await api(
        `/api/v1/runs/${head.id}/events?limit=7${cursor === '' ? '' : `&cursor=${cursor}`}`,
      );
      assert.ok(res.body.events.length <= 7);
      paged.push(...res.body.events);
      cursor = res.body.next;
      pages++;
    }
    assert.equal(pages, Math.ceil(all.length / 7) + (all.length % 7 === 0 ? 1 : 0));
    assert.deepEqual(paged, all);

    const res = await fetch(`${server.url}/api/v1/runs/${head.id}/events?type=openat`, {
      headers: { accept: 'application/x-ndjson' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = (await res.text()).split('\n').filter((l) => l !== '');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as EventJson),
      all.filter((e) => e.type === 'openat'),
    );
  });

  test('bad parameters get a JSON 400 naming them', async () => {
    for (const [query, word] of [
      ['limit=10001', 'limit'],
      ['cursor=abc', 'cursor'],
      ['pid=-1', 'pid'],
      ['since=yesterday', 'since'],
      ['colour=red', 'additional'],
    ] as const) {
      const res = await api<{ error: { code: string; message: string } }>(`/api/v1/runs/${head.id}/events?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.body.error.message, new RegExp(word), query);
    }
  });
});

describe('findings, comparison and stats', () => {
  test('findings filter by severity, kind and rule', async () => {
    const all = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings`)).body.findings;
    assert.ok(all.length > 0, 'reading /etc/shadow raises a finding');
    const first = all[0];
    assert.ok(first !== undefined);
    const same = await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings?severity=${first.severity}`);
    assert.ok(same.body.findings.length > 0);
    assert.ok(same.body.findings.every((f) => f.severity === first.severity));
    const others = ['critical', 'high', 'medium', 'low', 'info'].filter((s) => s !== first.severity).join(',');
    const rest = await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings?severity=${others}`);
    assert.equal(same.body.findings.length + rest.body.findings.length, all.length);
    const byRule = await api<{ findings: FindingJson[] }>(
      `/api/v1/runs/${head.id}/findings?rule=${encodeURIComponent(first.ruleId)}`,
    );
    assert.ok(byRule.body.findings.every((f) => f.ruleId === first.ruleId));
    assert.deepEqual(
      (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings?kind=rasp`)).body.findings,
      [],
    );
    const bad = await api<{ error: { message: string } }>(`/api/v1/runs/${head.id}/findings?severity=urgent`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /severity=urgent/);
  });

  test('findings filter by status against the previous run or a named baseline', async () => {
    type Judged = { baseline: string | null; findings: Array<FindingJson & { status: string }> };
    const headAll = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings`)).body.findings;
    const baseAll = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${base.id}/findings`)).body.findings;
    const basePrints = new Set(baseAll.map((f) => f.fingerprint));
    const headPrints = new Set(headAll.map((f) => f.fingerprint));

    // Both runs have no build metadata, so the previous finished run is the base run.
    const fresh = await api<Judged>(`/api/v1/runs/${head.id}/findings?status=new`);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.baseline, base.id);
    assert.ok(fresh.body.findings.length > 0);
    assert.deepEqual(
      fresh.body.findings.map((f) => f.fingerprint).sort(),
      headAll
        .filter((f) => !basePrints.has(f.fingerprint))
        .map((f) => f.fingerprint)
        .sort(),
    );
    assert.ok(fresh.body.findings.every((f) => f.status === 'new'));

    const kept = await api<Judged>(`/api/v1/runs/${head.id}/findings?status=unchanged`);
    assert.equal(kept.body.findings.length, headAll.filter((f) => basePrints.has(f.fingerprint)).length);

    // The other way round, what head found and base did not is fixed.
    const fixed = await api<Judged>(`/api/v1/runs/${base.id}/findings?baseline=${head.id}&status=fixed`);
    assert.equal(fixed.body.baseline, head.id);
    assert.equal(fixed.body.findings.length, fresh.body.findings.length);
    assert.ok(fixed.body.findings.every((f) => f.status === 'fixed' && headPrints.has(f.fingerprint)));

    // The first run has nothing before it: every finding is new.
    const first = await api<Judged>(`/api/v1/runs/${base.id}/findings?status=new,unchanged,fixed`);
    assert.equal(first.body.baseline, null);
    assert.equal(first.body.findings.length, baseAll.length);
    assert.ok(first.body.findings.every((f) => f.status === 'new'));

    const bad = await api<{ error: { message: string } }>(`/api/v1/runs/${head.id}/findings?status=gone`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /status=gone/);
    assert.equal((await api(`/api/v1/runs/${head.id}/findings?baseline=${head.id}`)).status, 400);
    assert.equal((await api(`/api/v1/runs/${head.id}/findings?baseline=rnothere`)).status, 404);
  });

  test('compare lists new findings and the processes and endpoints that appeared', async () => {
    const res = await api<{
      findings: { new: FindingJson[]; unchanged: FindingJson[]; fixed: FindingJson[] };
      processes: { appeared: string[]; vanished: string[] };
      endpoints: { appeared: string[]; vanished: string[] };
    }>(`/api/v1/compare?base=${base.id}&head=${head.id}`);
    assert.equal(res.status, 200);
    const headFindings = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings`)).body.findings;
    const baseFindings = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${base.id}/findings`)).body.findings;
    const basePrints = new Set(baseFindings.map((f) => f.fingerprint));
    assert.equal(res.body.findings.new.length, headFindings.filter((f) => !basePrints.has(f.fingerprint)).length);
    assert.ok(res.body.findings.new.length > 0);
    assert.ok(res.body.processes.appeared.some((e) => e.endsWith('/ls')));
    assert.ok(res.body.endpoints.appeared.includes('127.0.0.1:1'));
    assert.deepEqual(res.body.endpoints.vanished, []);

    const reverse = await api<typeof res.body>(`/api/v1/compare?base=${head.id}&head=${base.id}`);
    assert.equal(reverse.body.findings.fixed.length, res.body.findings.new.length);
    assert.ok(reverse.body.endpoints.vanished.includes('127.0.0.1:1'));
    assert.equal((await api(`/api/v1/compare?base=${base.id}`)).status, 400);
    assert.equal((await api(`/api/v1/compare?base=${base.id}&head=rnothere`)).status, 404);
  });

  test('stats count what the runs hold', async () => {
    const stats = await api<{
      runs: number;
      events: number;
      findings: number;
      findingsBySeverity: Record<string, number>;
    }>('/api/v1/stats');
    assert.equal(stats.body.runs, 2);
    assert.equal(stats.body.events, base.events + head.events);
    const headFindings = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${head.id}/findings`)).body.findings;
    const baseFindings = (await api<{ findings: FindingJson[] }>(`/api/v1/runs/${base.id}/findings`)).body.findings;
    assert.equal(stats.body.findings, headFindings.length + baseFindings.length);
    assert.equal(
      Object.values(stats.body.findingsBySeverity).reduce((a, b) => a + b, 0),
      stats.body.findings,
    );
  });
});

describe('the server itself', () => {
  test('unknown routes get a JSON 404, no CORS headers are sent, and /healthz answers', async () => {
    const missing = await api<{ error: { code: string } }>('/api/v1/nothing', {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const cors = await fetch(`${server.url}/api/v1/runs`, { headers: { origin: 'https://evil.example' } });
    assert.equal(cors.status, 200);
    assert.equal(cors.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.url}/api/v1/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.status, 404);
    assert.deepEqual((await api('/healthz')).body, { ok: true });
  });

  test('/metrics is Prometheus text with the HTTP histogram by route', async () => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^# TYPE harrier_http_request_duration_seconds histogram$/m);
    assert.match(
      text,
      /harrier_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/runs\/:id\/events",status_code="200"\} \d+/,
    );
    assert.match(text, /^# TYPE harrier_ingest_events_total counter$/m);
  });
});
