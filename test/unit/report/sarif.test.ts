import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { formatSarif, renderSarif } from '../../../src/report/sarif.js';
import { COPY_STACK, makeFinding, makeReportInput, REPO } from '../../helpers/report-input.js';

// The official OASIS schema (draft-04), kept unmodified in the shared peer data beside the repo.
const schemaPath = new URL('../../../../../shared/peer-data/sarif/sarif-schema-2.1.0.json', import.meta.url);

// Both packages are CommonJS whose module.exports is the class/plugin itself; TypeScript's
// NodeNext view of their `export default` is the `.default` property, which is the same object.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}
const validate = validator();

function assertValid(log: unknown) {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

function resultFor(log: Sarif.Log, ruleId: string): Sarif.Result {
  const r = log.runs[0]!.results!.find((x) => x.ruleId === ruleId);
  assert.ok(r, `no result for ${ruleId}`);
  return r;
}

test('the SARIF log is valid against the official 2.1.0 schema', () => {
  const text = formatSarif(makeReportInput(), { informationUri: 'https://example.org/harrier' });
  assertValid(JSON.parse(text));
  assertValid(renderSarif(makeReportInput(), { includeFixed: true }));
});

test('the validator rejects a log that breaks the schema (so the check can fail)', () => {
  const log = renderSarif(makeReportInput()) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
  log.runs[0]!.results[0]!.level = 'fatal';
  assert.equal(validate(log), false);
});

test('still valid without baseline, gate, build, repository root, or stacks', () => {
  const input = makeReportInput({ baseline: undefined, gate: undefined, build: undefined, repoRoot: undefined });
  for (const f of input.findings) delete f.novelty;
  assertValid(renderSarif(input));
  const bare = makeReportInput({
    findings: [{ finding: makeFinding({ id: 'x', ruleId: 'r' }), failsGate: false }],
    run: { ...makeReportInput().run, startedAt: '', endedAt: '', exit: null, hostname: undefined },
  });
  assertValid(renderSarif(bare));
});

test('tool, rules, security-severity and CWE tags', () => {
  const log = renderSarif(makeReportInput(), { informationUri: 'https://example.org/harrier', includeFixed: true });
  assert.equal(log.version, '2.1.0');
  const driver = log.runs[0]!.tool.driver;
  assert.equal(driver.name, 'Harrier');
  assert.equal(driver.version, '0.1.0');
  assert.equal(driver.informationUri, 'https://example.org/harrier');
  const rules = driver.rules!;
  assert.equal(rules.length, 6);
  const copy = rules.find((r) => r.id === 'libc.unbounded-copy')!;
  assert.equal(copy.properties!['security-severity'], '9.5');
  assert.deepEqual(copy.properties!.tags, [
    'security',
    'external/cwe/cwe-120',
    'external/cwe/cwe-676',
    'mitre_execution',
  ]);
  assert.equal(copy.defaultConfiguration!.level, 'error');
  assert.equal(copy.shortDescription!.text, 'Unbounded copy into a fixed-size buffer');
  assert.match(copy.help!.text, /CWE-120/);
  const byId = (id: string) => rules.find((r) => r.id === id)!.properties!['security-severity'];
  assert.equal(byId('Read sensitive file untrusted'), '8.0');
  assert.equal(byId('libc.format-string'), '5.5');
  assert.equal(byId('Outbound connection to non-allowlisted host'), '3.0');
  assert.equal(byId('anomaly.new-executable'), '0.0');
  // ruleIndex points at the rule with the result's id.
  for (const r of log.runs[0]!.results!) assert.equal(rules[r.ruleIndex!]!.id, r.ruleId);
});

test('locations are repository-relative from the first app frame, else the executable', () => {
  const log = renderSarif(makeReportInput());
  const copy = resultFor(log, 'libc.unbounded-copy');
  const pl = copy.locations![0]!.physicalLocation!;
  assert.deepEqual(pl.artifactLocation, { uri: 'src/parse.c', uriBaseId: '%SRCROOT%' });
  assert.equal(pl.region!.startLine, 42);
  assert.equal(copy.level, 'error');
  // A stripped binary has no file: the location is the executable, relative to the repository.
  const sys = resultFor(log, 'libc.shell-command').locations![0]!.physicalLocation!;
  assert.deepEqual(sys.artifactLocation, { uri: 'build/demo', uriBaseId: '%SRCROOT%' });
  assert.equal(sys.region, undefined);
  // A system executable stays absolute, as a file URI.
  const cat = resultFor(log, 'Read sensitive file untrusted').locations![0]!.physicalLocation!;
  assert.deepEqual(cat.artifactLocation, { uri: 'file:///usr/bin/cat' });
  assert.equal(log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri, `file://${REPO}/`);
});

test('stacks become codeFlows, one thread-flow location per frame', () => {
  const log = renderSarif(makeReportInput());
  const flow = resultFor(log, 'libc.unbounded-copy').codeFlows![0]!.threadFlows[0]!.locations;
  assert.equal(flow.length, COPY_STACK.length);
  assert.equal(flow[0]!.location!.logicalLocations![0]!.name, 'strcpy');
  assert.equal(flow[0]!.module, 'libc.so.6');
  assert.equal(flow[0]!.location!.physicalLocation!.address!.relativeAddress, 0x9f3a0);
  assert.equal(flow[1]!.location!.physicalLocation!.artifactLocation!.uri, 'src/parse.c');
  assert.equal(flow[1]!.location!.physicalLocation!.region!.startLine, 42);
  assert.equal(flow[1]!.importance, 'important');
  assert.equal(flow[2]!.location!.physicalLocation!.artifactLocation!.uri, 'src/main.c');
  assert.equal(resultFor(log, 'Read sensitive file untrusted').codeFlows, undefined);
});

test('fingerprints, baseline states, suppressions and occurrences', () => {
  const log = renderSarif(makeReportInput(), { includeFixed: true });
  const copy = resultFor(log, 'libc.unbounded-copy');
  assert.equal(copy.partialFingerprints!['harrierFingerprint/v1'], 'a1b2c3d4e5f60718');
  assert.equal(copy.properties!.occurrences, 3);
  assert.equal(copy.occurrenceCount, 3);
  assert.equal(copy.baselineState, 'new');
  assert.equal(resultFor(log, 'Read sensitive file untrusted').baselineState, 'unchanged');
  assert.equal(resultFor(log, 'libc.format-string').baselineState, 'absent');
  const sup = resultFor(log, 'Outbound connection to non-allowlisted host');
  assert.equal(sup.suppressions![0]!.kind, 'external');
  assert.match(sup.suppressions![0]!.justification!, /CI fetches test data over HTTPS/);
  assert.equal(copy.suppressions, undefined);

  const noBaseline = renderSarif(makeReportInput({ baseline: undefined }));
  assert.ok(noBaseline.runs[0]!.results!.every((r) => r.baselineState === undefined));
});

test('results are ordered: gate failures first, then by severity', () => {
  const ids = renderSarif(makeReportInput()).runs[0]!.results!.map((r) => r.ruleId);
  assert.deepEqual(ids.slice(0, 2), ['libc.unbounded-copy', 'libc.shell-command']);
  assert.equal(ids.at(-1), 'anomaly.new-executable');
});

test('paths with spaces and # are percent-encoded into valid URIs', () => {
  const input = makeReportInput();
  const stack = COPY_STACK.map((f) => ({ ...f }));
  stack[1]!.file = `${REPO}/src/my dir/#1.c`;
  input.findings[0]!.finding.evidence.stack = stack;
  const log = renderSarif(input);
  assertValid(log);
  const uri = resultFor(log, 'libc.unbounded-copy').locations![0]!.physicalLocation!.artifactLocation!.uri;
  assert.equal(uri, 'src/my%20dir/%231.c');
});

test("GitHub's own fingerprint key is left for its upload action to compute", () => {
  for (const r of renderSarif(makeReportInput()).runs[0]!.results!) {
    assert.deepEqual(Object.keys(r.partialFingerprints!), ['harrierFingerprint/v1']);
  }
});

test('fixed findings are left out unless asked for, and counted either way', () => {
  const log = renderSarif(makeReportInput());
  const ids = log.runs[0]!.results!.map((r) => r.ruleId);
  assert.equal(ids.length, 5);
  assert.ok(!ids.includes('libc.format-string'));
  assert.ok(!log.runs[0]!.tool.driver.rules!.some((r) => r.id === 'libc.format-string'));
  assert.equal(log.runs[0]!.properties!.fixed, 1);
  assert.equal(log.runs[0]!.properties!.fixedIncluded, false);
  const withFixed = renderSarif(makeReportInput(), { includeFixed: true });
  assert.equal(withFixed.runs[0]!.results!.length, 6);
  assert.equal(withFixed.runs[0]!.properties!.fixedIncluded, true);
});

test('a rule keeps at most 20 tags, security and CWE first', () => {
  const input = makeReportInput();
  input.findings[0]!.finding.tags = Array.from({ length: 30 }, (_, i) => `PCI_DSS_${i}`);
  const rule = renderSarif(input).runs[0]!.tool.driver.rules!.find((r) => r.id === 'libc.unbounded-copy')!;
  const tags = rule.properties!.tags!;
  assert.equal(tags.length, 20);
  assert.deepEqual(tags.slice(0, 4), ['security', 'external/cwe/cwe-120', 'external/cwe/cwe-676', 'PCI_DSS_0']);
});
