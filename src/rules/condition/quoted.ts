/**
 * Quoted strings as libsinsp reads them: a quote closes the string unless the character before it
 * is a backslash (so `'a\\'` does not close at its last quote — libsinsp's behaviour, kept for
 * compatibility), then escapes are decoded.
 */

export interface QuotedScan {
  /** Offset just after the closing quote. */
  end: number;
  /** The raw text between the quotes, escapes not yet decoded. */
  raw: string;
  quote: '"' | "'";
}

/** Scans a quoted string starting at `start` (which must be a quote); undefined when unterminated. */
export function scanQuoted(text: string, start: number): QuotedScan | undefined {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") return undefined;
  let prev = quote;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote && prev !== '\\') {
      return { end: i + 1, raw: text.slice(start + 1, i), quote };
    }
    prev = c ?? '';
  }
  return undefined;
}

export class EscapeError extends Error {
  /** Offset of the backslash within the raw string. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

/**
 * Decodes libsinsp's escapes: \b \f \n \r \t \\ \/, the string's own quote, and `\ ` (which
 * libsinsp decodes to a backslash for old rules). Anything else is an error, as in libsinsp.
 */
export function unescapeQuoted(raw: string, quote: '"' | "'"): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[i + 1];
    i++;
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case ' ':
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case '"':
      case "'":
        if (e !== quote) throw new EscapeError(`invalid \\${e} escape in a ${quote}-quoted string`, i - 1);
        out += e;
        break;
      default:
        throw new EscapeError(`unsupported escape sequence \\${e ?? ''}`, i - 1);
    }
  }
  return out;
}
