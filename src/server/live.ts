/**
 * Live updates for runs being ingested: the ingest routes publish, each server-sent-events
 * connection subscribes to one run, or to the server-wide alert channel (every alert ingested,
 * whatever its run). Only in-process: a run written by another process (or before this server
 * started) has no live feed, and its stream simply stays quiet.
 */
import { EventEmitter } from 'node:events';

export type LiveMessage =
  | { kind: 'events'; stored: number; total: number }
  | {
      kind: 'findings';
      findings: Array<{ id: string; ruleId: string; severity: string; title: string; count: number }>;
    }
  | { kind: 'status'; status: string };

/** The server-wide channel's name: not a run id (those match runIdParams, which has no `:`). */
const ALERTS_CHANNEL = ':alerts';

export class LiveHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open dashboard tab; no leak warning for a busy run.
    this.emitter.setMaxListeners(0);
  }

  publish(runId: string, message: LiveMessage): void {
    this.emitter.emit(runId, message);
  }

  subscribe(runId: string, listener: (message: LiveMessage) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }

  /** Every alert this server ingests, as the API shows it (`alertJson`), already JSON-safe. */
  publishAlert(alert: object): void {
    this.emitter.emit(ALERTS_CHANNEL, alert);
  }

  subscribeAlerts(listener: (alert: object) => void): () => void {
    this.emitter.on(ALERTS_CHANNEL, listener);
    return () => this.emitter.off(ALERTS_CHANNEL, listener);
  }
}
