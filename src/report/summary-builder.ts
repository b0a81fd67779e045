/**
 * Builds a RunSummary incrementally from the event stream, so memory grows with the number of
 * distinct files and endpoints, not with the number of events.
 */
import { type ArgValue, type Event, isFlagSet, isSockAddr, formatSockAddr } from '../events/event.js';
import type { EventContext, StateView } from '../events/context.js';
import { argFd } from '../events/state/args.js';
import type { FdInfo, ProcessInfo } from '../events/state/types.js';
import type { SensorKind } from '../events/event.js';
import type { SensorStats } from '../sensors/sensor.js';
import {
  type Connection,
  type DirectoryEntry,
  type FileEntry,
  type FileOp,
  type NetworkSummary,
  type AlertSummary,
  type ProcessNode,
  type RunSummary,
  SUMMARY_VERSION,
} from './summary.js';

const EINPROGRESS = -115;

interface ConnAcc {
  proto: string;
  address: string;
  count: number;
  succeeded: number;
  failures: Set<string>;
  pids: Set<number>;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function flagNames(v: ArgValue | undefined): string[] {
  return isFlagSet(v) ? v.names : [];
}

/** The access an open performed, by its flags (O_RDONLY is 0, so it is the absence of the others). */
function openOps(type: string, flags: string[]): FileOp[] {
  if (type === 'creat') return ['create', 'write'];
  const ops: FileOp[] = [];
  const has = (f: string) => flags.includes(f);
  if (has('O_RDWR')) ops.push('read', 'write');
  else if (has('O_WRONLY')) ops.push('write');
  else ops.push('read');
  // O_CREAT alone may open an existing file; only O_EXCL guarantees the file is new.
  if (has('O_CREAT') && has('O_EXCL')) ops.push('create');
  return ops;
}

function l4proto(fd: FdInfo | undefined, fallback: string): string {
  return fd?.l4proto ?? fallback;
}

export class SummaryBuilder {
  private readonly files = new Map<string, FileEntry>();
  private readonly outbound = new Map<string, ConnAcc>();
  private readonly inbound = new Map<string, ConnAcc>();
  private readonly listening = new Map<string, ConnAcc>();
  private readonly unix = new Map<string, ConnAcc & { op: 'connect' | 'bind' }>();
  private readonly byType = new Map<string, number>();
  private readonly alerts = new Map<string, AlertSummary & { severity: number }>();
  private events = 0;
  private execs = 0;
  /**
   * Processes that produced events: the observed ones. State also holds their ancestors (read
   * from /proc so rules see proc.pname as Falco would), which are context, not part of the run.
   */
  readonly observedPids = new Set<number>();

  /**
   * `hiddenDirs`: Harrier's own working directories (the libc interposer's FIFO lives in one and
   * every instrumented process writes to it); their files are Harrier's, not the command's.
   */
  constructor(
    private readonly state: StateView,
    private readonly hiddenDirs: readonly string[] = [],
  ) {}

  add(ev: Event, ctx: EventContext): void {
    this.events++;
    this.observedPids.add(ev.pid);
    this.byType.set(ev.type, (this.byType.get(ev.type) ?? 0) + 1);
    const ok = ev.res !== undefined && ev.res >= 0;
    switch (ev.type) {
      case 'open':
      case 'openat':
      case 'openat2':
      case 'creat':
        if (ok && ctx.path) for (const op of openOps(ev.type, flagNames(ev.args.flags))) this.file(ctx.path, op);
        break;
      case 'execve':
      case 'execveat':
        if (ev.res === 0) this.execs++;
        break;
      case 'mkdir':
      case 'mkdirat':
        if (ok && ctx.path) this.file(ctx.path, 'create');
        break;
      case 'link':
      case 'linkat':
      case 'symlink':
      case 'symlinkat':
        if (ok && ctx.path2) this.file(ctx.path2, 'create');
        break;
      case 'unlink':
      case 'unlinkat':
      case 'rmdir':
        if (ok && ctx.path) this.file(ctx.path, 'delete');
        break;
      case 'rename':
      case 'renameat':
      case 'renameat2':
        if (ok && ctx.path) {
          const entry = this.file(ctx.path, 'rename');
          if (ctx.path2 && !entry.renamedTo?.includes(ctx.path2)) (entry.renamedTo ??= []).push(ctx.path2);
        }
        break;
      case 'chmod':
      case 'fchmod':
      case 'fchmodat':
      case 'chown':
      case 'fchown':
      case 'fchownat':
      case 'lchown':
        if (ok && ctx.path) this.file(ctx.path, 'chmod');
        break;
      case 'connect':
        this.connect(ev, ctx);
        break;
      case 'sendto':
      case 'sendmsg':
        // Only datagrams carry a destination; a connected stream's sendto has none.
        if (isSockAddr(ev.args.addr) && ctx.endpoint) this.conn(this.outbound, 'udp', ctx.endpoint, ev, true);
        break;
      case 'bind':
        if (isSockAddr(ev.args.addr) && ev.args.addr.family === 'unix' && ctx.endpoint) {
          this.unixConn('bind', ctx.endpoint, ev, ok);
        }
        break;
      case 'listen':
        if (ok) this.listen(ev);
        break;
      case 'accept':
      case 'accept4':
        if (ok) this.accept(ev);
        break;
    }
  }

  /**
   * Counts a rule alert; the first one of each rule is kept whole as evidence. `severity` orders
   * the summary (0 = most severe), `json` is the alert as Falco's JSON output carries it.
   */
  addAlert(alert: {
    rule: string;
    priority: string;
    tags: string[];
    severity: number;
    json: () => Record<string, unknown>;
  }): void {
    const seen = this.alerts.get(alert.rule);
    if (seen) {
      seen.count++;
      return;
    }
    this.alerts.set(alert.rule, {
      rule: alert.rule,
      priority: alert.priority,
      tags: alert.tags,
      count: 1,
      first: alert.json(),
      severity: alert.severity,
    });
  }

  private file(path: string, op: FileOp): FileEntry {
    if (this.hiddenDirs.some((dir) => path.startsWith(dir + '/'))) return { path, ops: {} };
    let entry = this.files.get(path);
    if (!entry) this.files.set(path, (entry = { path, ops: {} }));
    entry.ops[op] = (entry.ops[op] ?? 0) + 1;
    return entry;
  }

  private conn(map: Map<string, ConnAcc>, proto: string, address: string, ev: Event, ok: boolean): ConnAcc {
    const key = `${proto} ${address}`;
    let c = map.get(key);
    if (!c) map.set(key, (c = { proto, address, count: 0, succeeded: 0, failures: new Set(), pids: new Set() }));
    c.count++;
    if (ok) c.succeeded++;
    else if (ev.errno) c.failures.add(ev.errno);
    c.pids.add(ev.pid);
    return c;
  }

  private unixConn(op: 'connect' | 'bind', address: string, ev: Event, ok: boolean): void {
    const key = `${op} ${address}`;
    let c = this.unix.get(key);
    if (!c) {
      c = { op, proto: 'unix', address, count: 0, succeeded: 0, failures: new Set(), pids: new Set() };
      this.unix.set(key, c);
    }
    c.count++;
    if (ok) c.succeeded++;
    else if (ev.errno) c.failures.add(ev.errno);
    c.pids.add(ev.pid);
  }

  private connect(ev: Event, ctx: EventContext): void {
    const addr = ev.args.addr;
    if (!isSockAddr(addr) || !ctx.endpoint) return;
    const ok = ev.res === 0 || ev.res === EINPROGRESS;
    if (addr.family === 'unix') return this.unixConn('connect', ctx.endpoint, ev, ok);
    if (addr.family !== 'inet' && addr.family !== 'inet6') return;
    const fd = this.fdOf(ev);
    this.conn(this.outbound, l4proto(fd, 'tcp'), ctx.endpoint, ev, ok);
  }

  private listen(ev: Event): void {
    const fd = this.fdOf(ev);
    const local = fd?.local;
    const address = local ? formatSockAddr(local) : (fd?.name ?? `fd ${String(argFd(ev.args.fd))}`);
    if (local?.family === 'unix') return;
    this.conn(this.listening, l4proto(fd, 'tcp'), address, ev, true);
  }

  private accept(ev: Event): void {
    const listener = this.fdOf(ev);
    const local = listener?.local;
    const address = local ? formatSockAddr(local) : (listener?.name ?? 'unknown');
    this.conn(this.inbound, l4proto(listener, 'tcp'), address, ev, true);
  }

  private fdOf(ev: Event): FdInfo | undefined {
    const n = argFd(ev.args.fd);
    return n === undefined ? undefined : this.state.fd(ev.pid, n);
  }

  finish(input: {
    runId: string | null;
    command: string[];
    sensor: SensorKind;
    sensorReason: string;
    startedAt: bigint;
    endedAt: bigint;
    exit: RunSummary['exit'];
    partial: boolean;
    stats: SensorStats;
    rootPid: number | undefined;
  }): RunSummary {
    const observed = [...this.state.allProcesses()].filter((p) => this.observedPids.has(p.pid));
    const processes = buildTree(observed, input.startedAt, input.rootPid);
    const network: NetworkSummary = {
      outbound: finishConns(this.outbound),
      inbound: finishConns(this.inbound),
      listening: finishConns(this.listening),
      unix: [...this.unix.values()].map((c) => ({ ...finishConn(c), op: c.op })),
    };
    const byType = Object.fromEntries([...this.byType.entries()].sort((a, b) => b[1] - a[1]));
    const durationMs = Number(input.endedAt - input.startedAt) / 1e6;
    return {
      version: SUMMARY_VERSION,
      runId: input.runId,
      command: input.command,
      sensor: input.sensor,
      sensorReason: input.sensorReason,
      startedAt: nsToIso(input.startedAt),
      endedAt: nsToIso(input.endedAt),
      exit: input.exit,
      partial: input.partial,
      processes,
      files: groupByDirectory([...this.files.values()]),
      network,
      alerts: [...this.alerts.values()]
        .sort((a, b) => a.severity - b.severity || b.count - a.count || a.rule.localeCompare(b.rule))
        .map(({ severity: _severity, ...a }) => a),
      totals: {
        events: this.events,
        byType,
        processes: countNodes(processes),
        execs: this.execs,
        durationMs: Math.round(durationMs * 1000) / 1000,
        sensor: input.sensor,
        drops: input.stats.drops,
        truncations: input.stats.truncations,
        parseErrors: input.stats.parseErrors,
      },
    };
  }
}

export function nsToIso(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

function finishConn(c: ConnAcc): Connection {
  return {
    proto: c.proto,
    address: c.address,
    count: c.count,
    succeeded: c.succeeded,
    failures: [...c.failures].sort(),
    pids: [...c.pids].sort((a, b) => a - b),
  };
}

function finishConns(map: Map<string, ConnAcc>): Connection[] {
  return [...map.values()].map(finishConn).sort((a, b) => b.count - a.count || a.address.localeCompare(b.address));
}

function groupByDirectory(files: FileEntry[]): DirectoryEntry[] {
  const dirs = new Map<string, DirectoryEntry>();
  for (const f of files) {
    const dir = dirname(f.path);
    let d = dirs.get(dir);
    if (!d) dirs.set(dir, (d = { dir, counts: {}, files: [] }));
    d.files.push(f);
    for (const [op, n] of Object.entries(f.ops) as Array<[FileOp, number]>) d.counts[op] = (d.counts[op] ?? 0) + n;
  }
  const total = (d: DirectoryEntry) => Object.values(d.counts).reduce((s, n) => s + n, 0);
  for (const d of dirs.values()) d.files.sort((a, b) => a.path.localeCompare(b.path));
  return [...dirs.values()].sort((a, b) => total(b) - total(a) || a.dir.localeCompare(b.dir));
}

function countNodes(nodes: ProcessNode[]): number {
  let n = 0;
  for (const node of nodes) n += 1 + countNodes(node.children);
  return n;
}

/**
 * Arranges processes into a tree. A process whose parent was not observed becomes a root, so
 * the observed command and anything that escaped to init (double-forked daemons) both show.
 */
export function buildTree(procs: ProcessInfo[], startedAt: bigint, rootPid: number | undefined): ProcessNode[] {
  const nodes = new Map<number, ProcessNode>();
  for (const p of procs) {
    nodes.set(p.pid, {
      pid: p.pid,
      ppid: p.ppid,
      exePath: p.exePath,
      args: p.args,
      user: p.user,
      uid: p.uid,
      cwd: p.cwd,
      startMs: Math.max(0, Number(p.startTs - startedAt) / 1e6),
      durationMs: p.exitTs === undefined ? null : Number(p.exitTs - p.startTs) / 1e6,
      exitCode: p.exitCode ?? null,
      exitSignal: p.exitSignal ?? null,
      execed: p.execed,
      children: [],
    });
  }
  const roots: ProcessNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.pid === rootPid ? undefined : nodes.get(node.ppid);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: ProcessNode, b: ProcessNode) => a.startMs - b.startMs || a.pid - b.pid;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort((a, b) => (a.pid === rootPid ? -1 : b.pid === rootPid ? 1 : byStart(a, b)));
}
