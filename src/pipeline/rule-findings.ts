/**
 * Rule alerts as findings in the store: a thin adapter over the finding model's
 * RuleFindingAggregator (src/findings/from-rule.ts), kept so observe.ts keeps its shape. One
 * finding per (rule, executable, place) with a content fingerprint, stored as FindingRecords.
 */
import type { CompiledRule } from '../detect/rules/index.js';
import { type AlertContext, RuleFindingAggregator } from '../findings/from-rule.js';
import { toRecord } from '../findings/record.js';
import type { Finding } from '../findings/finding.js';
import type { FalcoAlert } from '../rules/output/index.js';
import type { FindingRecord } from '../store/store.js';

export class RuleFindings {
  private readonly aggregator: RuleFindingAggregator;

  /** `repoRoot`: paths inside it are fingerprinted repository-relative (the run's cwd by default). */
  constructor(repoRoot: string | undefined = undefined) {
    this.aggregator = new RuleFindingAggregator(repoRoot);
  }

  add(alert: FalcoAlert, rule: CompiledRule, ts: bigint, context?: AlertContext): void {
    this.aggregator.add(alert, rule, ts, context);
  }

  findings(): Finding[] {
    return this.aggregator.findings();
  }

  records(): FindingRecord[] {
    return this.aggregator.findings().map(toRecord);
  }
}
