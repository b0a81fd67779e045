/**
 * errno names as strace prints them, to numbers (`-1 ENOENT` becomes `res = -2`): the shared
 * table, plus strace's `ERRNO_520` form for numbers with no name.
 */
import { errnoNumber as sharedErrnoNumber } from '../../events/syscalls/index.js';

export function errnoNumber(name: string): number | undefined {
  const n = sharedErrnoNumber(name);
  if (n !== undefined) return n;
  if (name.startsWith('ERRNO_')) {
    const v = Number(name.slice(6));
    if (Number.isInteger(v) && v > 0) return v;
  }
  return undefined;
}
