/**
 * The "rule matches every event type" warning belongs to the compiler (only it knows, from the
 * parsed condition, whether `evt.type` is restricted); this builds the diagnostic in the loader's
 * form, located at the rule's condition, so the compiler's caller can add it to the load result.
 */
import type { Diagnostic } from './diagnostics.js';
import type { LoadedRule } from './types.js';

/** The warning for `rule`, or undefined if the rule opted out with `warn_evttypes: false`. */
export function noEvttypeWarning(rule: LoadedRule, snippet?: string): Diagnostic | undefined {
  if (!rule.warnEvttypes) return undefined;
  const d: Diagnostic = {
    severity: 'warning',
    code: 'LOAD_NO_EVTTYPE',
    message: `Rule '${rule.name}' matches too many evt.type values. This has a significant performance penalty.`,
    file: rule.conditionPos.file,
    line: rule.conditionPos.line,
    col: rule.conditionPos.col,
  };
  if (snippet !== undefined) d.snippet = snippet;
  return d;
}
