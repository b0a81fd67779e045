import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesText } from '../../../../src/rules/loader/index.js';
import type { Diagnostic } from '../../../../src/rules/loader/index.js';

// Finer points of Falco's loading rules, each with the exact diagnostic and place.
const at = (ds: Diagnostic[]): [string, string, number, number][] => ds.map((d) => [d.code, d.message, d.line, d.col]);

const rule = (name: string, more = ''): string => `
- rule: ${name}
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
${more}`;

test('an item without condition/output/desc/priority is a toggle and needs enabled; other keys are ignored', () => {
  const r = loadRulesText(`${rule('R')}- rule: R\n  tags: [x]\n- rule: R\n  enabled: false\n  tags: [y]\n`);
  assert.deepEqual(at(r.errors), [
    [
      'LOAD_ERR_YAML_VALIDATE',
      "Rule 'R': item has none of condition, output, desc, priority, so it must have 'enabled' (to switch an existing rule)",
      7,
      3,
    ],
  ]);
  assert.deepEqual(
    r.warnings.map((w) => [w.code, w.line, w.col]),
    [
      ['LOAD_DEPRECATED_ITEM', 10, 3],
      ['LOAD_IGNORED_KEY', 11, 3],
    ],
  );
  assert.equal(r.rules[0]?.enabled, false);
  assert.deepEqual(r.rules[0]?.tags, []);
});

test('required values must be non-empty', () => {
  const r = loadRulesText(
    `- rule: R\n  desc: ""\n  condition: evt.type = open\n  output: "  "\n  priority: INFO\n- macro: m\n  condition:\n`,
  );
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_VALIDATE', "Rule 'R': value of 'output' must be non-empty", 4, 11],
    ['LOAD_ERR_YAML_VALIDATE', "Rule 'R': value of 'desc' must be non-empty", 2, 9],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'condition' must be non-empty", 7, 13],
  ]);
});

test('outputs are trimmed and tags deduplicated, as Falco keeps them', () => {
  const r = loadRulesText(
    `- rule: R\n  desc: d\n  condition: evt.type = open\n  output: >\n    a %proc.name\n  priority: INFO\n  tags: [a, b, a]\n`,
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.rules[0]?.output, 'a %proc.name');
  assert.deepEqual(r.rules[0]?.tags, ['a', 'b']);
});

test('a rule redefined for another source is an error; unknown sources load with a warning', () => {
  const r = loadRulesText(`${rule('R')}${rule('R', '  source: k8s_audit')}${rule('K', '  source: k8s_audit')}`);
  assert.deepEqual(at(r.errors), [
    [
      'LOAD_ERR_VALIDATE',
      "Rule 'R' has been re-defined with a different source ('syscall' before, 'k8s_audit' now)",
      13,
      11,
    ],
  ]);
  assert.deepEqual(at(r.warnings), [
    ['LOAD_UNKNOWN_SOURCE', "Unknown source k8s_audit: rule 'K' is loaded but cannot be evaluated", 19, 11],
  ]);
  assert.deepEqual(
    r.rules.map((x) => [x.name, x.source]),
    [
      ['R', 'syscall'],
      ['K', 'k8s_audit'],
    ],
  );
  const known = loadRulesText(rule('K', '  source: k8s_audit'), 'k.yaml', { sources: ['syscall', 'k8s_audit'] });
  assert.deepEqual(known.warnings, []);
});

test('macro and list names that conditions could not refer to are warned about', () => {
  const r = loadRulesText(`- macro: _bad-name\n  condition: evt.type = open\n- list: "a list"\n  items: []\n`);
  assert.deepEqual(
    at(r.warnings).filter((w) => !w[0].startsWith('LOAD_UNUSED')),
    [
      ['LOAD_INVALID_MACRO_NAME', "Macro name '_bad-name' is invalid: it should match [a-zA-Z]+[a-zA-Z0-9_]*", 1, 10],
      ['LOAD_INVALID_LIST_NAME', "List name 'a list' is invalid: it should match [^()\"'[:space:]=,]+", 3, 9],
    ],
  );
});

test('exception names: duplicates warn; an appended new exception needs values; an empty append warns', () => {
  const dup = loadRulesText(
    rule(
      'R',
      `  exceptions:
    - name: e
      fields: proc.name
      values: [a]
    - name: e
      fields: proc.pname
      values: [b]`,
    ),
  );
  assert.deepEqual(dup.errors, []);
  assert.deepEqual(at(dup.warnings), [
    ['LOAD_EXCEPTION_NAME_NOT_UNIQUE', "Rule 'R' has more than one exception named 'e'", 11, 7],
  ]);
  assert.equal(dup.rules[0]?.condition, '(evt.type = open) and not (proc.name in (a)) and not (proc.pname in (b))');

  const r = loadRulesText(
    rule(
      'R',
      `  exceptions:
    - name: e
      fields: proc.name
      values: [a]
- rule: R
  exceptions:
    - name: e
    - name: new_one
      fields: proc.pname
  override:
    exceptions: append`,
    ),
  );
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_VALIDATE', "Appended exception 'new_one' is new to rule 'R', so it must have values", 14, 7],
  ]);
  assert.deepEqual(at(r.warnings), [['LOAD_APPEND_NO_VALUES', "Appending to exception 'e' with no values", 13, 7]]);
});

test('a single field takes a single operator', () => {
  const r = loadRulesText(
    rule(
      'R',
      `  exceptions:
    - name: e
      fields: proc.name
      comps: [in]
      values: [a]
    - name: p
      fields: fd.name
      comps: pmatch
      values: [/etc, /usr/lib]`,
    ),
  );
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_VALIDATE', "Exception 'e': fields and comps must both be strings", 10, 14],
  ]);
});

test('pmatch on a single field lists its prefixes', () => {
  const r = loadRulesText(
    rule(
      'R',
      `  exceptions:
    - name: p
      fields: fd.name
      comps: pmatch
      values: [/etc, /usr/lib]`,
    ),
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.rules[0]?.condition, '(evt.type = open) and not (fd.name pmatch (/etc, /usr/lib))');
});

test('several YAML documents in one file load in order', () => {
  const r = loadRulesText(`- list: a\n  items: [x]\n---\n- list: a\n  items: [y]\n  override:\n    items: append\n`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.lists.get('a')?.items, ['x', 'y']);
});

test('YAML anchors and aliases are expanded, as yaml-cpp does for Falco', () => {
  const r = loadRulesText(
    `- list: a\n  items: &common [x, y]\n- list: b\n  items: *common\n- rule: R\n  desc: &d shared\n  condition: evt.type = open and proc.name in (a, b)\n  output: *d\n  priority: INFO\n`,
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.lists.get('b')?.items, ['x', 'y']);
  assert.equal(r.rules[0]?.output, 'shared');
});

test('alias expansion is bounded', () => {
  // Each level doubles the size: 2^24 nodes would be expanded without the bound.
  const levels = Array.from({ length: 24 }, (_, i) => `- &l${i + 1} [*l${i}, *l${i}]`).join('\n');
  const r = loadRulesText(`- &l0 [x]\n${levels}\n`);
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_PARSE', 'Aliases expand to more than 100000 nodes: refusing to expand further', 1, 1],
  ]);
});

test('a key written with no value is not an empty list (items, tags, exception values)', () => {
  const r = loadRulesText(
    `- list: l\n  items:\n${rule('R', '  tags:')}${rule('S', `  exceptions:\n    - name: e\n      fields: proc.name\n      values:`)}`,
  );
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'items' must be a sequence of strings", 2, 9],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'tags' must be a sequence of strings", 9, 8],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'values' must be a sequence", 18, 14],
  ]);
});

test('plugin requirements need semver versions and distinct alternatives', () => {
  const r = loadRulesText(`- required_plugin_versions:
    - name: a
      version: latest
    - name: b
      version: 1.0.0
      alternatives:
        - name: b
          version: 2.0.0
    - name: c
      version: 0.4.0
`);
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_VALIDATE', "Invalid required version 'latest' for plugin 'a'", 2, 7],
    ['LOAD_ERR_VALIDATE', "Defined multiple alternative version requirements for plugin 'b'", 4, 7],
  ]);
  assert.deepEqual(
    r.requiredPlugins.map((p) => p.name),
    ['c'],
  );
});
