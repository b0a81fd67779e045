/**
 * Falco's stable ruleset loads and compiles unchanged, and every field it reads (conditions,
 * macros and outputs) is one Harrier's registry knows, with a valid argument.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadRuleset } from '../../src/detect/rules/index.js';
import { parseCondition } from '../../src/rules/condition/index.js';
import { referencedFields } from '../../src/rules/compile/index.js';
import { unsupportedFields } from '../../src/rules/fields/index.js';
import { loadRulesFiles } from '../../src/rules/loader/index.js';

const stable = fileURLToPath(new URL('../../../../shared/peer-data/falco-rules/falco_rules.yaml', import.meta.url));

test("Falco's stable rules: 0 errors, 0 warnings, every rule compiled, every field supported", async (t) => {
  if (!existsSync(stable)) return t.skip(`peer data not found at ${stable}`);
  const rs = await loadRuleset([stable]);
  assert.deepEqual(rs.errors, []);
  assert.deepEqual(rs.warnings, []);
  assert.equal(rs.rules.length, 25);
  const load = await loadRulesFiles([stable]);
  const macros = new Map([...load.macros].map(([name, m]) => [name, parseCondition(m.condition)]));
  const fields = new Set<string>();
  for (const rule of rs.rules) {
    for (const f of referencedFields(parseCondition(rule.loaded.condition), macros)) fields.add(f);
    for (const f of rule.output.fields) if (!f.key.includes('(')) fields.add(f.key);
  }
  // Through the macros too: most of the stable rules' fields are read there.
  for (const f of ['fd.name', 'proc.name', 'proc.pname', 'evt.type', 'fd.directory', 'proc.aname[2]']) {
    assert.ok(fields.has(f), `${f} among ${[...fields].join(' ')}`);
  }
  assert.ok(fields.size > 40, `fields read: ${fields.size}`);
  assert.deepEqual(unsupportedFields([...fields]), []);
});
