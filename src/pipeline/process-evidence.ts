/** A process as a finding shows it: executable, arguments, user, and who started it. */
import type { SystemState } from '../events/state/system-state.js';
import type { ProcessEvidence } from '../findings/finding.js';

const MAX_ANCESTRY = 8;

export function processEvidence(
  state: Pick<SystemState, 'process' | 'ancestors'>,
  pid: number,
): ProcessEvidence | undefined {
  const p = state.process(pid);
  if (p === undefined) return undefined;
  return {
    pid: p.pid,
    exePath: p.exePath,
    args: p.args,
    user: p.user,
    ancestry: state.ancestors(pid, MAX_ANCESTRY).map((a) => ({ pid: a.pid, exePath: a.exePath, args: a.args })),
  };
}
