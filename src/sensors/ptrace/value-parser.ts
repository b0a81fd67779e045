/**
 * Argument values as strace prints them: numbers, quoted strings, fds with their `-yy`
 * decoration, flag expressions, arrays, structs, `name=value` pairs, `f(x)` calls, `a => b`
 * updates and comments. One index-based scan over the line, no regular expressions: this runs for
 * every argument of every traced syscall.
 *
 * Anything the grammar does not recognise becomes a `sym` holding its raw text, so that odd
 * decodings (`{WIFEXITED(s) && WEXITSTATUS(s) == 0}`, `~[RTMIN RT_1]`) never fail a line.
 */
import { unescapeC } from './c-string.js';
import { decorationPath } from './fd-decoration.js';

export interface StrValue {
  k: 'str';
  v: string;
  /** strace cut the string at -s and printed `...` after the quote. */
  trunc: boolean;
  /** `@"name"`: an abstract unix socket name. */
  abstract: boolean;
}
/** An fd with its `<...>` decoration: `3</etc/passwd>`, `AT_FDCWD</tmp>`. */
export interface FdValue {
  k: 'fd';
  fd: number;
  path: string | undefined;
}
/** An identifier, flag expression or any text kept raw (`O_RDONLY|O_CLOEXEC`, `&sin6_addr`). */
export interface SymValue {
  k: 'sym';
  v: string;
}
export interface ArrValue {
  k: 'arr';
  items: Value[];
  trunc: boolean;
  raw: string;
}
export interface StructValue {
  k: 'struct';
  items: Value[];
  trunc: boolean;
  raw: string;
}
/** `htons(9)`, `inet_addr("127.0.0.1")`, `makedev(0x1, 0x3)`. */
export interface CallValue {
  k: 'call';
  fn: string;
  args: Value[];
  raw: string;
}
/** `key=value`, in structs and in the named arguments of clone. */
export interface KvValue {
  k: 'kv';
  key: string;
  v: Value;
}
/** `before => after`: a value the kernel updated (clone3's `parent_tid`, socklen pointers). */
export interface UpdValue {
  k: 'upd';
  before: Value;
  after: Value;
  raw: string;
}
export type Value =
  number | null | StrValue | FdValue | SymValue | ArrValue | StructValue | CallValue | KvValue | UpdValue;

const AT_FDCWD = -100;
/** Nesting deeper than this is not real strace output; the rest is kept raw instead of recursing. */
const MAX_DEPTH = 48;
/** Marks `...` inside an array or struct: strace left elements out. */
const ELLIPSIS: SymValue = { k: 'sym', v: '...' };

const enum C {
  Tab = 9,
  Space = 32,
  Quote = 34,
  Amp = 38,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Seven = 55,
  Nine = 57,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  At = 64,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
  LBrace = 123,
  RBrace = 125,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === C.Underscore;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= C.Zero && c <= C.Nine);
}
function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}

/**
 * A reusable scanner over one piece of text. Not re-entrant; the sensor uses one per parser.
 */
export class ValueScanner {
  s = '';
  i = 0;
  end = 0;
  /** Something in the text was malformed or cut (an unterminated string or list). */
  broken = false;
  private depth = 0;

  reset(s: string, start: number, end: number): void {
    this.s = s;
    this.i = start;
    this.end = end;
    this.broken = false;
    this.depth = 0;
  }

  /**
   * Parses items up to the `close` character (`)`, `]` or `}`), consuming it. Returns whether
   * the closer was found; `out` gets the items either way. `trunc` reports an `...` element.
   */
  list(close: number, out: Value[]): { complete: boolean; trunc: boolean } {
    const s = this.s;
    let trunc = false;
    for (;;) {
      this.skipSpaceAndComments();
      if (this.i >= this.end) return { complete: false, trunc };
      const c = s.charCodeAt(this.i);
      if (c === close) {
        this.i++;
        return { complete: true, trunc };
      }
      if (c === C.Comma) {
        this.i++;
        continue;
      }
      const itemStart = this.i;
      let v = this.value();
      if (v === ELLIPSIS) {
        trunc = true;
        continue;
      }
      const afterValue = this.i;
      this.skipSpaceAndComments();
      if (this.i < this.end) {
        const n = s.charCodeAt(this.i);
        // Sigsets are space-separated (`[INT TERM]`); anything else unexpected after a value
        // means the value was an expression the grammar does not know: keep it raw.
        if (n !== C.Comma && n !== close && !(close === C.RBracket && this.i > afterValue)) {
          this.i = itemStart;
          v = this.raw();
        }
      }
      out.push(v);
    }
  }

  /** Parses one value at the current position. */
  value(): Value {
    this.skipSpaceAndComments();
    const s = this.s;
    if (this.i >= this.end) {
      this.broken = true;
      return { k: 'sym', v: '' };
    }
    const c = s.charCodeAt(this.i);
    let v: Value;
    if (c === C.Quote) {
      v = this.string(false);
    } else if (c === C.At && s.charCodeAt(this.i + 1) === C.Quote) {
      this.i++;
      v = this.string(true);
    } else if (c === C.LBracket || c === C.LBrace) {
      if (this.depth >= MAX_DEPTH) return this.raw();
      const start = this.i++;
      const items: Value[] = [];
      this.depth++;
      const r = this.list(c === C.LBracket ? C.RBracket : C.RBrace, items);
      this.depth--;
      if (!r.complete) this.broken = true;
      v = { k: c === C.LBracket ? 'arr' : 'struct', items, trunc: r.trunc, raw: s.slice(start, this.i) };
    } else if (c === C.Dot && s.charCodeAt(this.i + 1) === C.Dot && s.charCodeAt(this.i + 2) === C.Dot) {
      this.i += 3;
      return ELLIPSIS;
    } else if (isDigit(c) || (c === C.Minus && isDigit(s.charCodeAt(this.i + 1)))) {
      v = this.number();
    } else if (isIdentStart(c)) {
      v = this.ident();
    } else {
      v = this.raw();
    }
    return this.maybeUpdate(v);
  }

  private maybeUpdate(v: Value): Value {
    const s = this.s;
    let j = this.i;
    while (j < this.end && s.charCodeAt(j) === C.Space) j++;
    if (j + 1 >= this.end || s.charCodeAt(j) !== C.Eq || s.charCodeAt(j + 1) !== C.Gt) return v;
    const start = this.i;
    this.i = j + 2;
    const after = this.value();
    return { k: 'upd', before: v, after, raw: s.slice(start, this.i) };
  }

  private string(abstract: boolean): StrValue {
    const s = this.s;
    const end = this.end;
    const start = ++this.i;
    let i = start;
    let plain = true;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === C.Quote) break;
      if (c === C.Backslash) {
        plain = false;
        i++;
      } else if (c >= 0x80) {
        plain = false;
      }
    }
    if (i >= end) {
      // Unterminated: the line was cut inside the string.
      this.broken = true;
      this.i = end;
      return { k: 'str', v: unescapeC(s, start, Math.min(i, end)), trunc: true, abstract };
    }
    const v = plain ? s.slice(start, i) : unescapeC(s, start, i);
    i++;
    let trunc = false;
    if (i + 3 <= end && s.charCodeAt(i) === C.Dot && s.charCodeAt(i + 1) === C.Dot && s.charCodeAt(i + 2) === C.Dot) {
      trunc = true;
      i += 3;
    }
    this.i = i;
    return { k: 'str', v, trunc, abstract };
  }

  private number(): Value {
    const s = this.s;
    const start = this.i;
    let i = start;
    const neg = s.charCodeAt(i) === C.Minus;
    if (neg) i++;
    let n = 0;
    if (s.charCodeAt(i) === C.Zero && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
      i += 2;
      const digitsStart = i;
      for (; i < this.end;) {
        const c = s.charCodeAt(i);
        let d: number;
        if (c >= C.Zero && c <= C.Nine) d = c - C.Zero;
        else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
        else break;
        n = n * 16 + d;
        i++;
      }
      if (i === digitsStart) return this.rawFrom(start);
    } else if (s.charCodeAt(i) === C.Zero && isDigit(s.charCodeAt(i + 1))) {
      // A leading zero is strace's octal (modes: 0644, 04755).
      for (; i < this.end;) {
        const c = s.charCodeAt(i);
        if (c < C.Zero || c > C.Seven) break;
        n = n * 8 + (c - C.Zero);
        i++;
      }
    } else {
      for (; i < this.end;) {
        const c = s.charCodeAt(i);
        if (c < C.Zero || c > C.Nine) break;
        n = n * 10 + (c - C.Zero);
        i++;
      }
    }
    if (neg) n = -n;
    if (i >= this.end) {
      this.i = this.end;
      return n;
    }
    const next = s.charCodeAt(i);
    if (next === C.Lt && s.charCodeAt(i + 1) !== C.Lt) {
      this.i = i;
      return this.decoration(n);
    }
    if (this.isTerminator(next)) {
      this.i = i;
      return n;
    }
    return this.rawFrom(start);
  }

  private ident(): Value {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    while (j < this.end && isIdentChar(s.charCodeAt(j))) j++;
    if (j >= this.end) {
      this.i = this.end;
      return j - start === 4 && s.startsWith('NULL', start) ? null : { k: 'sym', v: s.slice(start, j) };
    }
    const next = s.charCodeAt(j);
    if (next === C.LParen) {
      if (this.depth >= MAX_DEPTH) return this.raw();
      const fn = s.slice(start, j);
      this.i = j + 1;
      const args: Value[] = [];
      this.depth++;
      const r = this.list(C.RParen, args);
      this.depth--;
      if (!r.complete) this.broken = true;
      return { k: 'call', fn, args, raw: s.slice(start, this.i) };
    }
    if (next === C.Lt && s.charCodeAt(j + 1) !== C.Lt) {
      const name = s.slice(start, j);
      if (name === 'AT_FDCWD') {
        this.i = j;
        return this.decoration(AT_FDCWD);
      }
      return this.rawFrom(start);
    }
    if (next === C.Eq && s.charCodeAt(j + 1) !== C.Eq && s.charCodeAt(j + 1) !== C.Gt) {
      const key = s.slice(start, j);
      this.i = j + 1;
      return { k: 'kv', key, v: this.value() };
    }
    if (this.isTerminator(next)) {
      this.i = j;
      if (j - start === 4 && s.startsWith('NULL', start)) return null;
      return { k: 'sym', v: s.slice(start, j) };
    }
    return this.rawFrom(start);
  }

  /**
   * At `<` after an fd: reads the decoration up to its matching `>`. Paths escape `<>`, so in a
   * path every bare `<>` is structure (`/dev/null<char 1:3>`); socket descriptions contain `->`
   * inside their brackets (`TCP:[1.2.3.4:5->6.7.8.9:10]`), so there `>` counts only outside `[]`.
   */
  private decoration(fd: number): FdValue {
    const s = this.s;
    const start = this.i + 1;
    const isPath = s.charCodeAt(start) === C.Slash;
    let depth = 1;
    let brackets = 0;
    let i = start;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === C.Backslash) i++;
      else if (c === C.Lt) depth++;
      else if (c === C.Gt) {
        if (brackets === 0 && --depth === 0) break;
      } else if (!isPath) {
        if (c === C.LBracket) brackets++;
        else if (c === C.RBracket && brackets > 0) brackets--;
        else if (c === C.Quote) {
          // `UNIX-STREAM:[1234,@"name"]`: a quoted name may hold anything.
          for (i++; i < this.end; i++) {
            const q = s.charCodeAt(i);
            if (q === C.Backslash) i++;
            else if (q === C.Quote) break;
          }
        }
      }
    }
    if (i >= this.end) {
      this.broken = true;
      this.i = this.end;
      return { k: 'fd', fd, path: decorationPath(s, start, this.end, false) };
    }
    let next = i + 1;
    let deleted = false;
    if (next + 9 <= this.end && s.startsWith('(deleted)', next)) {
      deleted = true;
      next += 9;
    }
    this.i = next;
    return { k: 'fd', fd, path: decorationPath(s, start, i, deleted) };
  }

  private isTerminator(c: number): boolean {
    return c === C.Comma || c === C.RParen || c === C.RBracket || c === C.RBrace || c === C.Space || c === C.Tab;
  }

  private rawFrom(start: number): SymValue {
    this.i = start;
    return this.raw();
  }

  /** Takes text up to the next `,` or closer at nesting depth zero, as a `sym`. */
  private raw(): SymValue {
    const s = this.s;
    const start = this.i;
    let depth = 0;
    let i = start;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === C.Quote) {
        for (i++; i < this.end; i++) {
          const q = s.charCodeAt(i);
          if (q === C.Backslash) i++;
          else if (q === C.Quote) break;
        }
      } else if (c === C.LParen || c === C.LBracket || c === C.LBrace) {
        depth++;
      } else if (c === C.RParen || c === C.RBracket || c === C.RBrace) {
        if (depth === 0) break;
        depth--;
      } else if (c === C.Comma && depth === 0) {
        break;
      }
    }
    if (i > this.end) i = this.end;
    if (i === start) {
      // A closer that matches nothing open: step over it so the caller makes progress.
      this.broken = true;
      this.i = Math.min(start + 1, this.end);
      return { k: 'sym', v: s.slice(start, this.i) };
    }
    this.i = i;
    let e = i;
    while (e > start && s.charCodeAt(e - 1) === C.Space) e--;
    return { k: 'sym', v: s.slice(start, e) };
  }

  /** Skips blanks and C comments, which strace adds after values (`23 vars`, `0.01 s`). */
  skipSpaceAndComments(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      while (i < this.end) {
        const c = s.charCodeAt(i);
        if (c !== C.Space && c !== C.Tab) break;
        i++;
      }
      if (s.charCodeAt(i) === C.Slash && s.charCodeAt(i + 1) === C.Star) {
        const close = s.indexOf('*/', i + 2);
        i = close < 0 || close + 2 > this.end ? this.end : close + 2;
        continue;
      }
      break;
    }
    this.i = i;
  }
}

/** Field lookup in a struct (or the named arguments of an argument list). */
export function field(items: readonly Value[], key: string): Value | undefined {
  for (const it of items) {
    if (it !== null && typeof it === 'object' && it.k === 'kv' && it.key === key) return it.v;
  }
  return undefined;
}

/** The value a kernel-updated `a => b` ended with; other values as they are. */
export function settled(v: Value | undefined): Value | undefined {
  return v !== null && typeof v === 'object' && v.k === 'upd' ? v.after : v;
}

/** The raw text of a value, the way strace printed it (approximately, for scalars). */
export function rawText(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  switch (v.k) {
    case 'str':
      return v.v;
    case 'fd':
      return v.path === undefined ? String(v.fd) : `${v.fd}<${v.path}>`;
    case 'sym':
      return v.v;
    case 'kv':
      return `${v.key}=${rawText(v.v)}`;
    default:
      return v.raw;
  }
}
