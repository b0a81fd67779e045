/**
 * Secrets in process environments as findings: one per (variable, executable) per run, counted
 * over every exec that carried it, with the first process as evidence. The value never enters
 * a finding; only the variable's name and why it is a secret.
 */
import { riskById } from '../detect/risks/catalogue.js';
import { findEnvSecrets, type EnvSecret, type EnvSecretReason } from '../detect/secrets/detector.js';
import { formatLabel } from '../detect/secrets/values.js';
import type { Finding, ProcessEvidence, Severity } from './finding.js';
import { findingId, fingerprint } from './fingerprint.js';

const RULE_ID = 'env.secret';

/** Most certain first: a later exec with a stronger reason upgrades the finding. */
const REASON_RANK: Record<EnvSecretReason, number> = { format: 0, name: 1, entropy: 2 };

interface Entry {
  finding: Finding;
  reason: EnvSecretReason;
}

export class EnvSecretFindings {
  private readonly byKey = new Map<string, Entry>();

  /** `repoRoot`: the project's checkout, so fingerprints use repository-relative paths. */
  constructor(private readonly repoRoot?: string) {}

  /** Looks for secrets in an exec's environment and records them; returns what was found. */
  observeExec(process: ProcessEvidence, env: readonly string[], ts: bigint): EnvSecret[] {
    const secrets = findEnvSecrets(env);
    this.record(process, secrets, ts);
    return secrets;
  }

  /** Records secrets already found (by `findEnvSecrets`) in the environment of `process`. */
  record(process: ProcessEvidence, secrets: readonly EnvSecret[], ts: bigint): void {
    for (const secret of secrets) {
      const key = `${secret.variable}\0${process.exePath}`;
      const seen = this.byKey.get(key);
      if (!seen) {
        this.byKey.set(key, { finding: newFinding(key, process, secret, ts, this.repoRoot), reason: secret.reason });
        continue;
      }
      const f = seen.finding;
      f.count++;
      if (ts < f.firstTs) f.firstTs = ts;
      if (ts > f.lastTs) f.lastTs = ts;
      if (REASON_RANK[secret.reason] < REASON_RANK[seen.reason]) {
        seen.reason = secret.reason;
        describe(f, process.exePath, secret);
      }
    }
  }

  findings(): Finding[] {
    return [...this.byKey.values()].map((e) => e.finding);
  }
}

function newFinding(
  key: string,
  process: ProcessEvidence,
  secret: EnvSecret,
  ts: bigint,
  repoRoot: string | undefined,
): Finding {
  const risk = riskById(RULE_ID);
  const finding: Finding = {
    id: findingId(RULE_ID, key),
    ruleId: RULE_ID,
    kind: 'risk',
    severity: 'medium',
    title: risk.title,
    message: '',
    cwe: [...risk.cwe],
    tags: [...risk.tags],
    evidence: { process },
    count: 1,
    firstTs: ts,
    lastTs: ts,
    // The variable is the place: the same secret in the same program is one finding across builds.
    fingerprint: fingerprint(
      { kind: 'risk', ruleId: RULE_ID, place: `env:${secret.variable}`, exePath: process.exePath },
      repoRoot,
    ),
  };
  describe(finding, process.exePath, secret);
  return finding;
}

/** Severity, message and details follow the strongest reason seen. */
function describe(finding: Finding, exePath: string, secret: EnvSecret): void {
  finding.severity = severityOf(secret);
  finding.message = `${secret.variable} (${reasonLabel(secret)}) in the environment of ${exePath}`;
  finding.evidence.details = {
    variable: secret.variable,
    reason: secret.reason,
    ...(secret.format !== undefined ? { format: secret.format } : {}),
  };
}

function severityOf(secret: EnvSecret): Severity {
  return secret.reason === 'format' ? 'high' : 'medium';
}

function reasonLabel(secret: EnvSecret): string {
  if (secret.format !== undefined) return formatLabel(secret.format);
  return secret.reason === 'name' ? 'secret-looking name' : 'random-looking value';
}
