/**
 * `npm run bench -- monitor`: CPU used by `harrier monitor` (Node + the eBPF probe) on a quiet
 * host, as a share of one core over the same wall-clock window (target < 2 %). The host's own
 * syscall rate in that window is printed too, since "idle" is only as idle as the machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const TICKS_PER_SEC = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const treeTicks = (pid: number): number => cpuTicks(pid) + childrenOf(pid).reduce((s, c) => s + treeTicks(c), 0);

export async function benchMonitorIdle(
  seconds = 20,
): Promise<{ cpuPercentOfCore: number; events: number; eventsPerSec: number }> {
  const child = spawn(
    process.execPath,
    [join(repo, 'bin/harrier.js'), 'monitor', '--no-store', '--json', '--stats-interval', '3600'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const pid = child.pid as number;
  await new Promise((r) => setTimeout(r, 3000)); // start-up and /proc bootstrap are not "idle"
  const t0 = process.hrtime.bigint();
  const c0 = treeTicks(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = treeTicks(pid);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  const last = stderr.trim().split('\n').pop() ?? '{}';
  const stats = (JSON.parse(last) as { stats?: { sensor?: { events?: number }; elapsedMs?: number } }).stats;
  const events = stats?.sensor?.events ?? 0;
  return {
    cpuPercentOfCore: ((c1 - c0) / TICKS_PER_SEC / wall) * 100,
    events,
    eventsPerSec: events / ((stats?.elapsedMs ?? 1) / 1000),
  };
}
