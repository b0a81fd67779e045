/**
 * Rewrites a rule's exceptions into its condition text, as Falco does before compiling:
 * `(<condition>) and not (<exception 1>) and not (<exception 2>)`. A single-field exception is
 * `field comp (v1, v2)`; a tuple exception is `(f1 c1 v1 and f2 c2 v2) or (...)`, one group per
 * value tuple. An exception without values adds nothing.
 */
import { concatText, madeText } from './text-spans.js';
import type { SourcedText } from './text-spans.js';
import type { ExceptionScalarOrList, RuleException } from './types.js';

/** Operators whose right side is a list: a bare value there is a list name, so it is parenthesised. */
const LIST_OPERATORS = new Set(['in', 'intersects', 'pmatch']);

export function conditionWithExceptions(condition: string, exceptions: readonly RuleException[]): string {
  const clauses = exceptions.map(exceptionClause).filter((c): c is string => c !== undefined);
  if (clauses.length === 0) return condition;
  return `(${condition})` + clauses.map((c) => ` and not (${c})`).join('');
}

/** As `conditionWithExceptions`, keeping track of where each part of the text came from. */
export function sourcedConditionWithExceptions(
  condition: SourcedText,
  exceptions: readonly RuleException[],
): SourcedText {
  const parts: (SourcedText | string)[] = [];
  for (const ex of exceptions) {
    const clause = exceptionClause(ex);
    // A clause is made by the loader, so all of it points at the exception that produced it.
    if (clause !== undefined) parts.push(' and not (', madeText(clause, ex.pos), ')');
  }
  return parts.length === 0 ? condition : concatText('(', condition, ')', ...parts);
}

/** The text of one exception's clause (without the surrounding `not (...)`), or undefined if empty. */
export function exceptionClause(ex: RuleException): string | undefined {
  if (ex.values.length === 0) return undefined;
  if (typeof ex.fields === 'string') {
    const comp = typeof ex.comps === 'string' ? ex.comps : (ex.comps[0] ?? 'in');
    const values = ex.values.map((v) => (typeof v === 'string' ? quoteValue(v) : listText(v.flat())));
    return `${ex.fields} ${comp} (${values.join(', ')})`;
  }
  const fields = ex.fields;
  const comps = typeof ex.comps === 'string' ? fields.map(() => ex.comps as string) : ex.comps;
  const groups = ex.values.map((tuple) => {
    const parts = Array.isArray(tuple) ? tuple : [tuple];
    const terms = fields.map((f, i) => {
      const comp = comps[i] ?? '=';
      return `${f} ${comp} ${valueText(parts[i] ?? '', comp)}`;
    });
    return `(${terms.join(' and ')})`;
  });
  return groups.join(' or ');
}

function valueText(v: ExceptionScalarOrList, comp: string): string {
  if (Array.isArray(v)) return listText(v);
  if (LIST_OPERATORS.has(comp)) return v.startsWith('(') ? v : `(${v})`;
  return quoteValue(v);
}

function listText(items: string[]): string {
  return `(${items.map(quoteValue).join(', ')})`;
}

/**
 * Quotes a value that would not survive as a bare word in a condition: empty, or containing
 * whitespace or the characters that end a bare word (`( ) , = < > !`). Falco quotes only values
 * with spaces; quoting the others too keeps values such as `a,b` from splitting. Already-quoted
 * values are left alone, so rule authors can quote values themselves as in Falco.
 */
export function quoteValue(v: string): string {
  if (v.startsWith('"') || v.startsWith("'")) return v;
  if (v !== '' && !/[\s(),=<>!]/.test(v)) return v;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
