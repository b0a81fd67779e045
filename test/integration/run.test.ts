/**
 * `harrier run` end to end: real programs under a real sensor, a real DuckDB store, and the
 * summary asserted for exactly what the programs did.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProcessNode, RunSummary } from '../../src/report/summary.js';
import {
  compileC,
  descendsFrom,
  processesMatching,
  processesWithArgs,
  readJson,
  runHarrier,
  tempDir,
} from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

function flatten(nodes: ProcessNode[]): ProcessNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function fileOps(s: RunSummary, path: string) {
  for (const d of s.files) for (const f of d.files) if (f.path === path) return f;
  return undefined;
}

/** `harrier run --sensor S --no-store --json FILE -- COMMAND`, returning the result and summary. */
async function observed(sensor: string, command: string[]) {
  const out = join(tempDir(), 's.json');
  const r = await runHarrier(['run', '--sensor', sensor, '--no-store', '--json', out, '--', ...command]);
  return { r, s: existsSync(out) ? readJson<RunSummary>(out) : undefined };
}

let work: string;
let activity: string;
let threads: string;

before(() => {
  work = tempDir();
  activity = compileC('activity.c', work);
  threads = compileC('threads.c', work, ['-pthread']);
});

for (const sensor of sensorsUnderTest()) {
  describe(`harrier run (${sensor})`, () => {
    let server: Server;
    let port: number;
    const received: string[] = [];

    before(async () => {
      server = createServer((sock) => sock.on('data', (d) => received.push(d.toString())));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    after(() => server.close());

    test('a C program: process tree, files, network and exit code are exactly what it did', async () => {
      const dir = tempDir();
      const store = join(dir, 'h.duckdb');
      const out = join(dir, 'summary.json');
      const r = await runHarrier([
        'run',
        '--sensor',
        sensor,
        '--store',
        store,
        '--json',
        out,
        '--',
        activity,
        dir,
        String(port),
        '42',
      ]);
      assert.equal(r.code, 42, r.stderr);
      assert.match(r.stdout, /child-exec/);
      const s = readJson<RunSummary>(out);
      assert.deepEqual(s.exit, { code: 42 });
      assert.equal(s.partial, false);
      assert.equal(s.sensor, sensor);

      const procs = flatten(s.processes);
      const root = s.processes[0];
      assert.ok(root);
      assert.equal(root.exePath, activity);
      assert.deepEqual(root.args, [dir, String(port), '42']);
      assert.equal(root.exitCode, 42);
      const echo = procs.find((p) => p.exePath === '/bin/echo' || p.exePath === '/usr/bin/echo');
      assert.ok(echo, 'the forked child exec of echo is in the tree');
      assert.deepEqual(echo.args, ['child-exec']);
      assert.equal(echo.ppid, root.pid);
      assert.equal(echo.exitCode, 0);
      assert.ok(
        root.children.some((c) => c.pid === echo.pid),
        'echo is a child of the root in the tree',
      );
      assert.equal(root.user, process.getuid?.() === 0 ? 'root' : root.user);

      assert.deepEqual(fileOps(s, '/etc/hostname')?.ops, { read: 1 });
      assert.deepEqual(fileOps(s, join(dir, 'new.txt')), {
        path: join(dir, 'new.txt'),
        ops: { write: 1, create: 1, rename: 1, chmod: 1 },
        renamedTo: [join(dir, 'moved.txt')],
      });
      assert.deepEqual(fileOps(s, join(dir, 'gone.txt'))?.ops, { write: 1, delete: 1 });
      const dirEntry = s.files.find((d) => d.dir === dir);
      assert.ok(dirEntry);
      assert.deepEqual(dirEntry.counts, { write: 2, create: 1, rename: 1, chmod: 1, delete: 1 });

      const conn = s.network.outbound.find((c) => c.address === `127.0.0.1:${port}`);
      assert.ok(conn, JSON.stringify(s.network));
      assert.deepEqual(
        { ...conn, pids: undefined },
        {
          proto: 'tcp',
          address: `127.0.0.1:${port}`,
          count: 1,
          succeeded: 1,
          failures: [],
          pids: undefined,
        },
      );
      assert.deepEqual(conn.pids, [root.pid]);
      assert.ok(received.includes('ping'));

      assert.equal(s.totals.drops, 0);
      assert.equal(s.totals.parseErrors, 0);
      assert.ok((s.totals.byType.execve ?? 0) >= 2);
      assert.equal(s.totals.execs, procs.filter((p) => p.execed).length);
      assert.match(r.stderr, /Processes \(\d+, \d+ exec\)/);
      assert.match(r.stderr, /dropped 0 · truncated \d+ · parse errors 0/);
    });

    test('a shell pipeline: every program with its arguments and parent', async () => {
      const { r, s } = await observed(sensor, ['sh', '-c', 'cat /etc/hostname | tr a-z A-Z > /dev/null; exit 3']);
      assert.equal(r.code, 3, r.stderr);
      assert.ok(s);
      const procs = flatten(s.processes);
      const sh = s.processes[0];
      assert.ok(sh);
      assert.match(sh.exePath, /\/sh$/);
      assert.deepEqual(sh.args, ['-c', 'cat /etc/hostname | tr a-z A-Z > /dev/null; exit 3']);
      const cat = procs.find((p) => p.exePath.endsWith('/cat'));
      const tr = procs.find((p) => p.exePath.endsWith('/tr'));
      assert.deepEqual(cat?.args, ['/etc/hostname']);
      assert.deepEqual(tr?.args, ['a-z', 'A-Z']);
      assert.equal(cat?.ppid, sh.pid);
      assert.equal(tr?.ppid, sh.pid);
      assert.equal(s.runId, null, '--no-store runs have no id');
      assert.ok(fileOps(s, '/etc/hostname')?.ops.read);
    });

    test('threads are not processes, and their files belong to their process', async () => {
      const dir = tempDir();
      const { r, s } = await observed(sensor, [threads, dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(s);
      assert.equal(s.totals.processes, 1);
      for (let i = 0; i < 4; i++)
        assert.deepEqual(fileOps(s, join(dir, `thread-${i}.txt`))?.ops, { write: 1, create: 1 });
    });

    test('a daemon that double-forks away from its parent is still observed', async () => {
      const marker = join(tempDir(), 'daemon-ran');
      // The subshell exits at once, orphaning the daemon (re-parented to init) while it works.
      const script = `(setsid sh -c 'sleep 0.2; cat /etc/hostname > ${marker}' &); sleep 1`;
      const { r, s } = await observed(sensor, ['sh', '-c', script]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(existsSync(marker));
      assert.ok(s);
      const procs = flatten(s.processes);
      const cat = procs.find((p) => p.exePath.endsWith('/cat'));
      assert.ok(cat, `cat in ${JSON.stringify(procs.map((p) => p.exePath))}`);
      assert.deepEqual(cat.args, ['/etc/hostname']);
      assert.deepEqual(fileOps(s, marker)?.ops, { write: 1 });
    });

    test('a program killed by a signal: exit 128+N and the signal in the summary', async () => {
      const { r, s } = await observed(sensor, ['sh', '-c', 'kill -TERM $$']);
      assert.equal(r.code, 143, r.stderr);
      assert.ok(s);
      assert.deepEqual(s.exit, { signal: 'SIGTERM' });
      assert.equal(s.processes[0]?.exitSignal, 'SIGTERM');
      assert.match(r.stderr, /killed by SIGTERM/);
    });

    test('SIGTERM to harrier reaches the command; the partial run is stored; nothing is left behind', async () => {
      const dir = tempDir();
      const store = join(dir, 'h.duckdb');
      const marker = `harrier-sigterm-${process.pid}`;
      // A sleep no other test (or machine job) runs, found only below this harrier.
      const sleep = `sleep 30.${process.pid}${Math.floor(Math.random() * 1000)}`;
      let harrierPid = 0;
      const pending = runHarrier(
        ['run', '--sensor', sensor, '--store', store, '--', 'sh', '-c', `exec ${sleep} # ${marker}`],
        {
          onSpawn: (pid) => (harrierPid = pid),
        },
      );
      const observedSleep = () => processesWithArgs(sleep).filter((p) => harrierPid > 0 && descendsFrom(p, harrierPid));
      const deadline = Date.now() + 15_000;
      while (observedSleep().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(observedSleep().length > 0, 'the observed sleep started');
      process.kill(harrierPid, 'SIGTERM');
      const r = await pending;
      assert.equal(r.code, 143, r.stderr);
      assert.match(r.stderr, /\(partial\)/);
      assert.deepEqual(processesMatching(marker), []);
      assert.deepEqual(processesWithArgs(sleep), []);
      const runs = await runHarrier(['runs', '--store', store, '--json']);
      const list = JSON.parse(runs.stdout) as Array<{ status: string; exit: unknown }>;
      assert.equal(list.length, 1);
      assert.equal(list[0]?.status, 'incomplete');
    });
  });
}

describe('both sensors observe the same thing', () => {
  test('the same process tree, files and endpoints from ebpf and ptrace', async (t) => {
    const sensors = sensorsUnderTest();
    if (sensors.length < 2) return t.skip('only one sensor can run here');
    const server = createServer((sock) => sock.resume());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const views = [];
      for (const sensor of sensors) {
        const dir = tempDir();
        const { r, s } = await observed(sensor, [activity, dir, String(port), '0']);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(s);
        const rel = (p: string) => p.replace(dir, '<dir>');
        views.push({
          processes: flatten(s.processes)
            .map((p) => `${p.exePath} ${p.args.map(rel).join(' ')} -> ${p.exitCode}`)
            .sort(),
          files: s.files.flatMap((d) => d.files.map((f) => `${rel(f.path)} ${JSON.stringify(f.ops)}`)).sort(),
          outbound: s.network.outbound.map((c) => `${c.proto} ${c.address} ${c.succeeded}/${c.count}`),
        });
      }
      assert.deepEqual(views[0], views[1]);
    } finally {
      server.close();
    }
  });
});

describe('harrier run: bad input', () => {
  test('a command that does not exist: exit 127 and a one-line reason', async () => {
    const r = await runHarrier(['run', '--no-store', '--', 'no-such-command-xyz']);
    assert.equal(r.code, 127);
    assert.equal(r.stderr, "harrier: cannot execute 'no-such-command-xyz': not found\n");
  });

  test('a file that is not executable: exit 126', async () => {
    const dir = tempDir();
    const f = join(dir, 'script');
    writeFileSync(f, 'echo hi\n', { mode: 0o644 });
    const r = await runHarrier(['run', '--no-store', '--', f]);
    assert.equal(r.code, 126);
    assert.match(r.stderr, /cannot execute .*: permission denied/);
  });

  test('an unwritable --events path fails before the command starts', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const r = await runHarrier(['run', '--no-store', '--events', '/nonexistent-dir/e.ndjson', '--', 'touch', marker]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^harrier: \/nonexistent-dir\/e\.ndjson: no such file or directory/);
    assert.equal(existsSync(marker), false, 'the command must not have run');
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  test('an unknown --sensor value lists the choices', async () => {
    const r = await runHarrier(['run', '--sensor', 'magic', '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are auto, ebpf, ptrace/);
  });

  test('a store file that is not a Harrier store is reported and left untouched', async () => {
    const dir = tempDir();
    const bogus = join(dir, 'not-a-store.duckdb');
    writeFileSync(bogus, 'precious data');
    const r = await runHarrier(['run', '--store', bogus, '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not-a-store\.duckdb/);
    assert.equal(readFileSync(bogus, 'utf8'), 'precious data');
  });
});

describe('harrier runs / show / --events', () => {
  test('a stored run is listed and shown again with the same summary', async () => {
    const dir = tempDir();
    const store = join(dir, 'h.duckdb');
    const out = join(dir, 's.json');
    const events = join(dir, 'e.ndjson');
    const r = await runHarrier([
      'run',
      '--store',
      store,
      '--json',
      out,
      '--events',
      events,
      '--',
      'sh',
      '-c',
      'cat /etc/hostname >/dev/null',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const live = readJson<RunSummary>(out);
    assert.ok(live.runId);

    const runs = await runHarrier(['runs', '--store', store, '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    const list = JSON.parse(runs.stdout) as Array<{ id: string; status: string; command: string[]; events: number }>;
    assert.equal(list.length, 1);
    assert.equal(list[0]?.id, live.runId);
    assert.equal(list[0]?.status, 'complete');
    assert.deepEqual(list[0]?.command, ['sh', '-c', 'cat /etc/hostname >/dev/null']);
    assert.equal(list[0]?.events, live.totals.events);

    const shown = await runHarrier(['show', 'last', '--store', store, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout), live);
    const byPrefix = await runHarrier(['show', live.runId.slice(0, 6), '--store', store]);
    assert.match(byPrefix.stdout, new RegExp(`run ${live.runId}`));

    const lines = readFileSync(events, 'utf8').trim().split('\n');
    assert.equal(lines.length, live.totals.events);
    const parsed = lines.map((l) => JSON.parse(l) as { type: string; args: { name?: string } });
    assert.ok(parsed.some((e) => e.type === 'openat' && e.args.name === '/etc/hostname'));
  });

  test('show names an unknown run clearly', async () => {
    const dir = tempDir();
    const store = join(dir, 'h.duckdb');
    await runHarrier(['run', '--store', store, '--', 'true']);
    const r = await runHarrier(['show', 'zzzz', '--store', store]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no run 'zzzz'/);
  });
});
