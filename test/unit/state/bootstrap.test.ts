import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { SystemState } from '../../../src/events/state/system-state.js';
import { userName } from '../../../src/events/users.js';
import { ev } from './events.js';

test('bootstrapFromProc reads this test process', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  try {
    const s = new SystemState();
    const seeded = s.bootstrapFromProc([process.pid]);
    assert.equal(seeded.length, 1);
    const p = s.process(process.pid);
    assert.ok(p);
    assert.equal(p, seeded[0]);
    assert.equal(p.pid, process.pid);
    assert.equal(p.ppid, process.ppid);
    assert.equal(p.exePath, realpathSync(process.execPath));
    assert.equal(p.name, 'node');
    assert.equal(p.exe, process.argv0);
    assert.equal(p.cwd, process.cwd());
    assert.equal(p.uid, process.getuid?.());
    assert.equal(p.euid, process.geteuid?.());
    assert.equal(p.gid, process.getgid?.());
    assert.equal(p.user, userName(process.geteuid?.() ?? -1));
    assert.equal(p.execed, false);
    assert.ok(p.tids.has(process.pid));
    assert.ok(p.tids.size > 1, 'node runs worker threads');
    for (const tid of p.tids) assert.equal(s.processOfTid(tid), p);
    assert.ok(p.env?.includes(`PATH=${process.env.PATH}`));
    for (const fd of [0, 1, 2]) assert.ok(p.fds.has(fd), `fd ${fd}`);
    assert.ok([...p.fds.values()].some((f) => f.type === 'eventpoll'));
    // The listening socket is identified through /proc/net/tcp.
    const listener = [...p.fds.values()].find((f) => f.listening === true && f.type === 'ipv4');
    assert.ok(listener);
    assert.equal(listener.name, `127.0.0.1:${address.port}`);
    assert.equal(listener.l4proto, 'tcp');
    assert.ok(p.startTs > 0n && p.startTs <= BigInt(Date.now()) * 1_000_000n);
    // A second bootstrap leaves an already-known process alone.
    assert.deepEqual(s.bootstrapFromProc([process.pid]), []);
  } finally {
    server.close();
  }
});

test('bootstrapFromProc reads a spawned child; vanished pids are skipped', async () => {
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  await once(child, 'spawn');
  try {
    const pid = child.pid;
    assert.ok(pid !== undefined);
    const s = new SystemState();
    // /proc shows the exec only once it has happened; give it a moment.
    let seeded = s.bootstrapFromProc([pid]);
    for (let i = 0; i < 50 && seeded[0]?.name !== 'sleep'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seeded = new SystemState().bootstrapFromProc([pid]);
    }
    const p = seeded[0];
    assert.ok(p);
    assert.equal(p.pid, pid);
    assert.equal(p.ppid, process.pid);
    assert.equal(p.name, 'sleep');
    assert.equal(p.exe, 'sleep');
    assert.deepEqual(p.args, ['5']);
    assert.equal(p.exePath, realpathSync('/usr/bin/sleep'));
    assert.equal(p.cwd, process.cwd());
    assert.deepEqual([...p.tids], [pid]);
    assert.equal(p.fds.get(0)?.name, '/dev/null');
    // A pid that does not exist is skipped.
    assert.deepEqual(new SystemState().bootstrapFromProc([0x3ffffff]), []);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

test('bootstrapFromProc with no pids reads every process, pid 1 included', () => {
  const s = new SystemState();
  const seeded = s.bootstrapFromProc();
  assert.ok(seeded.some((p) => p.pid === 1));
  assert.ok(seeded.some((p) => p.pid === process.pid));
  assert.equal(s.stats().processes, seeded.length);
  assert.deepEqual(
    s.ancestors(process.pid, 1).map((p) => p.pid),
    [process.ppid],
  );
});

test('procFallback: an unknown pid is read from /proc instead of made a placeholder', () => {
  const s = new SystemState({ procFallback: true });
  s.apply(ev('getpid', process.pid, {}, { res: process.pid }));
  assert.equal(s.process(process.pid)?.cwd, process.cwd());
  assert.equal(s.stats().placeholders, 0);
  const off = new SystemState();
  off.apply(ev('getpid', process.pid, {}, { res: process.pid }));
  assert.equal(off.process(process.pid)?.cwd, '');
  assert.equal(off.stats().placeholders, 1);
});
