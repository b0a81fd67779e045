/**
 * The ptrace sensor on real programs under the real strace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../../src/events/event.js';
import { SensorError, type SensorSession } from '../../src/sensors/sensor.js';
import { PtraceSensor } from '../../src/sensors/ptrace/strace-sensor.js';
import { findStrace } from '../../src/sensors/ptrace/availability.js';

const FIXTURES = new URL('../../../test/fixtures/strace/', import.meta.url);
const sensor = new PtraceSensor();
const unavailable = await sensor.unavailableReason();
const skip = unavailable === undefined ? false : `ptrace sensor unavailable: ${unavailable}`;

function command(argv: string[], cwd = '/tmp') {
  return { mode: 'command' as const, argv, cwd, env: { PATH: '/usr/bin:/bin', LANG: 'C' } };
}

async function collect(session: SensorSession, onBatch?: (n: number) => Promise<void>): Promise<Event[]> {
  const all: Event[] = [];
  let n = 0;
  for await (const batch of session.events) {
    all.push(...batch);
    await onBatch?.(n++);
  }
  return all;
}

/** Children of this process that are strace, from /proc (they must all be gone after a session). */
function straceChildren(): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (comm === 'strace' && ppid === process.pid) out.push(Number(e));
    } catch {
      // Gone while scanning.
    }
  }
  return out;
}

/** Whether `pid` is still a live (not zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

test('a shell command: exec of cat with argv, open of /etc/hostname, exit status 7', { skip }, async () => {
  const session = await sensor.start(command(['/bin/sh', '-c', 'cat /etc/hostname > /dev/null; exit 7']));
  const events = await collect(session);
  const exit = await session.exit;
  const root = await session.rootPid;

  assert.deepEqual(exit, { kind: 'exited', code: 7 });
  const first = events[0];
  assert.equal(first?.type, 'execve');
  assert.equal(first?.pid, root);
  assert.equal(first?.args.filename, '/bin/sh');

  const cat = events.find(
    (e) => e.type === 'execve' && (e.args.filename === '/usr/bin/cat' || e.args.filename === '/bin/cat'),
  );
  assert.ok(cat, 'execve of cat');
  assert.deepEqual(cat.args.argv, ['cat', '/etc/hostname']);
  assert.equal(cat.res, 0);
  assert.notEqual(cat.pid, root);
  assert.deepEqual(cat.args.envp, ['PATH=/usr/bin:/bin', 'LANG=C', 'PWD=/tmp']);

  const open = events.find((e) => e.type === 'openat' && e.args.name === '/etc/hostname');
  assert.ok(open, 'openat of /etc/hostname');
  assert.equal(open.pid, cat.pid);
  assert.ok((open.res ?? -1) >= 0);
  assert.deepEqual(open.args.flags, { names: ['O_RDONLY'] });
  assert.deepEqual(open.args.res_fd, { fd: open.res, path: '/etc/hostname' });

  const exits = events.filter((e) => e.type === 'procexit');
  assert.deepEqual(
    exits.map((e) => [e.pid, e.args.status]),
    [
      [cat.pid, 0],
      [root, 7],
    ],
  );
  assert.equal(events.at(-1)?.type, 'procexit', 'exit resolves after the last event');
  assert.deepEqual(session.stats(), { events: events.length, drops: 0, truncations: 0, parseErrors: 0 });
  assert.ok(events.every((e) => e.source === 'ptrace' && e.ts > 1_600_000_000_000_000_000n));

  await session.stop();
  assert.deepEqual(straceChildren(), []);
});

test('the command keeps Harrier’s stdio and never sees the FIFO', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-it-fds-'));
  try {
    const out = join(dir, 'fds');
    const session = await sensor.start(
      command(['/bin/sh', '-c', `for f in /proc/$$/fd/*; do echo "$f $(readlink $f)"; done > ${out}`]),
    );
    await collect(session);
    assert.deepEqual(await session.exit, { kind: 'exited', code: 0 });
    await session.stop();
    const fds = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const [path, target] = l.split(' ');
          return [Number(path?.split('/').pop()), target ?? ''] as const;
        }),
    );
    assert.equal(fds.get(0), readlinkSync('/proc/self/fd/0'));
    assert.equal(fds.get(2), readlinkSync('/proc/self/fd/2'));
    for (const target of fds.values()) assert.doesNotMatch(target, /harrier-ptrace-/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a slow consumer loses nothing: strace is paused, not outrun', { skip }, async () => {
  const slow = new PtraceSensor({ maxQueuedBatches: 2 });
  const session = await slow.start(
    command(['/bin/sh', '-c', 'i=0; while [ $i -lt 2000 ]; do : < /etc/hostname; i=$((i+1)); done']),
  );
  const events = await collect(session, async (n) => {
    if (n < 20) await new Promise((r) => setTimeout(r, 25));
  });
  assert.deepEqual(await session.exit, { kind: 'exited', code: 0 });
  await session.stop();
  assert.equal(events.filter((e) => e.type === 'openat' && e.args.name === '/etc/hostname').length, 2000);
  assert.equal(session.stats().drops, 0);
  assert.equal(session.stats().parseErrors, 0);
});

test('stop() mid-run kills the tracees and strace, and ends the stream', { skip }, async () => {
  const session = await sensor.start(command(['/bin/sh', '-c', 'sleep 30 & sleep 30; echo never']));
  const pids = new Set<number>();
  let stopped: Promise<void> | undefined;
  const events = await collect(session, async () => {
    if (stopped !== undefined) return;
    // Stop once both sleeps exist.
    stopped = new Promise((r) => setTimeout(r, 300)).then(() => session.stop());
  });
  await stopped;
  for (const e of events) pids.add(e.pid);
  assert.ok(events.filter((e) => e.type === 'execve' && e.args.filename === '/usr/bin/sleep').length >= 1);
  const exit = await session.exit;
  assert.deepEqual(exit, { kind: 'killed', signal: 'SIGKILL', signo: 9 });
  assert.ok(await eventually(() => [...pids].every((p) => !alive(p))), 'no tracee survives');
  assert.deepEqual(straceChildren(), []);
});

test('signal() reaches the command', { skip }, async () => {
  const session = await sensor.start(command(['/bin/sleep', '30']));
  const root = await session.rootPid;
  setTimeout(() => session.signal('SIGTERM'), 200);
  await collect(session);
  assert.deepEqual(await session.exit, { kind: 'killed', signal: 'SIGTERM', signo: 15 });
  await session.stop();
  assert.equal(alive(root), false);
});

test('a command that cannot run is a SensorError from start()', { skip }, async () => {
  await assert.rejects(sensor.start(command(['/nonexistent/cmd'])), (e: unknown) => {
    assert.ok(e instanceof SensorError);
    assert.equal(e.message, 'cannot execute /nonexistent/cmd (ENOENT)');
    return true;
  });
  assert.deepEqual(straceChildren(), []);
});

test('host mode is refused with a pointer to the eBPF sensor', async () => {
  await assert.rejects(sensor.start({ mode: 'host' }), (e: unknown) => {
    assert.ok(e instanceof SensorError);
    assert.equal(e.message, 'the ptrace sensor can only observe commands it starts');
    assert.equal(e.hint, 'use --sensor ebpf for host-wide monitoring');
    return true;
  });
});

test('a missing strace is reported as such', async () => {
  const none = new PtraceSensor({ stracePath: '/nonexistent/strace' });
  assert.equal(await none.unavailableReason(), 'strace is not installed');
  await assert.rejects(none.start(command(['/bin/true'])), (e: unknown) => {
    assert.ok(e instanceof SensorError);
    assert.equal(e.hint, 'apt-get install strace');
    return true;
  });
});

test('where ptrace is forbidden, the reason says what to do', async (t) => {
  const strace = findStrace();
  const gcc = spawnSync('gcc', ['--version']).status === 0;
  if (skip || strace === undefined || !gcc) {
    t.skip('needs strace and gcc');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'harrier-noptrace-'));
  try {
    const bin = join(dir, 'no-ptrace');
    execFileSync('gcc', ['-o', bin, new URL('programs/no-ptrace.c', FIXTURES).pathname]);
    // A strace whose ptrace calls fail with EPERM, as under a restrictive seccomp profile.
    const wrapper = join(dir, 'strace');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${bin} ${strace} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const denied = new PtraceSensor({ stracePath: wrapper });
    const reason = await denied.unavailableReason();
    assert.match(
      reason ?? '',
      /^this system does not allow tracing processes with ptrace \(strace: ptrace\(PTRACE_TRACEME/,
    );
    assert.match(reason ?? '', /CAP_SYS_PTRACE/);
    await assert.rejects(denied.start(command(['/bin/true'])), (e: unknown) => {
      assert.ok(e instanceof SensorError);
      assert.match(e.message, /does not allow tracing/);
      assert.match(e.hint ?? '', /kernel\.yama\.ptrace_scope/);
      return true;
    });
    assert.deepEqual(straceChildren(), []);
    assert.equal(existsSync(bin), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
