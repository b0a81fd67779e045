/**
 * Transformers allowed around a field in an output (`%tolower(proc.name)`), as in conditions.
 * Each maps a value to a value; lists are transformed element by element.
 */
import { basename } from 'node:path';
import type { FieldValue } from '../fields/types.js';

export type Transformer = (v: FieldValue) => FieldValue;

type Scalar = string | number | bigint;

function eachString(f: (s: string) => Scalar): Transformer {
  return (v) => {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? f(x) : x));
    return typeof v === 'string' ? f(v) : v;
  };
}

const TRANSFORMERS: ReadonlyMap<string, Transformer> = new Map<string, Transformer>([
  ['tolower', eachString((s) => s.toLowerCase())],
  ['toupper', eachString((s) => s.toUpperCase())],
  ['b64', eachString((s) => Buffer.from(s, 'base64').toString('utf8'))],
  // Falco's basename is the last component; a path ending in '/' has none.
  ['basename', eachString((s) => (s.endsWith('/') ? '' : basename(s)))],
  [
    'len',
    (v) => {
      if (v === undefined) return undefined;
      if (Array.isArray(v) || typeof v === 'string' || v instanceof Uint8Array) return v.length;
      return v;
    },
  ],
]);

export const transformer = (name: string): Transformer | undefined => TRANSFORMERS.get(name);
