/** Helpers for tests that run the real `harrier` binary and real programs. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const harrierBin = join(repoRoot, 'bin/harrier.js');
export const fixturesDir = join(repoRoot, 'test/fixtures');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'harrier-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `harrier ARGS` to completion; never throws on a non-zero exit. */
export function runHarrier(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (pid: number) => void } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [harrierBin, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('spawn', () => child.pid !== undefined && opts.onSpawn?.(child.pid));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Compiles a C fixture from test/fixtures/c into DIR and returns the binary's path. */
export function compileC(name: string, dir: string, flags: string[] = []): string {
  const out = join(dir, name.replace(/\.c$/, ''));
  execFileSync('gcc', ['-O0', '-g', '-Wall', '-o', out, join(fixturesDir, 'c', name), ...flags], { stdio: 'inherit' });
  return out;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function processTable(): Array<{ pid: number; args: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2] ?? '' }))
    .filter((p) => !p.args.startsWith('ps -eo'));
}

/** Pids of live processes whose command line contains `needle` (to check nothing is left behind). */
export function processesMatching(needle: string): number[] {
  return processTable()
    .filter((p) => p.args.includes(needle))
    .map((p) => p.pid);
}

/** Pids of live processes whose command line is exactly `args`. */
export function processesWithArgs(args: string): number[] {
  return processTable()
    .filter((p) => p.args === args)
    .map((p) => p.pid);
}

/** Whether `pid` descends from `ancestor` (by the parent chain in /proc). */
export function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === ancestor) return true;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}
