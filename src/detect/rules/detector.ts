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

/** What evaluating rules has cost so far. */
export interface RuleEvaluationStats {
  /** Events the rules were evaluated on. */
  events: number;
  /** Time spent evaluating them, estimated from a sample (see SAMPLE_EVERY). */
  seconds: number;
}

/**
 * One event in this many is timed: a clock read per event would cost a sizeable share of the
 * ~400 ns the stable ruleset takes per event, while a 1-in-64 sample over millions of events
 * estimates the total closely.
 */
const SAMPLE_EVERY = 64;

export class RulesDetector {
  /** The context being evaluated, for `fire`; a field so no closure is allocated per event. */
  private current: EvalContext | undefined;
  private evaluated = 0;
  /** The first evaluation, kept apart: it pays for compiling the rules' code paths once. */
  private firstMs = 0;
  /** Samples after the first; each stands for the SAMPLE_EVERY events around it. */
  private sampled = 0;
  private sampledMs = 0;

  constructor(
    readonly engine: RuleEngine,
    private readonly onAlert: AlertListener,
    /** Milliseconds, monotonic; a parameter so tests can give evaluations known durations. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Call right after the state has applied `event`, so fields see the event's own effects. */
  process(event: Event, state: StateView): void {
    // A new context per event: extractors memoise on its identity.
    const ctx: EvalContext = { event, state };
    const outer = this.current;
    this.current = ctx;
    try {
      // The first event is timed too, so that even a short run has an estimate.
      if (++this.evaluated % SAMPLE_EVERY !== 1) {
        this.engine.evaluate(ctx, this.fire);
      } else {
        const t0 = this.clock();
        this.engine.evaluate(ctx, this.fire);
        const ms = this.clock() - t0;
        if (this.evaluated === 1) {
          this.firstMs = ms;
        } else {
          this.sampledMs += ms;
          this.sampled++;
        }
      }
    } finally {
      this.current = outer;
    }
  }

  /**
   * The first evaluation counts once, as itself: scaled up with the others it made a short run's
   * estimate several times its wall time (a cold first event of ~10 ms stood for 64 events). Until
   * a second sample exists the first is all there is to go on.
   */
  stats(): RuleEvaluationStats {
    const rest = this.evaluated - 1;
    const perEventMs = this.sampled === 0 ? this.firstMs : this.sampledMs / this.sampled;
    const ms = this.evaluated === 0 ? 0 : this.firstMs + perEventMs * rest;
    return { events: this.evaluated, seconds: ms / 1000 };
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
