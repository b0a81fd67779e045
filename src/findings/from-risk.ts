/**
 * The libc interposer's risk hits as findings: one per (risk, call site) per run, where a call
 * site is the module and file offset of frame 0 (the absolute address changes with ASLR and
 * between processes), with the hits of every process summed and the first stack kept.
 */
import { basename } from 'node:path';
import { riskForClass, type RiskDefinition } from '../detect/risks/catalogue.js';
import { redactText } from '../detect/secrets/detector.js';
import type { Finding, ProcessEvidence, StackFrame } from './finding.js';
import { findingId, fingerprint } from './fingerprint.js';

/** One call site's hits in one process, its stack already symbolised. */
export interface RiskHit {
  /** The interposer's risk class (PROTOCOL.md). */
  riskClass: number;
  /** The libc function called (`strcpy`, `__sprintf_chk`, `system`). */
  fn: string;
  /** Absolute return address into the caller; kept for reference, not used as identity. */
  callSite: bigint;
  pid: number;
  exePath: string;
  /** Innermost first; frame 0 is the call site; `inApp` set (fingerprint.ts: classifyFrames). */
  stack: StackFrame[];
  /** The process's total hits of this site (COUNTS replaces, so pass the final total once). */
  count: number;
  ts: bigint;
  /** The record's detail (a shell command, a format string); secrets in it are redacted here. */
  detail?: string;
  /** The stack in one line (`strcpy ← parse_header (src/http.c:42) ← main (src/main.c:10)`). */
  stackLine?: string;
  /** Fuller evidence when the caller has the process table's view. */
  process?: ProcessEvidence;
}

export class RiskFindings {
  private readonly byKey = new Map<string, Finding>();
  private unknown = 0;

  /** `repoRoot`: the project's checkout, so fingerprints use repository-relative paths. */
  constructor(private readonly repoRoot?: string) {}

  add(hit: RiskHit): void {
    const risk = riskForClass(hit.riskClass);
    if (!risk) {
      this.unknown++;
      return;
    }
    const key = `${risk.id}\0${callSiteKey(hit)}`;
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, newFinding(key, risk, hit, this.repoRoot));
      return;
    }
    seen.count += hit.count;
    if (hit.ts < seen.firstTs) seen.firstTs = hit.ts;
    if (hit.ts > seen.lastTs) seen.lastTs = hit.ts;
  }

  findings(): Finding[] {
    return [...this.byKey.values()];
  }

  /** Hits whose risk class this version does not know (a newer interposer): counted, not shown. */
  get unknownClassHits(): number {
    return this.unknown;
  }
}

/**
 * Module and offset of the call site. Without them (symbolisation failed) the executable and
 * libc function stand in: coarser, but still the same across runs, unlike the address.
 */
function callSiteKey(hit: RiskHit): string {
  const site = hit.stack[0];
  if (site?.module !== undefined && site.offset !== undefined) return `${site.module}\0${site.offset}`;
  return `unresolved\0${hit.exePath}\0${hit.fn}`;
}

function newFinding(key: string, risk: RiskDefinition, hit: RiskHit, repoRoot: string | undefined): Finding {
  const site = hit.stack[0];
  const details: Record<string, string | number | boolean> = { fn: hit.fn, riskClass: hit.riskClass };
  if (site?.module !== undefined) details.module = site.module;
  if (site?.offset !== undefined) details.offset = site.offset;
  if (hit.detail !== undefined) details.detail = redactText(hit.detail);
  if (hit.stackLine !== undefined) details.stackLine = hit.stackLine;
  return {
    id: findingId(risk.id, key),
    ruleId: risk.id,
    kind: 'risk',
    severity: risk.severity,
    title: risk.title,
    message: `${hit.fn} in ${describePlace(hit)}`,
    cwe: [...risk.cwe],
    tags: [...risk.tags],
    evidence: {
      process: hit.process ?? { pid: hit.pid, exePath: hit.exePath, args: [], ancestry: [] },
      stack: hit.stack,
      details,
    },
    count: hit.count,
    firstTs: hit.ts,
    lastTs: hit.ts,
    fingerprint: fingerprint(
      { kind: 'risk', ruleId: risk.id, sink: hit.fn, stack: hit.stack, exePath: hit.exePath },
      repoRoot,
    ),
  };
}

/** The frame a reader should look at: the innermost frame in the project's code, else the call site. */
function placeFrame(stack: readonly StackFrame[]): StackFrame | undefined {
  return stack.find((f) => f.inApp) ?? stack[0];
}

/** `parse_header (src/http.c:42)`, `libfoo.so+0x1a2b`, or the executable's name. */
function describePlace(hit: RiskHit): string {
  const frame = placeFrame(hit.stack);
  if (!frame) return basename(hit.exePath);
  const where =
    frame.function ??
    (frame.module !== undefined && frame.offset !== undefined
      ? `${basename(frame.module)}+${frame.offset}`
      : frame.address);
  if (frame.file === undefined) return where;
  return `${where} (${frame.file}${frame.line !== undefined ? `:${frame.line}` : ''})`;
}
