/** Field values in an output line (text) and in output_fields (typed JSON). */
import type { FieldValue } from '../fields/types.js';

/** What Falco prints for a value it could not resolve. */
export const NA = '<NA>';

function scalarText(v: string | number | bigint): string {
  return typeof v === 'string' ? v : String(v);
}

/** A value as text; lists as `(a,b)` the way libsinsp prints them. */
export function valueText(v: FieldValue): string {
  switch (typeof v) {
    case 'undefined':
      return NA;
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(v)) return `(${v.map(scalarText).join(',')})`;
  return Buffer.from(v).toString('latin1');
}

/**
 * A value as JSON text: numbers and booleans typed, bigints written as exact integers (JSON
 * numbers have no size limit; JSON.stringify refuses bigint), unresolved as null.
 */
export function valueJson(v: FieldValue): string {
  switch (typeof v) {
    case 'undefined':
      return 'null';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map((x) => valueJson(x)).join(',')}]`;
  return JSON.stringify(Buffer.from(v).toString('latin1'));
}
