/**
 * Harrier's equivalent of Falco's libsinsp thread and fd tables: processes by pid, threads by
 * tid, descriptors per process, updated from normalised events.
 *
 * Additions (exec, open, clone) are visible to the event's own consumers; removals (close, thread
 * and process exit) happen at the start of the next apply(), so whoever handles a close or an exit
 * can still resolve what it names. Exited processes stay listed until reap().
 */
import type { Event } from '../event.js';
import { HANDLERS } from './handlers/index.js';
import { learnFromFdRef } from './learn.js';
import { ProcReader } from './proc-reader.js';
import { overlayPartial, processFromPartial } from './process-info.js';
import { StateTables } from './tables.js';
import type { FdInfo, ProcessInfo } from './types.js';

export interface SystemStateOptions {
  /**
   * Read /proc for a pid that appears without a known origin (host monitoring: processes that
   * started before Harrier). Off by default: a replay, or a child whose clone result is merely
   * late, must not be described from this machine's present.
   */
  procFallback?: boolean;
  /** Where /proc is (tests, or a host's /proc mounted into a container). */
  procRoot?: string;
}

export interface StateStats {
  /** Process records held, exited ones included. */
  processes: number;
  /** Processes that have not exited. */
  liveProcesses: number;
  threads: number;
  /** Descriptors held across all fd tables (a table shared through CLONE_FILES counts once). */
  fds: number;
  /** Processes still known only from their own events (no clone, exec or /proc seen). */
  placeholders: number;
}

export class SystemState {
  private readonly t = new StateTables();
  private readonly procFallback: boolean;
  private readonly procRoot: string;
  private reader: ProcReader | undefined;
  private lastTs = 0n;

  constructor(opts: SystemStateOptions = {}) {
    this.procFallback = opts.procFallback ?? false;
    this.procRoot = opts.procRoot ?? '/proc';
  }

  apply(ev: Event): void {
    const t = this.t;
    if (t.pending !== 0) t.flush();
    this.lastTs = ev.ts;
    let proc = t.procs.get(ev.pid);
    if (proc === undefined) proc = this.arrive(ev);
    else if (t.tidToPid.get(ev.tid) !== ev.pid) t.adoptThread(proc, ev.tid);
    const a = ev.args;
    learnFromFdRef(proc, a.fd);
    learnFromFdRef(proc, a.dirfd);
    const handler = HANDLERS.get(ev.type);
    if (handler !== undefined) handler(t, ev, proc);
  }

  /** A pid with no record: from /proc when allowed and still there, else a placeholder. */
  private arrive(ev: Event): ProcessInfo {
    if (this.procFallback) {
      const p = this.procReader().read(ev.pid);
      if (p !== undefined) {
        this.t.insert(p);
        if (ev.tid !== ev.pid) this.t.adoptThread(p, ev.tid);
        return p;
      }
    }
    return this.t.createPlaceholder(ev.pid, ev.tid, ev.ts);
  }

  private procReader(): ProcReader {
    this.reader ??= new ProcReader(this.procRoot);
    return this.reader;
  }

  process(pid: number): ProcessInfo | undefined {
    return this.t.procs.get(pid);
  }

  processOfTid(tid: number): ProcessInfo | undefined {
    const pid = this.t.tidToPid.get(tid);
    return pid === undefined ? undefined : this.t.procs.get(pid);
  }

  fd(pid: number, fd: number): FdInfo | undefined {
    return this.t.procs.get(pid)?.fds.get(fd);
  }

  /**
   * The parent chain, nearest first, at most `max` long (Falco's proc.aname[1..]). Stops at an
   * unknown parent, after pid 1, or on a cycle (a stale ppid after pid reuse).
   */
  ancestors(pid: number, max = 64): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    let cur = this.t.procs.get(pid);
    const seen = new Set<number>([pid]);
    while (cur !== undefined && out.length < max && cur.pid !== 1) {
      const ppid = cur.ppid;
      if (ppid <= 0 || seen.has(ppid)) break;
      seen.add(ppid);
      cur = this.t.procs.get(ppid);
      if (cur !== undefined) out.push(cur);
    }
    return out;
  }

  /** Known children of `pid`, exited ones included (a scan: not for per-event use). */
  children(pid: number): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    for (const p of this.t.procs.values()) if (p.ppid === pid && p.pid !== pid) out.push(p);
    return out;
  }

  /** Every record held, exited (not yet reaped) ones included: the run summary's process list. */
  allProcesses(): ProcessInfo[] {
    const out = [...this.t.procs.values()];
    for (const p of this.t.retired) out.push(p);
    return out;
  }

  /**
   * `path` made absolute the way `pid` would see it: against `dirfd`'s path, or the cwd when
   * dirfd is undefined or AT_FDCWD; `.`/`..` collapsed. Pure string work: the filesystem is never
   * consulted. When the base is unknown the path comes back normalised but still relative.
   */
  resolvePath(pid: number, dirfd: number | undefined, path: string): string {
    return this.t.resolvePath(pid, dirfd, path);
  }

  /**
   * Seeds records for processes that already run, from /proc (all of them when `pids` is
   * omitted). Processes already described by events are left alone; a vanished pid is skipped.
   * Returns the records created.
   */
  bootstrapFromProc(pids?: readonly number[]): ProcessInfo[] {
    const reader = this.procReader();
    const out: ProcessInfo[] = [];
    const t = this.t;
    for (const id of pids ?? reader.listPids()) {
      const pid = pids === undefined ? id : (reader.tgidOf(id) ?? id);
      const existing = t.procs.get(pid);
      if (existing !== undefined && existing.exitTs === undefined && !t.placeholders.has(pid)) continue;
      const p = reader.read(pid);
      if (p === undefined) continue;
      t.insert(p);
      out.push(p);
    }
    return out;
  }

  /**
   * Registers (or completes) a process from what the caller knows: the observed command's root,
   * whose parent is not observed. Fields left out are derived (name, user) or left unknown.
   */
  seedProcess(partial: Partial<ProcessInfo> & { pid: number }): ProcessInfo {
    const t = this.t;
    const existing = t.procs.get(partial.pid);
    if (existing !== undefined && existing.exitTs === undefined) {
      overlayPartial(existing, partial);
      for (const tid of existing.tids) t.tidToPid.set(tid, existing.pid);
      t.placeholders.delete(existing.pid);
      return existing;
    }
    const p = processFromPartial(partial, this.lastTs);
    t.insert(p);
    return p;
  }

  /**
   * Drops processes that exited before `olderThanNs` (an absolute timestamp, ns since the epoch,
   * like Event.ts), so host monitoring holds bounded memory. Returns how many were dropped.
   */
  reap(olderThanNs: bigint): number {
    const t = this.t;
    let n = 0;
    for (const [pid, p] of t.procs) {
      if (p.exitTs === undefined || p.exitTs >= olderThanNs) continue;
      t.procs.delete(pid);
      t.placeholders.delete(pid);
      for (const tid of p.tids) if (t.tidToPid.get(tid) === pid) t.tidToPid.delete(tid);
      n++;
    }
    const kept = t.retired.filter((p) => p.exitTs === undefined || p.exitTs >= olderThanNs);
    n += t.retired.length - kept.length;
    t.retired = kept;
    return n;
  }

  stats(): StateStats {
    const t = this.t;
    let live = 0;
    let fds = 0;
    const tables = new Set<Map<number, FdInfo>>();
    for (const p of t.procs.values()) {
      if (p.exitTs === undefined) live++;
      if (!tables.has(p.fds)) {
        tables.add(p.fds);
        fds += p.fds.size;
      }
    }
    return {
      processes: t.procs.size + t.retired.length,
      liveProcesses: live,
      threads: t.tidToPid.size,
      fds,
      placeholders: t.placeholders.size,
    };
  }
}
