/**
 * `harrier monitor` end to end: the whole host under the eBPF sensor, a process started outside
 * Harrier observed, live stats, a clean stop on SIGINT, and the session readable from the store.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../src/report/summary.js';
import { harrierBin, runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer } from '../helpers/server.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

test('monitor sees a process it did not start, prints stats, stops on SIGINT, and stores the session', async (t) => {
  if (!sensorsUnderTest().includes('ebpf'))
    return t.skip('the eBPF sensor cannot run here (needs root and a built probe)');
  const dir = tempDir();
  const store = join(dir, 'h.duckdb');
  const marker = join(dir, `harrier-monitor-marker-${process.pid}`);
  copyFileSync('/bin/true', marker);

  const child = spawn(process.execPath, [harrierBin, 'monitor', '--store', store, '--json', '--stats-interval', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));

  const deadline = Date.now() + 15_000;
  while (!stderr.includes('"stats"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.match(stderr, /watching the host with the ebpf sensor/);
  execFileSync(marker, ['--observed-by-monitor']);
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  assert.equal(await closed, 0, stderr);

  const stats = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as {
          stats: {
            sensor: { events: number; drops: number };
            processesTracked: number;
            rules: { events: number; seconds: number };
          };
        },
    );
  assert.ok(stats.length >= 2, 'periodic and final stats');
  const last = stats.at(-1)?.stats;
  assert.ok(last && last.sensor.events > 0);
  assert.equal(last.sensor.drops, 0);
  assert.ok(last.processesTracked > 0);
  // The default rules ran on every event the sensor delivered, and took some time.
  assert.ok(last.rules.events > 0 && last.rules.events <= last.sensor.events, JSON.stringify(last));
  assert.ok(last.rules.seconds > 0);

  const runs = await runHarrier(['runs', '--store', store, '--json']);
  const list = JSON.parse(runs.stdout) as Array<{ status: string; command: string[]; sensor: string }>;
  assert.deepEqual(
    list.map((r) => [r.status, r.command, r.sensor]),
    [['complete', ['harrier', 'monitor'], 'ebpf']],
  );
  const shown = await runHarrier(['show', 'last', '--store', store, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const s = JSON.parse(shown.stdout) as RunSummary;
  const flat = (ns: RunSummary['processes']): RunSummary['processes'] => ns.flatMap((n) => [n, ...flat(n.children)]);
  const seen = flat(s.processes).find((p) => p.exePath === marker);
  assert.ok(seen, 'the process started outside Harrier is in the stored session');
  assert.deepEqual(seen.args, ['--observed-by-monitor']);
  assert.equal(seen.exitCode, 0);
});

test('monitor --server sends the session to a collector: the process it saw is searchable there', async (t) => {
  if (!sensorsUnderTest().includes('ebpf'))
    return t.skip('the eBPF sensor cannot run here (needs root and a built probe)');
  const dir = tempDir();
  const server = await startServer(['--store', join(dir, 'collector.duckdb'), '--create']);
  try {
    const marker = join(dir, `harrier-monitor-remote-${process.pid}`);
    copyFileSync('/bin/true', marker);
    const child = spawn(
      process.execPath,
      [harrierBin, 'monitor', '--no-store', '--server', server.url, '--json', '--stats-interval', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes('"stats"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // A secret in the process's environment and on its command line: neither value may reach the collector.
    const token = `ghp_${'x7Kq2mZ9'.repeat(4)}abcd`;
    const apiKey = `sk_live_${'9fQ2xLp7'.repeat(3)}`;
    execFileSync(marker, ['--seen-remotely', `--key=${apiKey}`], { env: { ...process.env, GITHUB_TOKEN: token } });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    assert.equal(await closed, 0, stderr);

    const runs = (
      await getJson<{ runs: Array<{ id: string; status: string; command: string[]; events: number }> }>(
        `${server.url}/api/v1/runs`,
      )
    ).body.runs;
    assert.equal(runs.length, 1, JSON.stringify(runs));
    const run = runs[0] as (typeof runs)[number];
    assert.deepEqual([run.status, run.command], ['complete', ['harrier', 'monitor']]);
    assert.ok(run.events > 0);
    const found = await getJson<{ events: Array<{ type: string; args: { argv?: string[]; envp?: string[] } }> }>(
      `${server.url}/api/v1/runs/${run.id}/events?type=execve&path=${encodeURIComponent(marker)}`,
    );
    assert.equal(found.status, 200);
    const exec = found.body.events.find((e) => e.args.argv?.includes('--seen-remotely'));
    assert.ok(exec, JSON.stringify(found.body.events.slice(0, 3)));
    assert.ok(exec.args.envp?.includes('GITHUB_TOKEN=<redacted>'), 'the variable stays, its value does not');
    assert.ok(exec.args.argv?.includes('--key=<redacted>'), JSON.stringify(exec.args.argv));
    // The whole session as the API serves it, and the collector's store file itself.
    const all = await fetch(`${server.url}/api/v1/runs/${run.id}/events`, {
      headers: { accept: 'application/x-ndjson' },
    });
    const text = await all.text();
    assert.ok(text.includes('--seen-remotely'));
    for (const secret of [token, apiKey]) assert.ok(!text.includes(secret), 'a secret value reached the collector');
  } finally {
    await server.stop();
  }
});

test('monitor --server with no collector there stops before watching, exit 2', async () => {
  const r = await runHarrier(['monitor', '--no-store', '--server', 'http://127.0.0.1:9']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot reach the collector at http:\/\/127\.0\.0\.1:9/);
});
