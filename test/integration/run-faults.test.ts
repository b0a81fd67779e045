/**
 * Faults during `harrier run`: the sensor dying mid-run must not take the observed command with
 * it, and what was observed up to then is kept.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHarrier, tempDir } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
};

test('eBPF probe killed mid-run: clear error, partial run stored, the command finishes', async (t) => {
  if (!sensorsUnderTest().includes('ebpf'))
    return t.skip('the eBPF sensor cannot run here (needs root and a built probe)');
  const dir = tempDir();
  const store = join(dir, 'h.duckdb');
  const done = join(dir, 'done');
  let harrierPid = 0;
  const pending = runHarrier(
    ['run', '--sensor', 'ebpf', '--store', store, '--', 'sh', '-c', `sleep 1.5; echo ok > ${done}`],
    {
      onSpawn: (pid) => (harrierPid = pid),
    },
  );
  let probe: number | undefined;
  const deadline = Date.now() + 10_000;
  while (probe === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (harrierPid) probe = childPids(harrierPid).find((p) => commandOf(p).endsWith('harrier-probe'));
  }
  assert.ok(probe, 'found the probe process');
  await new Promise((r) => setTimeout(r, 300)); // let the command start
  process.kill(probe, 'SIGKILL');

  const r = await pending;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the ebpf sensor failed mid-run; the command \(pid \d+\) goes on unobserved/);
  assert.match(r.stderr, /the eBPF probe ended before the command did \(SIGKILL\)/);
  assert.match(r.stderr, /is partial and stored as incomplete/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.equal(existsSync(done) && readFileSync(done, 'utf8'), 'ok\n', 'the command ran to the end');

  const runs = await runHarrier(['runs', '--store', store, '--json']);
  const list = JSON.parse(runs.stdout) as Array<{ status: string }>;
  assert.equal(list[0]?.status, 'incomplete');
  const shown = await runHarrier(['show', 'last', '--store', store, '--json']);
  const summary = JSON.parse(shown.stdout) as { partial: boolean; processes: Array<{ exePath: string }> };
  assert.equal(summary.partial, true);
  assert.match(summary.processes[0]?.exePath ?? '', /\/sh$/, 'what was seen before the fault is kept');
});
