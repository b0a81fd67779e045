import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HARRIER_ENGINE_VERSION,
  formatDiagnostic,
  loadRulesText,
  noEvttypeWarning,
} from '../../../../src/rules/loader/index.js';
import type { Diagnostic } from '../../../../src/rules/loader/index.js';

const at = (ds: Diagnostic[]): [string, string, number, number][] => ds.map((d) => [d.code, d.message, d.line, d.col]);

const okRule = `
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
`;

test('malformed YAML is one error at the position the parser gives, and the file adds nothing', () => {
  const r = loadRulesText('- list: a\n  items: [x, y\n- macro: m\n', 'bad.yaml');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]?.code, 'LOAD_ERR_YAML_PARSE');
  assert.equal(r.errors[0]?.file, 'bad.yaml');
  assert.deepEqual([r.errors[0]?.line, r.errors[0]?.col], [3, 1]);
  assert.equal(r.lists.size, 0);
});

test('a document that is not a sequence, and an item that is not a map, are errors', () => {
  const r1 = loadRulesText('rule: x\n');
  assert.deepEqual(at(r1.errors), [['LOAD_ERR_YAML_VALIDATE', 'Rules content is not yaml array of objects', 1, 1]]);
  const r2 = loadRulesText(`${okRule}- just a string\n- [a, b]\n`);
  assert.deepEqual(at(r2.errors), [
    ['LOAD_ERR_YAML_VALIDATE', 'Unexpected element type. Each element should be a yaml associative array.', 7, 3],
    ['LOAD_ERR_YAML_VALIDATE', 'Unexpected element type. Each element should be a yaml associative array.', 8, 3],
  ]);
  assert.equal(r2.rules.length, 1);
});

test('an empty file is fine', () => {
  const r = loadRulesText('# nothing here\n');
  assert.deepEqual([r.errors, r.warnings, r.rules], [[], [], []]);
});

test('an unknown item type is a warning and skipped, as in Falco', () => {
  const r = loadRulesText(`${okRule}- something: new\n  more: 1\n`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(at(r.warnings), [['LOAD_UNKNOWN_ITEM', 'Unknown top level item (keys: something, more)', 7, 3]]);
});

test('a new rule must have condition, output, desc and priority', () => {
  const r = loadRulesText(`
- rule: R
  condition: evt.type = open
`);
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_VALIDATE', "Rule 'R': item has no mapping for key 'output'", 2, 3],
    ['LOAD_ERR_YAML_VALIDATE', "Rule 'R': item has no mapping for key 'desc'", 2, 3],
    ['LOAD_ERR_YAML_VALIDATE', "Rule 'R': item has no mapping for key 'priority'", 2, 3],
  ]);
  assert.equal(r.rules.length, 0);
});

test('lists need items and macros need a condition; names must be non-empty strings', () => {
  const r = loadRulesText(`
- list: l
- macro: m
- macro: [x]
  condition: y
- list: l2
  items: {a: b}
- macro: m2
  condition: [a]
`);
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'items'", 2, 3],
    ['LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'condition'", 3, 3],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'macro' must be a non-empty string", 4, 10],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'items' must be a sequence of strings", 7, 10],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'condition' must be a string", 9, 14],
  ]);
});

test('a bad priority lists the valid ones; priorities are case-insensitive', () => {
  const r = loadRulesText(okRule.replace('priority: INFO', 'priority: severe'));
  assert.deepEqual(at(r.errors), [
    [
      'LOAD_ERR_YAML_VALIDATE',
      "Invalid priority 'severe': must be one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG (any case; INFO also accepted)",
      6,
      13,
    ],
  ]);
  assert.equal(loadRulesText(okRule.replace('INFO', 'eMeRgEnCy')).rules[0]?.priority, 'EMERGENCY');
  assert.equal(loadRulesText(okRule.replace('INFO', 'Informational')).rules[0]?.priority, 'INFORMATIONAL');
});

test('enabled and the other boolean keys must be booleans', () => {
  const r = loadRulesText(`${okRule}  enabled: maybe\n  warn_evttypes: [x]\n- rule: R\n  enabled: 0\n`);
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'enabled' must be a boolean (true or false)", 7, 12],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'warn_evttypes' must be a boolean (true or false)", 8, 18],
    ['LOAD_ERR_YAML_VALIDATE', "Value of 'enabled' must be a boolean (true or false)", 10, 12],
  ]);
});

test('append must be a boolean', () => {
  const r = loadRulesText(`- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: sure\n`);
  assert.deepEqual(at(r.errors), [['LOAD_ERR_YAML_VALIDATE', "Value of 'append' must be a boolean", 5, 11]]);
});

test('required_engine_version newer than Harrier supports is an error; malformed ones too', () => {
  assert.equal(HARRIER_ENGINE_VERSION, '0.57.0');
  const r = loadRulesText(
    '- required_engine_version: 0.58.0\n- required_engine_version: 1.0\n- required_engine_version: 57\n',
  );
  assert.deepEqual(at(r.errors), [
    ['LOAD_ERR_VERSION', 'Rules require engine version 0.58.0, but Harrier supports up to 0.57.0', 1, 28],
    ['LOAD_ERR_YAML_VALIDATE', "Invalid required_engine_version '1.0': expected a version such as 0.57.0", 2, 28],
  ]);
  assert.equal(r.requiredEngineVersion, '0.57.0');
});

test('unknown keys and duplicate keys are warnings at the key', () => {
  const r = loadRulesText(`${okRule}  priorty: INFO\n  desc: again\n- list: l\n  items: [a]\n  itemz: [b]\n`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(at(r.warnings), [
    ['LOAD_DUPLICATE_KEY', "Duplicate key 'desc': the first one is used", 8, 3],
    ['LOAD_UNKNOWN_KEY', "Unknown key 'priorty' in rule item", 7, 3],
    ['LOAD_UNKNOWN_KEY', "Unknown key 'itemz' in list item", 11, 3],
    ['LOAD_UNUSED_LIST', "List 'l' not referred to by any enabled rule/macro/list", 9, 3],
  ]);
  assert.equal(r.rules[0]?.desc, 'd');
  assert.equal(r.warnings[0]?.snippet, '  desc: again');
});

test('unused macros and lists are warned about; use through macros, lists and exceptions counts', () => {
  const r = loadRulesText(`
- list: used_by_list
  items: [a]
- list: used_in_macro
  items: [used_by_list, b]
- list: in_exception
  items: [c]
- list: unused_list
  items: [d]
- list: only_quoted
  items: [e]
- macro: inner
  condition: proc.name in (used_in_macro)
- macro: outer
  condition: inner and evt.type=open
- macro: unused_macro
  condition: evt.type = close
- macro: used_by_disabled
  condition: evt.type = exit
- rule: R
  desc: d
  condition: outer and proc.cmdline contains "only_quoted"
  output: o
  priority: INFO
  exceptions:
    - name: e
      fields: proc.pname
      comps: in
      values: [in_exception]
- rule: Off
  desc: d
  condition: used_by_disabled
  output: o
  priority: INFO
  enabled: false
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(at(r.warnings), [
    ['LOAD_UNUSED_MACRO', "Macro 'unused_macro' not referred to by any enabled rule/macro", 16, 3],
    ['LOAD_UNUSED_MACRO', "Macro 'used_by_disabled' not referred to by any enabled rule/macro", 18, 3],
    ['LOAD_UNUSED_LIST', "List 'unused_list' not referred to by any enabled rule/macro/list", 8, 3],
    ['LOAD_UNUSED_LIST', "List 'only_quoted' not referred to by any enabled rule/macro/list", 10, 3],
  ]);
});

test('appending nothing to a list or macro is a warning', () => {
  const r = loadRulesText(`
- list: l
  items: [a]
- macro: m
  condition: proc.name in (l)
- list: l
  items: []
  override:
    items: append
- macro: m
  condition: ""
  override:
    condition: append
${okRule.replace('evt.type = open', 'm')}`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(at(r.warnings), [
    ['LOAD_APPEND_NO_VALUES', "Appending to list 'l' with no items", 7, 10],
    ['LOAD_APPEND_NO_VALUES', "Appending to macro 'm' with an empty condition", 11, 14],
  ]);
  assert.equal(r.macros.get('m')?.condition, 'proc.name in (l)');
});

test('the no-evt.type warning is built for the compiler at the rule condition', () => {
  const r = loadRulesText(
    `${okRule}- rule: Quiet\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO\n  warn_evttypes: false\n`,
  );
  const [first, quiet] = r.rules;
  assert.ok(first !== undefined && quiet !== undefined);
  const w = noEvttypeWarning(first, '  condition: evt.type = open');
  assert.deepEqual(w, {
    severity: 'warning',
    code: 'LOAD_NO_EVTTYPE',
    message: "Rule 'R' matches too many evt.type values. This has a significant performance penalty.",
    file: 'rules.yaml',
    line: 4,
    col: 14,
    snippet: '  condition: evt.type = open',
  });
  assert.equal(noEvttypeWarning(quiet), undefined);
});

test('diagnostics format as file:line:col with the source line', () => {
  const r = loadRulesText(okRule.replace('priority: INFO', 'priority: 7'), 'x.yaml');
  assert.equal(
    formatDiagnostic(r.errors[0]!),
    "x.yaml:6:13: error: Invalid priority '7': must be one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG (any case; INFO also accepted) [LOAD_ERR_YAML_VALIDATE]\n    priority: 7",
  );
});
