/**
 * `harrier run -- COMMAND...`: observe a command and its descendants, then summarise.
 * Everything that can fail for a reason the user controls (store, event file, sensor) is
 * checked before the command starts, so a bad option never costs a long test run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildInfo } from '../../findings/assessment.js';
import { resolveBuildInfo } from '../../findings/build-info.js';
import { parseFailOn } from '../../findings/gate.js';
import { IGNORE_FILE, loadIgnoreFile } from '../../findings/suppressions.js';
import { assessFindings, resolveBaseline, type Baseline } from '../../pipeline/assess.js';
import { NdjsonEventSink } from '../../pipeline/event-sink.js';
import { Observation } from '../../pipeline/observe.js';
import { formatReportText } from '../../report/text.js';
import { styleFor } from '../../report/style.js';
import { exitCodeFor, resolveExecutable } from '../../sensors/resolve-executable.js';
import { type SensorChoice, selectSensor } from '../../sensors/select.js';
import type { ExitStatus } from '../../sensors/sensor.js';
import { RemoteRecorder } from '../../store/remote/remote-recorder.js';
import type { Store } from '../../store/store.js';
import { teeRecorder } from '../../store/tee.js';
import type { RuleMatching } from '../../detect/rules/index.js';
import { startLibc } from '../libc.js';
import { findRepoRoot } from '../repo-root.js';
import type { ReportSpec } from '../report-specs.js';
import { checkReportPaths, reportInput, writeReports } from '../reports.js';
import { loadRuleEngine } from '../rules.js';
import { availableSensors } from '../sensors.js';
import { openStore } from '../store.js';
import { version } from '../version.js';

export interface RunOptions {
  sensor: SensorChoice;
  /** Rules files; undefined → Harrier's defaults; false → no rules. */
  rules: string[] | undefined | false;
  ruleMatching: RuleMatching;
  store: string | false;
  json?: string | true;
  events?: string;
  full?: boolean;
  quiet?: boolean;
  reports: ReportSpec[];
  /** `--baseline`: a run id, build id, `last`, or a report file. */
  baseline?: string;
  /** `--fail-on` as typed (`new:high`). */
  failOn?: string;
  /** `--ignore-file`; default `.harrier/ignore.yaml` in the repository, if it exists. */
  ignoreFile?: string;
  /** Build metadata given as flags; the CI's environment fills the rest. */
  build: BuildInfo;
  /** Preload the libc interposer (code-execution risks). */
  libc: boolean;
  /** A `harrier serve` collector to record the run on, as well as (or, with --no-store, instead of) the store. */
  server?: string;
  /** The collector's token (`--token-file`, else HARRIER_TOKEN). */
  token?: string;
}

/** The gate failed: the command succeeded but a finding fails `--fail-on`. */
export const EXIT_GATE_FAILED = 1;

/** Shell convention for a command's status: its exit code, or 128 + the killing signal. */
export function exitCodeOf(exit: ExitStatus): number {
  return exit.kind === 'exited' ? exit.code : 128 + exit.signo;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** After the first signal the command gets this long to exit before observation is cut. */
const GRACE_MS = 10_000;

export async function runCommand(command: string[], opts: RunOptions): Promise<number> {
  const [name, ...rest] = command;
  if (name === undefined) {
    process.stderr.write('harrier: no command given\n  usage: harrier run [options] -- COMMAND [ARGS...]\n');
    return 2;
  }
  const cwd = process.cwd();
  const resolved = resolveExecutable(name, process.env, cwd);
  if (!resolved.ok) {
    process.stderr.write(`harrier: cannot execute '${name}': ${resolved.reason}\n`);
    return exitCodeFor(resolved);
  }

  const repoRoot = findRepoRoot(cwd);
  const policy = opts.failOn === undefined ? undefined : parseFailOn(opts.failOn);
  const ignore = await loadIgnoreFile(opts.ignoreFile ?? join(repoRoot, IGNORE_FILE), opts.ignoreFile === undefined);
  const build = resolveBuildInfo(process.env, opts.build);
  const rules = opts.rules === false ? undefined : await loadRuleEngine(opts.rules, opts.ruleMatching);
  const { sensor, reason } = await selectSensor(opts.sensor, availableSensors());
  const remote = opts.server === undefined ? undefined : new RemoteRecorder({ url: opts.server, token: opts.token });
  let store: Store | undefined;
  let eventSink: NdjsonEventSink | undefined;
  const warnings: string[] = [];
  let baseline: Baseline | undefined;
  try {
    if (opts.store !== false) store = await openStore(opts.store);
    await remote?.check();
    // Read before any report is written: the baseline file may be the path this run reports to.
    if (opts.baseline !== undefined) baseline = await resolveBaseline(opts.baseline, store, { build }, warnings);
    if (opts.events) eventSink = await NdjsonEventSink.open(opts.events);
    if (typeof opts.json === 'string') writeFileSync(opts.json, ''); // fail now, not after the run
    checkReportPaths(opts.reports);
  } catch (e) {
    await store?.close();
    await eventSink?.close();
    throw e;
  }

  const libc = opts.libc ? startLibc(process.env, (line) => process.stderr.write(line + '\n')) : undefined;

  const obs = new Observation({
    sensor,
    sensorReason: reason,
    target: { mode: 'command', argv: [resolved.path, ...rest], cwd, env: libc?.env ?? process.env },
    displayCommand: command,
    repoRoot,
    ...(build !== undefined && { build }),
    ...(libc !== undefined && { libc: libc.side }),
    rules,
    store: teeRecorder([store, remote].filter((r): r is Store | RemoteRecorder => r !== undefined)),
    eventSink,
    harrierVersion: version,
    onSensorFailure: (_e, pid) => {
      process.stderr.write(
        `harrier: the ${sensor.kind} sensor failed mid-run; the command (pid ${pid}) goes on unobserved, waiting for it to end\n`,
      );
    },
  });

  // The terminal already delivers Ctrl-C to the whole foreground process group, so a SIGINT
  // while attached to a TTY is not forwarded again; any other signal is.
  let signalled = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalled++;
    obs.markInterrupted();
    if (signalled > 1) {
      void obs.abort();
      return;
    }
    if (!(sig === 'SIGINT' && process.stdin.isTTY)) obs.signal(sig);
    setTimeout(() => void obs.abort(), GRACE_MS).unref();
  };
  for (const sig of FORWARDED) process.on(sig, onSignal);

  try {
    const result = await obs.run();
    const assessment = assessFindings(result.findings, { baseline, ignore, policy, warnings });
    const report = reportInput({ summary: result.summary, runId: result.runId ?? null, build, assessment, repoRoot });
    if (!opts.quiet)
      process.stderr.write('\n' + formatReportText(report, { style: styleFor(process.stderr), full: opts.full }));
    for (const w of assessment.warnings) process.stderr.write(`harrier: warning: ${w}\n`);
    writeReports(opts.reports, report);
    if (opts.json !== undefined) {
      const text = JSON.stringify(result.summary, null, 2) + '\n';
      if (opts.json === true) process.stdout.write(text);
      else writeFileSync(opts.json, text);
    }
    if (result.sensorError) {
      process.stderr.write(
        `harrier: the ${sensor.kind} sensor failed: ${result.sensorError.message}\n` +
          `  the run ${result.runId ? `(${result.runId}) ` : ''}is partial${result.runId ? ' and stored as incomplete' : ''}; the command's exit status is unknown\n`,
      );
    }
    if (!result.exit) return 2;
    // The command's own failure is the news; the gate speaks only for a command that succeeded.
    const code = exitCodeOf(result.exit);
    if (code !== 0) return code;
    return assessment.gate.failed ? EXIT_GATE_FAILED : 0;
  } finally {
    for (const sig of FORWARDED) process.off(sig, onSignal);
    // Closed here too when the run failed part-way: an open FIFO would keep Harrier alive.
    await libc?.side.close();
    await store?.close();
  }
}
