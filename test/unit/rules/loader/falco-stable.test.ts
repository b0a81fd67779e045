import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadRulesFiles } from '../../../../src/rules/loader/index.js';

const stable = fileURLToPath(
  new URL('../../../../../../shared/peer-data/falco-rules/falco_rules.yaml', import.meta.url),
);
const skip = existsSync(stable) ? false : `Falco's stable rules are not at ${stable}`;

test("Falco's stable ruleset loads with no errors: 25 rules, 87 macros, 49 lists", { skip }, async () => {
  const r = await loadRulesFiles([stable]);
  assert.deepEqual(r.errors, []);
  assert.equal(r.rules.length, 25);
  assert.equal(r.macros.size, 87);
  assert.equal(r.lists.size, 49);
  assert.equal(r.requiredEngineVersion, '0.57.0');
  assert.deepEqual(
    r.requiredPlugins.map((p) => [p.name, p.version]),
    [['container', '0.4.0']],
  );
  // The stable set is curated: every macro and list is used by an enabled rule.
  assert.deepEqual(r.warnings, []);
  assert.ok(r.rules.every((rule) => rule.enabled && rule.source === 'syscall'));
});

test('stable rules keep their text and positions', { skip }, async () => {
  const r = await loadRulesFiles([stable]);
  const first = r.rules[0]!;
  assert.equal(first.pos.file, stable);
  assert.ok(first.conditionPos.line > first.pos.line);
  const shadow = r.rules.find((x) => x.name === 'Read sensitive file untrusted');
  assert.ok(shadow !== undefined);
  assert.equal(shadow.priority, 'WARNING');
  assert.equal(shadow.condition, shadow.baseCondition);
  assert.ok(r.lists.get('shell_binaries')?.items.includes('bash'));
});

test('an unreadable file is an I/O error with the path in the message', async () => {
  await assert.rejects(
    loadRulesFiles(['/nonexistent/rules.yaml']),
    /cannot read rules file \/nonexistent\/rules\.yaml/,
  );
});
