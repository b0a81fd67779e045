import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatJunit } from '../../../src/report/junit.js';
import { INJECTED, makeReportInput } from '../../helpers/report-input.js';
import type { ReportInput } from '../../../src/report/report-model.js';

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '#text': string; '@_message': string; '@_type': string };
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  properties: { property: Array<{ '@_name': string; '@_value': string }> };
  testcase: Case[];
}

function parse(xml: string): Suite {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, JSON.stringify(valid));
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testcase' || name === 'property' || name === 'testsuite',
  }).parse(xml) as { testsuites: { testsuite: Suite[]; '@_tests': string; '@_failures': string } };
  assert.equal(doc.testsuites.testsuite.length, 1);
  assert.equal(doc.testsuites['@_failures'], doc.testsuites.testsuite[0]!['@_failures']);
  return doc.testsuites.testsuite[0]!;
}

test('one test case per rule or risk, failures only where the gate fails', () => {
  const input = makeReportInput();
  const suite = parse(formatJunit(input));
  assert.equal(suite['@_name'], 'harrier');
  const ruleIds = new Set(input.findings.map((f) => f.finding.ruleId));
  assert.equal(suite.testcase.length, ruleIds.size);
  assert.equal(Number(suite['@_tests']), ruleIds.size);

  const failed = suite.testcase.filter((c) => c.failure);
  const failingRules = new Set(input.findings.filter((f) => f.failsGate).map((f) => f.finding.ruleId));
  assert.deepEqual(new Set(failed.map((c) => c['@_name'])), failingRules);
  assert.equal(Number(suite['@_failures']), failed.length);
  assert.equal(Number(suite['@_errors']), 0);
  // Every finding that fails the gate appears in a failure body, and no other does.
  const bodies = failed.map((c) => c.failure!['#text']).join('\n');
  const inBodies = input.findings.filter((f) => bodies.includes(f.finding.fingerprint));
  assert.equal(inBodies.length, input.gate!.failing);
  assert.ok(inBodies.every((f) => f.failsGate));

  const copy = suite.testcase.find((c) => c['@_name'] === 'libc.unbounded-copy')!;
  assert.equal(copy['@_classname'], 'harrier.risk');
  assert.equal(copy.failure!['@_type'], 'critical');
  assert.match(copy.failure!['#text'], /copy_name \(src\/parse\.c:42\)/);
  assert.match(copy.failure!['#text'], /at src\/parse\.c:42/);
  const rule = suite.testcase.find((c) => c['@_name'] === 'Read sensitive file untrusted')!;
  assert.equal(rule['@_classname'], 'harrier.rule');
  assert.equal(rule.failure, undefined);
  assert.match(rule['system-out']!, /\(unchanged\)/);
  const suppressed = suite.testcase.find((c) => c['@_name'] === 'Outbound connection to non-allowlisted host')!;
  assert.match(suppressed['system-out']!, /suppressed by rule: CI fetches test data over HTTPS/);

  const props = Object.fromEntries(suite.properties.property.map((p) => [p['@_name'], p['@_value']]));
  assert.equal(props['harrier.verdict'], 'gate failed: 2 findings at --fail-on new:medium');
  assert.equal(props['harrier.suppressed'], '1');
});

test('markup and control characters in messages are escaped, and read back intact', () => {
  const input = makeReportInput();
  input.findings[0]!.finding.message = `bad \x01 byte & ${INJECTED} "quoted" 'single' ]]>`;
  const xml = formatJunit(input);
  assert.ok(!xml.includes('<script>'));
  assert.ok(!xml.includes('\x01'));
  const copy = parse(xml).testcase.find((c) => c['@_name'] === 'libc.unbounded-copy')!;
  assert.equal(copy.failure!['@_message'], `bad \uFFFD byte & ${INJECTED} "quoted" 'single' ]]>`);
});

test('no gate, no failures: every case passes', () => {
  const input: ReportInput = makeReportInput({ gate: undefined });
  for (const f of input.findings) f.failsGate = false;
  const suite = parse(formatJunit(input));
  assert.equal(Number(suite['@_failures']), 0);
  assert.ok(suite.testcase.every((c) => c.failure === undefined));
});

test('a run without findings is one empty, passing suite', () => {
  const suite = parse(
    formatJunit(makeReportInput({ findings: [], gate: { policy: 'high', failed: false, failing: 0 } })),
  );
  assert.equal(Number(suite['@_tests']), 0);
  assert.equal(suite.testcase, undefined);
});
