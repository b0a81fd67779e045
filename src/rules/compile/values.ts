/**
 * Constants written in a condition, converted once at compile time to the form event values are
 * compared in, and the per-event normalisations that keep comparisons allocation-free.
 */

/** An integer: a number when it is exactly representable, else a bigint. */
export type NumConst = number | bigint;

const INTEGER = /^[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** Integers only, decimal or hex (libsinsp does not take floating point constants yet). */
export function parseIntegerConst(text: string): NumConst | undefined {
  if (!INTEGER.test(text)) return undefined;
  const neg = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '');
  const big = BigInt(digits) * (neg ? -1n : 1n);
  return normalizeBig(big);
}

function normalizeBig(b: bigint): NumConst {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** An event's numeric value in the same form as constants; undefined when not numeric. */
export function normNum(v: unknown): NumConst | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Layer-4 protocol names libsinsp accepts for PT_L4PROTO. */
const L4_PROTOS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, raw: 255 };

export function parseL4ProtoConst(text: string): NumConst | undefined {
  return parseIntegerConst(text) ?? L4_PROTOS[text.toLowerCase()];
}

export function parseBoolConst(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

/** `bcontains`/`bstartswith` take hex bytes: an even number of hex digits. */
export function parseHexBytes(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) return undefined;
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

const decoder = new TextDecoder();

/** An event value as text, for string comparisons. */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return decoder.decode(v);
  return String(v);
}

/** An event value as bytes, for byte comparisons. */
export function asBytes(v: unknown): Buffer {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(asText(v), 'utf8');
}
