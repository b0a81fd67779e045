/**
 * Can strace run here, and what does this strace support. Checked once per sensor.
 */
import { execFile } from 'node:child_process';
import { constants, accessSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SensorError } from '../sensor.js';
import { explainStraceError } from './strace-errors.js';

export interface StraceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], timeoutMs = 10_000): Promise<StraceRun> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr: stderr || (err !== null && code === null ? err.message : '') });
    });
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The strace executable: `explicit` if given, else the first on PATH. */
export function findStrace(explicit?: string, pathVar = process.env.PATH ?? ''): string | undefined {
  if (explicit !== undefined) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'strace');
    if (isExecutable(candidate)) return candidate;
  }
  for (const candidate of ['/usr/bin/strace', '/bin/strace', '/usr/local/bin/strace']) {
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** kernel.yama.ptrace_scope, when Yama is enabled. */
export function ptraceScope(): number | undefined {
  try {
    const v = Number.parseInt(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'latin1').trim(), 10);
    return Number.isNaN(v) ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * Why the ptrace sensor cannot run, as an error with a hint; undefined when it can. Runs strace
 * once on a trivial program, which is the only reliable test (seccomp profiles, capabilities,
 * Yama and LSMs all get a say).
 */
export async function checkStrace(
  strace: string | undefined,
  syscalls: readonly string[],
): Promise<SensorError | undefined> {
  if (strace === undefined) return new SensorError('strace is not installed', 'apt-get install strace');
  if (ptraceScope() === 3) {
    return new SensorError(
      'ptrace is disabled on this host (kernel.yama.ptrace_scope = 3 can only be lowered by a reboot)',
      'boot with a lower kernel.yama.ptrace_scope, or use --sensor ebpf as root',
    );
  }
  const target = ['/bin/true', '/usr/bin/true'].find(isExecutable);
  // The real syscall set: a strace that rejects a name fails here, not in the middle of a run.
  const args = ['-f', '-q', '--seccomp-bpf', '-e', `trace=${syscalls.join(',')}`, '-o', '/dev/null', '--'];
  args.push(...(target ? [target] : [strace, '-V']));
  const trial = await run(strace, args);
  if (trial.code === 0) return undefined;
  return explainStraceError(trial.stderr, trial.code);
}

/** Whether this strace has `--kill-on-exit` (6.2+), which makes tracees die with strace. */
export async function supportsKillOnExit(strace: string): Promise<boolean> {
  const help = await run(strace, ['--help']);
  return help.stdout.includes('--kill-on-exit') || help.stderr.includes('--kill-on-exit');
}
