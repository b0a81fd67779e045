/**
 * `harrier monitor`: watch the whole host until SIGINT/SIGTERM, with live stats on stderr.
 * Rule alerts go to stdout (or --alerts-file) as Falco JSON lines; events to the store and/or NDJSON.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RuleMatching } from '../../detect/rules/index.js';
import { Monitor, type MonitorStats } from '../../pipeline/monitor.js';
import { falcoAlertJson } from '../../rules/output/index.js';
import { describeError } from '../errors.js';
import { loadRuleEngine } from '../rules.js';
import { NdjsonEventSink } from '../../pipeline/event-sink.js';
import { formatDuration } from '../../report/text.js';
import { selectSensor } from '../../sensors/select.js';
import { RemoteRecorder } from '../../store/remote/remote-recorder.js';
import type { Store } from '../../store/store.js';
import { teeRecorder } from '../../store/tee.js';
import { hostSensors } from '../sensors.js';
import { openStore } from '../store.js';
import { version } from '../version.js';

export interface MonitorCliOptions {
  /** Seconds during which identical alerts are counted instead of repeated (0: every alert). */
  dedupWindow: number;
  rules: string[] | undefined | false;
  ruleMatching: RuleMatching;
  alertsFile?: string;
  store: string | false;
  events?: string;
  statsInterval: number;
  json?: boolean;
  /** A `harrier serve` collector to send events to (as well as, or with --no-store instead of, the store). */
  server?: string;
  token?: string;
}

function statsLine(s: MonitorStats): string {
  const mib = (s.rssBytes / 1048576).toFixed(0);
  const rules =
    s.rules.events === 0 ? '' : ` · rules ${((s.rules.seconds / s.rules.events) * 1e6).toFixed(2)} µs/event`;
  return (
    `harrier monitor: ${formatDuration(s.elapsedMs)} · ${Math.round(s.eventsPerSec)} events/s · ` +
    `${s.sensor.events} events · dropped ${s.sensor.drops} · parse errors ${s.sensor.parseErrors} · ` +
    `${s.processesTracked} processes tracked · ${mib} MiB${rules}\n`
  );
}

export async function monitorCommand(opts: MonitorCliOptions): Promise<number> {
  const { sensor, reason } = await selectSensor(
    'auto',
    hostSensors(),
    'watching the whole host needs the eBPF sensor: run harrier monitor as root',
  );
  const rules = opts.rules === false ? undefined : await loadRuleEngine(opts.rules, opts.ruleMatching);
  let store: Store | undefined;
  let eventSink: NdjsonEventSink | undefined;
  let alertsOut: WriteStream | undefined;
  const remote = opts.server === undefined ? undefined : new RemoteRecorder({ url: opts.server, token: opts.token });
  try {
    await remote?.check();
    if (opts.alertsFile) alertsOut = await openAppend(opts.alertsFile);
    if (opts.store !== false) store = await openStore(opts.store);
    if (opts.events) eventSink = await NdjsonEventSink.open(opts.events);
  } catch (e) {
    await store?.close();
    await eventSink?.close();
    alertsOut?.end();
    throw e;
  }
  // Falco's JSON alert lines, one per alert, where falcosidekick and SIEM shippers expect them.
  const alertLine = (line: string) => (alertsOut ?? process.stdout).write(line + '\n');
  const print = (s: MonitorStats) =>
    process.stderr.write(opts.json ? JSON.stringify({ stats: s }) + '\n' : statsLine(s));
  const monitor = new Monitor({
    sensor,
    rules,
    onAlert: (alert) => alertLine(falcoAlertJson(alert)),
    dedupWindowMs: opts.dedupWindow * 1000,
    store: teeRecorder([store, remote].filter((r): r is Store | RemoteRecorder => r !== undefined)),
    eventSink,
    harrierVersion: version,
    onStats: print,
    statsIntervalMs: opts.statsInterval * 1000,
  });
  const stop = () => void monitor.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // SIGHUP reloads the rules; a file that does not load keeps the old rules running.
  const reload = () => {
    if (opts.rules === false) return;
    loadRuleEngine(opts.rules, opts.ruleMatching).then(
      (engine) => {
        monitor.setRules(engine);
        process.stderr.write(`harrier monitor: rules reloaded (${engine.ruleCount} rules)\n`);
      },
      (e: unknown) => {
        process.stderr.write(
          `harrier monitor: rules not reloaded, keeping the previous ones: ${describeError(e).message}\n`,
        );
      },
    );
  };
  process.on('SIGHUP', reload);
  process.stderr.write(
    `harrier monitor: watching the host with the ${sensor.kind} sensor (${reason}); Ctrl-C to stop\n`,
  );
  try {
    print(await monitor.run());
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', reload);
    alertsOut?.end();
    await store?.close();
  }
}

async function openAppend(path: string): Promise<WriteStream> {
  const out = createWriteStream(path, { flags: 'a' });
  await Promise.race([
    once(out, 'open'),
    once(out, 'error').then(([e]) => {
      throw e as Error;
    }),
  ]);
  return out;
}
