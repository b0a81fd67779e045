/**
 * How fast the DuckDB store takes events: appendEvents through to the last committed batch
 * (finish), into a fresh file, in sensor-sized batches with the event loop turning between
 * them as it does in a real run. The events are a mix shaped like strace output (opens with
 * flags, reads and writes on fds, connects, execs with argv, mmaps with a bigint address).
 *
 *   node dist/bench/store-append.js [N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Event } from '../src/events/event.js';
import { openDuckDbStore } from '../src/store/duckdb/index.js';
import type { StoredEvent } from '../src/store/store.js';

/** Events per appendEvents call, about what a sensor hands over per read of its pipe. */
const SENSOR_BATCH = 1_000;

function sampleEvent(i: number): StoredEvent {
  const base = { ts: 1_700_000_000_000_000_000n + BigInt(i) * 1_000n, source: 'ptrace', pid: 4000 + (i % 7) } as const;
  const tid = base.pid + (i % 3);
  const path = `/usr/lib/x86_64-linux-gnu/lib${i % 97}.so.6`;
  let event: Event;
  switch (i % 5) {
    case 0:
      event = {
        ...base,
        tid,
        type: 'openat',
        res: i % 11 === 0 ? -2 : 3,
        ...(i % 11 === 0 ? { errno: 'ENOENT' } : {}),
        args: { dirfd: { fd: -100 }, name: path, flags: { names: ['O_RDONLY', 'O_CLOEXEC'], value: 524288 }, mode: 0 },
      };
      return { event, path };
    case 1:
      event = { ...base, tid, type: 'read', res: 832, args: { fd: { fd: 3, path }, size: 832 } };
      return { event, path };
    case 2:
      event = {
        ...base,
        tid,
        type: 'connect',
        res: 0,
        args: {
          fd: { fd: 5, path: 'TCP:[127.0.0.1:40000->127.0.0.1:8080]' },
          addr: { family: 'inet', ip: '127.0.0.1', port: 8080 },
        },
      };
      return { event, endpoint: '127.0.0.1:8080' };
    case 3:
      event = {
        ...base,
        tid,
        type: 'execve',
        res: 0,
        args: { filename: '/usr/bin/node', argv: ['node', '--test', `dist/test/unit/case-${i % 13}.test.js`] },
      };
      return { event, path: '/usr/bin/node' };
    default:
      event = {
        ...base,
        tid,
        type: 'mmap',
        res: 0,
        args: { addr: 0x7f00_0000_0000n + BigInt(i) * 4096n, length: 8192 },
      };
      return { event };
  }
}

/**
 * rowsPerSec: events per second from the first append to the finished run.
 * maxStallMs: the longest the event loop was blocked meanwhile (a synchronous appender flush),
 * i.e. the longest a sensor's events wait unread.
 */
export async function benchStoreAppend(n: number): Promise<{ rowsPerSec: number; maxStallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-bench-store-'));
  try {
    const store = await openDuckDbStore(join(dir, 'bench.duckdb'));
    // A pool of distinct events reused across batches keeps generation out of the measurement.
    const pool = Array.from({ length: 10 * SENSOR_BATCH }, (_, i) => sampleEvent(i));
    const run = await store.beginRun({
      command: ['bench'],
      cwd: dir,
      sensor: 'ptrace',
      hostname: 'bench',
      startedAt: 0n,
      harrierVersion: 'bench',
    });
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const start = performance.now();
    for (let done = 0; done < n; done += SENSOR_BATCH) {
      const from = done % pool.length;
      run.appendEvents(pool.slice(from, from + Math.min(SENSOR_BATCH, n - done)));
      await new Promise<void>((r) => setImmediate(r));
    }
    await run.finish({ endedAt: 1n, exit: { kind: 'exited', code: 0 }, summary: {}, partial: false });
    const seconds = (performance.now() - start) / 1000;
    stalls.disable();
    const stored = (await store.getRun(run.runId))?.eventCount;
    await store.close();
    if (stored !== n) throw new Error(`bench: stored ${stored} events, expected ${n}`);
    return { rowsPerSec: n / seconds, maxStallMs: stalls.max / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const { rowsPerSec, maxStallMs } = await benchStoreAppend(n);
  console.log(
    `${n.toLocaleString('en')} events appended at ${Math.round(rowsPerSec).toLocaleString('en')} events/s; ` +
      `longest event-loop stall ${maxStallMs.toFixed(0)} ms`,
  );
}
