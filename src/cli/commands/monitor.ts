/**
 * `harrier monitor`: watch the whole host until SIGINT/SIGTERM, with live stats on stderr.
 * Rules and alerts arrive with the rules engine; for now events go to the store and/or NDJSON.
 */
import { Monitor, type MonitorStats } from '../../pipeline/monitor.js';
import { NdjsonEventSink } from '../../pipeline/event-sink.js';
import { formatDuration } from '../../report/text.js';
import { selectSensor } from '../../sensors/select.js';
import type { Store } from '../../store/store.js';
import { hostSensors } from '../sensors.js';
import { openStore } from '../store.js';
import { version } from '../version.js';

export interface MonitorCliOptions {
  store: string | false;
  events?: string;
  statsInterval: number;
  json?: boolean;
}

function statsLine(s: MonitorStats): string {
  const mib = (s.rssBytes / 1048576).toFixed(0);
  return (
    `harrier monitor: ${formatDuration(s.elapsedMs)} · ${Math.round(s.eventsPerSec)} events/s · ` +
    `${s.sensor.events} events · dropped ${s.sensor.drops} · parse errors ${s.sensor.parseErrors} · ` +
    `${s.processesTracked} processes tracked · ${mib} MiB\n`
  );
}

export async function monitorCommand(opts: MonitorCliOptions): Promise<number> {
  const { sensor, reason } = await selectSensor(
    'auto',
    hostSensors(),
    'watching the whole host needs the eBPF sensor: run harrier monitor as root',
  );
  let store: Store | undefined;
  let eventSink: NdjsonEventSink | undefined;
  try {
    if (opts.store !== false) store = await openStore(opts.store);
    if (opts.events) eventSink = await NdjsonEventSink.open(opts.events);
  } catch (e) {
    await store?.close();
    await eventSink?.close();
    throw e;
  }
  const print = (s: MonitorStats) =>
    process.stderr.write(opts.json ? JSON.stringify({ stats: s }) + '\n' : statsLine(s));
  const monitor = new Monitor({
    sensor,
    store,
    eventSink,
    harrierVersion: version,
    onStats: print,
    statsIntervalMs: opts.statsInterval * 1000,
  });
  const stop = () => void monitor.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stderr.write(
    `harrier monitor: watching the host with the ${sensor.kind} sensor (${reason}); Ctrl-C to stop\n`,
  );
  try {
    print(await monitor.run());
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await store?.close();
  }
}
