/**
 * The state's tables and the queue of removals deferred to the next event, shared by the event
 * handlers. Removals wait one event so that whoever consumes a close or an exit can still
 * resolve the fd or process it names (libsinsp's semantics).
 */
import { AT_FDCWD } from '../syscalls/open-flags.js';
import { isAbsolute, joinPath, normalizePath } from './paths.js';
import { placeholderProcess } from './process-info.js';
import type { FdInfo, ProcessInfo } from './types.js';

export class StateTables {
  readonly procs = new Map<number, ProcessInfo>();
  readonly tidToPid = new Map<number, number>();
  /** Exited records displaced by a reused pid, kept for allProcesses() until reaped. */
  retired: ProcessInfo[] = [];
  /**
   * Pids whose record was invented from a first event (child seen before the parent's clone
   * result): the clone result fills in what the child has not told us itself.
   */
  readonly placeholders = new Set<number>();

  // Deferred removals as parallel arrays, so queuing allocates no per-entry object.
  private fdTables: Map<number, FdInfo>[] = [];
  private fdNums: number[] = [];
  private fdInfos: FdInfo[] = [];
  private threadProcs: ProcessInfo[] = [];
  private threadTids: number[] = [];
  private exitProcs: ProcessInfo[] = [];
  /** Number of queued removals of any kind; checked on every event. */
  pending = 0;

  deferFdClose(fds: Map<number, FdInfo>, info: FdInfo): void {
    this.fdTables.push(fds);
    this.fdNums.push(info.fd);
    this.fdInfos.push(info);
    this.pending++;
  }

  deferThreadExit(proc: ProcessInfo, tid: number): void {
    this.threadProcs.push(proc);
    this.threadTids.push(tid);
    this.pending++;
  }

  deferProcessExit(proc: ProcessInfo): void {
    this.exitProcs.push(proc);
    this.pending++;
  }

  /** Applies the queued removals; entries replaced in the meantime are left alone. */
  flush(): void {
    const n = this.fdNums.length;
    for (let i = 0; i < n; i++) {
      const fds = this.fdTables[i];
      const fd = this.fdNums[i];
      if (fds !== undefined && fd !== undefined && fds.get(fd) === this.fdInfos[i]) fds.delete(fd);
    }
    for (let i = 0; i < this.threadTids.length; i++) {
      const proc = this.threadProcs[i];
      const tid = this.threadTids[i];
      if (proc === undefined || tid === undefined) continue;
      proc.tids.delete(tid);
      if (this.tidToPid.get(tid) === proc.pid) this.tidToPid.delete(tid);
    }
    for (const proc of this.exitProcs) {
      // Threads go; the record stays (with its tids, for the run summary) until reaped.
      for (const tid of proc.tids) if (this.tidToPid.get(tid) === proc.pid) this.tidToPid.delete(tid);
    }
    if (n !== 0) {
      this.fdTables.length = 0;
      this.fdNums.length = 0;
      this.fdInfos.length = 0;
    }
    this.threadProcs.length = 0;
    this.threadTids.length = 0;
    this.exitProcs.length = 0;
    this.pending = 0;
  }

  /** Registers a record under its pid, retiring an exited one that held the pid before. */
  insert(proc: ProcessInfo): void {
    const old = this.procs.get(proc.pid);
    if (old !== undefined && old !== proc) this.retire(old);
    this.procs.set(proc.pid, proc);
    for (const tid of proc.tids) this.tidToPid.set(tid, proc.pid);
  }

  private retire(old: ProcessInfo): void {
    if (old.exitTs !== undefined) this.retired.push(old);
    for (const tid of old.tids) if (this.tidToPid.get(tid) === old.pid) this.tidToPid.delete(tid);
    this.placeholders.delete(old.pid);
  }

  /** A record for a pid first seen in an event: a placeholder until clone or exec fills it. */
  createPlaceholder(pid: number, tid: number, ts: bigint): ProcessInfo {
    const p = placeholderProcess(pid, tid, ts);
    this.insert(p);
    this.placeholders.add(pid);
    return p;
  }

  /** Moves a tid to a process (a thread seen before its clone result, or a reused tid). */
  adoptThread(proc: ProcessInfo, tid: number): void {
    const prev = this.tidToPid.get(tid);
    if (prev !== undefined && prev !== proc.pid) this.procs.get(prev)?.tids.delete(tid);
    proc.tids.add(tid);
    this.tidToPid.set(tid, proc.pid);
  }

  /** See SystemState.resolvePath. */
  resolvePath(pid: number, dirfd: number | undefined, path: string): string {
    if (isAbsolute(path)) return normalizePath(path);
    const proc = this.procs.get(pid);
    let base: string | undefined;
    if (dirfd === undefined || dirfd === AT_FDCWD) base = proc?.cwd;
    else base = proc?.fds.get(dirfd)?.name;
    if (base === undefined || !isAbsolute(base)) return normalizePath(path);
    return joinPath(base, path);
  }
}
