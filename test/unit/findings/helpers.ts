/** Findings for the tests: real Finding values with real content fingerprints. */
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { fingerprint } from '../../../src/findings/fingerprint.js';

export function riskFinding(ruleId: string, fn: string, severity: Severity, count = 1): Finding {
  const fp = fingerprint(
    {
      kind: 'risk',
      ruleId,
      sink: 'strcpy',
      exePath: '/repo/build/app',
      stack: [{ address: '0x1', function: fn, file: '/repo/src/app.c', line: 12, inApp: true }],
    },
    '/repo',
  );
  return {
    id: fp.slice(0, 16),
    ruleId,
    kind: 'risk',
    severity,
    title: `${ruleId} in ${fn}`,
    message: `strcpy called from ${fn}`,
    cwe: [120],
    tags: ['memory'],
    evidence: { details: { sink: 'strcpy' } },
    count,
    firstTs: 1_700_000_000_000_000_001n,
    lastTs: 1_700_000_000_000_000_999n,
    fingerprint: fp,
  };
}
