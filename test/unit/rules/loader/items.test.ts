import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadRulesFiles, loadRulesText } from '../../../../src/rules/loader/index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../../../test/fixtures/rules/${name}`, import.meta.url));

test('files load in order: later files append to, override and toggle earlier items', async () => {
  const base = fixture('base.yaml');
  const local = fixture('local.yaml');
  const r = await loadRulesFiles([base, local]);
  assert.deepEqual(r.errors, []);
  // local.yaml uses the older forms on purpose; Falco loads them with deprecation warnings.
  assert.deepEqual(
    r.warnings.map((w) => [w.code, w.file, w.line, w.col]),
    [
      ['LOAD_DEPRECATED_ITEM', local, 6, 3],
      ['LOAD_DEPRECATED_ITEM', local, 10, 3],
      ['LOAD_DEPRECATED_ITEM', local, 14, 3],
      ['LOAD_DEPRECATED_ITEM', local, 17, 3],
    ],
  );
  assert.equal(
    r.warnings[3]?.message,
    "A rule item with only 'enabled' is deprecated: use 'override: {enabled: replace}'",
  );
  assert.equal(r.requiredEngineVersion, '0.31.0');
  assert.deepEqual(r.lists.get('editors')?.items, ['vi', 'nano', 'vim']);
  assert.equal(
    r.macros.get('opened_for_write')?.condition,
    'evt.type in (open, openat) and evt.is_open_write = true and not proc.name = backup',
  );
  assert.deepEqual(
    r.rules.map((x) => [x.name, x.enabled, x.priority, x.pos.file, x.pos.line]),
    [
      ['Edit passwd', true, 'CRITICAL', base, 10],
      ['Noisy', false, 'DEBUG', base, 17],
    ],
  );
  assert.equal(
    r.rules[0]!.condition,
    'opened_for_write and proc.name in (editors) and fd.name = /etc/passwd and user.name != root',
  );
  assert.equal(r.rules[0]!.output, '%proc.name wrote /etc/passwd');
  assert.deepEqual(r.rules[0]!.tags, ['filesystem']);
});

test('the same files in the other order fail: appends need an earlier definition', async () => {
  const r = await loadRulesFiles([fixture('local.yaml'), fixture('base.yaml')]);
  assert.deepEqual(
    r.errors.map((e) => [e.code, e.line, e.col]),
    [
      ['LOAD_ERR_VALIDATE', 4, 9],
      ['LOAD_ERR_VALIDATE', 8, 10],
      ['LOAD_ERR_VALIDATE', 12, 9],
      ['LOAD_ERR_VALIDATE', 16, 9],
      ['LOAD_ERR_VALIDATE', 19, 9],
    ],
  );
  assert.equal(r.errors[3]?.message, "Rule 'Noisy' has 'enabled' key but no rule by that name already exists");
});

test('legacy append: list items, macro and rule condition text joined with a space', () => {
  const r = loadRulesText(`
- list: l
  items: [a]
- list: l
  items: [b, c]
  append: true
- macro: m
  condition: evt.type = open
- macro: m
  condition: or evt.type = openat
  append: true
- rule: R
  desc: d
  condition: m and proc.name in (l)
  output: o
  priority: NOTICE
- rule: R
  condition: and proc.pname = sshd
  append: true
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.lists.get('l')?.items, ['a', 'b', 'c']);
  assert.equal(r.macros.get('m')?.condition, 'evt.type = open or evt.type = openat');
  assert.equal(r.rules[0]!.condition, 'm and proc.name in (l) and proc.pname = sshd');
});

test('legacy rule append needs a condition or exceptions; other keys are ignored with a warning', () => {
  const r = loadRulesText(`
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: NOTICE
- rule: R
  append: true
  output: ignored
- rule: R
  append: true
  condition: and proc.name = x
  priority: ERROR
`);
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [["Appended rule 'R' must have exceptions or condition property", 7, 3]],
  );
  assert.deepEqual(
    r.warnings.map((e) => [e.code, e.message, e.line, e.col]),
    [
      [
        'LOAD_DEPRECATED_ITEM',
        "'append: true' is deprecated: list the key under 'override' instead (e.g. 'condition: append')",
        8,
        3,
      ],
      [
        'LOAD_DEPRECATED_ITEM',
        "'append: true' is deprecated: list the key under 'override' instead (e.g. 'condition: append')",
        11,
        3,
      ],
      ['LOAD_IGNORED_KEY', "Key 'priority' is ignored with 'append: true' (use 'override' to change it)", 13, 3],
    ],
  );
  assert.equal(r.rules[0]!.priority, 'NOTICE');
  assert.equal(r.rules[0]!.condition, 'evt.type = open and proc.name = x');
});

test('enable and disable toggles; a redefinition replaces the rule in its first place', () => {
  const r = loadRulesText(`
- rule: A
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
- rule: B
  desc: d
  condition: evt.type = close
  output: o
  priority: INFO
  enabled: false
- rule: A
  enabled: no
- rule: B
  enabled: true
- rule: A
  desc: again
  condition: evt.type = openat
  output: o2
  priority: ALERT
  enabled: false
- rule: A
  enabled: true
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.rules.map((x) => [x.name, x.enabled, x.condition, x.priority, x.pos.line]),
    [
      ['A', true, 'evt.type = openat', 'ALERT', 17],
      ['B', true, 'evt.type = close', 'INFORMATIONAL', 7],
    ],
  );
});

test('lists record the items that name other lists', () => {
  const r = loadRulesText(`
- list: a
  items: [x]
- list: b
  items: [a, y, "z w"]
- rule: R
  desc: d
  condition: evt.type = open and proc.name in (b)
  output: o
  priority: INFO
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.lists.get('b')?.items, ['a', 'y', 'z w']);
  assert.deepEqual(r.lists.get('b')?.listRefs, ['a']);
});

test('required_plugin_versions with alternatives are recorded', () => {
  const r = loadRulesText(`
- required_plugin_versions:
    - name: k8saudit
      version: 0.7.0
      alternatives:
        - name: k8saudit-eks
          version: 0.4.0
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.requiredPlugins, [
    {
      name: 'k8saudit',
      version: '0.7.0',
      alternatives: [{ name: 'k8saudit-eks', version: '0.4.0' }],
      pos: { file: 'rules.yaml', line: 3, col: 7 },
    },
  ]);
});
