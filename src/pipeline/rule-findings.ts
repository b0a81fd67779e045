/**
 * Rule alerts as findings in the store: one finding per rule per run, counted, with its first
 * alert kept as evidence. (The full finding model — fingerprints across builds, dedupe — is
 * the CI-integration work; this records what the rules engine found.)
 */
import { createHash } from 'node:crypto';
import type { CompiledRule } from '../detect/rules/index.js';
import { type FalcoAlert, falcoAlertObject, type Priority } from '../rules/output/index.js';
import type { FindingRecord, FindingSeverity } from '../store/store.js';

const SEVERITY: Record<Priority, FindingSeverity> = {
  Emergency: 'critical',
  Alert: 'critical',
  Critical: 'critical',
  Error: 'high',
  Warning: 'medium',
  Notice: 'low',
  Informational: 'info',
  Debug: 'info',
};

export class RuleFindings {
  private readonly byRule = new Map<string, FindingRecord>();

  add(alert: FalcoAlert, rule: CompiledRule, ts: bigint): void {
    const seen = this.byRule.get(rule.name);
    if (seen) {
      seen.count++;
      seen.lastTs = ts;
      return;
    }
    const message = alert.output.replace(/^\S+: \S+ /, '');
    this.byRule.set(rule.name, {
      id: createHash('sha256').update(`rule\0${rule.name}`).digest('hex').slice(0, 16),
      ruleId: rule.name,
      kind: 'rule',
      severity: SEVERITY[rule.priority],
      title: rule.name,
      message,
      fingerprint: createHash('sha256').update(`rule\0${rule.name}\0${rule.source}`).digest('hex'),
      count: 1,
      firstTs: ts,
      lastTs: ts,
      evidence: { alert: falcoAlertObject(alert), tags: rule.tags },
    });
  }

  records(): FindingRecord[] {
    return [...this.byRule.values()];
  }
}
