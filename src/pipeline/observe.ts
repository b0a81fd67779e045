/**
 * One observation, end to end: sensor → state → (detectors, later) → summary + store + event
 * file. This is the only place the layers meet during a run; the CLI only parses options and
 * prints what comes back.
 */
import { readFileSync } from 'node:fs';
import { eventContext } from '../events/context.js';
import type { Event, SensorKind } from '../events/event.js';
import { parseStat } from '../events/state/proc-reader.js';
import { SystemState } from '../events/state/system-state.js';
import type { ProcessInfo } from '../events/state/types.js';
import { SummaryBuilder } from '../report/summary-builder.js';
import type { RunSummary } from '../report/summary.js';
import type { ExitStatus, Sensor, SensorSession, Target } from '../sensors/sensor.js';
import type { ProcessRecord, RunRecorder, RunWriter, StoredEvent } from '../store/store.js';
import { type AlertListener, type RuleEngine, RulesDetector } from '../detect/rules/index.js';
import { falcoAlertObject, severityOf } from '../rules/output/index.js';
import type { BuildInfo } from '../findings/assessment.js';
import type { Finding } from '../findings/finding.js';
import { EnvSecretFindings } from '../findings/from-env-secret.js';
import { mergeByFingerprint } from '../findings/merge.js';
import { toRecord } from '../findings/record.js';
import { isSuccessfulExec, redactExecSecrets } from './exec-secrets.js';
import type { ExecSeen, LibcCollector, LibcStats } from './libc-collector.js';
import { processEvidence } from './process-evidence.js';
import { RuleFindings } from './rule-findings.js';
import type { EventSink } from './event-sink.js';
import { beginRecording, keepUp } from './recording.js';

export interface ObserveOptions {
  sensor: Sensor;
  sensorReason: string;
  target: Extract<Target, { mode: 'command' }>;
  /** The command as the user typed it (argv[0] unresolved), for display and storage. */
  displayCommand: string[];
  /** Where the run is recorded (the store, a collector, or both). */
  store?: RunRecorder;
  eventSink?: EventSink;
  harrierVersion: string;
  /** Called once the session has started, so the caller can forward signals to it. */
  onSession?: (session: SensorSession) => void;
  /** Rules to evaluate on every event; their alerts go into the summary. */
  rules?: RuleEngine;
  /** Called for every alert as it happens. */
  onAlert?: AlertListener;
  /** The sensor failed while the command still runs; the command is left to finish unobserved. */
  onSensorFailure?: (error: Error, pid: number) => void;
  /** The project's checkout: fingerprints and app frames are relative to it. */
  repoRoot?: string;
  /** CI build metadata stored with the run. */
  build?: BuildInfo;
  /** The libc interposer's side of the run (its env is already in `target.env`). */
  libc?: LibcSide;
}

export interface LibcSide {
  collector: LibcCollector;
  /** Drains the interposer's channel once the command has ended. */
  close(): Promise<void>;
  interposerPath: string;
  /** Harrier's working directory for the channel, hidden from the summary's files. */
  workDir: string;
}

export interface ObserveResult {
  summary: RunSummary;
  exit: ExitStatus | undefined;
  runId: string | undefined;
  /** Set when the sensor failed mid-run; the summary is partial. */
  sensorError?: Error;
  /** Rule alerts, code-execution risks and environment secrets, aggregated. */
  findings: Finding[];
  /** What the libc interposer saw, when it was used. */
  libc?: LibcStats;
}

const FORKS = new Set(['clone', 'clone3', 'fork', 'vfork']);

export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function statText(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `pid` and its ancestors up to init, from /proc. */
function ancestry(pid: number): number[] {
  const chain: number[] = [];
  for (
    let p: number | undefined = pid;
    p !== undefined && p > 1 && chain.length < 64;
    p = parseStat(statText(p))?.ppid
  ) {
    chain.push(p);
  }
  return chain;
}

/** Running, and not a zombie waiting for a reaper that may be slow (an orphan's new parent). */
function isAlive(pid: number): boolean {
  const stat = statText(pid);
  // The state letter follows the command name's closing parenthesis.
  return stat !== undefined && stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
}

function toProcessRecord(p: ProcessInfo): ProcessRecord {
  return {
    pid: p.pid,
    ppid: p.ppid,
    exePath: p.exePath,
    args: p.args,
    cwd: p.cwd,
    uid: p.uid,
    gid: p.gid,
    user: p.user,
    group: p.group,
    startTs: p.startTs,
    exitTs: p.exitTs,
    exitCode: p.exitCode,
    exitSignal: p.exitSignal,
  };
}

function summaryExit(exit: ExitStatus | undefined): RunSummary['exit'] {
  if (!exit) return null;
  return exit.kind === 'exited' ? { code: exit.code } : { signal: exit.signal };
}

export class Observation {
  private interrupted = false;
  private aborted = false;
  private session: SensorSession | undefined;
  private readonly secrets: EnvSecretFindings;
  private readonly execs: ExecSeen[] = [];

  constructor(private readonly opts: ObserveOptions) {
    this.secrets = new EnvSecretFindings(opts.repoRoot);
  }

  /** Marks the run as interrupted (Ctrl-C / SIGTERM): whatever is recorded is partial. */
  markInterrupted(): void {
    this.interrupted = true;
  }

  async run(): Promise<ObserveResult> {
    const { opts } = this;
    const startedAt = nowNs();
    const kind: SensorKind = opts.sensor.kind;
    const session = await opts.sensor.start(opts.target);
    this.session = session;
    opts.onSession?.(session);

    const writer = await beginRecording(session, opts.store, {
      command: opts.displayCommand,
      cwd: opts.target.cwd,
      sensor: kind,
      startedAt,
      harrierVersion: opts.harrierVersion,
      ...(opts.build !== undefined && { build: opts.build }),
    });

    const state = new SystemState();
    const summary = new SummaryBuilder(state, opts.libc ? [opts.libc.workDir] : []);
    const findings = new RuleFindings(opts.repoRoot);
    const detector = opts.rules
      ? new RulesDetector(opts.rules, (alert, rule, event) => {
          summary.addAlert({
            rule: rule.name,
            priority: rule.priority,
            tags: alert.tags,
            severity: severityOf(rule.priority),
            json: () => falcoAlertObject(alert),
          });
          findings.add(alert, rule, event.ts, {
            exePath: state.process(event.pid)?.exePath,
            process: () => processEvidence(state, event.pid, process.pid),
          });
          opts.onAlert?.(alert, rule, event);
        })
      : undefined;
    let rootPid: number | undefined;
    let sensorError: Error | undefined;
    try {
      for await (const batch of session.events) {
        if (rootPid === undefined) {
          rootPid = await session.rootPid;
          // The command's ancestors (Harrier, the shell that started it, …) give rules their
          // proc.pname / proc.aname[N] as Falco would see them.
          state.bootstrapFromProc(ancestry(process.pid));
          state.seedProcess(this.rootSeed(rootPid, startedAt));
        }
        this.consume(batch, state, summary, writer, detector);
        await keepUp(writer);
        if (opts.eventSink) await opts.eventSink.write(batch);
      }
    } catch (e) {
      sensorError = e as Error;
    }

    let exit: ExitStatus | undefined;
    if (!sensorError) {
      try {
        exit = await session.exit;
      } catch (e) {
        sensorError = e as Error;
      }
    }
    // A failed sensor must not take the observed command down with it: let it finish unobserved.
    if (sensorError && rootPid !== undefined && isAlive(rootPid)) {
      opts.onSensorFailure?.(sensorError, rootPid);
      while (isAlive(rootPid) && !this.aborted) await new Promise((r) => setTimeout(r, 100));
    }
    await session.stop();
    await opts.libc?.close();
    const endedAt = nowNs();
    const partial = this.interrupted || sensorError !== undefined;
    const result = summary.finish({
      runId: writer?.runId ?? null,
      command: opts.displayCommand,
      sensor: kind,
      sensorReason: opts.sensorReason,
      startedAt,
      endedAt,
      exit: summaryExit(exit),
      partial,
      stats: session.stats(),
      rootPid,
    });
    let all = [...findings.findings(), ...this.secrets.findings()];
    if (opts.libc) {
      all.push(
        ...(await opts.libc.collector.findings({
          repoRoot: opts.repoRoot,
          describe: (pid) => processEvidence(state, pid, process.pid),
          execs: this.execs,
          interposerPath: opts.libc.interposerPath,
        })),
      );
    }
    all = mergeByFingerprint(all);
    if (writer) {
      const observed = [...state.allProcesses()].filter((p) => summary.observedPids.has(p.pid));
      writer.upsertProcesses(observed.map(toProcessRecord));
      writer.upsertFindings(all.map(toRecord));
      await writer.finish({ endedAt, exit, summary: result, partial });
    }
    await opts.eventSink?.close();
    return {
      summary: result,
      exit,
      runId: writer?.runId,
      sensorError,
      findings: all,
      ...(opts.libc && { libc: opts.libc.collector.stats() }),
    };
  }

  private rootSeed(pid: number, startedAt: bigint): Partial<ProcessInfo> & { pid: number } {
    const { target } = this.opts;
    return {
      pid,
      ppid: process.pid,
      exe: target.argv[0] ?? '',
      exePath: target.argv[0] ?? '',
      args: target.argv.slice(1),
      cwd: target.cwd,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      startTs: startedAt,
    };
  }

  private consume(
    batch: Event[],
    state: SystemState,
    summary: SummaryBuilder,
    writer: RunWriter | undefined,
    detector: RulesDetector | undefined,
  ): void {
    const stored: StoredEvent[] = writer ? new Array<StoredEvent>(batch.length) : [];
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i] as Event;
      // Secrets are found and redacted before anything else sees the event.
      const secrets = redactExecSecrets(ev);
      state.apply(ev);
      if (isSuccessfulExec(ev)) this.onExec(ev, state, secrets);
      else if (FORKS.has(ev.type) && ev.res !== undefined && ev.res > 0)
        this.opts.libc?.collector.onFork(ev.res, ev.pid);
      detector?.process(ev, state);
      const ctx = eventContext(ev, state);
      summary.add(ev, ctx);
      if (writer) stored[i] = { event: ev, path: ctx.path, path2: ctx.path2, endpoint: ctx.endpoint };
    }
    writer?.appendEvents(stored);
    if (detector !== undefined) writer?.noteRuleCost(detector.stats());
  }

  private onExec(ev: Event, state: SystemState, secrets: ReturnType<typeof redactExecSecrets>): void {
    const exePath = state.process(ev.pid)?.exePath;
    if (exePath !== undefined) this.execs.push({ pid: ev.pid, exePath, ts: ev.ts });
    if (secrets.length === 0) return;
    const evidence = processEvidence(state, ev.pid, process.pid);
    if (evidence !== undefined) this.secrets.record(evidence, secrets, ev.ts);
  }

  /** Forwards a signal to the observed command. */
  signal(sig: NodeJS.Signals): void {
    this.session?.signal(sig);
  }

  /** Stops observing now (second Ctrl-C): the sensor ends the stream and its processes. */
  async abort(): Promise<void> {
    this.interrupted = true;
    this.aborted = true;
    await this.session?.stop();
  }
}
