/**
 * The descriptor an event concerns, as libsinsp picks it: the one a creating call returned
 * (open, socket, accept, …, taken from `res`), otherwise the event's `fd` argument. The lookup
 * is memoised for the event being evaluated, since a rule set reads many fd.* fields of one
 * event in a row; the memo is a few module slots, so it allocates nothing.
 */
import { type ArgValue, type Event, isFdRef } from '../../events/event.js';
import type { FdInfo } from '../../events/state/types.js';
import type { EvalContext } from './types.js';

/** Calls whose result is the descriptor they create. */
const CREATORS: ReadonlySet<string> = new Set([
  'open',
  'openat',
  'openat2',
  'creat',
  'socket',
  'accept',
  'accept4',
  'dup',
  'dup2',
  'dup3',
  'memfd_create',
  'eventfd',
  'eventfd2',
  'epoll_create',
  'epoll_create1',
  'signalfd',
  'signalfd4',
  'timerfd_create',
  'inotify_init',
  'inotify_init1',
  'userfaultfd',
  'pidfd_open',
  'bpf',
  'io_uring_setup',
]);

/** Opens: a failed one still names a file (fd.name is the path asked for). */
export const OPENS: ReadonlySet<string> = new Set(['open', 'openat', 'openat2', 'creat']);

export const isCreator = (type: string): boolean => CREATORS.has(type);

function fdArg(v: ArgValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (isFdRef(v)) return v.fd;
  return undefined;
}

/** The fd number the event is about; -1 for a failed creating call; undefined when none. */
export function eventFdNumber(ev: Event): number | undefined {
  if (CREATORS.has(ev.type)) return ev.res === undefined ? undefined : ev.res < 0 ? -1 : ev.res;
  return fdArg(ev.args.fd);
}

let memoEvent: Event | undefined;
let memoState: EvalContext['state'] | undefined;
let memoFd: FdInfo | undefined;

/**
 * The descriptor's table entry, or undefined (no fd, a failed call, an fd the table missed).
 * Valid while the state is the one the event was just applied to — the order the pipeline uses.
 */
export function eventFd(ctx: EvalContext): FdInfo | undefined {
  const ev = ctx.event;
  if (ev === memoEvent && ctx.state === memoState) return memoFd;
  const n = eventFdNumber(ev);
  const info = n === undefined || n < 0 ? undefined : ctx.state.fd(ev.pid, n);
  memoEvent = ev;
  memoState = ctx.state;
  memoFd = info;
  return info;
}
