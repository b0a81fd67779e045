/**
 * Secrets in the environments of the processes a run starts: found on each exec, then redacted in
 * the event itself, before state, rules, the store or the event file see it. The finding keeps the
 * variable's name; the value is never kept anywhere.
 */
import type { Event } from '../events/event.js';
import { findEnvSecrets, redactEnv, redactText, type EnvSecret } from '../detect/secrets/detector.js';

const EXEC_TYPES = new Set(['execve', 'execveat']);

export function isSuccessfulExec(ev: Event): boolean {
  return EXEC_TYPES.has(ev.type) && ev.res === 0;
}

/**
 * Finds the secrets in an exec event's environment and redacts the event in place (environment
 * values, and known secret formats inside the arguments). Returns what was found; [] for any
 * other event.
 */
export function redactExecSecrets(ev: Event): EnvSecret[] {
  if (!EXEC_TYPES.has(ev.type)) return [];
  const args = ev.args;
  let secrets: EnvSecret[] = [];
  const envp = args.envp;
  if (Array.isArray(envp)) {
    secrets = findEnvSecrets(envp);
    if (secrets.length > 0) args.envp = redactEnv(envp);
  }
  const argv = args.argv;
  if (Array.isArray(argv)) {
    let redacted: string[] | undefined;
    argv.forEach((a, i) => {
      const r = redactText(a);
      if (r !== a) (redacted ??= argv.slice())[i] = r;
    });
    if (redacted !== undefined) args.argv = redacted;
  }
  return secrets;
}
