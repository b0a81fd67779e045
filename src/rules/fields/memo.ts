/**
 * Per-evaluation memo for extractors. A rule set reads the same field of one event many times
 * (fd.name by most file rules, proc.name by a dozen), and the evaluation context is created once
 * per event, so the context object itself is the key: one comparison, nothing allocated. The
 * memo holds the last context, so an old context can never be mistaken for a new one.
 */
import type { EvalContext, Extractor, FieldValue } from './types.js';

const unwrapped = new WeakMap<Extractor, Extractor>();

/**
 * The extractor a memoised one wraps, for callers that keep the value for the event themselves
 * (generated rule code holds each field in a local), so they skip the memo's comparison.
 */
export const withoutMemo = (x: Extractor): Extractor => unwrapped.get(x) ?? x;

export function memoised(extract: Extractor): Extractor {
  let lastCtx: EvalContext | undefined;
  let last: FieldValue;
  const m: Extractor = (ctx) => {
    if (ctx === lastCtx) return last;
    // An extractor that throws leaves the memo as it was.
    const v = extract(ctx);
    last = v;
    lastCtx = ctx;
    return v;
  };
  unwrapped.set(m, extract);
  return m;
}
