/**
 * Narrowing of values read back from DuckDB. The columns' types are ours, so a mismatch means a
 * damaged file or a schema bug: fail loudly rather than hand a wrong type to a detector.
 */
import { DuckDBListValue, type DuckDBValue } from '@duckdb/node-api';

function mismatch(expected: string, v: DuckDBValue): Error {
  return new TypeError(`store value: expected ${expected}, got ${v === null ? 'NULL' : typeof v}`);
}

export function asString(v: DuckDBValue): string {
  if (typeof v !== 'string') throw mismatch('string', v);
  return v;
}

export function asOptString(v: DuckDBValue): string | undefined {
  return v === null ? undefined : asString(v);
}

/** INTEGER columns come back as numbers, BIGINT ones as bigints; both are accepted. */
export function asNumber(v: DuckDBValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw mismatch('number', v);
}

export function asOptNumber(v: DuckDBValue): number | undefined {
  return v === null ? undefined : asNumber(v);
}

export function asBigInt(v: DuckDBValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  throw mismatch('bigint', v);
}

export function asOptBigInt(v: DuckDBValue): bigint | undefined {
  return v === null ? undefined : asBigInt(v);
}

export function asOptBoolean(v: DuckDBValue): boolean | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'boolean') throw mismatch('boolean', v);
  return v;
}

export function asStringList(v: DuckDBValue): string[] {
  if (!(v instanceof DuckDBListValue)) throw mismatch('list', v);
  return v.items.map(asString);
}
