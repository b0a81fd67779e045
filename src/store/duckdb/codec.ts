/**
 * JSON for values that may hold bigints (event args, run summaries).
 *
 * Plain JSON cannot carry a bigint and silently turns NaN/±Infinity into null, so those are
 * wrapped in a one-key object: `{"$bigint":"123"}`, `{"$number":"NaN"}`. A wrapper object,
 * rather than a marked string, cannot collide with a real string argument, and no ArgValue
 * object shape has a key starting with `$`.
 */
import type { EventArgs } from '../../events/event.js';

const BIGINT_KEY = '$bigint';
const NUMBER_KEY = '$number';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIGINT_KEY]: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUMBER_KEY]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const record = value as Record<string, unknown>;
  const big = record[BIGINT_KEY];
  if (typeof big === 'string') return BigInt(big);
  const num = record[NUMBER_KEY];
  if (typeof num === 'string') return Number(num);
  return value;
}

/** Encodes any JSON-like value, bigints included. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** Decodes what `encodeJson` wrote. */
export function decodeJson(text: string): unknown {
  // The reviver costs a call per node; skip it for the common text that holds no wrapper.
  if (!text.includes('"$')) return JSON.parse(text);
  return JSON.parse(text, reviver);
}

/**
 * Encodes event args on the append hot path, where a stringify replacer (a call per node)
 * would cost more than the database append itself. Bigints only appear as top-level values in
 * the ArgValue types, so those are wrapped in a shallow copy and the native stringify does the
 * rest.
 */
export function encodeArgs(args: EventArgs): string {
  let copy: Record<string, unknown> | undefined;
  for (const key in args) {
    const v = args[key];
    if (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) {
      copy ??= { ...args };
      copy[key] = replacer(key, v);
    }
  }
  try {
    return JSON.stringify(copy ?? args);
  } catch {
    // A bigint nested inside an object value: outside the ArgValue types, but keep it anyway.
    return encodeJson(args);
  }
}

export function decodeArgs(text: string): EventArgs {
  // Written by encodeArgs from an EventArgs, so the shape is known.
  return decodeJson(text) as EventArgs;
}
