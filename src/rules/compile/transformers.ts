/**
 * What field transformers do to a value at run time. A transformer maps each element of a list
 * value; a missing input gives a missing output (so the comparison is false).
 */
import type { FieldValue } from '../fields/types.js';
import { asText } from './values.js';

type Scalar = string | number | bigint;

function mapText(v: FieldValue, f: (s: string) => string): FieldValue {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => f(asText(x)));
  return f(asText(v));
}

export const toLower = (v: FieldValue): FieldValue => mapText(v, (s) => s.toLowerCase());
export const toUpper = (v: FieldValue): FieldValue => mapText(v, (s) => s.toUpperCase());
export const base64Decode = (v: FieldValue): FieldValue => mapText(v, (s) => Buffer.from(s, 'base64').toString('utf8'));
export const baseName = (v: FieldValue): FieldValue =>
  mapText(v, (s) => {
    const trimmed = s.length > 1 ? s.replace(/\/+$/, '') : s;
    const i = trimmed.lastIndexOf('/');
    return i < 0 ? trimmed : trimmed.slice(i + 1);
  });

/** Length in bytes of a string or buffer, or the number of elements of a list. */
export function length(v: FieldValue): FieldValue {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.length;
  return Buffer.byteLength(asText(v), 'utf8');
}

/** Joins every item's text (list items element by element); missing when any item is. */
export function joinValues(values: readonly FieldValue[], sep: string): FieldValue {
  const parts: string[] = [];
  for (const v of values) {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) for (const x of v as Scalar[]) parts.push(asText(x));
    else parts.push(asText(v));
  }
  return parts.join(sep);
}

/**
 * The value of a command-line option in an argument list: `-c value`, `-cvalue`, `--opt value`
 * and `--opt=value` are understood. Missing when the option is absent.
 */
export function getOption(v: FieldValue, option: string): FieldValue {
  if (v === undefined) return undefined;
  const args: string[] = Array.isArray(v)
    ? v.map(asText)
    : asText(v)
        .split(/\s+/)
        .filter((s) => s !== '');
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === option) return args[i + 1];
    if (option.startsWith('--') && a.startsWith(`${option}=`)) return a.slice(option.length + 1);
    if (!option.startsWith('--') && option.length === 2 && a.startsWith(option) && a.length > 2) return a.slice(2);
  }
  return undefined;
}
