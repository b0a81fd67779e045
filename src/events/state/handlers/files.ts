/** Descriptor-creating and -destroying calls that are not about sockets. */
import { type ArgValue, isFdRef } from '../../event.js';
import { argFd, argString, decoration, flagNames, hasFlag, leadingInt } from '../args.js';
import { describeFd } from '../fd-describe.js';
import { copyFd, newFd } from '../fd-info.js';
import type { StateTables } from '../tables.js';
import type { FdInfo, FdType, ProcessInfo } from '../types.js';
import { type Handler, newFdOf, succeeded } from './handler.js';

/** Puts an fd in the table, replacing whatever a missed close left under that number. */
export function setFd(proc: ProcessInfo, info: FdInfo): void {
  proc.fds.set(info.fd, info);
}

const CREAT_FLAGS = ['O_WRONLY', 'O_CREAT', 'O_TRUNC'];

/** open, openat, openat2, creat. */
export const onOpen: Handler = (t, ev, proc) => {
  const fd = newFdOf(ev);
  if (fd === undefined) return;
  const a = ev.args;
  // Falco names an opened file by the path the program asked for, made absolute, not by where
  // symlinks lead; strace's fd decoration is the canonical path, so it only names what has no
  // path of its own (memfd, anonymous inodes) or opens whose name argument is missing. This
  // keeps fd names identical across sensors.
  const decorated = isFdRef(a.res_fd) && a.res_fd.path !== '' ? a.res_fd.path : undefined;
  const path = argString(a.name) ?? argString(a.filename) ?? argString(a.pathname);
  const flags = ev.type === 'creat' && a.flags === undefined ? CREAT_FLAGS : flagNames(a.flags);
  const info =
    decorated !== undefined && !decorated.startsWith('/')
      ? describeFd(fd, decorated)
      : newFd(
          fd,
          flags?.includes('O_DIRECTORY') === true ? 'directory' : 'file',
          path !== undefined ? t.resolvePath(proc.pid, argFd(a.dirfd), path) : (decorated ?? ''),
        );
  info.flags = flags;
  if (flags?.includes('O_CLOEXEC') === true) info.cloexec = true;
  setFd(proc, info);
};

export const onClose: Handler = (t, ev, proc) => {
  if (!succeeded(ev)) return;
  const fd = argFd(ev.args.fd);
  if (fd === undefined) return;
  const info = proc.fds.get(fd);
  if (info !== undefined) t.deferFdClose(proc.fds, info);
};

const CLOSE_RANGE_CLOEXEC = 'CLOSE_RANGE_CLOEXEC';

/** close_range(first, last, flags): closes (or marks close-on-exec) a span of descriptors. */
export const onCloseRange: Handler = (t, ev, proc) => {
  if (!succeeded(ev)) return;
  const a = ev.args;
  const first = argFd(a.fd) ?? argFd(a.first);
  const last = argFd(a.max_fd) ?? argFd(a.last) ?? 0x7fffffff;
  if (first === undefined) return;
  const cloexec = hasFlag(a.flags, CLOSE_RANGE_CLOEXEC);
  for (const info of proc.fds.values()) {
    if (info.fd < first || info.fd > last) continue;
    if (cloexec) proc.fds.set(info.fd, copyFd(info, info.fd, true));
    else t.deferFdClose(proc.fds, info);
  }
};

/** Is `cmd` (a name, number or FlagSet) one of fcntl's duplicating commands? */
function fcntlDup(cmd: ArgValue | undefined): 'dup' | 'dup-cloexec' | undefined {
  const F_DUPFD = 0;
  const F_DUPFD_CLOEXEC = 1030;
  if (cmd === F_DUPFD || hasFlag(cmd, 'F_DUPFD')) return 'dup';
  if (cmd === F_DUPFD_CLOEXEC || hasFlag(cmd, 'F_DUPFD_CLOEXEC')) return 'dup-cloexec';
  return undefined;
}

/** dup, dup2, dup3, fcntl(F_DUPFD[_CLOEXEC]). */
export const onDup: Handler = (_t, ev, proc) => {
  const a = ev.args;
  let cloexec = false;
  if (ev.type === 'fcntl') {
    const kind = fcntlDup(a.cmd);
    if (kind === undefined) return;
    cloexec = kind === 'dup-cloexec';
  } else if (ev.type === 'dup3') {
    cloexec = hasFlag(a.flags, 'O_CLOEXEC');
  }
  if (!succeeded(ev)) return;
  const oldfd = argFd(a.oldfd) ?? argFd(a.fd);
  const newfd = ev.res ?? argFd(a.newfd);
  if (oldfd === undefined || newfd === undefined || oldfd === newfd) return;
  const src = proc.fds.get(oldfd);
  if (src !== undefined) setFd(proc, copyFd(src, newfd, cloexec));
};

/**
 * The descriptors in a pipe/socketpair result: `"3"`, or strace's `"3<pipe:[12]>"`. Numbers are
 * accepted too (ArgValue has no number[], but events decoded from stored JSON may carry them).
 */
export function resultFds(v: ArgValue | undefined, each: (fd: number, desc: string | undefined) => void): void {
  if (!Array.isArray(v)) return;
  const items: readonly unknown[] = v;
  for (const item of items) {
    if (typeof item === 'number') each(item, undefined);
    else if (typeof item === 'string') {
      const fd = leadingInt(item);
      if (fd !== undefined) each(fd, decoration(item));
    }
  }
}

/** pipe, pipe2. */
export const onPipe: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const cloexec = hasFlag(ev.args.flags, 'O_CLOEXEC');
  resultFds(ev.args.fds, (fd, desc) => {
    const info = newFd(fd, 'pipe', desc ?? 'pipe');
    if (cloexec) info.cloexec = true;
    setFd(proc, info);
  });
};

export const onMemfdCreate: Handler = (_t, ev, proc) => {
  const fd = newFdOf(ev);
  if (fd === undefined) return;
  const info = newFd(fd, 'memfd', `memfd:${argString(ev.args.name) ?? ''}`);
  if (hasFlag(ev.args.flags, 'MFD_CLOEXEC')) info.cloexec = true;
  setFd(proc, info);
};

/** Calls that return a new anonymous-inode descriptor, and what /proc would call it. */
const ANON_FDS: Record<string, readonly [FdType, string]> = {
  eventfd: ['event', 'anon_inode:[eventfd]'],
  eventfd2: ['event', 'anon_inode:[eventfd]'],
  epoll_create: ['eventpoll', 'anon_inode:[eventpoll]'],
  epoll_create1: ['eventpoll', 'anon_inode:[eventpoll]'],
  signalfd: ['signalfd', 'anon_inode:[signalfd]'],
  signalfd4: ['signalfd', 'anon_inode:[signalfd]'],
  timerfd_create: ['timerfd', 'anon_inode:[timerfd]'],
  inotify_init: ['inotify', 'anon_inode:inotify'],
  inotify_init1: ['inotify', 'anon_inode:inotify'],
  fanotify_init: ['unknown', 'anon_inode:[fanotify]'],
  userfaultfd: ['unknown', 'anon_inode:[userfaultfd]'],
  pidfd_open: ['unknown', 'anon_inode:[pidfd]'],
  perf_event_open: ['unknown', 'anon_inode:[perf_event]'],
  io_uring_setup: ['unknown', 'anon_inode:[io_uring]'],
  bpf: ['unknown', 'anon_inode:bpf'],
};

export const ANON_FD_CALLS: readonly string[] = Object.keys(ANON_FDS);

/** The *_CLOEXEC flag every one of these calls takes, under its own prefix. */
function anyCloexec(v: ArgValue | undefined): boolean {
  const names = flagNames(v);
  if (names === undefined) return false;
  for (const n of names) if (n.endsWith('_CLOEXEC')) return true;
  return false;
}

export const onAnonFd: Handler = (_t, ev, proc) => {
  const fd = newFdOf(ev);
  const kind = ANON_FDS[ev.type];
  if (fd === undefined || kind === undefined) return;
  // signalfd on an existing descriptor updates it and returns the same number.
  if (proc.fds.get(fd)?.type === kind[0]) return;
  const info = newFd(fd, kind[0], kind[1]);
  if (anyCloexec(ev.args.flags)) info.cloexec = true;
  setFd(proc, info);
};

/** Clears descriptors marked close-on-exec (at the next event, like any close). */
export function closeOnExec(t: StateTables, proc: ProcessInfo): void {
  for (const info of proc.fds.values()) if (info.cloexec === true) t.deferFdClose(proc.fds, info);
}
