/**
 * The process an event came from and its ancestors, walked through `state.process(ppid)` one
 * step at a time so that indexed lookups (`proc.aname[2]`) allocate nothing.
 */
import type { ProcessInfo } from '../../events/state/types.js';
import type { EvalContext } from './types.js';

/** A deeper chain is a cycle from pid reuse, not a real lineage (libsinsp caps its walk too). */
export const MAX_ANCESTORS = 64;

export const processOf = (ctx: EvalContext): ProcessInfo | undefined => ctx.state.process(ctx.event.pid);

/** The parent record, or undefined at the top of the known tree. */
export function parentOf(ctx: EvalContext, p: ProcessInfo): ProcessInfo | undefined {
  const ppid = p.ppid;
  if (ppid <= 0 || ppid === p.pid) return undefined;
  return ctx.state.process(ppid);
}

/** The ancestor `level` steps up: 0 is the process itself, 1 its parent, … */
export function ancestorAt(ctx: EvalContext, level: number): ProcessInfo | undefined {
  let cur = processOf(ctx);
  for (let i = 0; i < level && cur !== undefined; i++) {
    if (i >= MAX_ANCESTORS) return undefined;
    cur = parentOf(ctx, cur);
  }
  return cur;
}

/** Every known ancestor, nearest first (the unindexed `proc.aname` form: "any ancestor"). */
export function ancestors(ctx: EvalContext): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let cur = processOf(ctx);
  while (cur !== undefined && out.length < MAX_ANCESTORS) {
    cur = parentOf(ctx, cur);
    if (cur !== undefined) out.push(cur);
  }
  return out;
}
