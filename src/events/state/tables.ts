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

  // Deferred removals as parallel arrays reused from event to event: queuing allocates nothing,
  // and emptying them is a counter reset (truncating arrays is a runtime call, and half of all
  // events are closes). Slots are cleared so nothing outlives its removal.
  private readonly fdTables: (Map<number, FdInfo> | undefined)[] = [];
  private readonly fdInfos: (FdInfo | undefined)[] = [];
  private fdCount = 0;
  private readonly threadProcs: (ProcessInfo | undefined)[] = [];
  private readonly threadTids: number[] = [];
  private threadCount = 0;
  private readonly exitProcs: (ProcessInfo | undefined)[] = [];
  private exitCount = 0;
  /** Number of queued removals of any kind; checked on every event. */
  pending = 0;

  deferFdClose(fds: Map<number, FdInfo>, info: FdInfo): void {
    const i = this.fdCount++;
    this.fdTables[i] = fds;
    this.fdInfos[i] = info;
    this.pending++;
  }

  deferThreadExit(proc: ProcessInfo, tid: number): void {
    const i = this.threadCount++;
    this.threadProcs[i] = proc;
    this.threadTids[i] = tid;
    this.pending++;
  }

  deferProcessExit(proc: ProcessInfo): void {
    this.exitProcs[this.exitCount++] = proc;
    this.pending++;
  }

  /** Applies the queued removals; entries replaced in the meantime are left alone. */
  flush(): void {
    for (let i = 0; i < this.fdCount; i++) {
      const fds = this.fdTables[i];
      const info = this.fdInfos[i];
      if (fds !== undefined && info !== undefined && fds.get(info.fd) === info) fds.delete(info.fd);
      this.fdTables[i] = undefined;
      this.fdInfos[i] = undefined;
    }
    this.fdCount = 0;
    for (let i = 0; i < this.threadCount; i++) {
      const proc = this.threadProcs[i];
      const tid = this.threadTids[i];
      this.threadProcs[i] = undefined;
      if (proc === undefined || tid === undefined) continue;
      proc.tids.delete(tid);
      if (this.tidToPid.get(tid) === proc.pid) this.tidToPid.delete(tid);
    }
    this.threadCount = 0;
    for (let i = 0; i < this.exitCount; i++) {
      const proc = this.exitProcs[i];
      this.exitProcs[i] = undefined;
      if (proc === undefined) continue;
      // Threads go; the record stays (with its tids, for the run summary) until reaped.
      for (const tid of proc.tids) if (this.tidToPid.get(tid) === proc.pid) this.tidToPid.delete(tid);
    }
    this.exitCount = 0;
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
