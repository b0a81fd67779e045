import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadBaselineFile, parseBaselineText } from '../../../src/findings/baseline-file.js';
import { compareFindings } from '../../../src/findings/compare.js';
import { FindingsError } from '../../../src/findings/errors.js';
import { jsonReportText, parseJsonReport, toJsonReport } from '../../../src/findings/json-report.js';
import { SARIF_FINGERPRINT_KEY } from '../../../src/findings/sarif-baseline.js';
import { riskFinding } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-findings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const A = riskFinding('libc.unbounded-copy', 'parse_a', 'high');
const B = riskFinding('libc.unbounded-copy', 'parse_b', 'medium');
const C = riskFinding('libc.format-string', 'log_c', 'critical');

test('compare: new, unchanged and fixed by fingerprint', () => {
  const movedB = { ...B, count: 7, firstTs: 5n, lastTs: 9n }; // same content, other run
  const out = compareFindings([movedB, C], [A, B]);
  assert.deepEqual(
    out.map((a) => [a.finding.title, a.novelty, a.failsGate]),
    [
      [B.title, 'unchanged', false],
      [C.title, 'new', false],
      [A.title, 'fixed', false],
    ],
  );
  assert.equal(out[0]?.finding.count, 7, 'an unchanged finding is this run’s');
  assert.deepEqual(compareFindings([], []), []);
  assert.deepEqual(
    compareFindings([A], []).map((a) => a.novelty),
    ['new'],
  );
});

test('JSON report: written, read back as a baseline, same findings', async () => {
  const assessed = compareFindings([B, C], [A, B]);
  const report = toJsonReport({
    run: { id: 'run-2', command: ['./app', '--x'], startedAt: '1700000000000000000', harrierVersion: '0.1.0' },
    build: { ci: 'github', buildId: '42', branch: 'main', commit: 'abc', component: 'acme/app' },
    findings: assessed,
    summary: { events: 10n },
  });
  assert.equal(report.findings.length, 2);
  assert.deepEqual(
    report.fixed?.map((f) => f.fingerprint),
    [A.fingerprint],
  );
  assert.equal(report.findings[0]?.firstTs, '1700000000000000001');
  const path = join(dir, 'report.json');
  writeFileSync(path, jsonReportText(report));
  const baseline = await loadBaselineFile(path);
  assert.equal(baseline.format, 'json');
  assert.equal(baseline.runId, 'run-2');
  assert.deepEqual(baseline.build, report.build);
  assert.deepEqual(baseline.findings, [B, C]); // bigints back, fixed ones not counted as found
  assert.deepEqual(
    compareFindings([C], baseline.findings).map((a) => [a.finding.fingerprint, a.novelty]),
    [
      [C.fingerprint, 'unchanged'],
      [B.fingerprint, 'fixed'],
    ],
  );
});

test('JSON report: a wrong field is named with its path, a newer version refused', () => {
  const report = JSON.parse(
    jsonReportText(toJsonReport({ run: { id: null, command: [], startedAt: '1' }, findings: [A] })),
  ) as {
    version: number;
    findings: Record<string, unknown>[];
  };
  const bad = structuredClone(report);
  (bad.findings[0] as Record<string, unknown>).severity = 'severe';
  assert.throws(
    () => parseJsonReport(bad, 'old.json'),
    (e: unknown) =>
      e instanceof FindingsError &&
      e.message ===
        'old.json: not a valid Harrier JSON report: findings[0].severity: expected one of critical, high, medium, low, info, got "severe"',
  );
  const newer = { ...structuredClone(report), version: 2 };
  assert.throws(
    () => parseJsonReport(newer, 'new.json'),
    /new\.json: Harrier JSON report version 2 is newer than this Harrier reads \(version 1\)/,
  );
});

test('SARIF shaped like GitHub code scanning input: fingerprints, rules and severities read back', async () => {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Harrier',
            informationUri: 'https://example.invalid/harrier',
            rules: [
              {
                id: 'libc.unbounded-copy',
                name: 'UnboundedCopy',
                shortDescription: { text: 'Unbounded copy into a buffer' },
                properties: { 'security-severity': '8.1', tags: ['security', 'external/cwe/cwe-120', 'memory'] },
              },
              {
                id: 'libc.format-string',
                shortDescription: { text: 'Format string' },
                properties: { tags: ['security'] },
              },
            ],
          },
        },
        results: [
          {
            ruleId: 'libc.unbounded-copy',
            ruleIndex: 0,
            level: 'error',
            message: { text: 'strcpy called from parse_a' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.c' }, region: { startLine: 12 } } }],
            partialFingerprints: { primaryLocationLineHash: 'deadbeef:1', [SARIF_FINGERPRINT_KEY]: A.fingerprint },
            occurrenceCount: 3,
          },
          {
            ruleId: 'libc.format-string',
            level: 'note',
            message: { text: 'printf with a variable format' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'src/log.c' }, region: { startLine: 3 } } }],
            partialFingerprints: { [SARIF_FINGERPRINT_KEY]: C.fingerprint },
          },
        ],
      },
    ],
  };
  const path = join(dir, 'harrier.sarif');
  writeFileSync(path, JSON.stringify(sarif));
  const baseline = await loadBaselineFile(path);
  assert.equal(baseline.format, 'sarif');
  assert.deepEqual(
    baseline.findings.map((f) => [f.ruleId, f.severity, f.title, f.message, f.cwe, f.tags, f.count, f.fingerprint]),
    [
      [
        'libc.unbounded-copy',
        'high',
        'UnboundedCopy',
        'strcpy called from parse_a',
        [120],
        ['memory'],
        3,
        A.fingerprint,
      ],
      ['libc.format-string', 'low', 'Format string', 'printf with a variable format', [], [], 1, C.fingerprint],
    ],
  );
  assert.deepEqual(
    compareFindings([B, C], baseline.findings).map((a) => [a.finding.fingerprint, a.novelty]),
    [
      [B.fingerprint, 'new'],
      [C.fingerprint, 'unchanged'],
      [A.fingerprint, 'fixed'],
    ],
  );
});

test('garbage, other tools’ SARIF and missing files are clear errors', async () => {
  const fails = (text: string, message: RegExp): void =>
    assert.throws(
      () => parseBaselineText(text, 'base.json'),
      (e: unknown) => e instanceof FindingsError && message.test(e.message) && /--report json:PATH/.test(e.hint ?? ''),
    );
  fails('PK\u0003\u0004 not json', /^base\.json: not a Harrier report or SARIF file: not JSON \(/);
  fails(
    '{"name": "some-package", "version": "1.0.0"}',
    /^base\.json: not a Harrier report or SARIF file: JSON without "schema": "harrier-report"/,
  );
  const otherTool = {
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'CodeQL' } }, results: [{ ruleId: 'js/xss', message: { text: 'x' } }] }],
  };
  assert.throws(
    () => parseBaselineText(JSON.stringify(otherTool), 'codeql.sarif'),
    /^FindingsError: codeql\.sarif: not a SARIF file Harrier can use as a baseline: none of its 1 results has partialFingerprints\["harrierFingerprint\/v1"\]/,
  );
  assert.throws(
    () => parseBaselineText(JSON.stringify({ version: '2.0.0', runs: [] }), 'old.sarif'),
    /SARIF version "2\.0\.0", expected "2\.1\.0"/,
  );
  await assert.rejects(
    loadBaselineFile(join(dir, 'missing.json')),
    /cannot read baseline .*missing\.json: no such file/,
  );
});
