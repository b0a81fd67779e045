/**
 * The structure of one line of `strace -f --timestamps=unix,ns` output: who (`tid`), when
 * (`ts`), and what kind of record follows. Syscall text is left for syscall-parser.ts, because a
 * syscall split over `<unfinished ...>` / `<... resumed>` lines is only parseable once joined.
 */

export interface CallLine {
  kind: 'call';
  tid: number;
  ts: bigint;
  /** `text.slice(start)` is `name(args) = result`. */
  text: string;
  start: number;
}
/** `name(args <unfinished ...>`: the thread blocked and strace printed other threads meanwhile. */
export interface UnfinishedLine {
  kind: 'unfinished';
  tid: number;
  ts: bigint;
  name: string;
  /** `name(args` without the marker. */
  text: string;
}
/** `<... name resumed>rest`: the other half of an unfinished call. */
export interface ResumedLine {
  kind: 'resumed';
  tid: number;
  ts: bigint;
  name: string;
  /** What follows `resumed>`, e.g. `) = 0` or `, child_tidptr=0x7f..) = 123`. */
  rest: string;
}
/** `name(args <detached ...>`: strace let go of the thread mid-call; no result will follow. */
export interface DetachedLine {
  kind: 'detached';
  tid: number;
  ts: bigint;
  text: string;
}
export interface ExitedLine {
  kind: 'exited';
  tid: number;
  ts: bigint;
  code: number;
}
export interface KilledLine {
  kind: 'killed';
  tid: number;
  ts: bigint;
  signal: string;
  core: boolean;
}
/** `--- SIGCHLD {si_signo=...} ---`: a signal was delivered to the thread. */
export interface SignalLine {
  kind: 'signal';
  tid: number;
  ts: bigint;
  sig: string;
  /** `text.slice(infoStart, infoEnd)` is the `{...}` siginfo struct (empty when absent). */
  text: string;
  infoStart: number;
  infoEnd: number;
}
/** `+++ superseded by execve in pid N +++`: thread N exec'd and took over this thread's tid. */
export interface SupersededLine {
  kind: 'superseded';
  tid: number;
  ts: bigint;
  byTid: number;
}
/** Understood, but nothing to report (`--- stopped by SIGSTOP ---`). */
export interface NoteLine {
  kind: 'note';
  tid: number;
  ts: bigint;
}

export type Line =
  | CallLine
  | UnfinishedLine
  | ResumedLine
  | DetachedLine
  | ExitedLine
  | KilledLine
  | SignalLine
  | SupersededLine
  | NoteLine;

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
const NS_PER_S = 1_000_000_000n;
/** 10^(9-k): scales a fraction with k digits to nanoseconds. */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 63; /* ? */
}

/** Parses one line (without its newline); undefined when it is not strace output. */
export function parseLine(line: string): Line | undefined {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 32 && c !== 13 && c !== 9 && c !== 10) break;
    end--;
  }
  let i = 0;
  while (i < end && line.charCodeAt(i) === 32) i++;

  // The tid column: `1234 ` (-o FILE) or `[pid  1234] ` (stderr output).
  let bracketed = false;
  if (line.startsWith('[pid', i)) {
    bracketed = true;
    i += 4;
    while (i < end && line.charCodeAt(i) === 32) i++;
  }
  let tid = 0;
  const tidStart = i;
  while (i < end && isDigit(line.charCodeAt(i))) tid = tid * 10 + (line.charCodeAt(i++) - 48);
  if (i === tidStart || i - tidStart > 10) return undefined;
  if (bracketed) {
    if (line.charCodeAt(i) !== 93 /* ] */) return undefined;
    i++;
  }
  if (line.charCodeAt(i) !== 32) return undefined;
  while (i < end && line.charCodeAt(i) === 32) i++;

  // `1795471917.699395715`; kept optional so that output without timestamps still parses.
  let ts = 0n;
  if (isDigit(line.charCodeAt(i))) {
    let sec = 0;
    const secStart = i;
    while (i < end && isDigit(line.charCodeAt(i))) sec = sec * 10 + (line.charCodeAt(i++) - 48);
    if (i - secStart > 15 || line.charCodeAt(i) !== 46 /* . */) return undefined;
    i++;
    let frac = 0;
    const fracStart = i;
    while (i < end && isDigit(line.charCodeAt(i)) && i - fracStart < 9) frac = frac * 10 + (line.charCodeAt(i++) - 48);
    const digits = i - fracStart;
    if (digits === 0) return undefined;
    while (i < end && isDigit(line.charCodeAt(i))) i++;
    ts = BigInt(sec) * NS_PER_S + BigInt(frac * (FRACTION_SCALE[digits] ?? 1));
    if (line.charCodeAt(i) !== 32) return undefined;
    while (i < end && line.charCodeAt(i) === 32) i++;
  }
  if (i >= end) return undefined;

  const c = line.charCodeAt(i);
  if (c === 43 /* + */) return processEnd(line, i, end, tid, ts);
  if (c === 45 /* - */) return signalLine(line, i, end, tid, ts);
  if (c === 60 /* < */) return resumedLine(line, i, end, tid, ts);

  const nameStart = i;
  while (i < end && isNameChar(line.charCodeAt(i))) i++;
  if (i === nameStart || line.charCodeAt(i) !== 40 /* ( */) return undefined;
  if (line.endsWith(UNFINISHED, end)) {
    return {
      kind: 'unfinished',
      tid,
      ts,
      name: line.slice(nameStart, i),
      text: line.slice(nameStart, end - UNFINISHED.length),
    };
  }
  if (line.endsWith(DETACHED, end)) {
    return { kind: 'detached', tid, ts, text: line.slice(nameStart, end - DETACHED.length) };
  }
  return { kind: 'call', tid, ts, text: end === line.length ? line : line.slice(0, end), start: nameStart };
}

/** `+++ exited with 3 +++`, `+++ killed by SIGSEGV (core dumped) +++`, `+++ superseded ... +++`. */
function processEnd(line: string, i: number, end: number, tid: number, ts: bigint): Line | undefined {
  if (!line.startsWith('+++ ', i) || !line.endsWith(' +++', end)) return undefined;
  const bodyEnd = end - 4;
  i += 4;
  if (line.startsWith('exited with ', i)) {
    i += 12;
    let code = 0;
    const start = i;
    while (i < bodyEnd && isDigit(line.charCodeAt(i))) code = code * 10 + (line.charCodeAt(i++) - 48);
    if (i === start || i !== bodyEnd) return undefined;
    return { kind: 'exited', tid, ts, code };
  }
  if (line.startsWith('killed by ', i)) {
    i += 10;
    const start = i;
    while (i < bodyEnd && line.charCodeAt(i) !== 32) i++;
    if (i === start) return undefined;
    const signal = line.slice(start, i);
    const core = line.startsWith(' (core dumped)', i);
    return { kind: 'killed', tid, ts, signal, core };
  }
  if (line.startsWith('superseded by execve in pid ', i)) {
    i += 28;
    let byTid = 0;
    const start = i;
    while (i < bodyEnd && isDigit(line.charCodeAt(i))) byTid = byTid * 10 + (line.charCodeAt(i++) - 48);
    if (i === start) return undefined;
    return { kind: 'superseded', tid, ts, byTid };
  }
  return { kind: 'note', tid, ts };
}

/** `--- SIGCHLD {si_signo=SIGCHLD, ...} ---` or `--- stopped by SIGSTOP ---`. */
function signalLine(line: string, i: number, end: number, tid: number, ts: bigint): Line | undefined {
  if (!line.startsWith('--- ', i) || !line.endsWith(' ---', end)) return undefined;
  i += 4;
  const bodyEnd = end - 4;
  if (!line.startsWith('SIG', i)) return { kind: 'note', tid, ts };
  const start = i;
  while (i < bodyEnd && line.charCodeAt(i) !== 32) i++;
  const sig = line.slice(start, i);
  while (i < bodyEnd && line.charCodeAt(i) === 32) i++;
  const hasInfo = line.charCodeAt(i) === 123; /* { */
  return { kind: 'signal', tid, ts, sig, text: line, infoStart: hasInfo ? i : bodyEnd, infoEnd: bodyEnd };
}

/** `<... execve resumed>) = 0`. */
function resumedLine(line: string, i: number, end: number, tid: number, ts: bigint): Line | undefined {
  if (!line.startsWith('<... ', i)) return undefined;
  i += 5;
  const start = i;
  while (i < end && isNameChar(line.charCodeAt(i))) i++;
  if (i === start || !line.startsWith(' resumed>', i)) return undefined;
  return { kind: 'resumed', tid, ts, name: line.slice(start, i), rest: line.slice(i + 9, end) };
}
