/**
 * Evaluates compiled rules against events. Rules are indexed by the event types their
 * conditions can match, so an event is only tested against rules that could fire on it; every
 * matching rule fires (Falco's old first-match behaviour is an option). A rule that throws is
 * disabled with an error instead of taking the engine down.
 */
import type { EvalContext } from '../../rules/fields/index.js';
import type { CompiledRule, CompiledRuleset } from './ruleset.js';

export type RuleMatching = 'all' | 'first';

export interface RuleFailure {
  rule: string;
  error: Error;
}

export class RuleEngine {
  private readonly byType = new Map<string, CompiledRule[]>();
  /** Rules whose conditions can match any event type: tested on every event. */
  private readonly anyType: CompiledRule[] = [];
  private readonly disabled = new Set<CompiledRule>();
  readonly failures: RuleFailure[] = [];
  /** Matches per rule name, for listings and the dashboard. */
  readonly hits = new Map<string, number>();

  constructor(
    readonly ruleset: CompiledRuleset,
    private readonly matching: RuleMatching = 'all',
  ) {
    for (const rule of ruleset.rules) {
      if (rule.eventTypes === undefined) {
        this.anyType.push(rule);
        continue;
      }
      for (const t of rule.eventTypes) {
        let list = this.byType.get(t);
        if (!list) this.byType.set(t, (list = []));
        list.push(rule);
      }
    }
    // Keep definition order within each index (Falco's order for first-match).
    const order = new Map(ruleset.rules.map((r, i) => [r, i]));
    const byOrder = (a: CompiledRule, b: CompiledRule) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
    for (const list of this.byType.values()) {
      list.push(...this.anyType);
      list.sort(byOrder);
    }
  }

  get ruleCount(): number {
    return this.ruleset.rules.length - this.disabled.size;
  }

  /** Calls `onMatch` for each rule the event satisfies. */
  evaluate(ctx: EvalContext, onMatch: (rule: CompiledRule) => void): void {
    const rules = this.byType.get(ctx.event.type) ?? this.anyType;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as CompiledRule;
      let matched: boolean;
      try {
        matched = rule.predicate(ctx);
      } catch (e) {
        // disable() removes the rule from this very list: stay on the same index.
        this.disable(rule, e);
        i--;
        continue;
      }
      if (!matched) continue;
      this.hits.set(rule.name, (this.hits.get(rule.name) ?? 0) + 1);
      onMatch(rule);
      if (this.matching === 'first') return;
    }
  }

  private disable(rule: CompiledRule, e: unknown): void {
    if (this.disabled.has(rule)) return;
    this.disabled.add(rule);
    this.failures.push({ rule: rule.name, error: e instanceof Error ? e : new Error(String(e)) });
    for (const list of [...this.byType.values(), this.anyType]) {
      const i = list.indexOf(rule);
      if (i >= 0) list.splice(i, 1);
    }
  }
}
