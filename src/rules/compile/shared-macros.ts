/**
 * Macros compiled once per rule set and evaluated once per event. Falco's rules repeat a few
 * macros everywhere (`open_read` in three of the five rules an open meets, `spawned_process` in
 * most exec rules); a macro compiled for the same event types is the same predicate, so every
 * rule gets the one instance, memoised on the evaluation context the way field extractors are.
 */
import type { EvalContext } from '../fields/types.js';
import type { CompileWarning } from './context.js';
import type { MacroCosts } from './cost.js';
import { withShape } from './shape.js';

type Predicate = (ctx: EvalContext) => boolean;

export interface SharedMacro {
  predicate: Predicate;
  /** Warnings found while compiling it, with macro chains starting at this macro. */
  warnings: CompileWarning[];
}

/** One per rule set compile: pass the same instance in every rule's CompileOptions. */
export class SharedMacros {
  private readonly compiled = new Map<string, SharedMacro>();
  /** Estimated evaluation costs of macros (see cost.ts), computed once per rule set. */
  readonly costs: MacroCosts = new Map();

  /** Folding `evt.type` makes a macro's predicate depend on the event types it will see. */
  static key(name: string, eventTypes: ReadonlySet<string> | undefined): string {
    return eventTypes === undefined ? name : `${name}\0${[...eventTypes].sort().join(',')}`;
  }

  get(key: string): SharedMacro | undefined {
    return this.compiled.get(key);
  }

  set(key: string, macro: SharedMacro): void {
    this.compiled.set(key, macro);
  }
}

/** A predicate that computes its answer once per evaluation context. */
export function memoisedPredicate(p: Predicate): Predicate {
  let lastCtx: EvalContext | undefined;
  let last = false;
  return withShape(
    (ctx) => {
      if (ctx === lastCtx) return last;
      const v = p(ctx);
      last = v;
      lastCtx = ctx;
      return v;
    },
    { kind: 'memo', part: p },
  );
}
