import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cweFromTags,
  MAX_PLACES_PER_RULE,
  RuleFindingAggregator,
  type RuleInfo,
} from '../../../src/findings/from-rule.js';
import type { ProcessEvidence } from '../../../src/findings/finding.js';
import { fromRecord, RESERVED_EVIDENCE_KEY, toRecord } from '../../../src/findings/record.js';
import type { FalcoAlert } from '../../../src/rules/output/index.js';
import type { FindingRecord } from '../../../src/store/store.js';

const RULE: RuleInfo = {
  name: 'Read sensitive file',
  priority: 'Warning',
  tags: ['CWE-200', 'filesystem', 'mitre_credential_access'],
};

function alert(fdName: string, pid: number, exe = '/usr/bin/cat'): FalcoAlert {
  return {
    hostname: 'runner-1',
    output: `12:00:00.000000001: Warning sensitive file opened by cat (fd ${fdName} pid ${pid})`,
    output_fields: [
      ['evt.time', 1_700_000_000_000_000_001n],
      ['fd.name', fdName],
      ['proc.exepath', exe],
      ['proc.pid', pid],
    ],
    priority: 'Warning',
    rule: RULE.name,
    source: 'syscall',
    tags: [...RULE.tags].sort(),
    time: '2023-11-14T22:13:20.000000001Z',
  };
}

test('one finding per rule, executable and normalised place, counted with first and last times', () => {
  const agg = new RuleFindingAggregator('/src/app');
  const process: ProcessEvidence = {
    pid: 10,
    exePath: '/usr/bin/cat',
    args: ['cat'],
    ancestry: [{ pid: 1, exePath: '/bin/sh', args: ['sh'] }],
  };
  let asked = 0;
  agg.add(alert('/proc/10/environ', 10), RULE, 50n, { process: () => (asked++, process) });
  agg.add(alert('/proc/11/environ', 11), RULE, 40n, { process: () => (asked++, process) });
  agg.add(alert('/proc/10/environ', 10), RULE, 70n, { process: () => (asked++, process) });
  agg.add(alert('/etc/shadow', 12), RULE, 60n);
  agg.add(alert('/etc/shadow', 13, '/usr/bin/head'), RULE, 65n);
  const findings = agg.findings();
  assert.deepEqual(
    findings.map((f) => [f.count, f.firstTs, f.lastTs]),
    [
      [3, 40n, 70n],
      [1, 60n, 60n],
      [1, 65n, 65n],
    ],
  );
  assert.equal(asked, 1, 'the process is asked for once, for the first alert');
  const [environ] = findings;
  assert.ok(environ);
  assert.equal(environ.severity, 'medium');
  assert.equal(environ.kind, 'rule');
  assert.deepEqual(environ.cwe, [200]);
  assert.deepEqual(environ.tags, RULE.tags);
  assert.equal(environ.message, 'sensitive file opened by cat (fd /proc/10/environ pid 10)');
  assert.equal(environ.id, environ.fingerprint.slice(0, 16));
  assert.deepEqual(environ.evidence.process, process);
  assert.equal((environ.evidence.alert?.output_fields as Record<string, unknown>)['fd.name'], '/proc/10/environ');
  assert.equal(new Set(findings.map((f) => f.fingerprint)).size, 3);

  // The same behaviour in another build (other pids, times) gives the same fingerprints.
  const again = new RuleFindingAggregator('/other/checkout');
  again.add(alert('/proc/999/environ', 999), RULE, 1n);
  again.add(alert('/etc/shadow', 1000), RULE, 2n);
  assert.deepEqual(
    again.findings().map((f) => f.fingerprint),
    findings.slice(0, 2).map((f) => f.fingerprint),
  );
});

test('a rule touching endless places overflows into one stable finding', () => {
  const agg = new RuleFindingAggregator(undefined);
  for (let i = 0; i < MAX_PLACES_PER_RULE + 25; i++)
    agg.add(alert(`/etc/conf.d/file-${'a'.repeat(i + 1)}`, 1), RULE, BigInt(i));
  const findings = agg.findings();
  assert.equal(findings.length, MAX_PLACES_PER_RULE + 1);
  assert.equal(findings.at(-1)?.count, 25);
});

test('CWE numbers from the usual tag spellings', () => {
  assert.deepEqual(
    cweFromTags(['CWE-78', 'cwe_200', 'external/cwe/cwe-120', 'mitre_execution', 'CWE-78', 'T1059']),
    [78, 120, 200],
  );
  assert.deepEqual(cweFromTags(['mitre_discovery']), []);
});

test('a Finding round-trips through the store record, cwe and tags under the reserved evidence key', () => {
  const agg = new RuleFindingAggregator(undefined);
  agg.add(alert('/etc/shadow', 1), RULE, 5n, {
    process: () => ({ pid: 1, exePath: '/usr/bin/cat', args: ['cat', '/etc/shadow'], ancestry: [] }),
  });
  const [finding] = agg.findings();
  assert.ok(finding);
  const record: FindingRecord = toRecord(finding); // the store's own type: the shapes agree
  assert.deepEqual((record.evidence as Record<string, unknown>)[RESERVED_EVIDENCE_KEY], {
    cwe: [200],
    tags: RULE.tags,
  });
  // What the store gives back is JSON: no shared object identity with the original.
  const stored = { ...record, evidence: JSON.parse(JSON.stringify(record.evidence)) as unknown };
  assert.deepEqual(fromRecord(stored), {
    ...finding,
    evidence: JSON.parse(JSON.stringify(finding.evidence)) as unknown,
  });
});

test('a record from before the finding model reads back with its tags and their CWE numbers', () => {
  const legacy: FindingRecord = {
    id: 'abc',
    ruleId: 'Shell spawned',
    kind: 'rule',
    severity: 'high',
    title: 'Shell spawned',
    message: 'shell',
    fingerprint: 'f'.repeat(64),
    count: 2,
    firstTs: 1n,
    lastTs: 2n,
    evidence: { alert: { rule: 'Shell spawned' }, tags: ['CWE-78', 'process'] },
  };
  const f = fromRecord(legacy);
  assert.deepEqual(f.tags, ['CWE-78', 'process']);
  assert.deepEqual(f.cwe, [78]);
  assert.deepEqual(f.evidence, { alert: { rule: 'Shell spawned' } });
});
