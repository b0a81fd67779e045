import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesSources, loadRulesText, quoteValue } from '../../../../src/rules/loader/index.js';

function ruleWith(exceptions: string, extra = ''): string {
  return `
- rule: W
  desc: d
  condition: evt.type = open and fd.name startswith /usr/bin
  output: o
  priority: INFO
  exceptions:
${exceptions}
${extra}`;
}

test('tuple exceptions become one group per value tuple; comps default to =', () => {
  const r = loadRulesText(
    ruleWith(`    - name: known_writers
      fields: [proc.name, fd.name]
      comps: [=, contains]
      values:
        - [nginx, /usr/bin/nginx]
        - [apache, /bin/apache]
    - name: by_parent
      fields: [proc.pname, proc.name]
      values:
        - [sshd, my app]`),
  );
  assert.deepEqual(r.errors, []);
  const w = r.rules[0]!;
  assert.equal(w.priority, 'INFORMATIONAL');
  assert.equal(
    w.condition,
    '(evt.type = open and fd.name startswith /usr/bin)' +
      ' and not ((proc.name = nginx and fd.name contains /usr/bin/nginx) or (proc.name = apache and fd.name contains /bin/apache))' +
      ' and not ((proc.pname = sshd and proc.name = "my app"))',
  );
  assert.deepEqual(w.exceptions[1]?.comps, ['=', '=']);
  assert.deepEqual(w.exceptions[0]?.values, [
    ['nginx', '/usr/bin/nginx'],
    ['apache', '/bin/apache'],
  ]);
  assert.deepEqual(w.exceptions[0]?.pos, { file: 'rules.yaml', line: 8, col: 7 });
});

test('a single-field exception defaults to in and lists its values', () => {
  const r = loadRulesText(
    ruleWith(`    - name: procs
      fields: proc.name
      values: [nginx, "my app", a,b]`),
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.rules[0]!.exceptions[0]?.comps, 'in');
  assert.equal(
    r.rules[0]!.condition,
    '(evt.type = open and fd.name startswith /usr/bin) and not (proc.name in (nginx, "my app", a, b))',
  );
});

test('list values render as (a, b); a bare value under in/pmatch is parenthesised as a list name', () => {
  const r = loadRulesText(
    ruleWith(`    - name: lists
      fields: [proc.name, fd.directory, fd.name]
      comps: [in, pmatch, in]
      values:
        - [[a, b c], known_dirs, "(x, y)"]`),
  );
  assert.deepEqual(r.errors, []);
  assert.equal(
    r.rules[0]!.condition,
    '(evt.type = open and fd.name startswith /usr/bin) and not ((proc.name in (a, "b c") and fd.directory pmatch (known_dirs) and fd.name in (x, y)))',
  );
});

test('an exception without values adds nothing to the condition', () => {
  const r = loadRulesText(
    ruleWith(`    - name: empty
      fields: [proc.name, fd.name]
    - name: empty2
      fields: proc.name
      values: []`),
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.rules[0]!.condition, 'evt.type = open and fd.name startswith /usr/bin');
  assert.equal(r.rules[0]!.exceptions.length, 2);
});

test('appended exceptions merge values into same-named ones and add new ones', () => {
  const r = loadRulesSources([
    {
      name: 'a.yaml',
      text: ruleWith(`    - name: procs
      fields: [proc.name]
      values: [[nginx]]`),
    },
    {
      name: 'b.yaml',
      text: `
- rule: W
  exceptions:
    - name: procs
      values: [[apache]]
    - name: dirs
      fields: fd.directory
      values: [/tmp]
  override:
    exceptions: append
- rule: W
  append: true
  exceptions:
    - name: procs
      values: [[httpd]]
`,
    },
  ]);
  assert.deepEqual(r.errors, []);
  const w = r.rules[0]!;
  assert.deepEqual(
    w.exceptions.map((e) => [e.name, e.values]),
    [
      ['procs', [['nginx'], ['apache'], ['httpd']]],
      ['dirs', ['/tmp']],
    ],
  );
  assert.equal(
    w.condition,
    '(evt.type = open and fd.name startswith /usr/bin) and not ((proc.name = nginx) or (proc.name = apache) or (proc.name = httpd)) and not (fd.directory in (/tmp))',
  );
});

test('mismatched fields, comps and values are errors at the offending entry', () => {
  const r = loadRulesText(
    ruleWith(`    - name: a
      fields: [proc.name, fd.name]
      comps: [=]
      values: []
    - name: b
      fields: [proc.name, fd.name]
      values:
        - [nginx]
    - name: c
      fields: proc.name
      values:
        - [nginx, x]
    - name: d
      fields: proc.name
      comps: like
    - name: e
      values: [x]`),
  );
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [
      ["Exception 'a': fields and comps lists must have equal length (expected 2 operators)", 10, 14],
      ["Exception 'b': fields and values lists must have equal length (2 fields, 1 values)", 15, 11],
      ["Exception 'c' has a single field, so its values must be strings, not lists", 19, 11],
      ["Exception 'd': when fields is a single field, comps must be one of in, pmatch, intersects", 22, 14],
      ["Exception 'e' has no 'fields'", 23, 7],
    ],
  );
  assert.equal(r.rules.length, 0);
});

test('appending fields to an existing exception is refused', () => {
  const r = loadRulesText(
    ruleWith(
      `    - name: a
      fields: proc.name
      values: [x]`,
      `- rule: W
  append: true
  exceptions:
    - name: a
      fields: proc.pname
      values: [y]`,
    ),
  );
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.line, e.col]),
    [["Can not append exception fields or comps to existing exception 'a', only values", 15, 15]],
  );
  assert.equal(r.rules[0]!.condition, '(evt.type = open and fd.name startswith /usr/bin) and not (proc.name in (x))');
});

test('values are quoted only when a bare word would not survive', () => {
  assert.equal(quoteValue('/usr/bin/x'), '/usr/bin/x');
  assert.equal(quoteValue('a b'), '"a b"');
  assert.equal(quoteValue(''), '""');
  assert.equal(quoteValue('say "hi" now'), '"say \\"hi\\" now"');
  assert.equal(quoteValue('"already quoted"'), '"already quoted"');
  assert.equal(quoteValue('x=y'), '"x=y"');
});
