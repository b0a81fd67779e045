import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compareFindings } from '../../../src/findings/compare.js';
import { FindingsError } from '../../../src/findings/errors.js';
import { applySuppressions, loadIgnoreFile, parseIgnoreFile } from '../../../src/findings/suppressions.js';
import { riskFinding } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-ignore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const A = riskFinding('libc.unbounded-copy', 'parse_a', 'high');
const B = riskFinding('libc.unbounded-copy', 'parse_b', 'medium');
const C = riskFinding('libc.format-string', 'log_c', 'critical');

test('fingerprint and rule entries suppress, expired ones warn and do not', async () => {
  mkdirSync(join(dir, '.harrier'));
  const path = join(dir, '.harrier', 'ignore.yaml');
  writeFileSync(
    path,
    [
      '# accepted risks',
      `- fingerprint: ${A.fingerprint.slice(0, 16)}`,
      '  reason: parses trusted build input only',
      '  expires: 2030-01-31',
      '- rule: libc.format-string',
      '  reason: logging wrapper reviewed',
      '- rule: libc.unbounded-copy',
      '  reason: was accepted until the parser rewrite',
      '  expires: 2024-06-30',
      '',
    ].join('\n'),
  );
  const file = await loadIgnoreFile(path);
  assert.ok(file);
  assert.equal(file.entries.length, 3);
  const { assessed, warnings } = applySuppressions(
    compareFindings([A, B, C], []),
    file,
    new Date('2025-01-15T23:00:00Z'),
  );
  assert.deepEqual(
    assessed.map((a) => [a.finding.title, a.suppression]),
    [
      [A.title, { reason: 'parses trusted build input only', by: 'fingerprint', expires: '2030-01-31' }],
      [B.title, undefined],
      [C.title, { reason: 'logging wrapper reviewed', by: 'rule' }],
    ],
  );
  assert.deepEqual(warnings, [
    `${path}:7:3: suppression of rule 'libc.unbounded-copy' expired on 2024-06-30: its findings count again (renew the date or fix them)`,
  ]);
  // The expiry day itself still applies; the day after does not.
  assert.equal(applySuppressions(compareFindings([B], []), file, '2024-06-30').assessed[0]?.suppression?.by, 'rule');
  assert.equal(applySuppressions(compareFindings([B], []), file, '2024-07-01').assessed[0]?.suppression, undefined);
});

test('mistakes are errors at file:line:col with the line shown', () => {
  const text = [
    '- rule: Shell spawned', // 1: no reason
    '- fingerprint: not-hex', // 2
    '  reason: x',
    '- rule: R', // 4
    '  reason: ok',
    '  expires: 2025-02-30', // 6: no such day
    '  owner: me', // 7: unknown key
    '- reason: nothing to match', // 8
    '- rule: R2', // 9
    '  fingerprint: 0123456789abcdef', // 10: both
    '  reason: r',
  ].join('\n');
  assert.throws(
    () => parseIgnoreFile(text, '.harrier/ignore.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof FindingsError);
      assert.equal(
        e.message,
        [
          'invalid ignore file:',
          '.harrier/ignore.yaml:1:3: an entry needs a `reason` (why it is accepted)',
          '  - rule: Shell spawned',
          ".harrier/ignore.yaml:2:16: 'not-hex' is not a fingerprint (12 to 64 hex digits, as reports show them)",
          '  - fingerprint: not-hex',
          ".harrier/ignore.yaml:6:12: '2025-02-30' is not a date: write YYYY-MM-DD (e.g. 2025-09-30)",
          '    expires: 2025-02-30',
          ".harrier/ignore.yaml:7:3: unknown key 'owner' (expected fingerprint, rule, reason, expires)",
          '    owner: me',
          '.harrier/ignore.yaml:8:3: an entry needs `fingerprint` or `rule`',
          '  - reason: nothing to match',
          '.harrier/ignore.yaml:9:9: an entry has either `fingerprint` or `rule`, not both (write two entries)',
          '  - rule: R2',
        ].join('\n'),
      );
      assert.match(e.hint ?? '', /- fingerprint: <hex>/);
      return true;
    },
  );
});

test('YAML syntax errors and a non-list file are located too; an empty file suppresses nothing', async () => {
  assert.throws(
    () => parseIgnoreFile('- rule: a\n  reason: [unclosed\n', 'i.yaml'),
    /^FindingsError: invalid ignore file:\ni\.yaml:\d+:\d+: /,
  );
  assert.throws(() => parseIgnoreFile('rule: a\nreason: b\n', 'i.yaml'), /i\.yaml:1:1: expected a list of entries/);
  assert.deepEqual(parseIgnoreFile('# nothing yet\n', 'i.yaml').entries, []);
  assert.equal(await loadIgnoreFile(join(dir, 'absent.yaml'), true), undefined);
  await assert.rejects(
    loadIgnoreFile(join(dir, 'absent.yaml')),
    /cannot read ignore file .*absent\.yaml: no such file/,
  );
});
