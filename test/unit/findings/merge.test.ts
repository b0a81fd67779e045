import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/findings/finding.js';
import { mergeByFingerprint } from '../../../src/findings/merge.js';

function finding(id: string, fingerprint: string, count: number, firstTs: bigint, lastTs: bigint): Finding {
  return {
    id,
    ruleId: 'libc.unbounded-copy',
    kind: 'risk',
    severity: 'high',
    title: 'Unbounded string copy',
    message: `strcpy at ${id}`,
    cwe: [120],
    tags: [],
    evidence: { details: { site: id } },
    count,
    firstTs,
    lastTs,
    fingerprint,
  };
}

test('findings sharing a fingerprint merge: counts add, the span widens, the earliest is representative', () => {
  const merged = mergeByFingerprint([
    finding('b', 'fp1', 2, 20n, 30n),
    finding('other', 'fp2', 1, 5n, 5n),
    finding('a', 'fp1', 3, 10n, 25n),
  ]);
  assert.equal(merged.length, 2);
  const one = merged.find((f) => f.fingerprint === 'fp1');
  assert.equal(one?.count, 5);
  assert.equal(one?.firstTs, 10n);
  assert.equal(one?.lastTs, 30n);
  assert.equal(one?.id, 'a');
  assert.deepEqual(one?.evidence, { details: { site: 'a' } });
  assert.equal(merged.find((f) => f.fingerprint === 'fp2')?.count, 1);
});

test('the inputs are not modified', () => {
  const input = [finding('a', 'fp', 1, 1n, 1n), finding('b', 'fp', 1, 2n, 2n)];
  mergeByFingerprint(input);
  assert.equal(input[0]?.count, 1);
});
