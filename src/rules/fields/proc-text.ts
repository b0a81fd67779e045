/**
 * The joined strings Falco shows for a process (`proc.cmdline`, `proc.args`, `proc.env`),
 * built once per process image and reused: exec replaces `args`/`env` with new arrays, so the
 * cache entry is valid while the arrays (and the name) are the same objects.
 */
import type { ProcessInfo } from '../../events/state/types.js';

interface Joined {
  name: string;
  argsRef: readonly string[];
  envRef: readonly string[] | undefined;
  args: string;
  cmdline: string;
  env: string | undefined;
}

const cache = new WeakMap<ProcessInfo, Joined>();

/**
 * The kernel's comm: the executable's base name cut to TASK_COMM_LEN - 1 = 15 characters. It
 * is what Falco's proc.name (and pname, aname, cmdline) hold, and Falco's lists spell names
 * that way (`update-alternat`), so Harrier must too for those rules to match.
 */
export const comm = (name: string): string => (name.length > 15 ? name.slice(0, 15) : name);

function joined(p: ProcessInfo): Joined {
  let j = cache.get(p);
  if (j === undefined || j.argsRef !== p.args || j.name !== p.name || j.envRef !== p.env) {
    const args = p.args.join(' ');
    j = {
      name: p.name,
      argsRef: p.args,
      envRef: p.env,
      args,
      cmdline: args === '' ? comm(p.name) : `${comm(p.name)} ${args}`,
      env: p.env?.join(' '),
    };
    cache.set(p, j);
  }
  return j;
}

/** `proc.args`: the arguments after argv[0], space-separated. */
export const procArgs = (p: ProcessInfo): string => joined(p).args;

/** `proc.cmdline`: the name, then the arguments. */
export const procCmdline = (p: ProcessInfo): string => joined(p).cmdline;

/** `proc.exeline`: argv[0], then the arguments. */
export function procExeline(p: ProcessInfo): string {
  const args = joined(p).args;
  return args === '' ? p.exe : `${p.exe} ${args}`;
}

/** `proc.env`: `NAME=value NAME2=value2`, undefined when the sensor never saw it. */
export const procEnv = (p: ProcessInfo): string | undefined => joined(p).env;

/** `proc.env[NAME]`: the value of one variable (the first definition wins, as getenv). */
export function envValue(p: ProcessInfo, name: string): string | undefined {
  const env = p.env;
  if (env === undefined) return undefined;
  const n = name.length;
  for (const e of env) {
    if (e.length > n && e.charCodeAt(n) === 61 /* = */ && e.startsWith(name)) return e.slice(n + 1);
  }
  return undefined;
}

/** An empty string is how the state says "unknown"; fields say undefined. */
export const known = (s: string): string | undefined => (s === '' ? undefined : s);
