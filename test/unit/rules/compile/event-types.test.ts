import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../../../../src/rules/condition/ast.js';
import { parseCondition } from '../../../../src/rules/condition/parser.js';
import { referencedEventTypes } from '../../../../src/rules/compile/event-types.js';
import { referencedFields } from '../../../../src/rules/compile/referenced-fields.js';
import { referencedNames } from '../../../../src/rules/compile/referenced-names.js';

const types = (cond: string, macros?: Map<string, Expr>, lists?: Map<string, string[]>) => {
  const s = referencedEventTypes(parseCondition(cond), { macros, lists });
  return s === undefined ? undefined : [...s].sort();
};

test('event types a condition requires', () => {
  assert.deepEqual(types('evt.type in (open, openat) and not proc.name=x'), ['open', 'openat']);
  assert.equal(types('not evt.type=open'), undefined);
  assert.equal(types('evt.type=open or proc.name=x'), undefined);
  assert.deepEqual(types('evt.type=open or evt.type=openat'), ['open', 'openat']);
  assert.deepEqual(types('evt.type in (open, openat, execve) and evt.type != execve'), ['open', 'openat']);
  assert.deepEqual(types('evt.type in (open, openat) and evt.type in (openat, execve)'), ['openat']);
  assert.deepEqual(types('not (not evt.type = open)'), ['open']);
  assert.deepEqual(types('not (evt.type != open)'), ['open']);
  assert.deepEqual(types('evt.type = open and evt.type = execve'), []);
  assert.equal(types('evt.type startswith open'), undefined);
  assert.equal(types('proc.name = x'), undefined);
  assert.equal(types('tolower(evt.type) = open'), undefined);
  assert.deepEqual(types('evt.type = oneof (open, openat)'), ['open', 'openat']);
});

test('event types through macros and lists', () => {
  const macros = new Map<string, Expr>([
    ['open_read', parseCondition('evt.type in (open_syscalls) and evt.is_open_read = true')],
    ['spawned', parseCondition('evt.type = execve and evt.dir = <')],
    ['loop', parseCondition('loop')],
  ]);
  const lists = new Map([
    ['open_syscalls', ['open', 'openat', 'more_open']],
    ['more_open', ['openat2']],
  ]);
  assert.deepEqual(types('open_read and fd.name = /etc/shadow', macros, lists), ['open', 'openat', 'openat2']);
  assert.deepEqual(types('open_read or spawned', macros, lists), ['execve', 'open', 'openat', 'openat2']);
  assert.deepEqual(types('evt.type in open_syscalls', macros, lists), ['open', 'openat', 'openat2']);
  assert.equal(types('unknown_macro', macros, lists), undefined);
  assert.equal(types('loop', macros, lists), undefined);
});

test('referenced fields, through macros, transformers and val()', () => {
  const macros = new Map<string, Expr>([['m', parseCondition('proc.aname[2] = sshd')]]);
  const f = referencedFields(
    parseCondition('m and tolower(proc.name) = val(proc.pname) and not fd.name exists'),
    macros,
  );
  assert.deepEqual([...f].sort(), ['fd.name', 'proc.aname[2]', 'proc.name', 'proc.pname']);
});

test('referenced macro and list names, directly written', () => {
  const lists = new Map([['shells', ['bash']]]);
  const n = referencedNames(
    parseCondition("m1 and not (m2 or proc.name in (shells, 'x', y)) and fd.name in sensitive"),
    lists,
  );
  assert.deepEqual([...n.macros].sort(), ['m1', 'm2']);
  assert.deepEqual([...n.lists].sort(), ['sensitive', 'shells']);
});
