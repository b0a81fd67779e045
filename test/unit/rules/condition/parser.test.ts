import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../../../../src/rules/condition/ast.js';
import { ConditionSyntaxError } from '../../../../src/rules/condition/errors.js';
import { parseCondition } from '../../../../src/rules/condition/parser.js';

/** The tree without positions, to compare shapes. */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (e !== null && typeof e === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (k !== 'pos') out[k] = shape(v);
    return out;
  }
  return e;
}

function p(s: string): unknown {
  return shape(parseCondition(s));
}

const f = (name: string, arg?: string) => (arg === undefined ? { kind: 'field', name } : { kind: 'field', name, arg });
const v = (value: string, quoted = false) => ({ kind: 'value', value, quoted });
const m = (name: string) => ({ kind: 'macro', name });

test('precedence: not binds tighter than and, and tighter than or', () => {
  assert.deepEqual(p('a or b and not c'), {
    kind: 'or',
    children: [m('a'), { kind: 'and', children: [m('b'), { kind: 'not', child: m('c') }] }],
  });
  assert.deepEqual(p('(a or b) and c'), {
    kind: 'and',
    children: [{ kind: 'or', children: [m('a'), m('b')] }, m('c')],
  });
  assert.deepEqual(p('not not a'), m('a'));
  assert.deepEqual(p('not(a)and(b)'), { kind: 'and', children: [{ kind: 'not', child: m('a') }, m('b')] });
});

test('checks: fields with arguments, operators and values', () => {
  assert.deepEqual(p('proc.aname[2] = bash'), {
    kind: 'binary',
    op: '=',
    left: f('proc.aname', '2'),
    right: v('bash'),
  });
  assert.deepEqual(p('proc.env[HOME] exists'), { kind: 'unary', op: 'exists', left: f('proc.env', 'HOME') });
  assert.deepEqual(p('evt.arg.name contains /etc'), {
    kind: 'binary',
    op: 'contains',
    left: f('evt.arg.name'),
    right: v('/etc'),
  });
  assert.deepEqual(p("container.label['a b'] startswith x"), {
    kind: 'binary',
    op: 'startswith',
    left: f('container.label', 'a b'),
    right: v('x'),
  });
  assert.deepEqual(p('proc.name=runc:[0:PARENT]'), {
    kind: 'binary',
    op: '=',
    left: f('proc.name'),
    right: v('runc:[0:PARENT]'),
  });
  assert.deepEqual(p('fd.num >= 0x1F'), { kind: 'binary', op: '>=', left: f('fd.num'), right: v('0x1F') });
  for (const op of ['=', '==', '!=', '<', '<=', '>', '>=']) {
    assert.equal((parseCondition(`a.b ${op} 1`) as { op: string }).op, op);
  }
  for (const op of [
    'contains',
    'icontains',
    'bcontains',
    'startswith',
    'bstartswith',
    'endswith',
    'glob',
    'iglob',
    'regex',
  ]) {
    assert.equal((parseCondition(`a.b ${op} x`) as { op: string }).op, op);
  }
});

test('lists: literal, named, empty, quoted items', () => {
  assert.deepEqual(p('evt.type in (open, \'a b\', "c")'), {
    kind: 'binary',
    op: 'in',
    left: f('evt.type'),
    right: { kind: 'list', items: [v('open'), v('a b', true), v('c', true)] },
  });
  assert.deepEqual(p('proc.name in shell_binaries'), {
    kind: 'binary',
    op: 'in',
    left: f('proc.name'),
    right: { kind: 'listref', name: 'shell_binaries' },
  });
  assert.deepEqual(p('fd.name pmatch ()'), {
    kind: 'binary',
    op: 'pmatch',
    left: f('fd.name'),
    right: { kind: 'list', items: [] },
  });
});

test('modifiers oneof/anyof/allof take a list or a list name; alone they are plain values', () => {
  assert.deepEqual(p('proc.name = oneof (a, b)'), {
    kind: 'binary',
    op: '=',
    modifier: 'oneof',
    left: f('proc.name'),
    right: { kind: 'list', items: [v('a'), v('b')] },
  });
  assert.deepEqual(p('proc.name != allof my_list'), {
    kind: 'binary',
    op: '!=',
    modifier: 'allof',
    left: f('proc.name'),
    right: { kind: 'listref', name: 'my_list' },
  });
  assert.deepEqual(p('proc.name == anyof and x'), {
    kind: 'and',
    children: [{ kind: 'binary', op: '==', left: f('proc.name'), right: v('anyof') }, m('x')],
  });
});

test('transformers on both sides, val(), join', () => {
  assert.deepEqual(p('tolower(proc.name) = bash'), {
    kind: 'binary',
    op: '=',
    left: { kind: 'transform', name: 'tolower', args: [f('proc.name')] },
    right: v('bash'),
  });
  assert.deepEqual(p('len(proc.args) > 2'), {
    kind: 'binary',
    op: '>',
    left: { kind: 'transform', name: 'len', args: [f('proc.args')] },
    right: v('2'),
  });
  assert.deepEqual(p('proc.name = val(proc.pname)'), {
    kind: 'binary',
    op: '=',
    left: f('proc.name'),
    right: { kind: 'val', field: f('proc.pname') },
  });
  assert.deepEqual(p('join("-", (fd.name, "x", 1)) = a'), {
    kind: 'binary',
    op: '=',
    left: { kind: 'transform', name: 'join', args: [v('-', true), f('fd.name'), v('x', true), v('1')] },
    right: v('a'),
  });
  assert.deepEqual(p("getopt(proc.args, '-c') = x"), {
    kind: 'binary',
    op: '=',
    left: { kind: 'transform', name: 'getopt', args: [f('proc.args'), v('-c', true)] },
    right: v('x'),
  });
});

test('escapes in quoted strings', () => {
  const val = (s: string) => (parseCondition(s) as Expr & { right: { value: string } }).right.value;
  assert.equal(val("a.b = 'it\\'s'"), "it's");
  assert.equal(val('a.b = "say \\"hi\\""'), 'say "hi"');
  assert.equal(val(String.raw`a.b = "t\tn\n\\x"`), 't\tn\n\\x');
  // libsinsp's quirk, kept: a quote right after an escaped backslash does not close the string
  assert.throws(() => parseCondition(String.raw`a.b = "x\\"`), ConditionSyntaxError);
  assert.equal(val('a.b = "mixed \'"'), "mixed '");
  assert.throws(() => parseCondition('a.b = "bad \\q"'), /unsupported escape/);
  assert.throws(() => parseCondition('a.b = "mixed \\\'"'), /invalid/);
});

test('errors carry 1-based line, column and the offending text', () => {
  const err = (s: string): ConditionSyntaxError => {
    try {
      parseCondition(s);
    } catch (e) {
      if (e instanceof ConditionSyntaxError) return e;
      throw e;
    }
    throw new Error(`accepted: ${s}`);
  };
  let e = err('proc.name = bash and\n  fd.name badop x');
  assert.equal(e.line, 2);
  assert.equal(e.col, 11);
  assert.equal(e.text, 'badop');
  assert.match(e.message, /expected an operator at line 2, column 11 \(near 'badop'\)/);
  e = err('(a.b = 1');
  assert.equal(e.line, 1);
  assert.equal(e.col, 9);
  assert.equal(e.text, '');
  assert.match(e.message, /end of input/);
  e = err('a andb');
  assert.deepEqual([e.line, e.col, e.text], [1, 6, 'b']);
  e = err('');
  assert.match(e.message, /empty/);
});

test('positions of nodes', () => {
  const e = parseCondition('a and\n  proc.name = x') as { children: Array<{ pos: unknown; right?: { pos: unknown } }> };
  assert.deepEqual(e.children[1]?.pos, { offset: 8, line: 2, col: 3 });
  assert.deepEqual(e.children[1]?.right?.pos, { offset: 20, line: 2, col: 15 });
});
