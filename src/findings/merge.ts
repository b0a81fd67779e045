/**
 * One finding per fingerprint. Aggregators key findings by where they happened in this run
 * (a call site's module offset, a rule's place); two such places can share a fingerprint (two
 * calls in one function), and across builds they are the same finding, so they are merged here:
 * counts add up, the time span widens, the first occurrence's evidence is kept.
 */
import type { Finding } from './finding.js';

export function mergeByFingerprint(findings: readonly Finding[]): Finding[] {
  const byPrint = new Map<string, Finding>();
  for (const f of findings) {
    const seen = byPrint.get(f.fingerprint);
    if (seen === undefined) {
      byPrint.set(f.fingerprint, { ...f });
      continue;
    }
    seen.count += f.count;
    if (f.firstTs < seen.firstTs) {
      // The earliest occurrence is the representative one.
      const { count, lastTs } = seen;
      Object.assign(seen, f, { count, lastTs });
    }
    if (f.lastTs > seen.lastTs) seen.lastTs = f.lastTs;
  }
  return [...byPrint.values()];
}
