/**
 * The contract every sensor implements. A sensor turns one source of truth into normalised
 * events; it knows nothing about state, detectors or storage.
 */
import type { Event, SensorKind } from '../events/event.js';

/** What to observe: a command Harrier starts (with all its descendants) or the whole host. */
export type Target =
  | {
      mode: 'command';
      /** argv[0] must already be resolved to an executable path. */
      argv: string[];
      cwd: string;
      env: NodeJS.ProcessEnv;
    }
  | { mode: 'host' };

/** Live counters; every sensor reports all of them, zero when not applicable. */
export interface SensorStats {
  events: number;
  /** Events the sensor knows it lost (buffer overruns, kernel drops). */
  drops: number;
  /** Events delivered with some argument cut short. */
  truncations: number;
  /** Input the sensor could not interpret (garbage or truncated records), skipped. */
  parseErrors: number;
}

/** How the observed command ended. */
export type ExitStatus = { kind: 'exited'; code: number } | { kind: 'killed'; signal: string; signo: number };

export interface SensorSession {
  readonly sensor: SensorKind;
  /** Pid of the observed command's first process (command mode), once known; 0 in host mode. */
  readonly rootPid: Promise<number>;
  /** Events in order of arrival, in batches; ends when the target and the sensor are done. */
  readonly events: AsyncIterable<Event[]>;
  /**
   * Resolves when the observed command has ended (command mode), after the last event; in host
   * mode, `{ kind: 'exited', code: 0 }` once stopped.
   */
  readonly exit: Promise<ExitStatus>;
  stats(): SensorStats;
  /** Delivers a signal to the observed command (forwarding Ctrl-C / SIGTERM). */
  signal(sig: NodeJS.Signals): void;
  /** Stops observing and releases every resource; the event stream ends. */
  stop(): Promise<void>;
}

export interface Sensor {
  readonly kind: SensorKind;
  /** Checks that the sensor can run here; resolves to a reason when it cannot. */
  unavailableReason(): Promise<string | undefined>;
  start(target: Target): Promise<SensorSession>;
}

/** An error a user can act on: what went wrong and how to fix it. Never printed with a stack. */
export class SensorError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SensorError';
  }
}
