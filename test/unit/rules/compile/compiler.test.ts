import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../../../../src/rules/condition/ast.js';
import { ConditionCompileError } from '../../../../src/rules/condition/errors.js';
import { parseCondition } from '../../../../src/rules/condition/parser.js';
import { compileConditionText, type CompileOptions } from '../../../../src/rules/compile/compiler.js';
import { ctxOf, fakeRegistry, type FakeEvent } from './registry.js';

const registry = fakeRegistry({
  'proc.name': { type: 'string' },
  'proc.pname': { type: 'string' },
  'proc.cmdline': { type: 'string' },
  'proc.args': { type: 'string', isList: true },
  'proc.aname': { type: 'string', arg: 'index' },
  'proc.env': { type: 'string', arg: 'required-key' },
  'evt.arg': { type: 'string', arg: 'index-or-key' },
  'evt.type': { type: 'string' },
  'evt.buffer': { type: 'bytes' },
  'evt.is_io': { type: 'bool' },
  'fd.name': { type: 'string' },
  'fd.num': { type: 'int' },
  'fd.sport': { type: 'port' },
  'fd.ip': { type: 'ipaddr' },
  'fd.net': { type: 'ipnet' },
  'fd.types': { type: 'string', isList: true, arg: 'index' },
  'evt.rawres': { type: 'int' },
  'evt.num': { type: 'uint' },
});

function run(cond: string, ev: FakeEvent, o: Partial<CompileOptions> = {}): boolean {
  return compileConditionText(cond, { registry, ...o }).predicate(ctxOf(ev));
}

function compileError(cond: string, o: Partial<CompileOptions> = {}): ConditionCompileError {
  try {
    compileConditionText(cond, { registry, ...o });
  } catch (e) {
    if (e instanceof ConditionCompileError) return e;
    throw e;
  }
  throw new Error(`compiled: ${cond}`);
}

test('string operators', () => {
  const ev = { 'proc.name': 'Bash', 'fd.name': '/etc/shadow' };
  const cases: Array<[string, boolean]> = [
    ['proc.name = Bash', true],
    ['proc.name == bash', false],
    ['proc.name != bash', true],
    ['proc.name < 1', false],
    ['proc.name <= 1', false],
    ['proc.name > 1', true],
    ['proc.name >= 1', true],
    ['fd.name contains shad', true],
    ['proc.name icontains ASH', true],
    ['proc.name contains ASH', false],
    ['fd.name startswith /etc/', true],
    ['fd.name endswith dow', true],
    ['fd.name glob /etc/*', true],
    ['fd.name glob /etc/s?adow', true],
    ['fd.name glob /etc/[st]hadow', true],
    ['fd.name glob /etc/[!s]hadow', false],
    ['fd.name glob /ETC/*', false],
    ['fd.name iglob /ETC/*', true],
    ["fd.name regex '/etc/sh.*'", true],
    ["fd.name regex 'etc'", false],
    ['fd.name pmatch (/etc)', true],
    ['fd.name pmatch (/et)', false],
    ['fd.name pmatch (/usr, /etc/shadow)', true],
    ['fd.name pmatch (/)', true],
    ['proc.name in (sh, Bash)', true],
    ['proc.name in (sh, bash)', false],
    ['proc.name intersects (Bash)', true],
    ['proc.name in ()', false],
    ['proc.name exists', true],
  ];
  for (const [cond, want] of cases) assert.equal(run(cond, ev), want, cond);
});

test('a missing field makes every comparison false, even != and not-in; exists tests presence', () => {
  for (const cond of [
    'proc.name = x',
    'proc.name != x',
    'proc.name contains x',
    'proc.name in (x)',
    'fd.num > 1',
    'fd.num != 1',
    'proc.name exists',
  ]) {
    assert.equal(run(cond, {}), false, cond);
  }
  assert.equal(run('not proc.name exists', {}), true);
  assert.equal(run('not proc.name = x', {}), true);
});

test('numeric, port, bool, bytes and address operators with value conversion', () => {
  const ev: FakeEvent = {
    'fd.num': 3,
    'evt.num': 18446744073709551615n,
    'evt.rawres': -2,
    'fd.sport': 443,
    'evt.is_io': true,
    'evt.buffer': new Uint8Array([0x48, 0x54, 0x54, 0x50, 0x00]),
    'fd.ip': '10.1.2.3',
    'fd.net': '192.168.1.7',
  };
  const cases: Array<[string, boolean]> = [
    ['fd.num = 3', true],
    ['fd.num = 0x3', true],
    ['fd.num != 3', false],
    ['fd.num < 4', true],
    ['fd.num <= 3', true],
    ['fd.num > 3', false],
    ['fd.num >= 3', true],
    ['fd.num in (1, 2, 3)', true],
    ['evt.rawres < 0', true],
    ['evt.rawres = -2', true],
    ['evt.num = 18446744073709551615', true],
    ['evt.num > 0xFFFFFFFF', true],
    ['fd.sport in (80, 443)', true],
    ['evt.is_io = true', true],
    ['evt.is_io != true', false],
    ['evt.is_io in (false)', false],
    ['evt.buffer = HTTP', false],
    ['evt.buffer contains TTP', true],
    ['evt.buffer startswith HT', true],
    ['evt.buffer bcontains 545000', true],
    ['evt.buffer bstartswith 4854', true],
    ['evt.buffer bstartswith 5454', false],
    ['fd.ip = 10.1.2.3', true],
    ['fd.ip = 10.0.0.0/8', true],
    ['fd.ip != 10.1.2.3', false],
    ['fd.ip in (127.0.0.1, 10.1.0.0/16)', true],
    ['fd.net = 192.168.0.0/16', true],
    ['fd.net = 192.168.2.0/24', false],
    ['fd.net = 0.0.0.0/0', true],
  ];
  for (const [cond, want] of cases) assert.equal(run(cond, ev), want, cond);
  assert.equal(run('fd.ip = ::1', { 'fd.ip': '::1' }), true);
  assert.equal(run('fd.ip = fe80::/10', { 'fd.ip': 'fe80::1:2' }), true);
  assert.equal(run('fd.ip = fe80::/10', { 'fd.ip': '10.0.0.1' }), false);
});

test('list-valued fields: any element for scalar operators, all for in, one for intersects', () => {
  const ev = { 'proc.args': ['-c', 'curl x | sh'] };
  assert.equal(run('proc.args contains curl', ev), true);
  assert.equal(run('proc.args = -c', ev), true);
  assert.equal(run("proc.args in (-c, 'curl x | sh', other)", ev), true);
  assert.equal(run('proc.args in (-c)', ev), false);
  assert.equal(run('proc.args intersects (-c)', ev), true);
  assert.equal(run('proc.args intersects (-x)', ev), false);
  assert.equal(run('proc.args in (-c)', { 'proc.args': [] }), false);
  assert.equal(run('proc.args exists', { 'proc.args': [] }), false);
  // fields that are not lists but yield several values (either end of a socket, any ancestor) match on any
  assert.equal(run('fd.ip in (10.0.0.1)', { 'fd.ip': ['10.0.0.1', '10.0.0.2'] }), true);
  assert.equal(run('proc.aname in (sshd)', { 'proc.aname': ['bash', 'sshd', 'systemd'] }), true);
  assert.equal(run('proc.aname in (init)', { 'proc.aname': ['bash', 'sshd', 'systemd'] }), false);
  // ... and != holds only when no value is equal (fd.net != 127.0.0.0/8: neither end is loopback)
  assert.equal(run('fd.net != 127.0.0.0/8', { 'fd.net': ['127.0.0.1', '10.0.0.2'] }), false);
  assert.equal(run('fd.net != 127.0.0.0/8', { 'fd.net': ['10.0.0.1', '10.0.0.2'] }), true);
  assert.equal(run('proc.args != -c', ev), false);
});

test('fields with arguments, including evt.arg.NAME', () => {
  const ev = { 'proc.aname[2]': 'sshd', 'proc.env[HOME]': '/root', 'evt.arg[path]': '/tmp/x', 'evt.arg[1]': 'y' };
  assert.equal(run('proc.aname[2] = sshd', ev), true);
  assert.equal(run('proc.env[HOME] = /root', ev), true);
  assert.equal(run('evt.arg.path startswith /tmp', ev), true);
  assert.equal(run('evt.arg[1] = y', ev), true);
  assert.match(compileError('proc.env exists').message, /needs an argument/);
  assert.match(compileError('proc.aname[x] exists').message, /must be a number/);
  assert.match(compileError('proc.name[1] exists').message, /takes no argument/);
});

test('transformers and val()', () => {
  const ev: FakeEvent = {
    'proc.name': 'BaSh',
    'proc.pname': 'bash',
    'proc.args': ['-c', 'ls', '-la'],
    'proc.cmdline': 'bash -c ls',
    'fd.name': '/etc/shadow',
    'evt.type': 'openat',
  };
  const cases: Array<[string, boolean]> = [
    ['tolower(proc.name) = bash', true],
    ['toupper(proc.name) = BASH', true],
    ['proc.pname = tolower(proc.name)', true],
    ['tolower(proc.name) = val(proc.pname)', true],
    ['proc.name = val(proc.pname)', false],
    ['proc.name != val(proc.pname)', true],
    ['b64(fd.name) exists', true],
    ['b64(evt.type) = val(evt.type)', false],
    ['basename(fd.name) = shadow', true],
    ['len(proc.args) > 2', true],
    ['len(proc.args) = 3', true],
    ['len(proc.name) = 4', true],
    ['join("-", (proc.pname, evt.type)) = bash-openat', true],
    ['join(",", (proc.args)) = "-c,ls,-la"', true],
    ['join("-", ("a", 1)) = a-1', true],
    ['concat(proc.pname, ":", evt.type) = bash:openat', true],
    ["getopt(proc.args, '-c') = ls", true],
    ["getopt(proc.cmdline, '-c') = ls", true],
    ["getopt(proc.args, '-x') exists", false],
    ['tolower(proc.name) in (bash, sh)', true],
  ];
  for (const [cond, want] of cases) assert.equal(run(cond, ev), want, cond);
  assert.equal(run('b64(proc.name) = hello', { 'proc.name': 'aGVsbG8=' }), true);
  assert.match(compileError('toupper(fd.num) = 1').message, /needs a string field/);
  assert.match(compileError('proc.name = val(fd.num)').message, /cannot compare/);
  assert.match(compileError('proc.name regex val(proc.pname)').message, /constant pattern/);
});

test('escapes in quoted values reach the comparison decoded', () => {
  assert.equal(run("proc.cmdline = 'it\\'s'", { 'proc.cmdline': "it's" }), true);
  assert.equal(run('proc.cmdline = "a\\tb"', { 'proc.cmdline': 'a\tb' }), true);
  assert.equal(run('proc.cmdline = "x \\"y\\""', { 'proc.cmdline': 'x "y"' }), true);
});

test('modifiers: oneof/anyof any value, allof every value', () => {
  const ev = { 'fd.name': '/etc/shadow' };
  assert.equal(run('fd.name startswith oneof (/usr, /etc)', ev), true);
  assert.equal(run('fd.name startswith anyof (/usr, /var)', ev), false);
  assert.equal(run('fd.name contains allof (etc, shadow)', ev), true);
  assert.equal(run('fd.name contains allof (etc, passwd)', ev), false);
  assert.equal(run('fd.name = oneof sensitive', ev, { lists: new Map([['sensitive', ['/etc/shadow']]]) }), true);
});

test('type checking: operators not valid for a field type are errors at the check', () => {
  const e = compileError('proc.name = x and\n  fd.num contains 1');
  assert.equal(e.line, 2);
  assert.equal(e.col, 3);
  assert.equal(e.text, 'contains');
  assert.match(e.message, /operator 'contains' is not valid for 'fd.num' \(a int field\) at line 2, column 3/);
  assert.match(compileError('evt.is_io > 1').message, /'>' is not valid/);
  assert.match(compileError('fd.name bcontains 00').message, /'bcontains' is not valid/);
  assert.match(compileError('evt.buffer icontains x').message, /'icontains' is not valid/);
  const v = compileError('fd.num = abc');
  assert.deepEqual([v.line, v.col, v.text], [1, 10, 'abc']);
  assert.match(v.message, /'abc' is not an integer/);
  assert.match(compileError('fd.num = 1.5').message, /not an integer/);
  assert.match(compileError('fd.ip = 300.1.1.1').message, /not an IP address/);
  assert.match(compileError('evt.buffer bcontains 0g').message, /not a hex byte string/);
  assert.match(compileError("fd.name regex '('").message, /invalid regular expression/);
  const u = compileError('nope.field = 1');
  assert.deepEqual(
    [u.code, u.line, u.col, u.text, u.reason],
    ['unknown-field', 1, 1, 'nope.field', "unknown field 'nope.field'"],
  );
  assert.equal(compileError('fd.num contains 1').code, 'operator-type');
  assert.equal(compileError('fd.num = x').code, 'value');
  assert.equal(compileError('proc.env exists').code, 'field-argument');
  assert.equal(compileError('tolower(fd.num) = 1').code, 'transformer');
});

test('macros expand; undefined and recursive macros are errors naming the chain', () => {
  const macros = new Map<string, Expr>([
    ['is_shell', parseCondition('proc.name in (bash, sh)')],
    ['shell_open', parseCondition('is_shell and evt.type = open')],
    ['loop_a', parseCondition('loop_b')],
    ['loop_b', parseCondition('proc.name = x or loop_a')],
    ['bad', parseCondition('proc.name = x and\nfd.num contains 1')],
  ]);
  assert.equal(run('shell_open', { 'proc.name': 'sh', 'evt.type': 'open' }, { macros }), true);
  assert.equal(run('not shell_open', { 'proc.name': 'sh', 'evt.type': 'open' }, { macros }), false);
  const cyc = compileError('loop_a', { macros });
  assert.match(cyc.message, /macro 'loop_a' refers to itself \(in macro loop_a > loop_b\)/);
  assert.deepEqual([cyc.code, ...cyc.macroChain], ['macro-cycle', 'loop_a', 'loop_b']);
  const und = compileError('proc.name = x or missing_macro', { macros });
  assert.deepEqual([und.code, und.col, und.text], ['undefined-macro', 18, 'missing_macro']);
  const inner = compileError('bad', { macros });
  assert.deepEqual([inner.line, inner.col, inner.macroChain], [2, 1, ['bad']]);
});

test('lists expand in value lists, nested lists too; quoted items stay literal', () => {
  const lists = new Map<string, string[]>([
    ['shells', ['bash', 'sh', 'more_shells']],
    ['more_shells', ['zsh']],
    ['self', ['self', 'x']],
  ]);
  assert.equal(run('proc.name in (shells)', { 'proc.name': 'zsh' }, { lists }), true);
  assert.equal(run('proc.name in (ksh, shells)', { 'proc.name': 'bash' }, { lists }), true);
  assert.equal(run('proc.name in shells', { 'proc.name': 'sh' }, { lists }), true);
  assert.equal(run("proc.name in ('shells')", { 'proc.name': 'bash' }, { lists }), false);
  assert.equal(run("proc.name in ('shells')", { 'proc.name': 'shells' }, { lists }), true);
  assert.equal(run('proc.name in (self)', { 'proc.name': 'x' }, { lists }), true);
  const quoted = new Map([
    ['rfc_1918', ['"10.0.0.0/8"', "'192.168.0.0/16'"]],
    ['odd', ['"a b']],
  ]);
  assert.equal(run('fd.ip in (rfc_1918)', { 'fd.ip': '10.2.3.4' }, { lists: quoted }), true);
  assert.equal(run('fd.ip in (rfc_1918)', { 'fd.ip': '192.168.3.4' }, { lists: quoted }), true);
  assert.equal(run('proc.name in (odd)', { 'proc.name': '"a b' }, { lists: quoted }), true);
  const c = compileConditionText('proc.name in unknown_list', { registry, lists });
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0]?.message ?? '', /not a defined list/);
});

test('warnings: a value that is a field name, a regex that is a plain string operator', () => {
  const warn = (cond: string) => compileConditionText(cond, { registry }).warnings.map((w) => w.message);
  assert.deepEqual(warn('proc.name = proc.pname'), [
    "'proc.pname' is compared as a string but is a field name; use val(proc.pname) to compare with the field",
  ]);
  assert.equal(warn("proc.name = 'tolower(proc.pname)'").length, 1);
  assert.deepEqual(warn('proc.name = some.other'), []);
  assert.deepEqual(warn('fd.name regex ^/etc$'), ["regex '^/etc$' could be the faster '=' operator"]);
  assert.deepEqual(warn('fd.name regex abc.*'), ["regex 'abc.*' could be the faster 'startswith' operator"]);
  assert.deepEqual(warn('fd.name regex .*abc'), ["regex '.*abc' could be the faster 'endswith' operator"]);
  assert.deepEqual(warn('fd.name regex a.c'), []);
  const w = compileConditionText('proc.name = x or\n proc.name = proc.pname', { registry }).warnings[0];
  assert.deepEqual(w?.pos, { offset: 30, line: 2, col: 14 });
});

test('string sets match on the whole value whatever the lengths in the list', () => {
  const cond = 'fd.name in (/a, /abc, "", /etc/shadow)';
  for (const [name, want] of [
    ['/a', true],
    ['/ab', false],
    ['/abc', true],
    ['/abd', false],
    ['', true],
    ['/etc/shadow', true],
    ['/etc/shadow/x', false],
    ['/etc/shadoW', false],
  ] as const) {
    assert.equal(run(cond, { 'fd.name': name }), want, name);
  }
  assert.equal(run('fd.name in ("")', { 'fd.name': 'x' }), false);
  assert.equal(run('evt.buffer in (abc)', { 'evt.buffer': new TextEncoder().encode('abc') }), true);
});
