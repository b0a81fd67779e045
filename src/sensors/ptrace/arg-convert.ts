/**
 * Turns parsed strace values into the event model's argument values, by the kind of argument a
 * syscall's parameter is (a path, an fd, flags, ...). Notes truncation as it goes.
 */
import type { ArgValue, FdRef, FlagSet } from '../../events/event.js';
import { toSockAddr } from './sockaddr.js';
import { rawText, settled, type Value } from './value-parser.js';

export type ArgKind =
  /** FdRef: `3</etc/passwd>`, `AT_FDCWD</tmp>`. */
  | 'fd'
  /** A string (paths, names, data); NULL stays null. */
  | 'str'
  /** FlagSet from `O_RDONLY|O_CLOEXEC` or a number. */
  | 'flags'
  /** A number (modes, uids, lengths); symbolic values stay strings. */
  | 'num'
  /** A symbolic constant as a string (`AF_INET`, `SIGKILL`, `PTRACE_ATTACH`). */
  | 'sym'
  /** string[] from an array of strings (argv, envp). */
  | 'strs'
  /** SockAddr from a sockaddr struct. */
  | 'addr'
  /** Whatever the value is, converted generically. */
  | 'any';

/** Collects whether anything converted was cut short by strace's limits. */
export interface Truncation {
  truncated: boolean;
}

export const AT_FDCWD = -100;

export function toFdRef(v: Value): FdRef | undefined {
  if (typeof v === 'number') return { fd: v };
  if (v === null) return undefined;
  if (v.k === 'fd') return v.path === undefined ? { fd: v.fd } : { fd: v.fd, path: v.path };
  if (v.k === 'sym' && v.v === 'AT_FDCWD') return { fd: AT_FDCWD };
  return undefined;
}

export function toFlagSet(v: Value): FlagSet | undefined {
  if (typeof v === 'number') return { names: [], value: v };
  if (v === null || v.k !== 'sym') return undefined;
  const names: string[] = [];
  const s = v.v;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charCodeAt(i) === 124 /* | */) {
      const part = s.slice(start, i).trim();
      if (part.length > 0) names.push(part);
      start = i + 1;
    }
  }
  return { names };
}

function toStrings(v: Value, t: Truncation): string[] | undefined {
  if (v === null || typeof v !== 'object' || v.k !== 'arr') return undefined;
  if (v.trunc) t.truncated = true;
  const out: string[] = [];
  for (const it of v.items) {
    if (it !== null && typeof it === 'object' && it.k === 'str') {
      if (it.trunc) t.truncated = true;
      out.push(it.v);
    } else {
      out.push(rawText(it));
    }
  }
  return out;
}

/** Converts `value` as a `kind` argument; undefined when it cannot be (the argument is left out). */
export function convertArg(kind: ArgKind, value: Value, t: Truncation): ArgValue | undefined {
  const v = kind === 'any' ? value : (settled(value) ?? null);
  switch (kind) {
    case 'fd':
      return toFdRef(v);
    case 'str':
      if (v === null) return null;
      if (typeof v === 'object' && v.k === 'str') {
        if (v.trunc) t.truncated = true;
        return v.v;
      }
      return undefined;
    case 'flags':
      return toFlagSet(v);
    case 'num':
      if (v === null) return null;
      return typeof v === 'number' ? v : rawText(v);
    case 'sym':
      if (v === null) return null;
      return typeof v === 'number' ? String(v) : rawText(v);
    case 'strs':
      return toStrings(v, t);
    case 'addr':
      return toSockAddr(v);
    case 'any':
      return convertAny(v, t);
  }
}

function convertAny(v: Value, t: Truncation): ArgValue {
  if (v === null || typeof v === 'number') return v;
  switch (v.k) {
    case 'str':
      if (v.trunc) t.truncated = true;
      return v.v;
    case 'fd':
      return v.path === undefined ? { fd: v.fd } : { fd: v.fd, path: v.path };
    case 'sym':
      return v.v;
    case 'arr':
      if (v.items.every((it) => it !== null && typeof it === 'object' && it.k === 'str')) {
        return toStrings(v, t) ?? v.raw;
      }
      return v.raw;
    case 'struct': {
      const addr = v.items.some(
        (it) => it !== null && typeof it === 'object' && it.k === 'kv' && it.key === 'sa_family',
      );
      return (addr ? toSockAddr(v) : undefined) ?? v.raw;
    }
    case 'kv':
      return convertAny(v.v, t);
    default:
      return rawText(v);
  }
}
