/**
 * A finding's content fingerprint: sha256 over its identifying parts, NUL-separated so `a`+`bc`
 * and `ab`+`c` differ. Deliberately small and local to the detectors until the general
 * fingerprint module (src/findings/) replaces it; callers pass only parts that survive a rebuild
 * (rule id, names, basenames), never pids, addresses, line numbers or timestamps.
 */
import { createHash } from 'node:crypto';

export function contentFingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** A short id unique within a run, derived from the aggregation key. */
export function findingId(prefix: string, key: string): string {
  return `${prefix}:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
