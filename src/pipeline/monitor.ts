/**
 * Host-wide observation (`harrier monitor`): the sensor in host mode feeding state and the
 * store until stopped. Memory stays bounded on a long-running host because exited processes
 * are reaped from the state tables after a grace period.
 *
 * Rule alerts go through the deduplicator; each alert it lets out goes to the caller (stdout)
 * and is recorded with the session, so the collector's alert stream is what the host printed.
 * Every alert, repeats included, also counts into the session's rule findings (as `harrier run`
 * aggregates them), which are upserted now and then and at the end: a long session shows its
 * findings while it runs, not only after it stops.
 */
import { AlertDeduplicator, type CompiledRule, type RuleEngine, RulesDetector } from '../detect/rules/index.js';
import { eventContext } from '../events/context.js';
import type { Event } from '../events/event.js';
import { SystemState } from '../events/state/system-state.js';
import { toRecord } from '../findings/record.js';
import type { FalcoAlert } from '../rules/output/index.js';
import type { Sensor, SensorSession, SensorStats } from '../sensors/sensor.js';
import type { RuleCost, RunRecorder, RunWriter, StoredEvent } from '../store/store.js';
import { alertRecord } from './alert-record.js';
import type { EventSink } from './event-sink.js';
import { redactExecSecrets } from './exec-secrets.js';
import { nowNs } from './observe.js';
import { processEvidence } from './process-evidence.js';
import { beginRecording, keepUp } from './recording.js';
import { RuleFindings } from './rule-findings.js';

export interface MonitorOptions {
  sensor: Sensor;
  /** Rules evaluated on every event; replaceable while running with setRules(). */
  rules?: RuleEngine;
  /** Each alert as it goes out, after deduplication. */
  onAlert?: (alert: FalcoAlert) => void;
  /** Identical alerts within this window are counted into one re-emission (0: every alert goes out). */
  dedupWindowMs?: number;
  /** How often changed findings are upserted on the store/collector. */
  findingsIntervalMs?: number;
  /** Where events are recorded (the store, a collector, or both). */
  store?: RunRecorder;
  eventSink?: EventSink;
  harrierVersion: string;
  /** Exited processes stay resolvable this long (late events still find their process). */
  reapAfterMs?: number;
  /** Called about once per `statsIntervalMs` with live figures. */
  onStats?: (s: MonitorStats) => void;
  statsIntervalMs?: number;
}

export interface MonitorStats {
  elapsedMs: number;
  sensor: SensorStats;
  eventsPerSec: number;
  processesTracked: number;
  rssBytes: number;
  /** Rule evaluation so far: events evaluated and the (sampled) seconds it took. */
  rules: RuleCost;
}

export class Monitor {
  private session: SensorSession | undefined;
  private stopped = false;
  private detector: RulesDetector | undefined;
  private earlierRuleCost: RuleCost = { events: 0, seconds: 0 };
  /** Where the running session takes rule matches; set by run(). */
  private onMatch: ((alert: FalcoAlert, rule: CompiledRule, event: Event) => void) | undefined;

  constructor(private readonly opts: MonitorOptions) {
    if (opts.rules) this.setRules(opts.rules);
  }

  /**
   * Swaps the rules between two events (SIGHUP reload): no event is evaluated by a half-loaded
   * ruleset, and none is skipped.
   */
  setRules(engine: RuleEngine): void {
    // The session's rule cost carries across reloads, so a collector's counters never go back.
    const before = this.detector?.stats();
    if (before !== undefined) {
      this.earlierRuleCost = {
        events: this.earlierRuleCost.events + before.events,
        seconds: this.earlierRuleCost.seconds + before.seconds,
      };
    }
    this.detector = new RulesDetector(engine, (alert, rule, event) => this.onMatch?.(alert, rule, event));
  }

  /** Rule evaluation over the whole session, every ruleset it ran included. */
  ruleCost(): RuleCost {
    const now = this.detector?.stats() ?? { events: 0, seconds: 0 };
    return { events: this.earlierRuleCost.events + now.events, seconds: this.earlierRuleCost.seconds + now.seconds };
  }

  async run(): Promise<MonitorStats> {
    const { opts } = this;
    const startedAt = nowNs();
    const session = await opts.sensor.start({ mode: 'host' });
    this.session = session;
    if (this.stopped) await session.stop();

    const writer = await beginRecording(session, opts.store, {
      command: ['harrier', 'monitor'],
      cwd: process.cwd(),
      sensor: opts.sensor.kind,
      startedAt,
      harrierVersion: opts.harrierVersion,
    });

    // Processes that started before Harrier are read from /proc when they first appear.
    const state = new SystemState({ procFallback: true });
    state.bootstrapFromProc();
    const reapAfterNs = BigInt(opts.reapAfterMs ?? 30_000) * 1_000_000n;
    const interval = opts.statsIntervalMs ?? 10_000;
    let lastStatsAt = Date.now();
    let lastEvents = 0;
    const t0 = Date.now();
    const stats = (): MonitorStats => {
      const s = session.stats();
      const now = Date.now();
      const rate = ((s.events - lastEvents) * 1000) / Math.max(1, now - lastStatsAt);
      lastEvents = s.events;
      lastStatsAt = now;
      return {
        elapsedMs: now - t0,
        sensor: s,
        eventsPerSec: rate,
        processesTracked: state.stats().processes,
        rssBytes: process.memoryUsage.rss(),
        rules: this.ruleCost(),
      };
    };
    // A timer, not the event loop below, so stats still appear on an idle host.
    const timer = setInterval(() => {
      state.reap(nowNs() - reapAfterNs);
      opts.onStats?.(stats());
    }, interval);

    const windowMs = opts.dedupWindowMs ?? 0;
    const dedup = new AlertDeduplicator(windowMs, (alert) => {
      opts.onAlert?.(alert);
      writer?.appendAlerts([alertRecord(alert)]);
    });
    const sweeper = setInterval(() => dedup.sweep(Date.now()), Math.max(250, windowMs / 4));
    const findings = new RuleFindings(undefined);
    const upserted = new UpsertedFindings();
    this.onMatch = (alert, rule, event) => {
      findings.add(alert, rule, event.ts, {
        exePath: state.process(event.pid)?.exePath,
        process: () => processEvidence(state, event.pid, process.pid),
      });
      dedup.add(alert, Date.now());
    };
    const findingsTimer = setInterval(() => upserted.upsertChanged(findings, writer), opts.findingsIntervalMs ?? 5000);

    let failure: Error | undefined;
    try {
      for await (const batch of session.events) {
        const stored: StoredEvent[] = [];
        for (const ev of batch as Event[]) {
          // Secret values in exec environments and arguments are redacted before anything keeps
          // them (state, rules, store, collector, event file). A host has too many such processes
          // for a finding each; `harrier run` reports them for its command.
          redactExecSecrets(ev);
          state.apply(ev);
          this.detector?.process(ev, state);
          if (writer) {
            const ctx = eventContext(ev, state);
            stored.push({ event: ev, path: ctx.path, path2: ctx.path2, endpoint: ctx.endpoint });
          }
        }
        writer?.appendEvents(stored);
        if (this.detector !== undefined) writer?.noteRuleCost(this.ruleCost());
        await keepUp(writer);
        if (opts.eventSink) await opts.eventSink.write(batch);
      }
    } catch (e) {
      failure = e as Error;
    } finally {
      clearInterval(timer);
      clearInterval(sweeper);
      clearInterval(findingsTimer);
      this.onMatch = undefined;
    }
    await session.stop();
    // Closes the open windows (their repeat counts go out and are recorded), then the findings' last state.
    dedup.flush();
    upserted.upsertChanged(findings, writer);
    const final = stats();
    // No run summary: a host's files and endpoints are unbounded; `harrier show` rebuilds one from the events.
    await writer?.finish({ endedAt: nowNs(), summary: null, partial: failure !== undefined });
    await opts.eventSink?.close();
    if (failure) throw failure;
    return final;
  }

  /** Ends monitoring: the sensor's stream ends and `run` resolves after flushing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.session?.stop();
  }
}

/** Remembers what was last upserted, so each period sends only the findings that changed since. */
class UpsertedFindings {
  private readonly sent = new Map<string, { count: number; lastTs: bigint }>();

  upsertChanged(findings: RuleFindings, writer: RunWriter | undefined): void {
    if (writer === undefined) return;
    const changed = findings.findings().filter((f) => {
      const last = this.sent.get(f.id);
      return last === undefined || last.count !== f.count || last.lastTs !== f.lastTs;
    });
    if (changed.length === 0) return;
    for (const f of changed) this.sent.set(f.id, { count: f.count, lastTs: f.lastTs });
    writer.upsertFindings(changed.map(toRecord));
  }
}
