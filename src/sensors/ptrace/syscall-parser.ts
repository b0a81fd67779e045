/**
 * A syscall's text, `name(args) = result [ERRNO (description)]`, parsed into values. The text is
 * either one complete line or the two halves of an unfinished/resumed pair joined together.
 */
import { errnoNumber } from './errno.js';
import { ValueScanner, type FdValue, type Value } from './value-parser.js';

export interface ParsedCall {
  name: string;
  args: Value[];
  /** The argument list was closed; false for a call cut off (thread killed, line truncated). */
  complete: boolean;
  /** `undefined` for `= ?` and for calls without a result. */
  res: number | undefined;
  errno: string | undefined;
  /** The result's `-yy` decoration: `= 3</etc/hostname>`. */
  resFd: FdValue | undefined;
  /** Some text was malformed (unterminated string, unbalanced brackets). */
  broken: boolean;
}

const scanner = new ValueScanner();

/**
 * Parses `text[start, end)`. Returns undefined when the text does not even start like a call.
 * An argument list without its closing parenthesis is returned with `complete: false`.
 */
export function parseCall(text: string, start = 0, end = text.length): ParsedCall | undefined {
  const paren = text.indexOf('(', start);
  if (paren <= start || paren >= end) return undefined;
  const name = text.slice(start, paren);
  scanner.reset(text, paren + 1, end);
  const args: Value[] = [];
  const list = scanner.list(41 /* ) */, args);
  const call: ParsedCall = {
    name,
    args,
    complete: list.complete,
    res: undefined,
    errno: undefined,
    resFd: undefined,
    broken: scanner.broken,
  };
  if (!list.complete) return call;

  // ` = result`; strace pads with spaces to align results in a column.
  let i = scanner.i;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 61 /* = */) return call;
  i++;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i >= end) {
    call.broken = true;
    return call;
  }
  if (text.charCodeAt(i) === 63 /* ? */) {
    i++;
  } else {
    scanner.reset(text, i, end);
    const v = scanner.value();
    if (typeof v === 'number') {
      call.res = v;
    } else if (v !== null && typeof v === 'object' && v.k === 'fd') {
      call.res = v.fd;
      call.resFd = v;
    } else {
      call.broken = true;
      return call;
    }
    i = scanner.i;
  }
  // `-1 ENOENT (No such file or directory)`, `? ERESTARTSYS (To be restarted ...)`.
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) === 69 /* E */) {
    const errStart = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
      i++;
    }
    const errno = text.slice(errStart, i);
    call.errno = errno;
    if (call.res !== undefined && call.res < 0) {
      const n = errnoNumber(errno);
      if (n !== undefined) call.res = -n;
    }
  }
  return call;
}
