/**
 * The eBPF sensor against real programs on the real kernel. Needs root and a built probe
 * (`npm run setup`, or `make -C native/probe`); skipped with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { type Event, isSockAddr } from '../../src/events/event.js';
import { EbpfSensor, type EbpfSession, defaultLoaderPath } from '../../src/sensors/ebpf/index.js';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the eBPF sensor needs root';
  if (!existsSync(defaultLoaderPath())) return `the probe is not built (${defaultLoaderPath()}): run npm run setup`;
  return undefined;
}

async function collect(s: EbpfSession): Promise<Event[]> {
  const all: Event[] = [];
  for await (const batch of s.events) all.push(...batch);
  return all;
}

function runCommand(argv: string[]): Promise<EbpfSession> {
  return new EbpfSensor().start({ mode: 'command', argv, cwd: process.cwd(), env: process.env });
}

test('a command: execve of cat with its argv, openat of /etc/hostname, exit code 7', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sh', '-c', 'cat /etc/hostname >/dev/null; exit 7']);
  const root = await s.rootPid;
  const events = await collect(s);
  assert.deepEqual(await s.exit, { kind: 'exited', code: 7 });

  // The command's first event is its own exec: nothing of the loader's fork leaks in.
  assert.equal(events[0]?.type, 'execve');
  assert.equal(events[0]?.pid, root);

  const cat = events.find((e) => e.type === 'execve' && Array.isArray(e.args.argv) && e.args.argv[0] === 'cat');
  assert.ok(cat, 'execve of cat');
  assert.equal(cat.res, 0);
  assert.deepEqual(cat.args.argv, ['cat', '/etc/hostname']);
  assert.equal(cat.args.ptid, root);

  const open = events.find((e) => e.type === 'openat' && e.args.name === '/etc/hostname');
  assert.ok(open, 'openat /etc/hostname');
  assert.equal(open.pid, cat.pid);
  assert.ok((open.res ?? -1) >= 0);

  const exit = events.find((e) => e.type === 'procexit' && e.pid === root);
  assert.deepEqual(exit?.args, { status: 7 });
  assert.ok(events.every((e) => e.source === 'ebpf'));
  // Timestamps are epoch nanoseconds, close to now.
  const now = BigInt(Date.now()) * 1_000_000n;
  assert.ok(cat.ts > now - 60_000_000_000n && cat.ts <= now, `ts ${cat.ts} vs ${now}`);

  const st = s.stats();
  assert.equal(st.drops, 0);
  assert.equal(st.parseErrors, 0);
  assert.equal(st.events, events.length);
  await s.stop();
});

test('a fast forker: all eight /bin/true execs are seen', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait']);
  const events = await collect(s);
  assert.deepEqual(await s.exit, { kind: 'exited', code: 0 });
  const execs = events.filter((e) => e.type === 'execve' && e.res === 0 && e.args.filename === '/bin/true');
  assert.equal(execs.length, 8);
  assert.equal(new Set(execs.map((e) => e.pid)).size, 8);
  for (const ex of execs) {
    assert.ok(
      events.some((e) => e.type === 'procexit' && e.pid === ex.pid),
      `procexit of ${ex.pid}`,
    );
  }
  assert.equal(s.stats().drops, 0);
  await s.stop();
});

test('connect: the socket address is decoded', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const script = "require('net').connect(1, '127.0.0.1').on('error', () => process.exit(0))";
  const s = await runCommand([process.execPath, '-e', script]);
  const events = await collect(s);
  await s.exit;
  const c = events.find((e) => e.type === 'connect' && isSockAddr(e.args.addr) && e.args.addr.family === 'inet');
  assert.ok(c, 'connect event');
  assert.deepEqual(c.args.addr, { family: 'inet', ip: '127.0.0.1', port: 1 });
  // Node's sockets are non-blocking: refused at once, or in progress.
  assert.ok(c.errno === 'ECONNREFUSED' || c.errno === 'EINPROGRESS', String(c.errno));
  const sock = events.find((e) => e.type === 'socket' && e.args.domain === 'AF_INET');
  assert.ok(sock, 'socket event');
  await s.stop();
});

test('host mode sees a process started outside the sensor, and not Harrier itself', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await new EbpfSensor().start({ mode: 'host' });
  const marker = `harrier-host-${randomBytes(6).toString('hex')}`;
  const seen: Event[] = [];
  let found: Event | undefined;
  const consumer = (async () => {
    for await (const batch of s.events) {
      for (const e of batch) {
        if (e.pid === process.pid) seen.push(e);
        if (e.type === 'execve' && Array.isArray(e.args.argv) && e.args.argv.includes(marker)) found = e;
      }
    }
  })();
  await new Promise<void>((resolve, reject) => {
    const c = spawn('/bin/echo', [marker], { stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', () => resolve());
  });
  const deadline = Date.now() + 5000;
  while (found === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await s.stop();
  await consumer;
  assert.ok(found, 'the execve of /bin/echo with the marker');
  assert.equal(found.args.filename, '/bin/echo');
  assert.deepEqual(seen, [], "Harrier's own process is left out");
  assert.deepEqual(await s.exit, { kind: 'exited', code: 0 });
});

test('signal() reaches the command; stop() leaves nothing running', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sleep', '30']);
  const root = await s.rootPid;
  const drained = collect(s);
  s.signal('SIGTERM');
  assert.deepEqual(await s.exit, { kind: 'killed', signal: 'SIGTERM', signo: 15 });
  await drained;
  await s.stop();

  const s2 = await runCommand(['/bin/sleep', '30']);
  const root2 = await s2.rootPid;
  const drained2 = collect(s2);
  await s2.stop();
  await drained2;
  assert.deepEqual(await s2.exit, { kind: 'killed', signal: 'SIGKILL', signo: 9 });
  for (const pid of [root, root2]) assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a command that cannot be started is a SensorError', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  await assert.rejects(runCommand(['/nonexistent/harrier-test']), (e: Error) => {
    assert.equal(e.name, 'SensorError');
    assert.match(e.message, /No such file or directory/);
    return true;
  });
});
