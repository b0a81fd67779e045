/**
 * Findings back from a SARIF file Harrier wrote, so CI can pass the SARIF it uploads to code
 * scanning as the next build's baseline. Only what matching needs is read, best effort for the
 * rest: the fingerprint (`partialFingerprints['harrierFingerprint/v1']`, required), `ruleId`
 * (or the rule at `ruleIndex`), the severity (the rule's `security-severity` score, else the
 * result's `level`), the message, CWE and tags from the rule's `properties.tags`, and
 * `occurrenceCount`. Times are not in SARIF results: they read back as 0.
 */
import { FindingsError } from './errors.js';
import { type Finding, FINDING_KINDS, type FindingKind, SEVERITIES, type Severity } from './finding.js';

export const SARIF_FINGERPRINT_KEY = 'harrierFingerprint/v1';

/** True for a document that claims to be SARIF (so errors can talk about SARIF). */
export function looksLikeSarif(v: unknown): boolean {
  return isObject(v) && Array.isArray(v.runs) && (typeof v.version === 'string' || typeof v.$schema === 'string');
}

export function findingsFromSarif(doc: unknown, name: string): Finding[] {
  const fail = (what: string): never => {
    throw new FindingsError(
      `${name}: not a SARIF file Harrier can use as a baseline: ${what}`,
      'pass a SARIF file written by `harrier run --report sarif:PATH` (it carries Harrier fingerprints)',
    );
  };
  if (!isObject(doc) || !Array.isArray(doc.runs)) return fail('no `runs` array');
  if (doc.version !== '2.1.0') return fail(`SARIF version ${JSON.stringify(doc.version)}, expected "2.1.0"`);
  const findings: Finding[] = [];
  let results = 0;
  doc.runs.forEach((run, r) => {
    if (!isObject(run)) return fail(`runs[${r}] is not an object`);
    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : undefined;
    const rules = driver !== undefined && Array.isArray(driver.rules) ? driver.rules.filter(isObject) : [];
    if (run.results === undefined) return;
    if (!Array.isArray(run.results)) return fail(`runs[${r}].results is not an array`);
    run.results.forEach((res, i) => {
      results++;
      if (!isObject(res)) return fail(`runs[${r}].results[${i}] is not an object`);
      const fps = isObject(res.partialFingerprints) ? res.partialFingerprints : {};
      const fp = fps[SARIF_FINGERPRINT_KEY];
      if (typeof fp !== 'string' || fp === '') return;
      const rule = ruleOf(res, rules);
      const ruleId = typeof res.ruleId === 'string' ? res.ruleId : str(rule?.id);
      if (ruleId === undefined) return fail(`runs[${r}].results[${i}] has neither ruleId nor a rule at ruleIndex`);
      const ruleTags = rule !== undefined && isObject(rule.properties) ? strings(rule.properties.tags) : [];
      const props = isObject(res.properties) ? res.properties : {};
      findings.push({
        id: fp.slice(0, 16),
        ruleId,
        kind: FINDING_KINDS.includes(props.kind as FindingKind) ? (props.kind as FindingKind) : 'rule',
        severity: severityOf(res, rule, props),
        title: str(rule?.name) ?? textOf(rule?.shortDescription) ?? ruleId,
        message: textOf(res.message) ?? '',
        cwe: cweOf(ruleTags),
        tags: ruleTags.filter((t) => !/^external\/cwe\//i.test(t) && t !== 'security'),
        evidence: {},
        count: typeof res.occurrenceCount === 'number' ? res.occurrenceCount : 1,
        firstTs: 0n,
        lastTs: 0n,
        fingerprint: fp,
      });
    });
  });
  if (results > 0 && findings.length === 0) {
    fail(
      `none of its ${results} results has partialFingerprints["${SARIF_FINGERPRINT_KEY}"] (was it written by another tool?)`,
    );
  }
  return findings;
}

function ruleOf(res: Record<string, unknown>, rules: Record<string, unknown>[]): Record<string, unknown> | undefined {
  if (typeof res.ruleIndex === 'number') return rules[res.ruleIndex];
  return rules.find((r) => r.id === res.ruleId);
}

/** The rule's `security-severity` (GitHub's bands), else the result's own severity or level. */
function severityOf(
  res: Record<string, unknown>,
  rule: Record<string, unknown> | undefined,
  props: Record<string, unknown>,
): Severity {
  if (SEVERITIES.includes(props.severity as Severity)) return props.severity as Severity;
  const score = rule !== undefined && isObject(rule.properties) ? Number(rule.properties['security-severity']) : NaN;
  if (score > 0) return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  switch (res.level ?? 'warning') {
    case 'error':
      return 'high';
    case 'warning':
      return 'medium';
    case 'note':
      return 'low';
    default:
      return 'info';
  }
}

function cweOf(tags: string[]): number[] {
  const out = new Set<number>();
  for (const t of tags) {
    const m = /^external\/cwe\/cwe-(\d+)$/i.exec(t);
    if (m?.[1] !== undefined) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

function textOf(v: unknown): string | undefined {
  return isObject(v) ? str(v.text) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
