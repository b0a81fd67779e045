/**
 * Finds the program a command names, the way execvp would, so Harrier can say "not found"
 * (exit 127) or "permission denied" (exit 126) itself instead of reporting a tracer's error.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

export type Resolution =
  { ok: true; path: string } | { ok: false; reason: 'not found' | 'permission denied' | 'is a directory' };

function check(path: string): Resolution | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return { ok: false, reason: 'is a directory' };
  try {
    accessSync(path, constants.X_OK);
    return { ok: true, path };
  } catch {
    return { ok: false, reason: 'permission denied' };
  }
}

export function resolveExecutable(name: string, env: NodeJS.ProcessEnv, cwd: string): Resolution {
  if (name === '') return { ok: false, reason: 'not found' };
  if (name.includes('/')) return check(resolve(cwd, name)) ?? { ok: false, reason: 'not found' };
  let denied: Resolution | undefined;
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const r = check(resolve(cwd, dir || '.', name));
    if (r?.ok) return r;
    // execvp keeps searching after EACCES but reports it if nothing else is found.
    if (r && r.reason === 'permission denied') denied = r;
  }
  return denied ?? { ok: false, reason: 'not found' };
}

/** Shell conventions: 127 for a missing command, 126 for one that cannot be executed. */
export const exitCodeFor = (r: Exclude<Resolution, { ok: true }>): number => (r.reason === 'not found' ? 127 : 126);
