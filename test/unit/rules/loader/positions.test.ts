import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadRulesFiles, loadRulesSources, loadRulesText, positionInText } from '../../../../src/rules/loader/index.js';
import type { LoadedRule } from '../../../../src/rules/loader/index.js';

// The compiler reports errors at offsets in a rule's final condition; these must map back to the
// line and column in the rules file where that character was written.
const where = (r: LoadedRule, needle: string): [string, number, number] => {
  const offset = r.condition.indexOf(needle);
  assert.ok(offset >= 0, `'${needle}' in ${r.condition}`);
  const p = positionInText(r.conditionSpans, offset, r.conditionPos);
  return [p.file, p.line, p.col];
};

test('offsets in plain, quoted and folded conditions map to their line and column', () => {
  const r = loadRulesText(`- rule: Plain
  desc: d
  condition: evt.type = open and proc.name = x
  output: o
  priority: INFO
- rule: Quoted
  desc: d
  condition: "evt.type = open and fd.name = \\"a b\\""
  output: o
  priority: INFO
- rule: Folded
  desc: d
  condition: >
    evt.type = open
      and proc.name = y
    and fd.name = z
  output: o
  priority: INFO
`);
  assert.deepEqual(r.errors, []);
  const [plain, quoted, folded] = r.rules;
  assert.ok(plain && quoted && folded);
  assert.deepEqual(where(plain, 'proc.name'), ['rules.yaml', 3, 34]);
  assert.deepEqual(where(quoted, 'fd.name'), ['rules.yaml', 8, 35]);
  assert.deepEqual(where(quoted, 'a b'), ['rules.yaml', 8, 47]);
  assert.deepEqual(where(folded, 'evt.type'), ['rules.yaml', 14, 5]);
  assert.deepEqual(where(folded, 'proc.name'), ['rules.yaml', 15, 11]);
  assert.deepEqual(where(folded, 'fd.name'), ['rules.yaml', 16, 9]);
});

test('appended text maps to the file that appended it; exception clauses to their exception', () => {
  const r = loadRulesSources([
    {
      name: 'a.yaml',
      text: `- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  exceptions:
    - name: e
      fields: proc.name
      values: [x]
`,
    },
    { name: 'b.yaml', text: `- rule: R\n  condition: and user.name = root\n  override:\n    condition: append\n` },
  ]);
  assert.deepEqual(r.errors, []);
  const rule = r.rules[0]!;
  assert.equal(rule.condition, '(evt.type = open and user.name = root) and not (proc.name in (x))');
  assert.deepEqual(where(rule, 'evt.type'), ['a.yaml', 3, 14]);
  assert.deepEqual(where(rule, 'user.name'), ['b.yaml', 2, 18]);
  assert.deepEqual(where(rule, 'proc.name'), ['a.yaml', 7, 7]);
  // Text the loader added around the parts (parentheses, "and not") falls back to the condition.
  assert.deepEqual(positionInText(rule.conditionSpans, 0, rule.conditionPos), rule.conditionPos);
});

test('macro conditions map too', () => {
  const r = loadRulesText(
    `- macro: m\n  condition: evt.type = open\n- macro: m\n  condition: or evt.type = openat\n  override:\n    condition: append\n`,
  );
  const m = r.macros.get('m')!;
  const p = positionInText(m.conditionSpans, m.condition.indexOf('openat'), m.conditionPos);
  assert.deepEqual([p.line, p.col], [4, 28]);
});

const stable = fileURLToPath(
  new URL('../../../../../../shared/peer-data/falco-rules/falco_rules.yaml', import.meta.url),
);

test(
  'every character of every stable rule and macro condition maps to the same character in the file',
  { skip: existsSync(stable) ? false : `no ${stable}` },
  async () => {
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(stable, 'utf8')).split('\n');
    const r = await loadRulesFiles([stable]);
    let checked = 0;
    const texts = [
      ...r.rules.map((x) => ({ name: x.name, text: x.condition, spans: x.conditionSpans, pos: x.conditionPos })),
      ...[...r.macros].map(([name, m]) => ({ name, text: m.condition, spans: m.conditionSpans, pos: m.conditionPos })),
    ];
    for (const t of texts) {
      for (let i = 0; i < t.text.length; i++) {
        const c = t.text[i]!;
        if (/\s/.test(c)) continue;
        const p = positionInText(t.spans, i, t.pos);
        assert.equal(lines[p.line - 1]?.[p.col - 1], c, `${t.name} offset ${i}`);
        checked++;
      }
    }
    assert.equal(checked, 4829 + 8080);
  },
);
