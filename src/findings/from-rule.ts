/**
 * Rule alerts → findings. One finding per (rule, executable, place) in a run, where the place is
 * the file or endpoint the alert's output names (`fd.name` and friends), normalised as the
 * fingerprint normalises it: the same rule reading `/etc/shadow` from `cat` on every build is one
 * stable finding, while the same rule reading `/etc/sudoers` is a different one (new behaviour
 * is what a baseline comparison must surface). A rule whose output names no file or endpoint
 * (a shell spawned) is one finding per executable.
 *
 * A noisy rule touching many distinct places would make as many findings; past
 * MAX_PLACES_PER_RULE the rest of that rule's hits go into one finding whose place is `*`, so a
 * run cannot drown its report (that overflow finding is stable too: same fingerprint each build).
 */
import type { CompiledRule } from '../detect/rules/index.js';
import { type FalcoAlert, falcoAlertObject, type Priority } from '../rules/output/index.js';
import type { Finding, ProcessEvidence, Severity } from './finding.js';
import { fingerprint } from './fingerprint.js';

/** Falco priority → finding severity (Falco's eight syslog levels onto five). */
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

/**
 * Output fields naming the place an alert concerns, most specific first. `fd.name` is the file
 * or the connection (`client->server`); the others are what rules about links, renames and
 * path-taking syscalls print instead.
 */
export const PLACE_FIELDS: readonly string[] = [
  'fd.name',
  'fs.path.name',
  'fs.path.target',
  'evt.arg.pathname',
  'evt.arg.path',
  'evt.arg.name',
  'evt.arg.filename',
  'evt.arg.target',
  'evt.arg.linkpath',
];

export const MAX_PLACES_PER_RULE = 50;

/** What the aggregator needs of a rule (a CompiledRule has it). */
export type RuleInfo = Pick<CompiledRule, 'name' | 'priority' | 'tags'>;

export interface AlertContext {
  /** The alerting process's executable; read from `proc.exepath` in the alert when absent. */
  exePath?: string;
  /** The process with its ancestry, asked for only for a finding's first alert. */
  process?: () => ProcessEvidence | undefined;
}

/** CWE numbers from tags such as `CWE-78`, `cwe_200` or `external/cwe/cwe-120`. */
export function cweFromTags(tags: readonly string[]): number[] {
  const out = new Set<number>();
  for (const t of tags) {
    const m = /(?:^|\/)cwe[-_]?(\d+)$/i.exec(t);
    if (m?.[1] !== undefined) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/** The first place field the alert carries with a real value, as text. */
export function alertPlace(alert: Pick<FalcoAlert, 'output_fields'>): string | undefined {
  for (const name of PLACE_FIELDS) {
    const v = fieldText(alert, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function fieldText(alert: Pick<FalcoAlert, 'output_fields'>, name: string): string | undefined {
  const entry = alert.output_fields.find(([k]) => k === name);
  const v = entry?.[1];
  if (typeof v !== 'string' || v === '' || v === '<NA>') return undefined;
  return v;
}

export class RuleFindingAggregator {
  private readonly byFingerprint = new Map<string, Finding>();
  /** Raw (rule, exe, place) → its finding, so repeats skip normalising and hashing. */
  private readonly byRawKey = new Map<string, Finding>();
  private readonly placesByRule = new Map<string, number>();

  /** `repoRoot` makes paths inside the repository repository-relative in fingerprints. */
  constructor(private readonly repoRoot: string | undefined) {}

  add(alert: FalcoAlert, rule: RuleInfo, ts: bigint, context: AlertContext = {}): void {
    const exePath = context.exePath ?? fieldText(alert, 'proc.exepath') ?? fieldText(alert, 'proc.exe');
    const place = alertPlace(alert);
    const rawKey = `${rule.name}\0${exePath ?? ''}\0${place ?? ''}`;
    const cached = this.byRawKey.get(rawKey);
    if (cached !== undefined) return occurred(cached, ts);

    let fp = this.fingerprintOf(rule, exePath, place);
    let finding = this.byFingerprint.get(fp);
    if (finding === undefined && place !== undefined) {
      const places = this.placesByRule.get(rule.name) ?? 0;
      if (places >= MAX_PLACES_PER_RULE) {
        fp = this.fingerprintOf(rule, exePath, '*');
        finding = this.byFingerprint.get(fp);
      } else {
        this.placesByRule.set(rule.name, places + 1);
      }
    }
    if (finding !== undefined) {
      // Different raw places can normalise to one (two temp dirs): they are one finding.
      if (this.byRawKey.size < MAX_CACHED_KEYS) this.byRawKey.set(rawKey, finding);
      return occurred(finding, ts);
    }
    const process = context.process?.();
    finding = {
      id: fp.slice(0, 16),
      ruleId: rule.name,
      kind: 'rule',
      severity: SEVERITY_OF_PRIORITY[rule.priority],
      title: rule.name,
      message: messageOf(alert),
      cwe: cweFromTags(rule.tags),
      tags: [...rule.tags],
      evidence: { alert: falcoAlertObject(alert), ...(process !== undefined && { process }) },
      count: 1,
      firstTs: ts,
      lastTs: ts,
      fingerprint: fp,
    };
    this.byFingerprint.set(fp, finding);
    if (this.byRawKey.size < MAX_CACHED_KEYS) this.byRawKey.set(rawKey, finding);
  }

  /** The run's rule findings, one per fingerprint, in the order they first occurred. */
  findings(): Finding[] {
    return [...this.byFingerprint.values()];
  }

  private fingerprintOf(rule: RuleInfo, exePath: string | undefined, place: string | undefined): string {
    return fingerprint(
      {
        kind: 'rule',
        ruleId: rule.name,
        ...(exePath !== undefined && { exePath }),
        ...(place !== undefined && { place }),
      },
      this.repoRoot,
    );
  }
}

/** Bounds the repeat cache when places are endless (`/proc/<pid>/…` for every process). */
const MAX_CACHED_KEYS = 10_000;

function occurred(f: Finding, ts: bigint): void {
  f.count++;
  if (ts < f.firstTs) f.firstTs = ts;
  if (ts > f.lastTs) f.lastTs = ts;
}

/** The rendered rule output without Falco's `time: Priority ` prefix. */
function messageOf(alert: FalcoAlert): string {
  const prefix = `: ${alert.priority} `;
  const at = alert.output.indexOf(prefix);
  return at === -1 ? alert.output : alert.output.slice(at + prefix.length);
}
