/**
 * "No secret values anywhere in API responses": runs recorded locally and through the collector
 * with secrets in their environment and on their command lines, plus a third-party sender that
 * posts them unredacted; every read endpoint's whole response is searched for the values.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runHarrier, tempDir } from '../helpers/harrier.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const dir = tempDir('harrier-serve-secrets-');
const store = join(dir, 'runs.duckdb');
let server: ServerProcess;

// Well-known formats (GitHub, Stripe) and one known only by its variable's name.
const githubToken = `ghp_${'Zr4Kq9Lm'.repeat(4)}wxyz`;
const stripeKey = `sk_live_${'7Hd3Qp2N'.repeat(3)}`;
const namedOnly = 'correct-horse-battery-staple';
const SECRETS = [githubToken, stripeKey, namedOnly];

const env = { GITHUB_TOKEN: githubToken, DB_PASSWORD: namedOnly };
// The command line carries one too: the run's command, its process args and its exec event.
const script = `cat /etc/hostname /etc/shadow > /dev/null 2>&1; echo --key=${stripeKey} > /dev/null; true`;

before(async () => {
  const local = await runHarrier(['run', '--store', store, '-q', '--', 'sh', '-c', script], { env });
  assert.equal(local.code, 0, local.stderr);
  server = await startServer(['--store', store]);
  const remote = await runHarrier(['run', '--no-store', '--server', server.url, '-q', '--', 'sh', '-c', script], {
    env,
  });
  assert.equal(remote.code, 0, remote.stderr);
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function body(path: string, accept = 'application/json'): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept } });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text}`);
  return text;
}

/** Every read endpoint for every run, as text. */
async function everyResponse(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const runs = JSON.parse(await body('/api/v1/runs')) as { runs: Array<{ id: string }> };
  out.set('/api/v1/runs', JSON.stringify(runs));
  for (const { id } of runs.runs) {
    for (const path of [
      `/api/v1/runs/${id}`,
      `/api/v1/runs/${id}/processes`,
      `/api/v1/runs/${id}/processes?tree=1`,
      `/api/v1/runs/${id}/events?limit=10000`,
      `/api/v1/runs/${id}/findings`,
      `/api/v1/runs/${id}/findings?status=new`,
      `/api/v1/compare?base=${runs.runs[runs.runs.length - 1]?.id ?? id}&head=${id}`,
    ]) {
      out.set(path, await body(path));
    }
    out.set(`${id} events as NDJSON`, await body(`/api/v1/runs/${id}/events`, 'application/x-ndjson'));
  }
  out.set('/api/v1/alerts', await body('/api/v1/alerts?limit=1000'));
  out.set('/api/v1/rules', await body('/api/v1/rules'));
  out.set('/api/v1/stats', await body('/api/v1/stats'));
  out.set('/metrics', await body('/metrics', 'text/plain'));
  return out;
}

function assertNoSecrets(responses: Map<string, string>): void {
  for (const [path, text] of responses) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${path} holds a secret value`);
  }
}

test('runs recorded by harrier run (locally and through the collector) show no secret values', async () => {
  const responses = await everyResponse();
  const runs = JSON.parse(responses.get('/api/v1/runs') ?? '{}') as { runs: Array<{ id: string }> };
  assert.equal(runs.runs.length, 2);
  for (const { id } of runs.runs) {
    // The secrets were there to be found: env.secret findings name the variables, and the exec
    // events keep the variables with their values redacted.
    const findings = responses.get(`/api/v1/runs/${id}/findings`) ?? '';
    assert.match(findings, /GITHUB_TOKEN/);
    assert.match(findings, /DB_PASSWORD/);
    assert.match(responses.get(`${id} events as NDJSON`) ?? '', /GITHUB_TOKEN=<redacted>/);
    assert.match(responses.get(`/api/v1/runs/${id}`) ?? '', /--key=<redacted>/);
  }
  assertNoSecrets(responses);
});

test('a sender that does not redact: the API still returns no secret values', async () => {
  const post = (path: string, payload: string, type = 'application/json', headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', body: payload, headers: { 'content-type': type, ...headers } });
  const ns = String(BigInt(Date.now()) * 1_000_000n);
  const created = await post(
    '/api/v1/ingest/runs',
    JSON.stringify({
      command: ['deploy', `--token=${githubToken}`],
      cwd: '/srv',
      sensor: 'ebpf',
      hostname: 'third-party',
      startedAt: ns,
      harrierVersion: '0.0.0-other',
    }),
  );
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  const exec = {
    ts: ns,
    source: 'ebpf',
    type: 'execve',
    pid: 4242,
    tid: 4242,
    res: 0,
    args: {
      filename: '/usr/bin/deploy',
      argv: ['deploy', `--token=${githubToken}`],
      envp: ['PATH=/usr/bin', `GITHUB_TOKEN=${githubToken}`, `DB_PASSWORD=${namedOnly}`],
    },
  };
  const events = await post(`/api/v1/ingest/runs/${id}/events`, JSON.stringify(exec), 'application/x-ndjson', {
    'idempotency-key': 'b1',
  });
  assert.equal(events.status, 200, await events.text());
  const procs = await post(
    `/api/v1/ingest/runs/${id}/processes`,
    JSON.stringify([
      {
        pid: 4242,
        ppid: 1,
        exePath: '/usr/bin/deploy',
        args: [`--token=${githubToken}`],
        cwd: '/srv',
        uid: 0,
        gid: 0,
        user: 'root',
        group: 'root',
        startTs: ns,
      },
    ]),
  );
  assert.equal(procs.status, 200, await procs.text());
  const findings = await post(
    `/api/v1/ingest/runs/${id}/findings`,
    JSON.stringify([
      {
        id: 'f1',
        ruleId: 'third.party',
        kind: 'rule',
        severity: 'high',
        title: `token ${stripeKey} in a log`,
        message: `saw ${stripeKey}`,
        fingerprint: 'fp1',
        count: 1,
        firstTs: ns,
        lastTs: ns,
        evidence: { line: `Authorization: token ${githubToken}`, nested: [{ key: stripeKey }] },
      },
    ]),
  );
  assert.equal(findings.status, 200, await findings.text());
  const alerts = await post(
    `/api/v1/ingest/runs/${id}/alerts`,
    JSON.stringify([
      {
        seq: 1,
        ts: ns,
        rule: 'Third party rule',
        priority: 'Warning',
        source: 'syscall',
        tags: [],
        hostname: 'third-party',
        output: `deploy ran with --token=${githubToken}`,
        outputFields: { 'proc.cmdline': `deploy --token=${githubToken}` },
        repeats: 0,
      },
    ]),
  );
  assert.equal(alerts.status, 200, await alerts.text());
  const finished = await post(
    `/api/v1/ingest/runs/${id}/finish`,
    JSON.stringify({ endedAt: ns, partial: false, exit: { kind: 'exited', code: 0 } }),
  );
  assert.equal(finished.status, 200);

  const responses = await everyResponse();
  assert.ok(responses.has(`/api/v1/runs/${id}`));
  assert.match(responses.get(`${id} events as NDJSON`) ?? '', /GITHUB_TOKEN=<redacted>.*DB_PASSWORD=<redacted>/);
  assert.match(responses.get(`/api/v1/runs/${id}/findings`) ?? '', /saw <redacted>/);
  assert.match(responses.get('/api/v1/alerts') ?? '', /deploy ran with --token=<redacted>/);
  assertNoSecrets(responses);
});
