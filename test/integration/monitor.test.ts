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
    .map((l) => JSON.parse(l) as { stats: { sensor: { events: number; drops: number }; processesTracked: number } });
  assert.ok(stats.length >= 2, 'periodic and final stats');
  const last = stats.at(-1)?.stats;
  assert.ok(last && last.sensor.events > 0);
  assert.equal(last.sensor.drops, 0);
  assert.ok(last.processesTracked > 0);

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
