/**
 * The stream level: pairing unfinished/resumed halves across threads, thread groups, the root
 * process, bad input, and chunk boundaries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byType, fixture, parse } from './helpers.js';

test('interleaved unfinished/resumed halves are paired per thread', () => {
  const { events, parser } = parse(
    [
      '10 1.000000001 openat(AT_FDCWD</w>, "/fifo", O_RDONLY <unfinished ...>',
      '11 1.000000002 close(3</x> <unfinished ...>',
      '10 1.000000003 <... openat resumed>) = 5</fifo>',
      '11 1.000000004 <... close resumed>) = 0',
      '',
    ].join('\n'),
  );
  assert.equal(parser.counters.parseErrors, 0);
  assert.deepEqual(
    events.map((e) => [e.type, e.tid, e.ts, e.res]),
    [
      ['openat', 10, 1_000000001n, 5],
      ['close', 11, 1_000000002n, 0],
    ],
  );
  assert.deepEqual(events[0]?.args, {
    dirfd: { fd: -100, path: '/w' },
    name: '/fifo',
    flags: { names: ['O_RDONLY'] },
    res_fd: { fd: 5, path: '/fifo' },
  });
});

test('a split inside the argument list joins back into one call', () => {
  const { events } = parse(
    [
      '11721 1.0 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>',
      '11722 1.1 close(3<pipe:[41590]>) = 0',
      '11721 1.2 <... clone resumed>, child_tidptr=0x7f1ca08a4a10) = 11723',
      '',
    ].join('\n'),
  );
  const clone = byType(events, 'clone')[0];
  assert.deepEqual(clone?.args, { flags: { names: ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD'] } });
  assert.equal(clone?.res, 11723);
});

test('a call killed while blocked resumes with = ? and has no result', () => {
  const { events, parser } = parse(
    [
      '20 1.0 openat(AT_FDCWD</w>, "/fifo", O_RDONLY <unfinished ...>',
      '20 1.1 <... openat resumed> <unfinished ...>) = ?',
      '20 1.2 +++ killed by SIGKILL +++',
      '',
    ].join('\n'),
  );
  assert.equal(parser.counters.parseErrors, 0);
  assert.equal(events.length, 2);
  assert.equal(events[0]?.type, 'openat');
  assert.equal('res' in (events[0] ?? {}), false);
  assert.equal(events[0]?.args.name, '/fifo');
  assert.deepEqual(events[1]?.args, { signal: 'SIGKILL', core: false });
});

test('an unfinished half whose thread dies without resuming is flushed with no result', () => {
  const { events } = parse(
    ['30 1.0 accept(3<TCP:[1]>, NULL, NULL <unfinished ...>', '30 2.0 +++ killed by SIGKILL +++', ''].join('\n'),
  );
  assert.deepEqual(
    events.map((e) => [e.type, e.ts, e.res]),
    [
      ['accept', 1_000000000n, undefined],
      ['procexit', 2_000000000n, undefined],
    ],
  );
  assert.deepEqual(events[0]?.args, { fd: { fd: 3, path: 'TCP:[1]' }, addr: null });
});

test('unfinished halves still pending at the end of the trace are flushed', () => {
  const { events } = parse(
    '40 1.0 connect(3<TCP:[1]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}, 16 <unfinished ...>\n',
  );
  assert.equal(events.length, 1);
  assert.deepEqual(events[0]?.args.addr, { family: 'inet', ip: '1.2.3.4', port: 80 });
  assert.equal(events[0]?.res, undefined);
});

test('garbage and truncated lines are counted and skipped', () => {
  const { events, parser } = parse(
    [
      '50 1.0 close(3) = 0',
      'this is not strace output',
      '50 1.1 openat(AT_FDCWD</w>, "/etc/hos',
      '50 1.2 <... read resumed>) = 3',
      '\u0000\u0001\u0002',
      '50 1.3 +++ exited with 0 +++',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['close', 'procexit'],
  );
  assert.equal(parser.counters.parseErrors, 4);
  assert.equal(parser.counters.lines, 6);
});

test('a last line without newline is parsed at the end', () => {
  const { events } = parse('60 1.0 close(3) = 0\n60 1.1 close(4) = 0');
  assert.deepEqual(
    events.map((e) => e.args.fd),
    [{ fd: 3 }, { fd: 4 }],
  );
});

test('chunk boundaries do not matter', () => {
  const input = fixture('shell-pipeline.txt');
  const whole = parse(input).events;
  for (const size of [1, 7, 64, 1000]) {
    const chunked = parse(input, size);
    assert.deepEqual(chunked.events, whole, `chunks of ${size}`);
    assert.equal(chunked.parser.counters.parseErrors, 0);
  }
});

test('non-ASCII bytes split across chunks decode the same', () => {
  const line = Buffer.from('70 1.0 openat(AT_FDCWD</w>, "/tmp/w\\303\\251", O_RDONLY) = 3</tmp/wé>\n', 'utf8');
  for (let cut = 1; cut < line.length; cut++) {
    const { events } = parse(Buffer.concat([line.subarray(0, cut), line.subarray(cut)]), cut);
    assert.equal(events[0]?.args.name, '/tmp/wé');
    assert.deepEqual(events[0]?.args.res_fd, { fd: 3, path: '/tmp/wé' });
  }
});

test('overlong lines are dropped and counted', () => {
  const long = `80 1.0 write(1, "${'a'.repeat(5000)}", 5000) = 5000\n80 1.1 close(1) = 0\n`;
  const buf = Buffer.from(long);
  const { events, parser } = parse(buf, 512, { maxLineBytes: 1024 });
  assert.deepEqual(
    events.map((e) => e.type),
    ['close'],
  );
  assert.equal(parser.counters.parseErrors, 1);
});

test('threads join their parent thread group; forks start their own', () => {
  const { events } = parse(
    [
      '100 1.0 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0} => {parent_tid=[101]}, 88) = 101',
      '101 1.1 close(5) = 0',
      '101 1.2 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 102',
      '102 1.3 close(6) = 0',
      '101 1.4 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, tls=0x7f) = 103',
      '103 1.5 close(7) = 0',
      '101 1.6 +++ exited with 0 +++',
      '100 1.7 +++ exited with 0 +++',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    events.map((e) => [e.type, e.pid, e.tid]),
    [
      ['clone3', 100, 100],
      ['close', 100, 101],
      ['clone', 100, 101],
      ['close', 102, 102],
      ['clone', 100, 101],
      ['close', 100, 103],
      // The exit of thread 101 is not a process exit; the leader's is.
      ['procexit', 100, 100],
    ],
  );
});

test('a thread printing before its clone resumes is put in the cloning group', () => {
  const { events } = parse(
    [
      '200 1.0 execve("/t", ["/t"], []) = 0',
      '200 1.1 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} <unfinished ...>',
      '201 1.2 close(-1) = -1 EBADF (Bad file descriptor)',
      '200 1.3 <... clone3 resumed> => {parent_tid=[201]}, 88) = 201',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    events.map((e) => [e.type, e.pid, e.tid]),
    [
      ['execve', 200, 200],
      ['close', 200, 201],
      ['clone3', 200, 200],
    ],
  );
});

test('...but not when a fork is also in flight (ambiguous: asks resolveTgid)', () => {
  const asked: number[] = [];
  const { events } = parse(
    [
      '300 1.0 clone3({flags=CLONE_VM|CLONE_THREAD} <unfinished ...>',
      '400 1.1 vfork( <unfinished ...>',
      '500 1.2 close(1) = 0',
      '',
    ].join('\n'),
    undefined,
    { resolveTgid: (tid) => (asked.push(tid), 400) },
  );
  assert.equal(asked[0], 500);
  assert.equal(events.find((e) => e.type === 'close')?.pid, 400);
});

test('clone results strace 6.1 misreports are corrected from parent_tid', () => {
  const { events } = parse(
    [
      '10085 1.0 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} => {parent_tid=[10086]}, 88) = 1',
      '25540 2.0 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} => {parent_tid=[0]}, 88) = 25542',
      '10086 3.0 close(1) = 0',
      '25542 3.0 close(1) = 0',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    events.map((e) => [e.type, e.pid, e.tid, e.res]),
    [
      ['clone3', 10085, 10085, 10086],
      ['clone3', 25540, 25540, 25542],
      ['close', 10085, 10086, 0],
      ['close', 25540, 25542, 0],
    ],
  );
});

test('the root is the first line; its end is reported', () => {
  const ends: unknown[] = [];
  const roots: number[] = [];
  const { parser } = parse(
    [
      '77 1.0 execve("/bin/x", ["x"], []) = 0',
      '78 1.1 +++ exited with 1 +++',
      '77 1.2 +++ killed by SIGTERM +++',
      '',
    ].join('\n'),
    undefined,
    { onRoot: (t) => roots.push(t), onRootEnd: (e) => ends.push(e) },
  );
  assert.deepEqual(roots, [77]);
  assert.equal(parser.rootTid, 77);
  assert.deepEqual(ends, [{ kind: 'killed', signal: 'SIGTERM', core: false }]);
});

test('a thread exec: its pending execve resumes under the leader tid', () => {
  const { events, parser } = parse(
    [
      '600 1.0 clone3({flags=CLONE_VM|CLONE_THREAD} => {parent_tid=[601]}, 88) = 601',
      '601 1.1 execve("/bin/true", ["true"], [] <unfinished ...>',
      '600 1.2 +++ superseded by execve in pid 601 +++',
      '600 1.3 <... execve resumed>) = 0',
      '600 1.4 exit_group(0) = ?',
      '600 1.5 +++ exited with 0 +++',
      '',
    ].join('\n'),
  );
  assert.equal(parser.counters.parseErrors, 0);
  assert.deepEqual(
    events.map((e) => [e.type, e.pid, e.tid, e.res]),
    [
      ['clone3', 600, 600, 601],
      ['execve', 600, 600, 0],
      ['exit_group', 600, 600, undefined],
      ['procexit', 600, 600, undefined],
    ],
  );
  assert.equal(events[1]?.args.filename, '/bin/true');
});

test('truncations are counted per event', () => {
  const { parser } = parse('1 1.0 execve("/bin/x", ["x", "yyyy"...], []) = 0\n1 1.1 close(3) = 0\n');
  assert.equal(parser.counters.truncations, 1);
  assert.equal(parser.counters.events, 2);
});
