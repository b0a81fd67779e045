/**
 * The run summary: what a user reads when `harrier run` ends, and what `--json` prints.
 * It is plain JSON (no bigint), versioned, and stored with the run so `harrier show` can
 * print it again.
 */
import type { SensorKind } from '../events/event.js';

export const SUMMARY_VERSION = 1;

export interface ProcessNode {
  pid: number;
  ppid: number;
  exePath: string;
  args: string[];
  user: string;
  uid: number;
  cwd: string;
  /** Milliseconds since the run started. */
  startMs: number;
  durationMs: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** False for a fork that never exec'd (shown so the tree stays connected). */
  execed: boolean;
  children: ProcessNode[];
}

export type FileOp = 'read' | 'write' | 'create' | 'delete' | 'rename' | 'chmod';
export const FILE_OPS: readonly FileOp[] = ['read', 'write', 'create', 'delete', 'rename', 'chmod'];

export interface FileEntry {
  path: string;
  ops: Partial<Record<FileOp, number>>;
  /** For renames: where the file went. */
  renamedTo?: string[];
}

export interface DirectoryEntry {
  dir: string;
  counts: Partial<Record<FileOp, number>>;
  files: FileEntry[];
}

export interface Connection {
  proto: string;
  /** `ip:port`, `[ip6]:port`, or a unix socket path. */
  address: string;
  count: number;
  /** Distinct errno names of failed attempts (`ECONNREFUSED`); empty when all succeeded. */
  failures: string[];
  succeeded: number;
  pids: number[];
}

export interface NetworkSummary {
  outbound: Connection[];
  inbound: Connection[];
  listening: Connection[];
  unix: Array<Connection & { op: 'connect' | 'bind' }>;
}

export interface Totals {
  events: number;
  byType: Record<string, number>;
  processes: number;
  execs: number;
  durationMs: number;
  sensor: SensorKind;
  drops: number;
  truncations: number;
  parseErrors: number;
}

/** One rule's alerts in a run: identical alerts are counted, never dropped. */
export interface AlertSummary {
  rule: string;
  /** Falco's capitalised priority (`Warning`). */
  priority: string;
  tags: string[];
  /** How many times the rule fired. */
  count: number;
  /** The first alert, exactly as Falco's JSON output would carry it. */
  first: Record<string, unknown>;
}

export interface RunSummary {
  version: typeof SUMMARY_VERSION;
  runId: string | null;
  command: string[];
  sensor: SensorKind;
  /** Why this sensor was chosen (`--sensor auto` explains itself). */
  sensorReason: string;
  startedAt: string;
  endedAt: string;
  /** The observed command's outcome; null when it never started or was not seen to end. */
  exit: { code: number } | { signal: string } | null;
  /** True when the run was interrupted or the sensor failed: the data is partial. */
  partial: boolean;
  processes: ProcessNode[];
  files: DirectoryEntry[];
  network: NetworkSummary;
  /** Rule alerts, most severe first (empty when no rules were loaded). */
  alerts: AlertSummary[];
  totals: Totals;
}

/** A stored summary this version of Harrier can print (older or foreign shapes are rebuilt). */
export function isRunSummary(x: unknown): x is RunSummary {
  return typeof x === 'object' && x !== null && (x as { version?: unknown }).version === SUMMARY_VERSION;
}
