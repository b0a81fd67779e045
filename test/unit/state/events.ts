/** Hand-built events for the state tests: one builder, timestamps increasing by 1 µs. */
import type { Event, EventArgs, FdRef, FlagSet, SockAddr } from '../../../src/events/event.js';

let clock = 1_700_000_000_000_000_000n;

export interface Extra {
  res?: number;
  errno?: string;
  tid?: number;
  ts?: bigint;
}

export function ev(type: string, pid: number, args: EventArgs = {}, extra: Extra = {}): Event {
  clock += 1000n;
  const e: Event = { ts: extra.ts ?? clock, source: 'ptrace', type, pid, tid: extra.tid ?? pid, args };
  if (extra.res !== undefined) e.res = extra.res;
  if (extra.errno !== undefined) e.errno = extra.errno;
  return e;
}

export const flags = (...names: string[]): FlagSet => ({ names });
export const fdref = (fd: number, path?: string): FdRef => (path === undefined ? { fd } : { fd, path });
export const inet = (ip: string, port: number): SockAddr => ({ family: 'inet', ip, port });
export const inet6 = (ip: string, port: number): SockAddr => ({ family: 'inet6', ip, port });
export const unix = (path: string): SockAddr => ({ family: 'unix', path });

/** glibc fork()'s clone flags. */
export const FORK = flags('CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD');
/** pthread_create's clone flags. */
export const THREAD = flags('CLONE_VM', 'CLONE_FS', 'CLONE_FILES', 'CLONE_SIGHAND', 'CLONE_THREAD', 'CLONE_SYSVSEM');

export const AT_FDCWD = -100;
