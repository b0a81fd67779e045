/**
 * Recording a run on a `harrier serve` collector instead of (or as well as) a local store: the
 * same RunWriter the pipeline already feeds, speaking the ingest API (docs/api.md).
 *
 * Events go as NDJSON batches, each with an idempotency key, so a batch retried after a lost
 * answer or a collector restart is stored once. 429 and network errors are retried with
 * backoff; while the collector is away events wait in a bounded buffer, and what does not fit
 * is counted and reported with the next batch (`?dropped=N`), never silently lost.
 *
 * Findings and alerts take a channel of their own (JSON posts on a short timer), so that a
 * collector slowing the event stream down with 429s does not hold back what a person watches
 * the dashboard for. Each alert carries its number in the run, so a retried post stores it once.
 */
import { randomUUID } from 'node:crypto';
import { eventToJson } from '../../events/json.js';
import { HttpClient, HttpNetworkError, type HttpAnswer } from './http-client.js';
import {
  type AlertRecord,
  type FindingRecord,
  type NewRun,
  type ProcessRecord,
  type RuleCost,
  type RunWriter,
  type StoredEvent,
  StoreError,
} from '../store.js';

export interface RemoteOptions {
  /** The collector's base URL (`http://collector:7777`). */
  url: string;
  token?: string;
  /** Events per batch. */
  batchEvents?: number;
  /** Events kept while the collector cannot take them; beyond this they are dropped and counted. */
  bufferEvents?: number;
  /** Attempts per request before giving up on the collector for this run. */
  attempts?: number;
  /** First retry delay; doubles each attempt (a 429's Retry-After wins). */
  backoffMs?: number;
  /** A partial batch is sent after this long, so a collector shows a slow run as it goes. */
  intervalMs?: number;
}

const DEFAULTS = { batchEvents: 10_000, bufferEvents: 500_000, attempts: 8, backoffMs: 200, intervalMs: 1000 };

/** Alerts per post (the collector takes up to 10,000) and kept while it is away; beyond, they are counted as lost. */
const ALERTS_PER_POST = 1000;
const ALERT_BUFFER = 50_000;
/** Alerts are for people watching: sent sooner than event batches. */
const ALERT_INTERVAL_MS = 250;
const FINDINGS_PER_POST = 10_000;

const HINT = 'check --server URL and that `harrier serve` is running there (and --token-file / HARRIER_TOKEN)';

const TOKEN_HINT = 'pass the token the server was started with (--token-file or HARRIER_TOKEN)';

const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

/** The options in force, and the HTTP client every request of this recorder goes through. */
type Collector = Required<Omit<RemoteOptions, 'token'>> & { token?: string; client: HttpClient };

type Json = (value: unknown) => string;
const json: Json = (value) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export class RemoteRecorder {
  private readonly opts: Collector;

  constructor(opts: RemoteOptions) {
    this.opts = { ...DEFAULTS, ...opts, url: collectorUrl(opts.url), client: new HttpClient() };
  }

  get path(): string {
    return this.opts.url;
  }

  /** Fails now, before the command runs, when the collector cannot be reached or refuses the token. */
  async check(): Promise<void> {
    await send({ ...this.opts, attempts: 2 }, '/healthz', 'GET', 'application/json', undefined);
    // An empty run is refused by validation (400), which the server checks only after the token:
    // a 401 here means the token is wrong, without creating anything.
    const probe = await this.opts.client.request(
      `${this.opts.url}/api/v1/ingest/runs`,
      'POST',
      { 'content-type': 'application/json', ...bearer(this.opts.token) },
      '{}',
    );
    if (probe.status === 401 || probe.status === 403) {
      throw new StoreError(`the collector at ${this.opts.url} refused the token (HTTP ${probe.status})`, TOKEN_HINT);
    }
  }

  async beginRun(run: NewRun): Promise<RunWriter> {
    const body = { ...run, startedAt: run.startedAt.toString() };
    // One key for every attempt: a retry after a lost answer gets the run the first attempt made.
    const key = randomUUID();
    const res = await send(this.opts, '/api/v1/ingest/runs', 'POST', 'application/json', json(body), key);
    const { id } = JSON.parse(res.text) as { id?: unknown };
    if (typeof id !== 'string')
      throw new StoreError(`the collector at ${this.opts.url} answered without a run id`, HINT);
    return new RemoteRunWriter(id, this.opts);
  }
}

class RemoteRunWriter implements RunWriter {
  private lines: string[] = [];
  private batchNo = 0;
  private dropped = 0;
  /** Drops already reported to the collector: each batch reports only those since (docs/api.md). */
  private reportedDropped = 0;
  /** The rules' cost so far, and how much of it the collector has been told. */
  private ruleCost: RuleCost = { events: 0, seconds: 0 };
  private reportedRuleCost: RuleCost = { events: 0, seconds: 0 };
  /** Findings upserted since they were last sent. */
  private readonly findings = new Map<string, FindingRecord>();
  private readonly processes = new Map<number, ProcessRecord>();
  private sending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Alerts not yet acknowledged, each with its number in the run. */
  private alerts: Array<Record<string, unknown>> = [];
  private alertSeq = 0;
  private droppedAlertCount = 0;
  /** The findings-and-alerts channel (see the file comment). */
  private sideSending: Promise<void> = Promise.resolve();
  private sideFailure: Error | undefined;
  private sideTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly runId: string,
    private readonly opts: Collector,
  ) {}

  appendEvents(events: StoredEvent[]): void {
    for (const s of events) {
      if (this.lines.length >= this.opts.bufferEvents) {
        this.dropped++;
        continue;
      }
      const line: Record<string, unknown> = { ...eventToJson(s.event) };
      if (s.path !== undefined) line.path = s.path;
      if (s.path2 !== undefined) line.path2 = s.path2;
      if (s.endpoint !== undefined) line.endpoint = s.endpoint;
      this.lines.push(JSON.stringify(line));
    }
    if (this.lines.length >= this.opts.batchEvents) this.sending = this.sending.then(() => this.sendFull());
    else if (this.lines.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sending = this.sending.then(() => this.sendAll());
      }, this.opts.intervalMs);
      this.timer.unref();
    }
  }

  backlog(): number {
    return this.lines.length;
  }

  upsertProcesses(processes: ProcessRecord[]): void {
    for (const p of processes) this.processes.set(p.pid, p);
  }

  upsertFindings(findings: FindingRecord[]): void {
    for (const f of findings) this.findings.set(f.id, f);
    this.armSide();
  }

  noteRuleCost(cost: RuleCost): void {
    this.ruleCost = { ...cost };
  }

  appendAlerts(alerts: AlertRecord[]): void {
    for (const a of alerts) {
      const seq = a.seq ?? ++this.alertSeq;
      this.alertSeq = Math.max(this.alertSeq, seq);
      if (this.alerts.length >= ALERT_BUFFER) {
        this.droppedAlertCount++;
        continue;
      }
      this.alerts.push({
        seq,
        ts: a.ts.toString(),
        rule: a.rule,
        priority: a.priority,
        source: a.source,
        tags: a.tags,
        hostname: a.hostname,
        output: a.output,
        outputFields: a.outputFields,
        repeats: a.repeats,
      });
    }
    this.armSide();
  }

  async flush(): Promise<void> {
    this.sending = this.sending.then(() => this.sendAll());
    this.sideSending = this.sideSending.then(() => this.sendSide());
    await Promise.all([this.sending, this.sideSending]);
    if (this.failure) throw this.failure;
    if (this.sideFailure) throw this.sideFailure;
  }

  async finish(outcome: { endedAt: bigint; exit?: unknown; summary: unknown; partial: boolean }): Promise<void> {
    clearTimeout(this.timer);
    clearTimeout(this.sideTimer);
    // flush() sends the findings and alerts still pending too.
    await this.flush();
    const base = `/api/v1/ingest/runs/${this.runId}`;
    const body = {
      endedAt: outcome.endedAt.toString(),
      partial: outcome.partial || this.dropped > 0 || this.droppedAlertCount > 0,
      ...(outcome.exit !== undefined && { exit: outcome.exit }),
      // A monitor session has no summary (null); the collector takes an object or nothing.
      ...(outcome.summary !== null && outcome.summary !== undefined && { summary: outcome.summary }),
      processes: [...this.processes.values()],
    };
    await send(this.opts, `${base}/finish`, 'POST', 'application/json', json(body));
  }

  /** Events the collector never got because the buffer was full while it was away. */
  get droppedEvents(): number {
    return this.dropped;
  }

  /** Alerts the collector never got because the buffer was full while it was away. */
  get droppedAlerts(): number {
    return this.droppedAlertCount;
  }

  private armSide(): void {
    if (this.sideTimer !== undefined || this.sideFailure !== undefined) return;
    this.sideTimer = setTimeout(() => {
      this.sideTimer = undefined;
      this.sideSending = this.sideSending.then(() => this.sendSide());
    }, ALERT_INTERVAL_MS);
    this.sideTimer.unref();
  }

  /** Posts pending findings (upserts, so a resend is harmless) and alerts; what fails stays pending. */
  private async sendSide(): Promise<void> {
    const base = `/api/v1/ingest/runs/${this.runId}`;
    try {
      while (this.findings.size > 0 && this.sideFailure === undefined) {
        const batch = [...this.findings.values()].slice(0, FINDINGS_PER_POST);
        const body = batch.map((f) => ({ ...f, firstTs: f.firstTs.toString(), lastTs: f.lastTs.toString() }));
        await send(this.opts, `${base}/findings`, 'POST', 'application/json', json(body));
        // A finding upserted again while the post was out stays pending with its newer count.
        for (const f of batch) if (this.findings.get(f.id) === f) this.findings.delete(f.id);
      }
      while (this.alerts.length > 0 && this.sideFailure === undefined) {
        const batch = this.alerts.slice(0, ALERTS_PER_POST);
        await send(this.opts, `${base}/alerts`, 'POST', 'application/json', json(batch));
        this.alerts = this.alerts.slice(batch.length);
      }
    } catch (e) {
      // Kept for the next flush; finish() reports it.
      this.sideFailure = e as Error;
    }
  }

  private async sendFull(): Promise<void> {
    while (this.lines.length >= this.opts.batchEvents && !this.failure) await this.sendBatch();
  }

  private async sendAll(): Promise<void> {
    while (this.lines.length > 0 && !this.failure) await this.sendBatch();
  }

  private async sendBatch(): Promise<void> {
    const batch = this.lines.slice(0, this.opts.batchEvents);
    const key = `${this.runId}-${++this.batchNo}`;
    const droppedSoFar = this.dropped;
    const newlyDropped = droppedSoFar - this.reportedDropped;
    const cost = this.ruleCost;
    const params = new URLSearchParams();
    if (newlyDropped > 0) params.set('dropped', String(newlyDropped));
    if (cost.events > this.reportedRuleCost.events) {
      params.set('ruleEvents', String(cost.events - this.reportedRuleCost.events));
      params.set('ruleSeconds', Math.max(0, cost.seconds - this.reportedRuleCost.seconds).toFixed(6));
    }
    const query = params.size > 0 ? `?${params.toString()}` : '';
    try {
      await send(
        this.opts,
        `/api/v1/ingest/runs/${this.runId}/events${query}`,
        'POST',
        'application/x-ndjson',
        batch.join('\n') + '\n',
        key,
      );
      this.lines = this.lines.slice(batch.length);
      this.reportedDropped = droppedSoFar;
      this.reportedRuleCost = cost;
    } catch (e) {
      // Keep the events for a later flush; the run goes on. finish() will report the failure.
      this.failure = e as Error;
    }
  }
}

/** One request, retried on 429, 5xx and network errors with backoff. */
async function send(
  opts: Collector,
  path: string,
  method: string,
  contentType: string,
  body: string | undefined,
  idempotencyKey?: string,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  Object.assign(headers, bearer(opts.token));
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  let delay = opts.backoffMs;
  let last = '';
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let res: HttpAnswer | undefined;
    try {
      res = await opts.client.request(opts.url + path, method, headers, body);
    } catch (e) {
      if (!(e instanceof HttpNetworkError)) throw e;
      last = e.code;
    }
    if (res !== undefined) {
      if (res.status >= 200 && res.status < 300) return res;
      last = `HTTP ${res.status}: ${errorMessage(res.text)}`;
      if (res.status === 401 || res.status === 403) {
        throw new StoreError(
          `the collector at ${opts.url} refused the token (${last})`,
          'pass the token the server was started with (--token-file or HARRIER_TOKEN)',
        );
      }
      if (res.status !== 429 && res.status < 500)
        throw new StoreError(`the collector at ${opts.url} rejected ${path}: ${last}`, HINT);
      const retryAfter = Number(res.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter > 0) delay = retryAfter * 1000;
    }
    if (attempt < opts.attempts) await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10_000);
  }
  throw new StoreError(`cannot reach the collector at ${opts.url} (${last})`, HINT);
}

/** The collector's base URL without trailing slashes; anything but http(s) is refused up front. */
function collectorUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new StoreError(
      `--server ${url} is not an http:// or https:// URL`,
      "pass the collector's address, e.g. --server http://collector:7777",
    );
  }
  return url.replace(/\/+$/, '');
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return body.error?.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
