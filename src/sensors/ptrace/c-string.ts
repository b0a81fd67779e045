/**
 * strace prints strings C-style: printable ASCII as is, everything else as escapes (`\n`,
 * `\33`, `\303\251`, or `\x2f` with -x). The escapes stand for bytes, so a decoded string is a
 * byte sequence that usually is UTF-8; it is decoded as such.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Value of a hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Decodes `text[start, end)` (the inside of a quoted string, or an fd path). Input is read as
 * latin1, one char per byte, which is how the sensor decodes strace's output.
 *
 * When the bytes are not valid UTF-8 the escaped text is returned unchanged: it is lossless and
 * still readable, where replacement characters would hide what the program really used.
 */
export function unescapeC(text: string, start: number, end: number): string {
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ || c >= 0x80) break;
  }
  if (i === end) return text.slice(start, end);

  const bytes = new Uint8Array(end - start);
  let n = 0;
  for (let j = start; j < i; j++) bytes[n++] = text.charCodeAt(j);
  while (i < end) {
    const c = text.charCodeAt(i++);
    if (c !== 92 || i >= end) {
      bytes[n++] = c & 0xff;
      continue;
    }
    const e = text.charCodeAt(i++);
    switch (e) {
      case 110 /* n */:
        bytes[n++] = 10;
        break;
      case 116 /* t */:
        bytes[n++] = 9;
        break;
      case 114 /* r */:
        bytes[n++] = 13;
        break;
      case 118 /* v */:
        bytes[n++] = 11;
        break;
      case 102 /* f */:
        bytes[n++] = 12;
        break;
      case 97 /* a */:
        bytes[n++] = 7;
        break;
      case 98 /* b */:
        bytes[n++] = 8;
        break;
      case 101 /* e */:
        bytes[n++] = 27;
        break;
      case 120 /* x */: {
        let v = 0;
        let digits = 0;
        while (digits < 2 && i < end) {
          const h = hexValue(text.charCodeAt(i));
          if (h < 0) break;
          v = v * 16 + h;
          i++;
          digits++;
        }
        bytes[n++] = digits === 0 ? 120 : v;
        break;
      }
      default:
        if (e >= 48 && e <= 55) {
          let v = e - 48;
          for (let digits = 1; digits < 3 && i < end; digits++) {
            const o = text.charCodeAt(i);
            if (o < 48 || o > 55) break;
            v = v * 8 + (o - 48);
            i++;
          }
          bytes[n++] = v & 0xff;
        } else {
          // \" \\ \' \? and anything unknown stand for the character itself.
          bytes[n++] = e & 0xff;
        }
    }
  }
  try {
    return utf8.decode(bytes.subarray(0, n));
  } catch {
    return text.slice(start, end);
  }
}
