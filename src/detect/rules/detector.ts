/**
 * The rules detector: runs the engine on each event in its state context and turns every match
 * into a Falco alert. What happens to alerts (summary, store, stdout) is the caller's business.
 */
import type { Event } from '../../events/event.js';
import type { StateView } from '../../events/context.js';
import type { EvalContext } from '../../rules/fields/index.js';
import { buildFalcoAlert, type FalcoAlert } from '../../rules/output/index.js';
import type { RuleEngine } from './engine.js';
import type { CompiledRule } from './ruleset.js';

export type AlertListener = (alert: FalcoAlert, rule: CompiledRule, event: Event) => void;

export class RulesDetector {
  /** The context being evaluated, for `fire`; a field so no closure is allocated per event. */
  private current: EvalContext | undefined;

  constructor(
    readonly engine: RuleEngine,
    private readonly onAlert: AlertListener,
  ) {}

  /** Call right after the state has applied `event`, so fields see the event's own effects. */
  process(event: Event, state: StateView): void {
    // A new context per event: extractors memoise on its identity.
    const ctx: EvalContext = { event, state };
    const outer = this.current;
    this.current = ctx;
    try {
      this.engine.evaluate(ctx, this.fire);
    } finally {
      this.current = outer;
    }
  }

  private readonly fire = (rule: CompiledRule): void => {
    const ctx = this.current;
    if (ctx === undefined) return;
    this.onAlert(
      buildFalcoAlert({
        rule: rule.name,
        priority: rule.priority,
        tags: rule.tags,
        output: rule.output,
        ctx,
        source: rule.source,
      }),
      rule,
      ctx.event,
    );
  };
}
