import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputFormatError, compileOutput } from '../../../../src/rules/output/format.js';
import { valueJson, valueText } from '../../../../src/rules/output/value-text.js';
import { ev, lineage } from '../fields/helpers.js';

function openCtx() {
  const { w, sh } = lineage();
  const e = w.apply(
    ev('openat', sh, { dirfd: { fd: -100 }, name: '/etc/shadow', flags: { names: ['O_RDONLY'] }, mode: 0 }, 3),
  );
  return { event: e, state: w.state };
}

test('renders fields, indexed and keyed arguments, literal text, <NA> for missing values', () => {
  const ctx = openCtx();
  const out = compileOutput(
    'Sensitive file opened for reading (file=%fd.name gparent=%proc.aname[2] cmd=%proc.cmdline home=%proc.env[HOME] flags=%evt.arg.flags image=%container.image.repository tty=%proc.tty).\n',
  );
  assert.equal(
    out.render(ctx),
    'Sensitive file opened for reading (file=/etc/shadow gparent=bash cmd=sh -c id home=/home/app flags=O_RDONLY image=<NA> tty=<NA>).',
  );
  assert.deepEqual(
    out.fields.map((f) => f.key),
    [
      'fd.name',
      'proc.aname[2]',
      'proc.cmdline',
      'proc.env[HOME]',
      'evt.arg.flags',
      'container.image.repository',
      'proc.tty',
    ],
  );
  assert.deepEqual(out.values(ctx), [
    ['fd.name', '/etc/shadow'],
    ['proc.aname[2]', 'bash'],
    ['proc.cmdline', 'sh -c id'],
    ['proc.env[HOME]', '/home/app'],
    ['evt.arg.flags', 'O_RDONLY'],
    ['container.image.repository', undefined],
    ['proc.tty', undefined],
  ]);
});

test('the longest field name wins; text right after a field stays text', () => {
  const ctx = openCtx();
  assert.equal(compileOutput('%fd.name.').render(ctx), '/etc/shadow.');
  assert.equal(compileOutput('[%proc.name]').render(ctx), '[sh]');
  assert.equal(compileOutput('%proc.exepath,%proc.exe').render(ctx), '/bin/sh,sh');
  assert.equal(compileOutput('%proc.pid%proc.ppid').render(ctx), '300200');
});

test('widths pad with spaces or cut, like libsinsp; a leading * is accepted', () => {
  const ctx = openCtx();
  assert.equal(compileOutput('*%6proc.name|').render(ctx), 'sh    |');
  assert.equal(compileOutput('%4fd.name|').render(ctx), '/etc|');
  assert.equal(compileOutput('%6container.image|').render(ctx), '<NA>  |');
});

test('transformers around a field', () => {
  const ctx = openCtx();
  const out = compileOutput('%toupper(proc.name) %len(fd.name) %basename(fd.name) %tolower(proc.aname[1])');
  assert.equal(out.render(ctx), 'SH 11 shadow python3');
  assert.deepEqual(
    out.values(ctx).map(([k]) => k),
    ['toupper(proc.name)', 'len(fd.name)', 'basename(fd.name)', 'tolower(proc.aname[1])'],
  );
  assert.equal(out.values(ctx)[1]?.[1], 11);
});

test('repeated fields render each time and appear once in values', () => {
  const ctx = openCtx();
  const out = compileOutput('%proc.name and %proc.name');
  assert.equal(out.render(ctx), 'sh and sh');
  assert.deepEqual(out.values(ctx), [['proc.name', 'sh']]);
});

test('errors: unknown fields and transformers, bad arguments, a trailing %', () => {
  assert.throws(
    () => compileOutput('x %proc.bogus'),
    (e: unknown) => e instanceof OutputFormatError && e.position === 3,
  );
  assert.throws(() => compileOutput('x %nope(proc.name)'), /unknown transformer nope/);
  assert.throws(() => compileOutput('%proc.aname[x]'), /takes a numeric index/);
  assert.throws(() => compileOutput('%container.label'), /requires an argument/);
  assert.throws(() => compileOutput('50%'), /cannot end with %/);
  assert.throws(() => compileOutput('%tolower(proc.name'), /missing \)/);
});

test('values as text and as typed JSON', () => {
  assert.equal(valueText(undefined), '<NA>');
  assert.equal(valueText(true), 'true');
  assert.equal(valueText(12n), '12');
  assert.equal(valueText(['a', 'b']), '(a,b)');
  assert.equal(valueJson(undefined), 'null');
  assert.equal(valueJson(443), '443');
  assert.equal(valueJson(1_795_990_317_695_030_192n), '1795990317695030192');
  assert.equal(valueJson(false), 'false');
  assert.equal(valueJson('a"b'), '"a\\"b"');
  assert.equal(valueJson(['x', 1]), '["x",1]');
});
