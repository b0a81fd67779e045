/**
 * Host-wide observation (`harrier monitor`): the sensor in host mode feeding state and the
 * store until stopped. Memory stays bounded on a long-running host because exited processes
 * are reaped from the state tables after a grace period.
 */
import { type AlertListener, type RuleEngine, RulesDetector } from '../detect/rules/index.js';
import { eventContext } from '../events/context.js';
import type { Event } from '../events/event.js';
import { SystemState } from '../events/state/system-state.js';
import type { Sensor, SensorSession, SensorStats } from '../sensors/sensor.js';
import type { RunRecorder, StoredEvent } from '../store/store.js';
import type { EventSink } from './event-sink.js';
import { redactExecSecrets } from './exec-secrets.js';
import { nowNs } from './observe.js';
import { beginRecording, keepUp } from './recording.js';

export interface MonitorOptions {
  sensor: Sensor;
  /** Rules evaluated on every event; replaceable while running with setRules(). */
  rules?: RuleEngine;
  onAlert?: AlertListener;
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
}

export class Monitor {
  private session: SensorSession | undefined;
  private stopped = false;
  private detector: RulesDetector | undefined;

  constructor(private readonly opts: MonitorOptions) {
    if (opts.rules) this.setRules(opts.rules);
  }

  /**
   * Swaps the rules between two events (SIGHUP reload): no event is evaluated by a half-loaded
   * ruleset, and none is skipped.
   */
  setRules(engine: RuleEngine): void {
    this.detector = new RulesDetector(engine, (alert, rule, event) => this.opts.onAlert?.(alert, rule, event));
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
      };
    };
    // A timer, not the event loop below, so stats still appear on an idle host.
    const timer = setInterval(() => {
      state.reap(nowNs() - reapAfterNs);
      opts.onStats?.(stats());
    }, interval);

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
        await keepUp(writer);
        if (opts.eventSink) await opts.eventSink.write(batch);
      }
    } catch (e) {
      failure = e as Error;
    } finally {
      clearInterval(timer);
    }
    await session.stop();
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
