import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldRegistry, supportedFields } from '../../../../src/rules/fields/registry.js';
import { argProblem, parseFieldRef, readFieldRef } from '../../../../src/rules/fields/field-ref.js';
import { unsupportedFields } from '../../../../src/rules/fields/unsupported.js';

test('types and argument forms follow libsinsp', () => {
  const expect: Array<[string, string, string]> = [
    ['proc.name', 'string', 'none'],
    ['proc.pid', 'int', 'none'],
    ['proc.aname', 'string', 'index'],
    ['proc.apid', 'int', 'index'],
    ['proc.env', 'string', 'key'],
    ['proc.tty', 'uint', 'none'],
    ['proc.duration', 'reltime', 'none'],
    ['proc.is_exe_from_memfd', 'bool', 'none'],
    ['evt.rawres', 'int', 'none'],
    ['evt.res', 'string', 'none'],
    ['evt.rawtime', 'abstime', 'none'],
    ['evt.arg', 'string', 'index-or-key'],
    ['fd.num', 'int', 'none'],
    ['fd.sip', 'ipaddr', 'none'],
    ['fd.sport', 'port', 'none'],
    ['fd.net', 'ipnet', 'none'],
    ['fd.l4proto', 'string', 'none'],
    ['fd.types', 'string', 'index'],
    ['user.uid', 'uint', 'none'],
    ['user.loginuid', 'int', 'none'],
    ['container.label', 'string', 'required-key'],
  ];
  for (const [name, type, arg] of expect) {
    const d = fieldRegistry.lookup(name);
    assert.ok(d, name);
    assert.equal(d.type, type, name);
    assert.equal(d.arg, arg, name);
  }
  assert.equal(fieldRegistry.lookup('fd.types')?.isList, true);
  assert.equal(fieldRegistry.lookup('proc.nope'), undefined);
  assert.ok(supportedFields().length > 120);
});

test('field references: longest name wins, [arg] and .key forms', () => {
  const r = (t: string) => {
    const x = parseFieldRef(fieldRegistry, t);
    return x === undefined ? undefined : [x.def.name, x.arg];
  };
  assert.deepEqual(r('proc.aname[2]'), ['proc.aname', '2']);
  assert.deepEqual(r('proc.env[HOME]'), ['proc.env', 'HOME']);
  assert.deepEqual(r('evt.arg.name'), ['evt.arg', 'name']);
  assert.deepEqual(r('evt.arg[0]'), ['evt.arg', '0']);
  assert.deepEqual(r('proc.exepath'), ['proc.exepath', undefined]);
  assert.deepEqual(r('fd.cip.name'), ['fd.cip.name', undefined]);
  assert.deepEqual(r('evt.time.iso8601'), ['evt.time.iso8601', undefined]);
  assert.equal(r('proc.namex'), undefined);
  const inText = readFieldRef(fieldRegistry, 'x %fd.name. done', 3);
  assert.equal(inText?.text, 'fd.name');
  assert.equal(inText?.end, 10);
  assert.equal(argProblem(fieldRegistry.lookup('proc.name')!, '1'), 'proc.name takes no argument');
  assert.equal(argProblem(fieldRegistry.lookup('proc.aname')!, 'x'), 'proc.aname takes a numeric index');
  assert.equal(argProblem(fieldRegistry.lookup('evt.arg')!, undefined), 'evt.arg requires an argument');
  assert.equal(argProblem(fieldRegistry.lookup('container.label')!, undefined), 'container.label requires an argument');
});

test('unsupportedFields reports unknown fields and bad arguments, once each', () => {
  assert.deepEqual(
    unsupportedFields([
      'proc.name',
      'proc.aname[3]',
      'evt.arg.flags',
      'proc.bogus',
      'fd.name[1]',
      'proc.bogus',
      'evt.arg',
      'k8s.pod.name',
    ]),
    ['proc.bogus', 'fd.name[1]', 'evt.arg'],
  );
});
