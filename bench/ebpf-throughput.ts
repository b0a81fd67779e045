/**
 * The eBPF sensor's cost and capacity, measured against its own baseline in the same run:
 *  - slowdown of a getpid loop traced with getpid enabled (every call becomes an event)
 *    against the same loop untraced; also with the loader's output thrown away, which
 *    separates the kernel-side cost from the consumer competing for the CPUs;
 *  - events/s decoded in Node while that loop runs, and drops (target: ≥ 500 k/s, 0 drops);
 *  - the decoder alone on a prepared buffer (its ceiling, no kernel or pipe involved);
 *  - start-up: spawn → probe attached and command started (target ≤ 150 ms).
 * Run: `node dist/bench/ebpf-throughput.js` (root, built probe), or import benchEbpf().
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syscallNumber } from '../src/events/syscalls/index.js';
import { EbpfSensor, defaultLoaderPath } from '../src/sensors/ebpf/index.js';
import { RecordDecoder } from '../src/sensors/ebpf/decoder.js';

const LOOP_C = `
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
/* usage: getpid-loop N OUTFILE — writes ns per call to OUTFILE (stdout belongs to Harrier). */
int main(int argc, char **argv) {
    struct timespec a, b;
    long n = argc > 2 ? atol(argv[1]) : 0;
    if (n <= 0) return 2;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen(argv[2], "w");
    if (!f) return 3;
    fprintf(f, "%.1f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    return fclose(f) ? 4 : 0;
}
`;

const CALLS = 1_000_000;
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function build(dir: string): string {
  const src = join(dir, 'getpid-loop.c');
  const bin = join(dir, 'getpid-loop');
  writeFileSync(src, LOOP_C);
  execFileSync('gcc', ['-O2', '-o', bin, src]);
  return bin;
}

function untraced(bin: string, out: string): number {
  execFileSync(bin, [String(CALLS), out]);
  return Number(readFileSync(out, 'utf8'));
}

/** The loader alone, records to /dev/null: what the kernel side costs the traced program. */
function kernelOnly(bin: string, out: string): number {
  const devnull = openSync('/dev/null', 'w');
  try {
    const getpid = String(syscallNumber('x86_64', 'getpid'));
    const args = ['--syscalls', `default,${getpid}`, '--out-fd', '3', '--mode', 'run', '--', bin, String(CALLS), out];
    const r = spawnSync(defaultLoaderPath(), args, { stdio: ['ignore', 'ignore', 'inherit', devnull] });
    if (r.status !== 0) throw new Error(`harrier-probe exited ${String(r.status)}`);
  } finally {
    closeSync(devnull);
  }
  return Number(readFileSync(out, 'utf8'));
}

interface TracedRun {
  nsPerCall: number;
  events: number;
  getpids: number;
  eventsPerSec: number;
  drops: number;
  parseErrors: number;
}

async function traced(bin: string, out: string): Promise<TracedRun> {
  const sensor = new EbpfSensor({ syscalls: ['default', 'getpid'], ringMiB: 64 });
  const s = await sensor.start({ mode: 'command', argv: [bin, String(CALLS), out], cwd: tmpdir(), env: process.env });
  let events = 0;
  let getpids = 0;
  let first = 0;
  let last = 0;
  for await (const batch of s.events) {
    if (first === 0) first = performance.now();
    last = performance.now();
    events += batch.length;
    for (const e of batch) if (e.type === 'getpid') getpids++;
  }
  await s.exit;
  await s.stop();
  const st = s.stats();
  return {
    nsPerCall: Number(readFileSync(out, 'utf8')),
    events,
    getpids,
    eventsPerSec: events / ((last - first) / 1000),
    drops: st.drops,
    parseErrors: st.parseErrors,
  };
}

/** Decoder ceiling: N getpid records (120 bytes each, per PROTOCOL.md) in 64 KiB chunks. */
function decoderOnly(n: number): number {
  const rec = Buffer.alloc(120);
  rec.writeUInt16LE(1, 0);
  rec.writeUInt16LE(1, 2);
  rec.writeUInt32LE(120, 4);
  rec.writeUInt32LE(4242, 16);
  rec.writeUInt32LE(4242, 20);
  rec.writeUInt16LE(39, 36);
  rec.writeBigInt64LE(4242n, 40);
  const all = Buffer.alloc(rec.length * n);
  for (let i = 0; i < n; i++) {
    rec.writeBigUInt64LE(BigInt(i), 8);
    rec.copy(all, i * rec.length);
  }
  const d = new RecordDecoder();
  let count = 0;
  const t0 = performance.now();
  for (let off = 0; off < all.length; off += 65536) count += d.push(all.subarray(off, off + 65536)).length;
  const ms = performance.now() - t0;
  if (count !== n) throw new Error(`decoded ${count} of ${n}`);
  return n / (ms / 1000);
}

async function startupMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = await new EbpfSensor().start({ mode: 'command', argv: ['/bin/true'], cwd: tmpdir(), env: process.env });
    times.push(s.startupMs);
    for await (const _ of s.events) void _;
    await s.stop();
  }
  return median(times);
}

export async function benchEbpf(): Promise<Record<string, number>> {
  const why = await new EbpfSensor().unavailableReason();
  if (why !== undefined) throw new Error(`cannot benchmark the eBPF sensor: ${why}`);
  const dir = mkdtempSync(join(tmpdir(), 'harrier-bench-ebpf-'));
  try {
    const bin = build(dir);
    const out = join(dir, 'ns');
    untraced(bin, out); // warm-up
    const base: number[] = [];
    const runs: TracedRun[] = [];
    const kernel: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      base.push(untraced(bin, out));
      runs.push(await traced(bin, out));
      kernel.push(kernelOnly(bin, out));
    }
    const pick = (f: (r: TracedRun) => number): number => median(runs.map(f));
    const untracedNs = median(base);
    const tracedNs = pick((r) => r.nsPerCall);
    return {
      getpid_untraced_ns: untracedNs,
      getpid_traced_ns: tracedNs,
      slowdown: tracedNs / untracedNs,
      getpid_probe_to_devnull_ns: median(kernel),
      slowdown_probe_to_devnull: median(kernel) / untracedNs,
      events_per_run: pick((r) => r.events),
      getpid_events_per_run: pick((r) => r.getpids),
      node_events_per_sec: pick((r) => r.eventsPerSec),
      drops_max: Math.max(...runs.map((r) => r.drops)),
      parse_errors_max: Math.max(...runs.map((r) => r.parseErrors)),
      decoder_only_events_per_sec: decoderOnly(1_000_000),
      startup_ms: await startupMs(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchEbpf();
  const fmt = (k: string, v: number): string =>
    k.endsWith('_per_sec') || k.includes('events') ? Math.round(v).toLocaleString('en') : v.toFixed(2);
  console.log('## ebpf: getpid loop under the eBPF sensor\n');
  console.log('| metric | value |\n| --- | --- |');
  for (const [k, v] of Object.entries(r)) console.log(`| ${k} | ${fmt(k, v)} |`);
}
