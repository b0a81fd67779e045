/**
 * Benchmark runner: `npm run bench -- NAME...` (no name: all). Each benchmark measures its
 * baseline in the same run and prints ratios; copy the table into BENCHMARKS.md.
 */
import { benchRunOverhead, type Row } from './run-overhead.js';
import { benchStoreAppend } from './store-append.js';

const names = process.argv.slice(2);
const want = (n: string) => names.length === 0 || names.includes(n);

function table(rows: Row[]): string {
  const head = '| workload | sensor | untraced | observed | unit | slowdown | events |\n| --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.workload} | ${r.sensor} | ${r.baseline.toFixed(1)} | ${r.observed.toFixed(1)} | ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.events ?? ''} |`,
  );
  return [head, ...body].join('\n');
}

let sensorRate: { sensor: string; eventsPerSec: number }[] = [];
if (want('run')) {
  const sensors = (process.env.BENCH_SENSORS ?? 'ptrace').split(',');
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
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  console.log(`## store: DuckDB event appends\n`);
  console.log(`${fmt(n)} events appended at ${fmt(r.rowsPerSec)} events/s`);
  for (const s of sensorRate) {
    console.log(`headroom over the ${s.sensor} sensor's peak delivery (${fmt(s.eventsPerSec)} events/s): ${(r.rowsPerSec / s.eventsPerSec).toFixed(1)}×`);
  }
}
