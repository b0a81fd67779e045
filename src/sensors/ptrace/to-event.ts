/**
 * Maps parsed strace records to events. strace prints thread ids; events carry the thread-group
 * id as `pid` too, so the mapper follows clone results to know which thread belongs to which
 * process (`CLONE_THREAD` joins the parent's group, anything else starts a group of its own).
 */
import { EventKind, type Event, type EventArgs } from '../../events/event.js';
import type { ExitedLine, KilledLine, SignalLine } from './line-parser.js';
import type { ParsedCall } from './syscall-parser.js';
import { nameArgs } from './syscall-args.js';
import type { Truncation } from './arg-convert.js';
import { ValueScanner, field, settled, type Value } from './value-parser.js';

export interface MapperOptions {
  /**
   * Asked for the group of a tid seen before the clone that created it was reported (strace
   * prints a new thread's first call before its parent's unfinished clone resumes).
   */
  guessTgid?: (tid: number) => number | undefined;
  /** Last resort for an unknown tid, e.g. reading /proc/TID/status while it still runs. */
  resolveTgid?: (tid: number) => number | undefined;
}

const CLONE_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);
const infoScanner = new ValueScanner();

export class EventMapper {
  private readonly tgids = new Map<number, number>();

  constructor(private readonly opts: MapperOptions = {}) {}

  /** The thread group of `tid`, when known for sure. */
  knownTgid(tid: number): number | undefined {
    return this.tgids.get(tid);
  }

  tgidOf(tid: number): number {
    let tgid = this.tgids.get(tid);
    if (tgid !== undefined) return tgid;
    tgid = this.opts.guessTgid?.(tid) ?? this.opts.resolveTgid?.(tid) ?? tid;
    this.tgids.set(tid, tgid);
    return tgid;
  }

  /** The event for a syscall; `ts` is when it was entered. */
  syscall(tid: number, ts: bigint, call: ParsedCall): Event {
    const t: Truncation = { truncated: false };
    const args: EventArgs = nameArgs(call.name, call.args, t);
    if (call.resFd !== undefined) {
      args.res_fd =
        call.resFd.path === undefined ? { fd: call.resFd.fd } : { fd: call.resFd.fd, path: call.resFd.path };
    }
    let res = call.res;
    if (CLONE_CALLS.has(call.name) && res !== undefined && res > 0) res = this.cloned(tid, call, res);
    const ev: Event = { ts, source: 'ptrace', type: call.name, pid: this.tgidOf(tid), tid, args };
    if (res !== undefined) ev.res = res;
    if (call.errno !== undefined) ev.errno = call.errno;
    if (t.truncated) ev.truncated = true;
    return ev;
  }

  /**
   * Records the child of a successful clone and returns its tid. With CLONE_PARENT_SETTID the
   * child's tid is also shown as `parent_tid=[N]`. strace 6.1 reads both racily and was seen to
   * print `= 1` with the right parent_tid, and `parent_tid=[0]` with the right result; a new
   * child's tid is never 0 or 1 in its parent's namespace, so those are the tells.
   */
  private cloned(tid: number, call: ParsedCall, res: number): number {
    let child = res;
    let thread = false;
    if (call.name === 'clone' || call.name === 'clone3') {
      let items: readonly Value[] = call.args;
      let after: readonly Value[] = call.args;
      if (call.name === 'clone3') {
        const a = call.args[0];
        const before = a !== null && typeof a === 'object' && a.k === 'upd' ? a.before : a;
        const settledArg = settled(a);
        items = before !== null && typeof before === 'object' && before.k === 'struct' ? before.items : [];
        after =
          settledArg !== null && typeof settledArg === 'object' && settledArg.k === 'struct' ? settledArg.items : [];
      }
      const ptid = settled(field(after, 'parent_tid'));
      const shown = ptid !== null && typeof ptid === 'object' && ptid.k === 'arr' ? ptid.items[0] : undefined;
      if (res <= 1 && typeof shown === 'number' && shown > 1) child = shown;
      const flags = field(items, 'flags');
      thread = flags !== null && typeof flags === 'object' && flags.k === 'sym' && hasFlag(flags.v, 'CLONE_THREAD');
    }
    this.tgids.set(child, thread ? this.tgidOf(tid) : child);
    return child;
  }

  /**
   * `+++ exited with N +++` / `+++ killed by SIG +++`: a procexit event when the thread-group
   * leader ends (it is reported last, once the whole group is gone); nothing for other threads.
   */
  processEnd(line: ExitedLine | KilledLine): Event | undefined {
    const tgid = this.tgidOf(line.tid);
    this.tgids.delete(line.tid);
    if (tgid !== line.tid) return undefined;
    const args: EventArgs = line.kind === 'exited' ? { status: line.code } : { signal: line.signal, core: line.core };
    return { ts: line.ts, source: 'ptrace', type: EventKind.ProcExit, pid: tgid, tid: line.tid, args };
  }

  /** `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=123, ...} ---`. */
  signal(line: SignalLine): Event {
    const args: EventArgs = { sig: line.sig };
    if (line.infoStart < line.infoEnd) {
      infoScanner.reset(line.text, line.infoStart, line.infoEnd);
      const info = infoScanner.value();
      if (info !== null && typeof info === 'object' && info.k === 'struct') {
        const code = field(info.items, 'si_code');
        if (code !== undefined)
          args.code = code !== null && typeof code === 'object' && code.k === 'sym' ? code.v : String(code);
        const from = field(info.items, 'si_pid');
        if (typeof from === 'number') args.from_pid = from;
      }
    }
    return { ts: line.ts, source: 'ptrace', type: EventKind.Signal, pid: this.tgidOf(line.tid), tid: line.tid, args };
  }

  /** Another thread took over `tid` by exec'ing: it no longer exists under its own id. */
  forget(tid: number): void {
    this.tgids.delete(tid);
  }
}

/** Whether `name` occurs in `expr` as a whole word (`A|B|C`, `{flags=A|B, ...}`). */
export function hasFlag(expr: string, name: string): boolean {
  for (let i = expr.indexOf(name); i >= 0; i = expr.indexOf(name, i + 1)) {
    const end = i + name.length;
    if ((i === 0 || !isWordChar(expr.charCodeAt(i - 1))) && (end >= expr.length || !isWordChar(expr.charCodeAt(end)))) {
      return true;
    }
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
