/**
 * Benchmark runner: `npm run bench -- NAME...` with NAME in run, store, ebpf, monitor, rules, preload,
 * serve (none: all but serve, which fills a 10 M-event store and takes minutes).
 * Each benchmark measures its baseline in the same run and prints ratios; the figures go into
 * BENCHMARKS.md. BENCH_SENSORS=ebpf,ptrace chooses the sensors for `run`.
 */
import { benchEbpf } from './ebpf-throughput.js';
import { benchMonitorIdle } from './monitor-idle.js';
import { benchPreload } from './preload.js';
import { benchRules } from './rules-throughput.js';
import { benchRunOverhead, type Row } from './run-overhead.js';
import { benchServe } from './serve.js';
import { benchStoreAppend } from './store-append.js';

const names = process.argv.slice(2);
const want = (n: string) => names.length === 0 || names.includes(n);
const fmt = (x: number) => Math.round(x).toLocaleString('en');

function table(rows: Row[]): string {
  const head =
    '| workload | sensor | untraced | observed | unit | slowdown | events |\n| --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.workload} | ${r.sensor} | ${r.baseline.toFixed(1)} | ${r.observed.toFixed(1)} | ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.events ?? ''} |`,
  );
  return [head, ...body].join('\n');
}

let sensorRate: { sensor: string; eventsPerSec: number }[] = [];
if (want('run')) {
  const sensors = (process.env.BENCH_SENSORS ?? (process.getuid?.() === 0 ? 'ebpf,ptrace' : 'ptrace')).split(',');
  console.log(`## run: observed command slowdown (sensors: ${sensors.join(', ')})\n`);
  const rows = await benchRunOverhead(sensors);
  console.log(table(rows));
  console.log();
  // The openat+close loop is the fastest event source: 2 events per iteration.
  sensorRate = rows
    .filter((r) => r.workload === 'openat+close loop')
    .map((r) => ({ sensor: r.sensor, eventsPerSec: (2 / r.observed) * 1e9 }));
}

if (want('run') || want('store')) {
  const n = 1_000_000;
  const r = await benchStoreAppend(n);
  console.log(`## store: DuckDB event appends\n`);
  console.log(`${fmt(n)} events appended at ${fmt(r.rowsPerSec)} events/s`);
  for (const s of sensorRate) {
    console.log(
      `headroom over the ${s.sensor} sensor's peak delivery (${fmt(s.eventsPerSec)} events/s): ${(r.rowsPerSec / s.eventsPerSec).toFixed(1)}×`,
    );
  }
}

if (want('ebpf')) {
  const r = await benchEbpf();
  console.log('\n## ebpf: getpid loop with every call delivered to Node (baseline: the same loop untraced)\n');
  console.log('| metric | value |\n| --- | --- |');
  for (const [k, v] of Object.entries(r)) {
    const text = k.includes('events') || k.includes('per_sec') ? Math.round(v).toLocaleString('en') : v.toFixed(2);
    console.log(`| ${k} | ${text} |`);
  }
}

if (want('monitor')) {
  const r = await benchMonitorIdle();
  console.log(
    '\n## monitor: harrier monitor (Node + probe) on a quiet host (baseline: one core over the same window)\n',
  );
  console.log(
    `CPU ${r.cpuPercentOfCore.toFixed(2)} % of one core while the host made ${Math.round(r.eventsPerSec)} traced syscalls/s`,
  );
}

if (want('rules')) {
  console.log('\n## rules: evaluation throughput (baseline: the same stream through state only)\n');
  console.log(await benchRules());
}

if (want('preload')) {
  console.log('\n## preload: the libc interposer in the program (baseline: the same program without it)\n');
  console.log(
    '| workload | without | with | unit | slowdown | bytes to the FIFO per run |\n| --- | --- | --- | --- | --- | --- |',
  );
  for (const r of await benchPreload()) {
    console.log(
      `| ${r.workload} | ${r.baseline.toFixed(1)} | ${r.observed.toFixed(1)} | ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.bytes ?? ''} |`,
    );
  }
}

if (names.includes('serve')) {
  const r = await benchServe();
  console.log('\n## serve: ingest over HTTP from one client, then query latency on that store\n');
  console.log(
    `${fmt(r.storedEvents)} events in ${r.runs} runs (a ${fmt(r.recordedEvents)}-event recorded run replayed), store ${(r.storeBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(
    `ingest: ${fmt(r.ingestEventsPerSec)} events/s = ${(r.ingestEventsPerSec / r.baselineEventsPerSec).toFixed(2)}× ` +
      `the baseline (DuckDB loading the same batch files itself, one connection, no HTTP, no checks: ` +
      `${fmt(r.baselineEventsPerSec)} events/s); server CPU ${r.serverCpuMicrosPerEvent.toFixed(2)} µs per event, ` +
      `client CPU ${r.clientCpuMicrosPerEvent.toFixed(2)} µs\n`,
  );
  console.log('| query | p50 ms | p95 ms |\n| --- | --- | --- |');
  for (const q of r.queries) console.log(`| ${q.name} | ${q.p50.toFixed(1)} | ${q.p95.toFixed(1)} |`);
}
