/**
 * Pure path arithmetic for the state tables: paths are resolved the way the kernel would see
 * them from the process's cwd, without touching this machine's filesystem (the observed
 * process may run in another mount namespace, or be a replay of a past run).
 */

const SLASH = 47;
const DOT = 46;

/** Is there a `.` or `..` segment starting at `i` (the caller knows p[i] is a dot after a slash or at 0)? */
function dotSegmentAt(p: string, i: number): boolean {
  const n = p.length;
  const next = i + 1 < n ? p.charCodeAt(i + 1) : SLASH;
  if (next === SLASH) return true;
  return next === DOT && (i + 2 >= n || p.charCodeAt(i + 2) === SLASH);
}

/**
 * Does the path need rewriting (`//`, `/./`, `/../`, a trailing slash or dot segment)? Every
 * open's path goes through here, so the scan for dots is left to indexOf, which is native, rather
 * than a loop over every character.
 */
function isClean(p: string): boolean {
  const n = p.length;
  if (n > 1 && p.charCodeAt(n - 1) === SLASH) return false;
  if (p.charCodeAt(0) === DOT && dotSegmentAt(p, 0)) return false;
  for (let i = p.indexOf('.', 1); i !== -1; i = p.indexOf('.', i + 1)) {
    if (p.charCodeAt(i - 1) === SLASH && dotSegmentAt(p, i)) return false;
  }
  return p.indexOf('//') === -1;
}

/**
 * Collapses `.`, `..` and repeated slashes. Absolute paths cannot climb above `/`; relative ones
 * keep their leading `..` segments (their base is unknown).
 */
export function normalizePath(p: string): string {
  if (p === '') return p;
  if (isClean(p)) return p;
  const absolute = p.charCodeAt(0) === SLASH;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      const last = out[out.length - 1];
      if (last !== undefined && last !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(seg);
  }
  if (absolute) return '/' + out.join('/');
  return out.length === 0 ? '.' : out.join('/');
}

/** `base` joined with `rel` (absolute `rel` wins), normalised. */
export function joinPath(base: string, rel: string): string {
  if (rel.charCodeAt(0) === SLASH) return normalizePath(rel);
  if (rel === '') return normalizePath(base);
  return normalizePath(base.charCodeAt(base.length - 1) === SLASH ? base + rel : base + '/' + rel);
}

export const isAbsolute = (p: string): boolean => p.charCodeAt(0) === SLASH;

/** Last segment, ignoring trailing slashes (`/usr/bin/` → `bin`). */
export function basename(p: string): string {
  let end = p.length;
  while (end > 1 && p.charCodeAt(end - 1) === SLASH) end--;
  if (end === 1 && p.charCodeAt(0) === SLASH) return '/';
  const start = p.lastIndexOf('/', end - 1) + 1;
  return start === 0 && end === p.length ? p : p.slice(start, end);
}
