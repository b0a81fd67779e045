/**
 * What an event is about, resolved against process/fd state: the file path(s) and the network
 * endpoint. Sensors differ in what they hand over (strace decorates fds with paths, the eBPF
 * probe only gives numbers), so every consumer asks here instead of reading raw args.
 */
import { type ArgValue, type Event, formatSockAddr, isFdRef, isSockAddr } from './event.js';
import { argFd } from './state/args.js';
import type { FdInfo, ProcessInfo } from './state/types.js';

/** The part of the state that context resolution reads. */
export interface StateView {
  process(pid: number): ProcessInfo | undefined;
  fd(pid: number, fd: number): FdInfo | undefined;
  /** Absolute path of `path` for `pid`, relative to `dirfd` (or the cwd when undefined). */
  resolvePath(pid: number, dirfd: number | undefined, path: string): string;
  allProcesses(): Iterable<ProcessInfo>;
}

export interface EventContext {
  path?: string;
  path2?: string;
  endpoint?: string;
}

const AT_FDCWD = -100;

/** Resolves a path argument: strace may already give the directory's path on the dirfd. */
function resolveArg(ev: Event, state: StateView, pathArg: ArgValue | undefined, dirArg?: ArgValue): string | undefined {
  if (typeof pathArg !== 'string') return undefined;
  if (pathArg.startsWith('/')) return state.resolvePath(ev.pid, undefined, pathArg);
  if (isFdRef(dirArg) && dirArg.path !== undefined && dirArg.path.startsWith('/')) {
    return state.resolvePath(ev.pid, undefined, `${dirArg.path}/${pathArg}`);
  }
  const dirfd = argFd(dirArg);
  return state.resolvePath(ev.pid, dirfd === AT_FDCWD ? undefined : dirfd, pathArg);
}

/** The name behind an fd argument: the sensor's decoration first, then the fd table. */
function fdName(ev: Event, state: StateView, v: ArgValue | undefined): string | undefined {
  if (isFdRef(v) && v.path !== undefined) return v.path;
  const n = argFd(v);
  return n === undefined ? undefined : state.fd(ev.pid, n)?.name;
}

let memoEvent: Event | undefined;
let memoState: StateView | undefined;
let memo: EventContext = {};

/**
 * The event's paths and endpoint. Call it after the state has applied the event; the answer is
 * memoised for that event, since the rules, the summary and the store all ask for it and
 * resolving a path allocates.
 */
export function eventContext(ev: Event, state: StateView): EventContext {
  if (ev !== memoEvent || state !== memoState) {
    memo = resolveContext(ev, state);
    memoEvent = ev;
    memoState = state;
  }
  return memo;
}

function resolveContext(ev: Event, state: StateView): EventContext {
  const a = ev.args;
  switch (ev.type) {
    case 'open':
    case 'openat':
    case 'openat2':
    case 'creat': {
      // The path as asked for (see state's open handler): the same whichever sensor saw it.
      return { path: resolveArg(ev, state, a.name, a.dirfd) ?? (isFdRef(a.res_fd) ? a.res_fd.path : undefined) };
    }
    case 'execve':
    case 'execveat':
      return { path: resolveArg(ev, state, a.filename, a.dirfd) };
    case 'rename':
    case 'renameat':
    case 'renameat2':
    case 'link':
    case 'linkat':
      return {
        path: resolveArg(ev, state, a.oldpath, a.olddirfd),
        path2: resolveArg(ev, state, a.newpath, a.newdirfd),
      };
    case 'symlink':
    case 'symlinkat':
      // The target is stored verbatim in the link, so it is not resolved.
      return {
        path: typeof a.target === 'string' ? a.target : undefined,
        path2: resolveArg(ev, state, a.linkpath, a.linkdirfd ?? a.newdirfd),
      };
    case 'unlink':
    case 'unlinkat':
    case 'rmdir':
    case 'mkdir':
    case 'mkdirat':
    case 'chdir':
    case 'chmod':
    case 'fchmodat':
    case 'chown':
    case 'lchown':
    case 'fchownat':
    case 'truncate':
      return { path: resolveArg(ev, state, a.path ?? a.name, a.dirfd) };
    case 'connect':
    case 'bind':
    case 'accept':
    case 'accept4':
    case 'sendto':
    case 'sendmsg': {
      const endpoint = isSockAddr(a.addr) ? formatSockAddr(a.addr) : undefined;
      return { path: fdName(ev, state, a.fd), endpoint };
    }
    default:
      return a.fd === undefined ? {} : { path: fdName(ev, state, a.fd) };
  }
}
