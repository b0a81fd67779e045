import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesSources, loadRulesText } from '../../../../src/rules/loader/index.js';
import type { LoadResult } from '../../../../src/rules/loader/index.js';

const base = `
- list: shells
  items: [bash, sh]
- macro: spawned
  condition: evt.type = execve
- rule: Shell
  desc: a shell ran
  condition: spawned and proc.name in (shells)
  output: shell %proc.name
  priority: WARNING
  tags: [a, b]
`;

function load(extra: string): LoadResult {
  return loadRulesSources([
    { name: 'base.yaml', text: base },
    { name: 'local.yaml', text: extra },
  ]);
}

function rule(r: LoadResult, name = 'Shell') {
  const found = r.rules.find((x) => x.name === name);
  assert.ok(found, `rule ${name} loaded`);
  return found;
}

test('a plain rule gets Falco defaults: source syscall, enabled, warn_evttypes', () => {
  const r = loadRulesText(base, 'base.yaml');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  const s = rule(r);
  assert.equal(s.source, 'syscall');
  assert.equal(s.enabled, true);
  assert.equal(s.warnEvttypes, true);
  assert.equal(s.skipIfUnknownFilter, false);
  assert.equal(s.capture, false);
  assert.equal(s.captureDuration, undefined);
  assert.deepEqual(s.pos, { file: 'base.yaml', line: 6, col: 3 });
  assert.deepEqual(s.conditionPos, { file: 'base.yaml', line: 8, col: 14 });
  assert.deepEqual(r.lists.get('shells'), {
    items: ['bash', 'sh'],
    listRefs: [],
    pos: { file: 'base.yaml', line: 2, col: 3 },
    itemPositions: [
      { file: 'base.yaml', line: 3, col: 11 },
      { file: 'base.yaml', line: 3, col: 17 },
    ],
  });
  const m = r.macros.get('spawned');
  assert.equal(m?.condition, 'evt.type = execve');
  assert.deepEqual(m?.pos, { file: 'base.yaml', line: 4, col: 3 });
  assert.deepEqual(m?.conditionPos, { file: 'base.yaml', line: 5, col: 14 });
});

test('override append on condition, output, desc and tags', () => {
  const r = load(`
- rule: Shell
  condition: and user.name = root
  output: (user=%user.name)
  desc: as root
  tags: [b, c]
  override:
    condition: append
    output: append
    desc: append
    tags: append
`);
  assert.deepEqual(r.errors, []);
  const s = rule(r);
  assert.equal(s.condition, 'spawned and proc.name in (shells) and user.name = root');
  assert.equal(s.output, 'shell %proc.name (user=%user.name)');
  assert.equal(s.desc, 'a shell ran as root');
  assert.deepEqual(s.tags, ['a', 'b', 'c']);
  // Appending keeps the original condition's position.
  assert.deepEqual(s.conditionPos, { file: 'base.yaml', line: 8, col: 14 });
});

test('override replace on every replaceable key', () => {
  const r = load(`
- rule: Shell
  condition: evt.type = execve
  output: new output
  desc: new desc
  priority: error
  tags: [x]
  enabled: false
  warn_evttypes: false
  capture: true
  capture_duration: 5000
  skip-if-unknown-filter: true
  exceptions:
    - name: e
      fields: proc.name
      values: [bash]
  override:
    condition: replace
    output: replace
    desc: replace
    priority: replace
    tags: replace
    enabled: replace
    warn_evttypes: replace
    capture: replace
    capture_duration: replace
    skip-if-unknown-filter: replace
    exceptions: replace
`);
  assert.deepEqual(r.errors, []);
  const s = rule(r);
  assert.equal(s.baseCondition, 'evt.type = execve');
  assert.equal(s.condition, '(evt.type = execve) and not (proc.name in (bash))');
  assert.equal(s.output, 'new output');
  assert.equal(s.desc, 'new desc');
  assert.equal(s.priority, 'ERROR');
  assert.deepEqual(s.tags, ['x']);
  assert.equal(s.enabled, false);
  assert.equal(s.warnEvttypes, false);
  assert.equal(s.capture, true);
  assert.equal(s.captureDuration, 5000);
  assert.equal(s.skipIfUnknownFilter, true);
  assert.deepEqual(s.conditionPos, { file: 'local.yaml', line: 3, col: 14 });
});

test('override append/replace on lists and macros', () => {
  const r = load(`
- list: shells
  items: [zsh]
  override:
    items: append
- macro: spawned
  condition: or evt.type = execveat
  override:
    condition: append
`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.lists.get('shells')?.items, ['bash', 'sh', 'zsh']);
  assert.equal(r.macros.get('spawned')?.condition, 'evt.type = execve or evt.type = execveat');

  const r2 = load(`
- list: shells
  items: [zsh]
  override:
    items: replace
- macro: spawned
  condition: evt.type in (execve, execveat)
  override:
    condition: replace
`);
  assert.deepEqual(r2.errors, []);
  assert.deepEqual(r2.lists.get('shells')?.items, ['zsh']);
  assert.equal(r2.macros.get('spawned')?.condition, 'evt.type in (execve, execveat)');
  assert.deepEqual(r2.macros.get('spawned')?.conditionPos, { file: 'local.yaml', line: 7, col: 14 });
});

test('a key that cannot be overridden that way is an error at the key', () => {
  const r = load(`
- rule: Shell
  priority: ERROR
  override:
    priority: append
`);
  assert.deepEqual(
    r.errors.map((e) => [e.code, e.message, e.file, e.line, e.col]),
    [
      [
        'LOAD_ERR_YAML_VALIDATE',
        "Key 'priority' cannot be overridden with 'append' in a rule (allowed: condition, output, desc, tags, exceptions)",
        'local.yaml',
        5,
        5,
      ],
    ],
  );
  assert.equal(r.errors[0]?.snippet, '    priority: append');
  assert.equal(rule(r).priority, 'WARNING');
});

test('source cannot be overridden, and an override value must be append or replace', () => {
  const r = load(`
- rule: Shell
  source: k8s_audit
  override:
    source: replace
- list: shells
  items: [zsh]
  override:
    items: merge
`);
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [
      [
        "Key 'source' cannot be overridden with 'replace' in a rule (allowed: condition, output, desc, priority, tags, exceptions, enabled, warn_evttypes, capture, capture_duration, skip-if-unknown-filter)",
        5,
        5,
      ],
      ["Override of 'items' must be 'append' or 'replace'", 9, 12],
    ],
  );
});

test('override needs the value it overrides, and every given key needs an override', () => {
  const r = load(`
- rule: Shell
  output: x
  override:
    condition: append
- rule: Shell
  output: x
  desc: y
  override:
    output: replace
`);
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [
      ["An append override for 'condition' was specified but 'condition' is not defined", 5, 5],
      ["Unexpected key 'output': no corresponding entry under 'override' is defined", 3, 3],
      ["Unexpected key 'desc': no corresponding entry under 'override' is defined", 8, 3],
    ],
  );
});

test('override and append: true together are refused; override must be a map', () => {
  const r = load(`
- rule: Shell
  condition: x
  append: true
  override:
    condition: append
- rule: Shell
  condition: x
  override: append
`);
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [
      ["Keys 'override' and 'append: true' cannot be used together", 4, 3],
      ["Value of 'override' must be a map of key: append|replace", 9, 13],
    ],
  );
});

test('overriding or appending to something missing is an error at its name', () => {
  const r = load(`
- rule: Nope
  condition: x
  override:
    condition: append
- macro: nope
  condition: x
  append: true
- list: nope
  items: [x]
  override:
    items: replace
`);
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [
      ["Rule 'Nope' has 'append' key or an override but no rule by that name already exists", 2, 9],
      ["Macro 'nope' has 'append' key or an override but no macro by that name already exists", 6, 10],
      ["List 'nope' has 'append' key or an override but no list by that name already exists", 9, 9],
    ],
  );
});
