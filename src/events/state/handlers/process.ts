/** Process and thread lifecycle: clone/fork, exec, exit. */
import type { Event } from '../../event.js';
import { AT_FDCWD } from '../../syscalls/open-flags.js';
import { signalName } from '../../syscalls/signals.js';
import { argFd, argNumber, argString, argStrings, flagNames } from '../args.js';
import { basename } from '../paths.js';
import { forkProcess, inheritCreds, inheritImage } from '../process-info.js';
import type { StateTables } from '../tables.js';
import type { ProcessInfo } from '../types.js';
import { closeOnExec } from './files.js';
import type { Handler } from './handler.js';

/** clone, clone3, fork, vfork: seen in the parent (res = child tid) or in the child (res = 0). */
export const onClone: Handler = (t, ev, proc) => {
  const res = ev.res;
  if (res === undefined || res < 0) return;
  const flags = flagNames(ev.args.flags);
  const thread = flags?.includes('CLONE_THREAD') === true;
  if (res === 0) {
    cloneSeenInChild(t, ev, proc, thread);
    return;
  }
  if (thread) {
    addThread(t, proc, res);
    return;
  }
  const ppid = flags?.includes('CLONE_PARENT') === true ? proc.ppid : proc.pid;
  const shareFiles = flags?.includes('CLONE_FILES') === true;
  const existing = t.procs.get(res);
  if (existing !== undefined && existing.exitTs === undefined) {
    // The child spoke first; now its origin is known.
    if (t.placeholders.has(res)) fixUpChild(t, existing, proc, ppid, shareFiles);
    return;
  }
  t.insert(forkProcess(proc, res, ppid, ev.ts, shareFiles));
};

/** A new thread of `proc`; absorbs a placeholder process a sensor invented for it by its tid. */
function addThread(t: StateTables, proc: ProcessInfo, tid: number): void {
  const stray = t.procs.get(tid);
  if (stray !== undefined && tid !== proc.pid && t.placeholders.has(tid) && stray.exitTs === undefined) {
    for (const [n, f] of stray.fds) if (!proc.fds.has(n)) proc.fds.set(n, f);
    t.procs.delete(tid);
    t.placeholders.delete(tid);
    for (const other of stray.tids) t.adoptThread(proc, other);
  }
  t.adoptThread(proc, tid);
}

/** The child's own view of its clone (eBPF): Falco's `ptid` names the parent thread. */
function cloneSeenInChild(t: StateTables, ev: Event, proc: ProcessInfo, thread: boolean): void {
  if (thread || !t.placeholders.has(proc.pid)) return;
  const ptid = argNumber(ev.args.ptid);
  const parentPid = ptid === undefined ? undefined : t.tidToPid.get(ptid);
  const parent = parentPid === undefined ? undefined : t.procs.get(parentPid);
  if (parent === undefined || parent === proc) return;
  const flags = flagNames(ev.args.flags);
  const ppid = flags?.includes('CLONE_PARENT') === true ? parent.ppid : parent.pid;
  fixUpChild(t, proc, parent, ppid, flags?.includes('CLONE_FILES') === true);
}

/**
 * Completes a placeholder from its parent, keeping what the child already established itself:
 * an exec'd image, a cwd learned from strace, descriptors it opened.
 */
function fixUpChild(t: StateTables, child: ProcessInfo, parent: ProcessInfo, ppid: number, shareFiles: boolean): void {
  child.ppid = ppid;
  if (!child.execed) inheritImage(child, parent);
  if (child.uid < 0) inheritCreds(child, parent);
  if (child.cwd === '') child.cwd = parent.cwd;
  if (shareFiles) {
    for (const [n, f] of child.fds) if (!parent.fds.has(n)) parent.fds.set(n, f);
    child.fds = parent.fds;
  } else {
    for (const [n, f] of parent.fds) if (!child.fds.has(n)) child.fds.set(n, f);
  }
  t.placeholders.delete(child.pid);
}

/** `/proc/self/fd/N`, `/proc/<pid>/fd/N`, `/dev/fd/N`: executing an open descriptor (memfd). */
const FD_PATH = /^\/(?:proc\/(?:self|\d+)\/fd|dev\/fd)\/(\d+)$/;

/** execve, execveat: only a successful call (res 0) replaces the image. */
export const onExec: Handler = (t, ev, proc) => {
  if (ev.res !== 0) return;
  const a = ev.args;
  const filename = argString(a.filename) ?? argString(a.pathname) ?? '';
  const argv = argStrings(a.argv);
  const dirfd = ev.type === 'execveat' ? argFd(a.dirfd) : undefined;
  let exePath = argString(a.exepath) ?? '';
  let name: string;
  if (filename === '' && dirfd !== undefined) {
    // fexecve: the kernel runs "/dev/fd/N" and names the process "N".
    name = String(dirfd);
    if (exePath === '') exePath = proc.fds.get(dirfd)?.name ?? `/dev/fd/${dirfd}`;
  } else {
    name = basename(filename);
    if (exePath === '') exePath = resolveExePath(t, proc, dirfd, filename);
  }
  proc.exePath = exePath;
  proc.name = name !== '' ? name : basename(exePath);
  proc.exe = argv?.[0] ?? filename;
  proc.args = argv === undefined ? [] : argv.slice(1);
  const envp = argStrings(a.envp);
  if (envp !== undefined) proc.env = envp;
  proc.execed = true;
  // A successful exec leaves a single thread, under the process's pid.
  if (proc.tids.size > 1) {
    for (const tid of proc.tids) if (tid !== proc.pid && t.tidToPid.get(tid) === proc.pid) t.tidToPid.delete(tid);
    proc.tids.clear();
    proc.tids.add(proc.pid);
    t.tidToPid.set(proc.pid, proc.pid);
  }
  // exec unshares a CLONE_FILES table before closing the close-on-exec descriptors.
  proc.fds = new Map(proc.fds);
  closeOnExec(t, proc);
};

function resolveExePath(t: StateTables, proc: ProcessInfo, dirfd: number | undefined, filename: string): string {
  const path = t.resolvePath(proc.pid, dirfd === AT_FDCWD ? undefined : dirfd, filename);
  const m = FD_PATH.exec(path);
  if (m?.[1] !== undefined) {
    const target = proc.fds.get(Number(m[1]));
    if (target !== undefined) return target.name;
  }
  return path;
}

/** procexit: the thread group ended. Its threads are unmapped at the next event. */
export const onProcExit: Handler = (t, ev, proc) => {
  if (proc.exitTs !== undefined) return;
  proc.exitTs = ev.ts;
  const a = ev.args;
  const sig = a.signal;
  if (typeof sig === 'string' && sig !== '') proc.exitSignal = sig;
  else if (typeof sig === 'number' && sig > 0) proc.exitSignal = signalName(sig) ?? String(sig);
  else proc.exitCode = argNumber(a.status);
  t.deferProcessExit(proc);
};

/** exit(2) ends one thread; the group's end arrives as procexit. */
export const onThreadExit: Handler = (t, ev, proc) => {
  if (ev.tid !== proc.pid) t.deferThreadExit(proc, ev.tid);
};
