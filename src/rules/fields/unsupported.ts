/**
 * Load-time reporting: which field references in a rule set Harrier cannot extract, so the
 * loader can say so instead of silently never matching.
 */
import { argProblem, parseFieldRef } from './field-ref.js';
import { fieldRegistry } from './registry.js';
import type { FieldRegistry } from './types.js';

/**
 * The references among `names` (as written: `proc.aname[2]`, `evt.arg.name`) that are not known
 * fields or have an argument the field does not take. Order kept, duplicates dropped.
 */
export function unsupportedFields(names: readonly string[], registry: FieldRegistry = fieldRegistry): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (out.includes(n)) continue;
    const ref = parseFieldRef(registry, n);
    if (ref === undefined || argProblem(ref.def, ref.arg) !== undefined) out.push(n);
  }
  return out;
}
