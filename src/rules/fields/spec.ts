/**
 * What each field family contributes to the registry: a libsinsp-compatible definition plus a
 * factory that binds the field's argument once, at compile time, so the per-event extractor
 * does no parsing.
 */
import type { Extractor, FieldDef } from './types.js';

export interface FieldSpec extends FieldDef {
  /** An extractor for this field with its (already validated) argument. */
  make(arg: string | undefined): Extractor;
}

/** An extractor for values Harrier cannot resolve yet (containers, k8s, …): always undefined. */
export const UNRESOLVED: Extractor = () => undefined;

/** Shorthand for a field without an argument. */
export function plain(name: string, type: FieldDef['type'], desc: string, x: Extractor): FieldSpec {
  return { name, type, arg: 'none', desc, make: () => x };
}
