/**
 * What `-yy` prints inside an fd's `<...>`: a path (`/etc/passwd`, with `<>` and non-printables
 * escaped), a device path with its numbers (`/dev/null<char 1:3>`), or a socket/pipe description
 * (`TCP:[127.0.0.1:5000->127.0.0.1:8080]`, `UNIX-STREAM:[1234->5678]`, `pipe:[41590]`).
 */
import { unescapeC } from './c-string.js';

/**
 * The path or description of a decoration spanning `s[start, end)` (without the outer `<>`).
 * Device numbers are dropped, so `/dev/null<char 1:3>` is `/dev/null`; a `(deleted)` marker
 * after the decoration becomes the ` (deleted)` suffix /proc shows.
 */
export function decorationPath(s: string, start: number, end: number, deleted: boolean): string {
  let e = end;
  if (e > start && s.charCodeAt(e - 1) === 62 /* > */) {
    const open = s.lastIndexOf('<', e - 1);
    if (open > start && (s.startsWith('char ', open + 1) || s.startsWith('block ', open + 1))) e = open;
  }
  const path = unescapeC(s, start, e);
  return deleted ? `${path} (deleted)` : path;
}
