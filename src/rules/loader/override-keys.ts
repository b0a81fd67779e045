/**
 * Which keys an `override:` may append to or replace, per item kind, as Falco documents them
 * ("Overriding Rules": lists and macros take append or replace on their one value; rules take
 * append on condition, output, desc, tags, exceptions and replace on those plus priority,
 * enabled, warn_evttypes, skip-if-unknown-filter, and — in current Falco — capture and
 * capture_duration).
 */
export type OverrideMode = 'append' | 'replace';
export type ItemKind = 'list' | 'macro' | 'rule';

const ALLOWED: Record<ItemKind, Record<OverrideMode, readonly string[]>> = {
  list: { append: ['items'], replace: ['items'] },
  macro: { append: ['condition'], replace: ['condition'] },
  rule: {
    append: ['condition', 'output', 'desc', 'tags', 'exceptions'],
    replace: [
      'condition',
      'output',
      'desc',
      'priority',
      'tags',
      'exceptions',
      'enabled',
      'warn_evttypes',
      'capture',
      'capture_duration',
      'skip-if-unknown-filter',
    ],
  },
};

export function overrideAllowed(kind: ItemKind, mode: OverrideMode, key: string): boolean {
  return ALLOWED[kind][mode].includes(key);
}

export function allowedKeys(kind: ItemKind, mode: OverrideMode): readonly string[] {
  return ALLOWED[kind][mode];
}
