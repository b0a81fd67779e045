/**
 * A Finding through the store without a schema change. The store's finding row (`FindingRecord`
 * in src/store/store.ts, which this folder may not import: it is to the right in the pipeline)
 * has every Finding field but `cwe` and `tags`; its `evidence` is free JSON. So the row's
 * evidence is the finding's evidence plus one reserved key, `_finding: { cwe, tags }`, which no
 * detector's evidence may use. `FindingRow` mirrors `FindingRecord` field for field, so the
 * pipeline passes one where the other is expected and the compiler checks they still agree.
 *
 * Rows written before this module (`evidence: { alert, tags }`) read back with those tags and
 * the CWE numbers found in them.
 */
import { FINDING_KINDS, type Evidence, type Finding, type FindingKind, SEVERITIES, type Severity } from './finding.js';
import { cweFromTags } from './from-rule.js';

export const RESERVED_EVIDENCE_KEY = '_finding';

export interface FindingRow {
  id: string;
  ruleId: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  message: string;
  fingerprint: string;
  count: number;
  firstTs: bigint;
  lastTs: bigint;
  evidence: unknown;
}

export function toRecord(f: Finding): FindingRow {
  return {
    id: f.id,
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    message: f.message,
    fingerprint: f.fingerprint,
    count: f.count,
    firstTs: f.firstTs,
    lastTs: f.lastTs,
    evidence: { ...f.evidence, [RESERVED_EVIDENCE_KEY]: { cwe: f.cwe, tags: f.tags } },
  };
}

export function fromRecord(r: FindingRow): Finding {
  const raw = isObject(r.evidence) ? { ...r.evidence } : {};
  const meta = raw[RESERVED_EVIDENCE_KEY];
  delete raw[RESERVED_EVIDENCE_KEY];
  let tags: string[];
  let cwe: number[];
  if (isObject(meta)) {
    tags = stringArray(meta.tags);
    cwe = Array.isArray(meta.cwe) ? meta.cwe.filter((n): n is number => Number.isInteger(n)) : [];
  } else {
    // The pre-finding-model row kept the rule's tags beside the alert.
    tags = stringArray(raw.tags);
    delete raw.tags;
    cwe = cweFromTags(tags);
  }
  return {
    id: r.id,
    ruleId: r.ruleId,
    kind: FINDING_KINDS.includes(r.kind) ? r.kind : 'rule',
    severity: SEVERITIES.includes(r.severity) ? r.severity : 'info',
    title: r.title,
    message: r.message,
    cwe,
    tags,
    // Evidence is the detector's own JSON, written by toRecord from an Evidence.
    evidence: raw as Evidence,
    count: r.count,
    firstTs: r.firstTs,
    lastTs: r.lastTs,
    fingerprint: r.fingerprint,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
}
