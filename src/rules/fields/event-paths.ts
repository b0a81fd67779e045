/**
 * The paths and endpoint an event concerns (events/context), memoised for the event being
 * evaluated: several rules read fd.name, fs.path.* or evt.abspath of the same event, and
 * resolving a path allocates. Like the fd memo, valid while the state is the one the event
 * was just applied to.
 */
import { type EventContext, eventContext } from '../../events/context.js';
import type { Event } from '../../events/event.js';
import type { EvalContext } from './types.js';

let memoEvent: Event | undefined;
let memoState: EvalContext['state'] | undefined;
let memo: EventContext = {};

export function eventPaths(ctx: EvalContext): EventContext {
  if (ctx.event !== memoEvent || ctx.state !== memoState) {
    memo = eventContext(ctx.event, ctx.state);
    memoEvent = ctx.event;
    memoState = ctx.state;
  }
  return memo;
}
