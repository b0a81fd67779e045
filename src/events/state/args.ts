/**
 * Typed readers for event arguments. Sensors differ in how they hand a value over (strace
 * decorates fds, the eBPF probe sends plain numbers, flags may be a FlagSet or a string), so the
 * state code reads through these instead of trusting one shape. Only flagNames on an `A|B`
 * string allocates.
 */
import { type ArgValue, isFdRef, isFlagSet } from '../event.js';

/** A number from a number, bigint, numeric string or FdRef. */
export function argNumber(v: ArgValue | undefined): number | undefined {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'string': {
      if (v === '') return undefined;
      const n = Number(v);
      return Number.isInteger(n) ? n : undefined;
    }
    case 'object':
      return isFdRef(v) ? v.fd : undefined;
    default:
      return undefined;
  }
}

/** The descriptor number of an fd argument (an FdRef, a number, or strace's `3</path>`). */
export function argFd(v: ArgValue | undefined): number | undefined {
  if (typeof v === 'string') return leadingInt(v);
  return argNumber(v);
}

export const argString = (v: ArgValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function argStrings(v: ArgValue | undefined): string[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** Does a flag-like argument (FlagSet, `A|B` string, string[]) contain `name`? */
export function hasFlag(v: ArgValue | undefined, name: string): boolean {
  if (isFlagSet(v)) return v.names.includes(name);
  if (typeof v === 'string') {
    for (let i = v.indexOf(name); i !== -1; i = v.indexOf(name, i + 1)) {
      const end = i + name.length;
      if ((i === 0 || v.charCodeAt(i - 1) === PIPE) && (end === v.length || v.charCodeAt(end) === PIPE)) return true;
    }
    return false;
  }
  if (Array.isArray(v)) return v.includes(name);
  return false;
}

/** A flag argument's names (FlagSet as is; `A|B` strings split). */
export function flagNames(v: ArgValue | undefined): string[] | undefined {
  if (isFlagSet(v)) return v.names;
  if (typeof v === 'string') return v === '' ? [] : v.split('|');
  if (Array.isArray(v)) return v;
  return undefined;
}

const PIPE = 124;
const MINUS = 45;

/** The integer a string starts with (`"3<pipe:[12]>"` → 3), without allocating. */
export function leadingInt(s: string): number | undefined {
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === MINUS) {
    neg = true;
    i = 1;
  }
  let n = 0;
  const start = i;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  if (i === start) return undefined;
  return neg ? -n : n;
}

/** The `<...>` decoration strace appends to an fd inside an array (`"3<pipe:[12]>"`). */
export function decoration(s: string): string | undefined {
  const open = s.indexOf('<');
  if (open === -1 || s.charCodeAt(s.length - 1) !== 62 /* > */) return undefined;
  return s.slice(open + 1, -1);
}
