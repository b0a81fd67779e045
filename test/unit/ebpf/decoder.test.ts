import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../../src/events/event.js';
import { RecordDecoder, type ProbeMessage } from '../../../src/sensors/ebpf/decoder.js';
import type { ExitStatus } from '../../../src/sensors/sensor.js';
import {
  cstr,
  exitRecord,
  hello,
  message,
  procexit,
  sockaddrIn,
  sockaddrIn6,
  sockaddrUn,
  started,
  stats,
  strings,
  syscall,
  tuple,
  ip6,
} from './records.js';

const EPOCH = 1_700_000_000_000_000_000n;
const AT_FDCWD = -100;

function openatRecord(path = '/etc/hostname', ts = 1000n): Buffer {
  return syscall({
    ts,
    pid: 10,
    tid: 11,
    nr: 257,
    ret: 3n,
    args: [AT_FDCWD, 0x7ffd0000, 0x80000 | 0x2, 0o644],
    items: [{ kind: 1, data: cstr(path) }],
  });
}

function decodeAll(...chunks: Buffer[]): { events: Event[]; d: RecordDecoder } {
  const d = new RecordDecoder();
  const events: Event[] = [];
  for (const c of chunks) events.push(...d.push(c));
  d.end();
  return { events, d };
}

test('openat: header, task, result and named arguments', () => {
  const { events, d } = decodeAll(Buffer.concat([hello(EPOCH), openatRecord()]));
  assert.equal(d.parseErrors, 0);
  assert.deepEqual(events, [
    {
      ts: EPOCH + 1000n,
      source: 'ebpf',
      type: 'openat',
      pid: 10,
      tid: 11,
      res: 3,
      args: {
        dirfd: { fd: -100 },
        name: '/etc/hostname',
        flags: { names: ['O_RDWR', 'O_CLOEXEC'], value: 0x80002 },
        mode: 0o644,
      },
    },
  ]);
});

test('a record split across two chunks decodes the same at every split point', () => {
  const stream = Buffer.concat([hello(EPOCH), openatRecord('/a'), openatRecord('/b', 2000n)]);
  const whole = decodeAll(stream).events;
  assert.equal(whole.length, 2);
  for (let cut = 1; cut < stream.length; cut++) {
    const { events, d } = decodeAll(stream.subarray(0, cut), stream.subarray(cut));
    assert.deepEqual(events, whole, `split at ${cut}`);
    assert.equal(d.parseErrors, 0, `split at ${cut}`);
  }
});

test('a record spread over many one-byte chunks', () => {
  const stream = Buffer.concat([hello(EPOCH), openatRecord()]);
  const chunks = [...stream].map((b) => Buffer.from([b]));
  const { events, d } = decodeAll(...chunks);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.args.name, '/etc/hostname');
  assert.equal(d.parseErrors, 0);
});

test('an unknown record version is counted and skipped by its length', () => {
  const future = syscall({ pid: 1, nr: 3, version: 2, items: [{ kind: 1, data: cstr('/x') }] });
  const { events, d } = decodeAll(Buffer.concat([hello(EPOCH), future, openatRecord()]));
  assert.equal(d.parseErrors, 1);
  assert.deepEqual(
    events.map((e) => e.type),
    ['openat'],
  );
});

test('an unknown record type is counted and skipped', () => {
  const odd = Buffer.alloc(24);
  odd.writeUInt16LE(99, 0);
  odd.writeUInt16LE(1, 2);
  odd.writeUInt32LE(24, 4);
  const { events, d } = decodeAll(Buffer.concat([odd, openatRecord()]));
  assert.equal(d.parseErrors, 1);
  assert.equal(events.length, 1);
});

test('a truncated tail is a parse error at end, not an exception', () => {
  const rec = openatRecord();
  const { events, d } = decodeAll(Buffer.concat([hello(EPOCH), rec.subarray(0, rec.length - 5)]));
  assert.equal(events.length, 0);
  assert.equal(d.parseErrors, 1);
});

test('items overrunning their record are a parse error', () => {
  const rec = openatRecord();
  rec.writeUInt16LE(200, 120 + 2); // the PATH item claims more bytes than the record has
  const { events, d } = decodeAll(Buffer.concat([rec, openatRecord()]));
  assert.equal(d.parseErrors, 1);
  assert.equal(events.length, 1);
});

test('an impossible length resynchronises on the next header', () => {
  const junk = Buffer.alloc(16, 0xff);
  const { events, d } = decodeAll(Buffer.concat([junk, openatRecord()]));
  assert.equal(d.parseErrors, 1);
  assert.equal(events.length, 1);
});

test('execve: filename, argv, envp and the identity of the new image', () => {
  const rec = syscall({
    pid: 20,
    ppid: 19,
    uid: 1000,
    gid: 100,
    nr: 59,
    ret: 0n,
    comm: 'cat',
    items: [
      { kind: 1, data: cstr('/usr/bin/cat') },
      { kind: 4, data: strings(['cat', '/etc/hostname']) },
      { kind: 5, data: strings(['PATH=/bin', 'HOME=/root']) },
    ],
  });
  const [ev] = decodeAll(rec).events;
  assert.equal(ev?.type, 'execve');
  assert.equal(ev?.res, 0);
  assert.deepEqual(ev?.args, {
    filename: '/usr/bin/cat',
    argv: ['cat', '/etc/hostname'],
    envp: ['PATH=/bin', 'HOME=/root'],
    ptid: 19,
    uid: 1000,
    gid: 100,
    comm: 'cat',
  });
});

test('a truncated argv marks the event and is counted', () => {
  const rec = syscall({
    pid: 20,
    nr: 59,
    flags: 0x2,
    items: [
      { kind: 1, data: cstr('/bin/x') },
      { kind: 4, flags: 1, data: Buffer.from('x\0aaaa', 'utf8') },
    ],
  });
  const { events, d } = decodeAll(rec);
  assert.equal(events[0]?.truncated, true);
  assert.deepEqual(events[0]?.args.argv, ['x', 'aaaa']);
  assert.equal(d.truncations, 1);
});

test('failure: negative result with its errno name', () => {
  const rec = syscall({ pid: 1, nr: 257, ret: -2n, args: [AT_FDCWD, 0, 0], items: [{ kind: 1, data: cstr('/nope') }] });
  const [ev] = decodeAll(rec).events;
  assert.equal(ev?.res, -2);
  assert.equal(ev?.errno, 'ENOENT');
  assert.deepEqual(ev?.args.flags, { names: ['O_RDONLY'], value: 0 });
});

test('exit_group never returns: no res', () => {
  const [ev] = decodeAll(syscall({ pid: 1, nr: 231, flags: 0x1, args: [7] })).events;
  assert.equal(ev?.type, 'exit_group');
  assert.equal(ev?.res, undefined);
  assert.deepEqual(ev?.args, { status: 7 });
});

test('connect: inet, inet6 and abstract unix addresses', () => {
  const rec = (addr: Buffer): Buffer =>
    syscall({ pid: 1, nr: 42, args: [5, 0, addr.length], items: [{ kind: 3, data: addr }] });
  const evs = decodeAll(
    rec(sockaddrIn([127, 0, 0, 1], 8080)),
    rec(sockaddrIn6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 443)),
    rec(sockaddrIn6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001], 22)),
    rec(sockaddrUn('/run/x.sock')),
    rec(sockaddrUn('harrier', true)),
  ).events;
  assert.deepEqual(
    evs.map((e) => e.args.addr),
    [
      { family: 'inet', ip: '127.0.0.1', port: 8080 },
      { family: 'inet6', ip: '2001:db8::1', port: 443 },
      { family: 'inet6', ip: '::ffff:10.0.0.1', port: 22 },
      { family: 'unix', path: '/run/x.sock' },
      { family: 'unix', path: 'harrier', abstract: true },
    ],
  );
  assert.deepEqual(evs[0]?.args.fd, { fd: 5 });
});

test("TUPLE: the kernel's endpoints become local, remote and l4proto; addr stays the caller's", () => {
  const lo = [127, 0, 0, 1];
  const TCP = 6;
  const UDP = 17;
  const evs = decodeAll(
    // bind(127.0.0.1:0): the kernel chose 40000.
    syscall({
      pid: 1,
      nr: 49,
      args: [5, 0, 16],
      items: [
        { kind: 3, data: sockaddrIn([127, 0, 0, 1], 0) },
        { kind: 9, data: tuple({ family: 2, proto: TCP, type: 1, local: { addr: lo, port: 40000 } }) },
      ],
    }),
    // listen: no sockaddr, a tuple without a peer.
    syscall({
      pid: 1,
      nr: 50,
      args: [5, 128],
      items: [{ kind: 9, data: tuple({ family: 2, proto: TCP, type: 1, local: { addr: lo, port: 40000 } }) }],
    }),
    // connect in progress: the client's ephemeral port.
    syscall({
      pid: 1,
      nr: 42,
      ret: -115n,
      args: [6, 0, 16],
      items: [
        { kind: 3, data: sockaddrIn([127, 0, 0, 1], 40000) },
        {
          kind: 9,
          data: tuple({
            family: 2,
            proto: TCP,
            type: 1,
            local: { addr: lo, port: 51234 },
            remote: { addr: lo, port: 40000 },
          }),
        },
      ],
    }),
    // accept4 over IPv6 (no sockaddr asked for): the new connection's ends.
    syscall({
      pid: 1,
      nr: 288,
      ret: 7n,
      args: [5, 0, 0, 0x80000],
      items: [
        {
          kind: 9,
          data: tuple({
            family: 10,
            proto: TCP,
            type: 1,
            local: { addr: ip6([0, 0, 0, 0, 0, 0, 0, 1]), port: 40000 },
            remote: { addr: ip6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001]), port: 51234 },
          }),
        },
      ],
    }),
    // sendto on an unconnected UDP socket: autobound local end, no peer.
    syscall({
      pid: 1,
      nr: 44,
      ret: 3n,
      args: [8, 0, 3, 0, 0x1000, 16],
      items: [
        { kind: 3, data: sockaddrIn([10, 0, 0, 53], 53) },
        { kind: 9, data: tuple({ family: 2, proto: UDP, type: 2, local: { addr: [0, 0, 0, 0], port: 33333 } }) },
      ],
    }),
    // A ping socket, a raw socket, and an unknown protocol.
    syscall({
      pid: 1,
      nr: 46,
      ret: 8n,
      args: [9, 0],
      items: [{ kind: 9, data: tuple({ family: 2, proto: 1, type: 2, local: { addr: lo, port: 7 } }) }],
    }),
    syscall({
      pid: 1,
      nr: 46,
      ret: 8n,
      args: [9, 0],
      items: [{ kind: 9, data: tuple({ family: 2, proto: 255, type: 3, local: { addr: lo, port: 0 } }) }],
    }),
    syscall({
      pid: 1,
      nr: 46,
      ret: 8n,
      args: [9, 0],
      items: [{ kind: 9, data: tuple({ family: 2, proto: 132, type: 1, local: { addr: lo, port: 9 } }) }],
    }),
  ).events;
  assert.deepEqual(
    evs.map((e) => e.args),
    [
      {
        fd: { fd: 5 },
        addr: { family: 'inet', ip: '127.0.0.1', port: 0 },
        local: { family: 'inet', ip: '127.0.0.1', port: 40000 },
        l4proto: 'tcp',
      },
      { fd: { fd: 5 }, backlog: 128, local: { family: 'inet', ip: '127.0.0.1', port: 40000 }, l4proto: 'tcp' },
      {
        fd: { fd: 6 },
        addr: { family: 'inet', ip: '127.0.0.1', port: 40000 },
        local: { family: 'inet', ip: '127.0.0.1', port: 51234 },
        remote: { family: 'inet', ip: '127.0.0.1', port: 40000 },
        l4proto: 'tcp',
      },
      {
        fd: { fd: 5 },
        addr: null,
        flags: { names: ['SOCK_CLOEXEC'], value: 0x80000 },
        local: { family: 'inet6', ip: '::1', port: 40000 },
        remote: { family: 'inet6', ip: '::ffff:127.0.0.1', port: 51234 },
        l4proto: 'tcp',
      },
      {
        fd: { fd: 8 },
        size: 3,
        addr: { family: 'inet', ip: '10.0.0.53', port: 53 },
        local: { family: 'inet', ip: '0.0.0.0', port: 33333 },
        l4proto: 'udp',
      },
      { fd: { fd: 9 }, addr: null, local: { family: 'inet', ip: '127.0.0.1', port: 7 }, l4proto: 'icmp' },
      { fd: { fd: 9 }, addr: null, local: { family: 'inet', ip: '127.0.0.1', port: 0 }, l4proto: 'raw' },
      { fd: { fd: 9 }, addr: null, local: { family: 'inet', ip: '127.0.0.1', port: 9 } },
    ],
  );
});

test('TUPLE: a short or non-inet tuple is ignored; an unknown item kind is skipped', () => {
  const t = tuple({ family: 2, proto: 6, type: 1, local: { addr: [127, 0, 0, 1], port: 1 } });
  const unix = Buffer.from(t);
  unix.writeUInt16LE(1, 0);
  const { events, d } = decodeAll(
    syscall({ pid: 1, nr: 50, args: [3, 1], items: [{ kind: 9, data: t.subarray(0, 40) }] }),
    syscall({ pid: 1, nr: 50, args: [3, 1], items: [{ kind: 9, data: unix }] }),
    syscall({
      pid: 1,
      nr: 50,
      args: [3, 1],
      items: [
        { kind: 12, data: Buffer.alloc(6) },
        { kind: 9, data: t },
      ],
    }),
  );
  assert.deepEqual(
    events.map((e) => e.args),
    [
      { fd: { fd: 3 }, backlog: 1 },
      { fd: { fd: 3 }, backlog: 1 },
      { fd: { fd: 3 }, backlog: 1, local: { family: 'inet', ip: '127.0.0.1', port: 1 }, l4proto: 'tcp' },
    ],
  );
  assert.equal(d.parseErrors, 0);
});

test('socket, clone, kill, ptrace, memfd_create, pipe2, rename', () => {
  const evs = decodeAll(
    syscall({ pid: 1, nr: 41, ret: 3n, args: [2, 1 | 0x80000, 0] }),
    syscall({ pid: 1, nr: 56, ret: 77n, args: [0x01200011] }),
    syscall({ pid: 1, nr: 62, args: [77, 9] }),
    syscall({ pid: 1, nr: 101, args: [16, 77] }),
    syscall({ pid: 1, nr: 319, ret: 4n, args: [0, 1], items: [{ kind: 6, data: cstr('payload') }] }),
    syscall({ pid: 1, nr: 293, args: [0, 0x80000], items: [{ kind: 8, data: Buffer.from([5, 0, 0, 0, 6, 0, 0, 0]) }] }),
    syscall({
      pid: 1,
      nr: 82,
      items: [
        { kind: 1, data: cstr('/a') },
        { kind: 2, data: cstr('/b') },
      ],
    }),
  ).events;
  assert.deepEqual(evs[0]?.args, { domain: 'AF_INET', type: 'SOCK_STREAM|SOCK_CLOEXEC', proto: 0 });
  assert.deepEqual(evs[1]?.args.flags, {
    names: ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD'],
    value: 0x01200011,
  });
  assert.deepEqual(evs[2]?.args, { pid: 77, sig: 'SIGKILL' });
  assert.deepEqual(evs[3]?.args, { request: 'PTRACE_ATTACH', pid: 77 });
  assert.deepEqual(evs[4]?.args, { name: 'payload', flags: { names: ['MFD_CLOEXEC'], value: 1 } });
  assert.deepEqual(evs[5]?.args, { fds: ['5', '6'], flags: { names: ['O_CLOEXEC'], value: 0x80000 } });
  assert.deepEqual(evs[6]?.args, { oldpath: '/a', newpath: '/b' });
});

test('procexit: exit status, or signal with core flag', () => {
  const evs = decodeAll(procexit(30, 7 << 8), procexit(31, 9), procexit(32, 11 | 0x80)).events;
  assert.deepEqual(
    evs.map((e) => [e.type, e.pid, e.args]),
    [
      ['procexit', 30, { status: 7 }],
      ['procexit', 31, { signal: 'SIGKILL', core: false }],
      ['procexit', 32, { signal: 'SIGSEGV', core: true }],
    ],
  );
});

test('loader records: started, exit, stats, message', () => {
  let pid = 0;
  let exit: ExitStatus | undefined;
  const messages: ProbeMessage[] = [];
  const d = new RecordDecoder({
    started: (p) => (pid = p),
    exit: (_p, s) => (exit = s),
    message: (m) => messages.push(m),
  });
  const evs = d.push(
    Buffer.concat([
      hello(EPOCH),
      started(123),
      stats([2, 3], 1),
      exitRecord(123, 7 << 8),
      message(1, 7, 'cannot run x: No such file or directory'),
    ]),
  );
  assert.equal(evs.length, 0);
  assert.equal(pid, 123);
  assert.deepEqual(exit, { kind: 'exited', code: 7 });
  assert.equal(d.drops(), 6);
  assert.deepEqual(d.stats?.dropsPerCpu, [2, 3]);
  assert.deepEqual(messages, [{ level: 'error', code: 7, text: 'cannot run x: No such file or directory' }]);
  assert.equal(d.parseErrors, 0);
});

test('an exit by signal', () => {
  let exit: ExitStatus | undefined;
  new RecordDecoder({ exit: (_p, s) => (exit = s) }).push(exitRecord(1, 15));
  assert.deepEqual(exit, { kind: 'killed', signal: 'SIGTERM', signo: 15 });
});

test('a syscall the table does not name still decodes', () => {
  const [ev] = decodeAll(syscall({ pid: 1, nr: 400, ret: 0n })).events;
  assert.equal(ev?.type, 'syscall_400');
  assert.deepEqual(ev?.args, {});
});

test('execveat: dirfd and flags on failure; on success the registers are gone', () => {
  const [failed, ok] = decodeAll(
    syscall({ pid: 1, nr: 322, ret: -2n, args: [5, 0, 0, 0, 0x1000], items: [{ kind: 1, data: cstr('x') }] }),
    syscall({ pid: 1, nr: 322, ret: 0n, items: [{ kind: 1, data: cstr('/dev/fd/5/x') }] }),
  ).events;
  assert.deepEqual(failed?.args.dirfd, { fd: 5 });
  assert.deepEqual(failed?.args.flags, { names: ['AT_EMPTY_PATH'], value: 0x1000 });
  assert.equal(ok?.args.dirfd, undefined);
  assert.equal(ok?.args.filename, '/dev/fd/5/x');
});
