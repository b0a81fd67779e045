/** A process as a finding shows it: executable, arguments, user, and who started it. */
import type { SystemState } from '../events/state/system-state.js';
import type { ProcessEvidence } from '../findings/finding.js';

const MAX_ANCESTRY = 8;

/**
 * `boundary`: the observer's own pid (Harrier). The ancestry stops below it: what started Harrier
 * (a shell, a CI launcher whose arguments may hold secrets) is not part of the run's evidence.
 */
export function processEvidence(
  state: Pick<SystemState, 'process' | 'ancestors'>,
  pid: number,
  boundary?: number,
): ProcessEvidence | undefined {
  const p = state.process(pid);
  if (p === undefined) return undefined;
  return {
    pid: p.pid,
    exePath: p.exePath,
    args: p.args,
    user: p.user,
    ancestry: below(state.ancestors(pid, MAX_ANCESTRY), boundary).map((a) => ({
      pid: a.pid,
      exePath: a.exePath,
      args: a.args,
    })),
  };
}

function below<T extends { pid: number }>(ancestors: T[], boundary: number | undefined): T[] {
  const at = boundary === undefined ? -1 : ancestors.findIndex((a) => a.pid === boundary);
  return at < 0 ? ancestors : ancestors.slice(0, at);
}
