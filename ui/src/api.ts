/** The server's query API (docs/api.md), typed for the views. Same origin, so no CORS. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface Run {
  id: string;
  status: 'running' | 'complete' | 'incomplete';
  command: string[];
  cwd: string;
  sensor: string;
  hostname: string;
  startedAt: string;
  startedAtNs: string;
  endedAt: string | null;
  endedAtNs: string | null;
  exit: { kind: 'exited'; code: number } | { kind: 'killed'; signal: string } | null;
  events: number;
  build?: { component?: string; branch?: string; buildId?: string; commit?: string } | null;
}

export interface Process {
  pid: number;
  ppid: number;
  exePath: string;
  args: string[];
  cwd: string;
  uid: number;
  user: string;
  startTsNs: string;
  exitTsNs: string | null;
  exitCode: number | null;
  exitSignal: string | null;
  children?: Process[];
}

export interface StackFrame {
  address: string;
  module?: string;
  offset?: string;
  function?: string;
  file?: string;
  line?: number;
  inApp: boolean;
}

export interface Finding {
  id: string;
  ruleId: string;
  kind: string;
  severity: Severity;
  title: string;
  message: string;
  fingerprint: string;
  count: number;
  firstTsNs: string;
  lastTsNs: string;
  /** Against a baseline run, when one was asked for. */
  status?: FindingStatus;
  evidence: {
    process?: { pid: number; exePath: string; args: string[]; user?: string; ancestry?: unknown[] };
    event?: { type: string; ts: string; args: Record<string, unknown> };
    stack?: StackFrame[];
    alert?: Record<string, unknown>;
    details?: Record<string, string | number | boolean>;
  };
}

export type FindingStatus = 'new' | 'unchanged' | 'fixed';

export interface Comparison {
  base: string;
  head: string;
  findings: { new: Finding[]; unchanged: Finding[]; fixed: Finding[] };
  processes: { appeared: string[]; vanished: string[] };
  endpoints: { appeared: string[]; vanished: string[] };
}

export interface EventRecord {
  ts: string;
  type: string;
  /** The file and remote/bound address the event concerns, when the server resolved one. */
  path?: string;
  path2?: string;
  endpoint?: string;
}

/** One rule of /api/v1/rules: a loaded one, or (loaded: false) one known only from stored findings. */
export interface Rule {
  name: string;
  loaded: boolean;
  severity: Severity;
  tags: string[];
  hits: number;
  runs: number;
  /** Nanoseconds since the epoch as a decimal string; null without hits. */
  lastHit: string | null;
  description?: string;
  priority?: Priority;
  enabled?: boolean;
  source?: string;
  file?: string;
  line?: number;
  condition?: string;
  output?: string;
}

export interface RulesListing {
  rulesFiles: string[];
  counts: { loaded: number; enabled: number; loadedWithHits: number; notLoaded: number; shown: number };
  rules: Rule[];
}

/** Falco's priorities, most urgent first, and the finding severity each is shown as. */
export const PRIORITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;
export type Priority = (typeof PRIORITIES)[number];
export const SEVERITY_OF_PRIORITY: Readonly<Record<Priority, Severity>> = {
  Emergency: 'critical',
  Alert: 'critical',
  Critical: 'critical',
  Error: 'high',
  Warning: 'medium',
  Notice: 'low',
  Informational: 'info',
  Debug: 'info',
};

/** One rule alert as `GET /api/v1/alerts` and `/api/v1/alerts/live` give it. */
export interface Alert {
  runId: string;
  seq: number;
  time: string;
  tsNs: string;
  rule: string;
  priority: Priority;
  source: string;
  tags: string[];
  hostname: string;
  output: string;
  outputFields: Record<string, unknown>;
  repeats: number;
}

export class ApiFailure extends Error {}

let unauthorized: (() => void) | undefined;

/** Called whenever the server answers 401: the dashboard has not signed in, or its session ended. */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

function checkSignedIn(res: Response): void {
  if (res.status !== 401) return;
  unauthorized?.();
  throw new ApiFailure('sign-in required');
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  checkSignedIn(res);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiFailure(`${path}: the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
    throw new ApiFailure(message);
  }
  return body as T;
}

const enc = encodeURIComponent;

export const api = {
  runs: (limit = 200) => get<{ runs: Run[] }>(`/api/v1/runs?limit=${limit}`).then((b) => b.runs),
  run: (id: string) => get<{ run: Run; summary: unknown }>(`/api/v1/runs/${enc(id)}`),
  processTree: (id: string) => get<{ tree: Process[] }>(`/api/v1/runs/${enc(id)}/processes?tree=1`).then((b) => b.tree),
  findings: (id: string, severities?: readonly Severity[]) =>
    get<{ findings: Finding[] }>(
      `/api/v1/runs/${enc(id)}/findings${severities && severities.length > 0 ? `?severity=${severities.join(',')}` : ''}`,
    ).then((b) => b.findings),
  /** Findings judged against the previous run of the same component and branch (the server picks it). */
  judgedFindings: (id: string, status: FindingStatus, severities?: readonly Severity[]) =>
    get<{ baseline: string | null; findings: Finding[] }>(
      `/api/v1/runs/${enc(id)}/findings?status=${status}${severities && severities.length > 0 ? `&severity=${severities.join(',')}` : ''}`,
    ),
  /** One process's events (a page of up to 10,000): what it opened and where it connected. */
  processEvents: (id: string, pid: number) =>
    get<{ events: EventRecord[]; next: string | null }>(`/api/v1/runs/${enc(id)}/events?pid=${pid}&limit=10000`),
  rules: () => get<RulesListing>('/api/v1/rules'),
  /** Newest first; `priorities` empty or absent means all. */
  alerts: (limit: number, priorities?: readonly Priority[]) =>
    get<{ alerts: Alert[]; next: string | null }>(
      `/api/v1/alerts?limit=${limit}${priorities && priorities.length > 0 ? `&priority=${priorities.join(',')}` : ''}`,
    ).then((b) => b.alerts),
  compare: (base: string, head: string) => get<Comparison>(`/api/v1/compare?base=${enc(base)}&head=${enc(head)}`),
  /**
   * Every event's time and type, streamed as NDJSON so a big run is not one huge JSON document;
   * stops after `max` events (the chart says so).
   */
  async eventTimes(id: string, max: number): Promise<{ events: EventRecord[]; truncated: boolean }> {
    const res = await fetch(`/api/v1/runs/${enc(id)}/events`, { headers: { accept: 'application/x-ndjson' } });
    checkSignedIn(res);
    if (!res.ok || res.body === null) throw new ApiFailure(`events: HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const events: EventRecord[] = [];
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const lines = (rest + value).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        const e = JSON.parse(line) as EventRecord;
        events.push({ ts: e.ts, type: e.type });
        if (events.length >= max) {
          await reader.cancel();
          return { events, truncated: true };
        }
      }
    }
    if (rest.trim() !== '') {
      const e = JSON.parse(rest) as EventRecord;
      events.push({ ts: e.ts, type: e.type });
    }
    return { events, truncated: false };
  },
};
