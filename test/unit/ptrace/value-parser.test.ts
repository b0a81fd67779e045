import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueScanner, field, settled, type Value } from '../../../src/sensors/ptrace/value-parser.js';
import { toSockAddr } from '../../../src/sensors/ptrace/sockaddr.js';

/** Parses the items of an argument list `text` (without the parentheses). */
function items(text: string): { items: Value[]; complete: boolean; trunc: boolean; broken: boolean } {
  const s = new ValueScanner();
  const src = `${text})`;
  s.reset(src, 0, src.length);
  const out: Value[] = [];
  const r = s.list(41, out);
  return { items: out, complete: r.complete, trunc: r.trunc, broken: s.broken };
}
function value(text: string): Value {
  const r = items(text);
  assert.equal(r.items.length, 1, `one value in ${text}`);
  return r.items[0] as Value;
}

test('numbers: decimal, negative, hex, octal modes', () => {
  assert.deepEqual(items('3, -1, 0x7f00, 0755, 04755, 0').items, [3, -1, 0x7f00, 0o755, 0o4755, 0]);
});

test('strings: escapes, truncation marker, abstract names', () => {
  assert.deepEqual(value('"a\\"b\\\\c\\n"'), { k: 'str', v: 'a"b\\c\n', trunc: false, abstract: false });
  assert.deepEqual(value('"abc"...'), { k: 'str', v: 'abc', trunc: true, abstract: false });
  assert.deepEqual(value('@"harrier-fx"'), { k: 'str', v: 'harrier-fx', trunc: false, abstract: true });
  assert.deepEqual(value('"\\x2f\\x65\\x74\\x63"'), { k: 'str', v: '/etc', trunc: false, abstract: false });
  assert.deepEqual(value('"\\0\\177"'), { k: 'str', v: '\0\x7f', trunc: false, abstract: false });
  // Separators inside strings are not separators.
  assert.deepEqual(value('"a, b) ]}"'), { k: 'str', v: 'a, b) ]}', trunc: false, abstract: false });
});

test('NULL, identifiers and flag expressions', () => {
  assert.deepEqual(items('NULL, AT_FDCWD, O_RDONLY|O_CLOEXEC, S_IFIFO|0600').items, [
    null,
    { k: 'sym', v: 'AT_FDCWD' },
    { k: 'sym', v: 'O_RDONLY|O_CLOEXEC' },
    { k: 'sym', v: 'S_IFIFO|0600' },
  ]);
});

test('fd decorations: paths, devices, sockets, pipes, memfd, AT_FDCWD', () => {
  assert.deepEqual(value('3</etc/hostname>'), { k: 'fd', fd: 3, path: '/etc/hostname' });
  assert.deepEqual(value('1</dev/null<char 1:3>>'), { k: 'fd', fd: 1, path: '/dev/null' });
  assert.deepEqual(value('AT_FDCWD</tmp/st>'), { k: 'fd', fd: -100, path: '/tmp/st' });
  assert.deepEqual(value('3<TCP:[127.0.0.1:44444->127.0.0.1:8080]>'), {
    k: 'fd',
    fd: 3,
    path: 'TCP:[127.0.0.1:44444->127.0.0.1:8080]',
  });
  assert.deepEqual(value('4<UNIX-STREAM:[1234->5678]>'), { k: 'fd', fd: 4, path: 'UNIX-STREAM:[1234->5678]' });
  assert.deepEqual(value('5<UNIX:[1234,"/run/x.sock"]>'), { k: 'fd', fd: 5, path: 'UNIX:[1234,"/run/x.sock"]' });
  assert.deepEqual(value('9<pipe:[41590]>'), { k: 'fd', fd: 9, path: 'pipe:[41590]' });
  assert.deepEqual(value('7</memfd:harrier\\tfx>(deleted)'), { k: 'fd', fd: 7, path: '/memfd:harrier\tfx (deleted)' });
  // Paths escape <> as octal, so they cannot end the decoration early.
  assert.deepEqual(value('3</tmp/w a\\76b\\74c>'), { k: 'fd', fd: 3, path: '/tmp/w a>b<c' });
});

test('arrays, with truncation and space-separated sets', () => {
  const a = value('["true", "x y"]');
  assert.ok(a !== null && typeof a === 'object' && a.k === 'arr');
  assert.deepEqual(
    a.items.map((i) => (i !== null && typeof i === 'object' && i.k === 'str' ? i.v : i)),
    ['true', 'x y'],
  );
  assert.equal(a.trunc, false);
  const t = value('["a", "b", ...]');
  assert.ok(t !== null && typeof t === 'object' && t.k === 'arr');
  assert.equal(t.items.length, 2);
  assert.equal(t.trunc, true);
  const sigs = value('[INT TERM]');
  assert.ok(sigs !== null && typeof sigs === 'object' && sigs.k === 'arr');
  assert.deepEqual(sigs.items, [
    { k: 'sym', v: 'INT' },
    { k: 'sym', v: 'TERM' },
  ]);
});

test('nested structs, calls and comments', () => {
  const v = value('{a=1, b={c="x", d=[2, 3]}, e=htons(80), f=4 /* 0.04 s */}');
  assert.ok(v !== null && typeof v === 'object' && v.k === 'struct');
  assert.equal(field(v.items, 'a'), 1);
  const b = field(v.items, 'b');
  assert.ok(b !== null && typeof b === 'object' && b.k === 'struct');
  assert.deepEqual(field(b.items, 'c'), { k: 'str', v: 'x', trunc: false, abstract: false });
  const d = field(b.items, 'd');
  assert.ok(d !== null && typeof d === 'object' && d.k === 'arr');
  assert.deepEqual(d.items, [2, 3]);
  const e = field(v.items, 'e');
  assert.ok(e !== null && typeof e === 'object' && e.k === 'call');
  assert.equal(e.fn, 'htons');
  assert.deepEqual(e.args, [80]);
  assert.equal(field(v.items, 'f'), 4);
});

test('comments after a pointer: envp not dereferenced', () => {
  assert.deepEqual(items('0x55e394fb4b28 /* 39 vars */').items, [0x55e394fb4b28]);
});

test('struct with trailing ... is marked truncated', () => {
  const v = value('{st_mode=S_IFREG|0644, st_size=123, ...}');
  assert.ok(v !== null && typeof v === 'object' && v.k === 'struct');
  assert.equal(v.trunc, true);
  assert.equal(field(v.items, 'st_size'), 123);
});

test('kernel-updated values: before => after', () => {
  const r = items('{flags=CLONE_VM|CLONE_THREAD, exit_signal=0} => {parent_tid=[10086]}, 88');
  assert.equal(r.items.length, 2);
  const u = r.items[0];
  assert.ok(u !== null && typeof u === 'object' && u.k === 'upd');
  const after = settled(u);
  assert.ok(after !== null && typeof after === 'object' && after.k === 'struct');
  const ptid = field(after.items, 'parent_tid');
  assert.ok(ptid !== null && typeof ptid === 'object' && ptid.k === 'arr');
  assert.deepEqual(ptid.items, [10086]);
  assert.equal(r.items[1], 88);
});

test('unknown expressions are kept raw instead of failing', () => {
  const v = value('[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]');
  assert.ok(v !== null && typeof v === 'object' && v.k === 'arr');
  const s = v.items[0];
  assert.ok(s !== null && typeof s === 'object' && s.k === 'struct');
  assert.deepEqual(s.items, [{ k: 'sym', v: 'WIFEXITED(s) && WEXITSTATUS(s) == 0' }]);
  assert.deepEqual(value('~[RTMIN RT_1]'), { k: 'sym', v: '~[RTMIN RT_1]' });
  assert.deepEqual(value('&sin6_addr'), { k: 'sym', v: '&sin6_addr' });
});

test('cut-off input: unterminated strings and lists are reported, not thrown', () => {
  const r = items('"abc');
  assert.equal(r.broken, true);
  const s = new ValueScanner();
  s.reset('["a", {b=', 0, 9);
  const out: Value[] = [];
  assert.equal(s.list(41, out).complete, false);
  assert.equal(s.broken, true);
});

test('absurd nesting does not overflow the stack', () => {
  const deep = '['.repeat(100_000);
  const s = new ValueScanner();
  s.reset(deep, 0, deep.length);
  const out: Value[] = [];
  assert.equal(s.list(41, out).complete, false);
});

test('sockaddrs: AF_INET, AF_INET6 (both spellings), AF_UNIX, abstract, netlink', () => {
  assert.deepEqual(toSockAddr(value('{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}')), {
    family: 'inet',
    ip: '127.0.0.1',
    port: 9,
  });
  assert.deepEqual(
    toSockAddr(
      value(
        '{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}',
      ),
    ),
    { family: 'inet6', ip: '::1', port: 443 },
  );
  assert.deepEqual(
    toSockAddr(value('{sa_family=AF_INET6, sin6_port=htons(53), sin6_addr=inet_pton(AF_INET6, "2001:db8::1")}')),
    { family: 'inet6', ip: '2001:db8::1', port: 53 },
  );
  assert.deepEqual(toSockAddr(value('{sa_family=AF_UNIX, sun_path="/run/x.sock"}')), {
    family: 'unix',
    path: '/run/x.sock',
  });
  assert.deepEqual(toSockAddr(value('{sa_family=AF_UNIX, sun_path=@"name"}')), {
    family: 'unix',
    path: 'name',
    abstract: true,
  });
  assert.deepEqual(toSockAddr(value('{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}')), {
    family: 'netlink',
    raw: '{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}',
  });
  assert.equal(toSockAddr(null), null);
});
