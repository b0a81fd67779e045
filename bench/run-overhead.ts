/**
 * `npm run bench -- run`: what observing a command costs it, per sensor, as ratios against the
 * same workload untraced in the same run. Workloads: a getpid loop (outside the traced set),
 * an openat+close loop (inside it), and realistic commands (`git status` in a generated repo of
 * 5,000 files, `npm ls --all` in this repository).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const harrier = join(repo, 'bin/harrier.js');

export interface Row {
  workload: string;
  sensor: string;
  baseline: number;
  observed: number;
  unit: string;
  ratio: number;
  events?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function timeMs(cmd: string, args: string[], cwd?: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs `harrier run` and returns the workload's stdout plus the event count from the summary. */
function underHarrier(sensor: string, argv: string[], cwd?: string): { stdout: string; events: number; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-bench-'));
  const summary = join(dir, 's.json');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [harrier, 'run', '--sensor', sensor, '--no-store', '-q', '--json', summary, '--', ...argv],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 << 20,
    },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`harrier run ${argv.join(' ')} exited ${r.status}`);
  const s = JSON.parse(execFileSync('cat', [summary], { encoding: 'utf8' })) as { totals: { events: number } };
  return { stdout: r.stdout, events: s.totals.events, ms };
}

function makeGitRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-bench-git-'));
  execFileSync('git', ['init', '-q', dir]);
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
  }
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', ['-C', dir, '-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'x']);
  return dir;
}

export async function benchRunOverhead(sensors: string[], reps = 3): Promise<Row[]> {
  const work = mkdtempSync(join(tmpdir(), 'harrier-bench-'));
  const loop = join(work, 'syscall_loop');
  execFileSync('gcc', ['-O2', '-o', loop, join(repo, 'bench/c/syscall_loop.c')]);
  const rows: Row[] = [];

  for (const [kind, n] of [
    ['getpid', 2_000_000],
    ['openat', 100_000],
  ] as const) {
    const base = median(
      Array.from({ length: reps }, () => Number(execFileSync(loop, [kind, String(n)], { encoding: 'utf8' }))),
    );
    for (const sensor of sensors) {
      const runs = Array.from({ length: reps }, () => underHarrier(sensor, [loop, kind, String(n)]));
      const observed = median(runs.map((r) => Number(r.stdout)));
      rows.push({
        workload: kind === 'getpid' ? 'getpid loop' : 'openat+close loop',
        sensor,
        baseline: base,
        observed,
        unit: 'ns/iter',
        ratio: observed / base,
        events: runs[0]?.events,
      });
    }
  }

  const gitRepo = makeGitRepo();
  const realistic: Array<[string, string[], string]> = [
    // Harrier's own fixed cost (Node start-up, sensor start and stop): what short commands pay.
    ['true (fixed cost per run)', ['true'], repo],
    ['git status (5,000 files)', ['git', 'status', '--porcelain'], gitRepo],
    ['npm ls --all (this repo)', ['npm', 'ls', '--all'], repo],
  ];
  for (const [name, argv, cwd] of realistic) {
    const [cmd = '', ...args] = argv;
    timeMs(cmd, args, cwd); // warm the page cache
    const base = median(Array.from({ length: reps }, () => timeMs(cmd, args, cwd)));
    for (const sensor of sensors) {
      const runs = Array.from({ length: reps }, () => underHarrier(sensor, argv, cwd));
      const observed = median(runs.map((r) => r.ms));
      rows.push({
        workload: name,
        sensor,
        baseline: base,
        observed,
        unit: 'ms wall',
        ratio: observed / base,
        events: runs[0]?.events,
      });
    }
  }
  return rows;
}
