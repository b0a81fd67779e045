/**
 * Evaluates compiled rules against events. Rules are indexed by the event types their
 * conditions can match, so an event is only tested against rules that could fire on it; every
 * matching rule fires (Falco's old first-match behaviour is an option). A rule that throws is
 * disabled with an error instead of taking the engine down.
 *
 * The rules of one event type run as one generated function (rules/compile/codegen.ts) that
 * shares field reads and macro results between them; the compiled closures are the reference
 * and the fallback (`evaluation: 'closures'`, or where code generation is not allowed).
 */
import { generateGroupEvaluator, type GroupEvaluator } from '../../rules/compile/index.js';
import type { EvalContext } from '../../rules/fields/index.js';
import type { CompiledRule, CompiledRuleset } from './ruleset.js';

export type RuleMatching = 'all' | 'first';
export type RuleEvaluation = 'generated' | 'closures';

/** The rules for one event type and, when it could be generated, their single function. */
interface RuleGroup {
  rules: CompiledRule[];
  run: GroupEvaluator | undefined;
}

/** The key for events of a type no rule names: they meet only the any-type rules. */
const ANY_TYPE = '\0any';

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

  /** Generated groups by event type, built on first use and dropped when a rule is disabled. */
  private readonly groups = new Map<string, RuleGroup>();
  /** The group and callback of the evaluation under way, for `hit`/`fail` (no closure per event). */
  private current: RuleGroup | undefined;
  private onMatch: ((rule: CompiledRule) => void) | undefined;

  constructor(
    readonly ruleset: CompiledRuleset,
    private readonly matching: RuleMatching = 'all',
    private readonly evaluation: RuleEvaluation = 'generated',
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
    if (this.evaluation === 'generated') {
      const group = this.group(ctx.event.type);
      if (group.run !== undefined) {
        const outerGroup = this.current;
        const outerMatch = this.onMatch;
        this.current = group;
        this.onMatch = onMatch;
        try {
          group.run(ctx, this.hit, this.fail);
        } finally {
          this.current = outerGroup;
          this.onMatch = outerMatch;
        }
        return;
      }
    }
    this.evaluateClosures(ctx, onMatch);
  }

  private group(type: string): RuleGroup {
    return this.groups.get(type) ?? this.newGroup(type);
  }

  /** Cached under the event type itself (one lookup per event); types no rule names share one. */
  private newGroup(type: string): RuleGroup {
    const key = this.byType.has(type) ? type : ANY_TYPE;
    let g = this.groups.get(key);
    if (g === undefined) {
      // A copy: disable() edits the index lists while a generated function may still be running.
      const rules = [...(this.byType.get(type) ?? this.anyType)];
      g = { rules, run: generateGroupEvaluator(rules.map((r) => r.predicate)) };
      this.groups.set(key, g);
    }
    // Event types are syscall names, a bounded set.
    this.groups.set(type, g);
    return g;
  }

  private readonly hit = (i: number): boolean => {
    const rule = this.current?.rules[i];
    if (rule === undefined || this.disabled.has(rule)) return false;
    this.matched(rule);
    return this.matching === 'first';
  };

  private readonly fail = (i: number, e: unknown): void => {
    const rule = this.current?.rules[i];
    if (rule !== undefined) this.disable(rule, e);
  };

  private matched(rule: CompiledRule): void {
    this.hits.set(rule.name, (this.hits.get(rule.name) ?? 0) + 1);
    this.onMatch?.(rule);
  }

  /** The reference evaluation: each rule's compiled closure in turn. */
  private evaluateClosures(ctx: EvalContext, onMatch: (rule: CompiledRule) => void): void {
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
    // Regenerated without it on next use.
    this.groups.clear();
  }
}
