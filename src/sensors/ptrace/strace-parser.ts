/**
 * The whole parse: bytes of strace output in, events out. Pairs unfinished/resumed calls, keeps
 * the tid→tgid map, notes the root process and how it ended, and counts what it could not read.
 * Nothing in here throws on bad input: a line that cannot be read is counted and skipped.
 */
import type { Event } from '../../events/event.js';
import { parseLine, type Line } from './line-parser.js';
import { LineSplitter } from './line-splitter.js';
import { PendingCalls, type PendingCall } from './pairing.js';
import { parseCall, type ParsedCall } from './syscall-parser.js';
import { EventMapper, hasFlag } from './to-event.js';

export interface ParserCounters {
  lines: number;
  events: number;
  /** Events with a string or array cut short by strace's `-s` limit. */
  truncations: number;
  /** Lines that could not be read (garbage, truncated, a resumed half without its start). */
  parseErrors: number;
}

/** How the first traced process ended, from its `+++ ... +++` line. */
export type RootEnd = { kind: 'exited'; code: number } | { kind: 'killed'; signal: string; core: boolean };

export interface StraceParserOptions {
  /** See MapperOptions.resolveTgid. */
  resolveTgid?: (tid: number) => number | undefined;
  /** Called once with the tid of the first line: the observed command's pid. */
  onRoot?: (tid: number) => void;
  /** Called when the root process's end is read. */
  onRootEnd?: (end: RootEnd) => void;
  maxLineBytes?: number;
}

export class StraceParser {
  readonly counters: ParserCounters = { lines: 0, events: 0, truncations: 0, parseErrors: 0 };
  rootTid: number | undefined;
  rootEnd: RootEnd | undefined;

  private readonly pending = new PendingCalls();
  private readonly mapper: EventMapper;
  private readonly splitter: LineSplitter;
  private out: Event[] = [];
  private readonly onLine = (line: string): void => this.line(line, this.out);

  constructor(private readonly opts: StraceParserOptions = {}) {
    this.mapper = new EventMapper({
      guessTgid: (tid) => this.guessTgid(tid),
      ...(opts.resolveTgid ? { resolveTgid: opts.resolveTgid } : {}),
    });
    this.splitter = new LineSplitter(opts.maxLineBytes);
  }

  /** Parses a chunk of output; events of the complete lines in it are appended to `out`. */
  feed(chunk: Buffer, out: Event[]): void {
    this.out = out;
    const before = this.splitter.overflows;
    this.splitter.push(chunk, this.onLine);
    this.counters.parseErrors += this.splitter.overflows - before;
  }

  /** The output ended: parses a last unterminated line and flushes calls that never resumed. */
  end(out: Event[]): void {
    this.out = out;
    this.splitter.end(this.onLine);
    for (const p of this.pending.drain()) this.flush(p, out);
  }

  /** Parses one line (no newline). */
  line(text: string, out: Event[]): void {
    this.counters.lines++;
    try {
      const line = parseLine(text);
      if (line === undefined) {
        if (text.trim().length > 0) this.counters.parseErrors++;
        return;
      }
      if (this.rootTid === undefined) {
        this.rootTid = line.tid;
        this.opts.onRoot?.(line.tid);
      }
      this.dispatch(line, out);
    } catch {
      // Defensive: a parser bug on some odd line must not end the observation.
      this.counters.parseErrors++;
    }
  }

  private dispatch(line: Line, out: Event[]): void {
    switch (line.kind) {
      case 'call': {
        const call = parseCall(line.text, line.start);
        this.emitCall(line.tid, line.ts, call, out);
        return;
      }
      case 'unfinished': {
        const previous = this.pending.begin({ tid: line.tid, ts: line.ts, name: line.name, text: line.text });
        if (previous !== undefined) this.flush(previous, out);
        return;
      }
      case 'resumed': {
        const joined = this.pending.resume(line.tid, line.name, line.rest);
        if (joined === undefined) {
          this.counters.parseErrors++;
          return;
        }
        this.emitCall(line.tid, joined.call.ts, parseCall(joined.text), out);
        return;
      }
      case 'detached': {
        const call = parseCall(line.text);
        if (call === undefined) this.counters.parseErrors++;
        else this.emit(this.mapper.syscall(line.tid, line.ts, call), out);
        return;
      }
      case 'exited':
      case 'killed': {
        const p = this.pending.take(line.tid);
        if (p !== undefined) this.flush(p, out);
        const ev = this.mapper.processEnd(line);
        if (ev !== undefined) this.emit(ev, out);
        if (line.tid === this.rootTid && this.rootEnd === undefined) {
          this.rootEnd =
            line.kind === 'exited'
              ? { kind: 'exited', code: line.code }
              : { kind: 'killed', signal: line.signal, core: line.core };
          this.opts.onRootEnd?.(this.rootEnd);
        }
        return;
      }
      case 'signal':
        this.emit(this.mapper.signal(line), out);
        return;
      case 'superseded': {
        // The old leader died in the exec; the exec'ing thread's execve resumes under its tid.
        const killed = this.pending.take(line.tid);
        if (killed !== undefined) this.flush(killed, out);
        this.pending.move(line.byTid, line.tid);
        this.mapper.forget(line.byTid);
        return;
      }
      case 'note':
        return;
    }
  }

  private emitCall(tid: number, ts: bigint, call: ParsedCall | undefined, out: Event[]): void {
    if (call === undefined || !call.complete) {
      this.counters.parseErrors++;
      return;
    }
    if (call.broken) this.counters.parseErrors++;
    this.emit(this.mapper.syscall(tid, ts, call), out);
  }

  /** An unfinished call whose thread ended (or the trace ended) before it resumed. */
  private flush(p: PendingCall, out: Event[]): void {
    const call = parseCall(p.text);
    if (call === undefined) {
      this.counters.parseErrors++;
      return;
    }
    call.res = undefined;
    this.emit(this.mapper.syscall(p.tid, p.ts, call), out);
  }

  private emit(ev: Event, out: Event[]): void {
    this.counters.events++;
    if (ev.truncated) this.counters.truncations++;
    out.push(ev);
  }

  /**
   * A tid seen before the clone that made it was reported: if every clone in flight would put
   * it in the same thread group, that is its group.
   */
  private guessTgid(tid: number): number | undefined {
    if (tid === this.rootTid) return tid;
    let guess: number | undefined;
    for (const p of this.pending.values()) {
      if (p.tid === tid) continue;
      let outcome: number;
      if (p.name === 'clone' || p.name === 'clone3') {
        // knownTgid, not tgidOf: guessing for the cloning thread too could recurse without end.
        const parent = this.mapper.knownTgid(p.tid) ?? p.tid;
        outcome = hasFlag(p.text, 'CLONE_THREAD') ? parent : tid;
      } else if (p.name === 'fork' || p.name === 'vfork') {
        outcome = tid;
      } else {
        continue;
      }
      if (guess !== undefined && guess !== outcome) return undefined;
      guess = outcome;
    }
    return guess;
  }
}
