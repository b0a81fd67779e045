/**
 * Data-driven decoding of kernel bit sets into Harrier's FlagSet (`O_CREAT|O_CLOEXEC`).
 *
 * Masks go up to bit 33 (clone3's CLONE_INTO_CGROUP), beyond JavaScript's 32-bit bitwise
 * operators, so values are split into 32-bit halves instead of using `&` directly.
 */
import type { FlagSet } from '../event.js';

/** One named bit pattern. Composite names (O_SYNC = __O_SYNC|O_DSYNC) list before their parts. */
export interface BitName {
  readonly name: string;
  readonly mask: number;
}

const TWO32 = 0x1_0000_0000;

const hi = (v: number): number => Math.floor(v / TWO32) >>> 0;
const lo = (v: number): number => v >>> 0;

function toNumber(value: number | bigint): number {
  if (typeof value === 'bigint') return Number(BigInt.asUintN(64, value));
  // Negative numbers are sign-extended C ints: decode their 32-bit pattern.
  return value < 0 ? value >>> 0 : value;
}

/**
 * Names every pattern fully present in `value`, in table order, each bit consumed once; bits no
 * pattern names are reported as one hexadecimal leftover, so nothing is dropped silently.
 */
export function decodeBits(table: readonly BitName[], value: number | bigint): FlagSet {
  const v = toNumber(value);
  let restHi = hi(v);
  let restLo = lo(v);
  const names: string[] = [];
  for (const { name, mask } of table) {
    const mHi = hi(mask);
    const mLo = lo(mask);
    if (mHi === 0 && mLo === 0) continue;
    if ((restHi & mHi) >>> 0 === mHi && (restLo & mLo) >>> 0 === mLo) {
      names.push(name);
      restHi = (restHi & ~mHi) >>> 0;
      restLo = (restLo & ~mLo) >>> 0;
    }
  }
  if (restHi !== 0 || restLo !== 0) names.push('0x' + (restHi * TWO32 + restLo).toString(16));
  return { names, value: v };
}

/** The inverse: a numeric value from names (unknown names are ignored, hex leftovers parsed). */
export function encodeBits(table: readonly BitName[], names: readonly string[]): number {
  let vHi = 0;
  let vLo = 0;
  for (const n of names) {
    const entry = table.find((e) => e.name === n);
    const mask = entry !== undefined ? entry.mask : /^0x[0-9a-f]+$/i.test(n) ? parseInt(n, 16) : 0;
    vHi = (vHi | hi(mask)) >>> 0;
    vLo = (vLo | lo(mask)) >>> 0;
  }
  return vHi * TWO32 + vLo;
}

/** Name ↔ number lookups for enumerations (errno, signals, address families). */
export class EnumTable {
  private readonly byNumber = new Map<number, string>();
  private readonly byName = new Map<string, number>();

  /** `aliases` resolve by name only; numbers render with the primary name. */
  constructor(
    entries: ReadonlyArray<readonly [string, number]>,
    aliases: ReadonlyArray<readonly [string, number]> = [],
  ) {
    for (const [name, nr] of entries) {
      if (!this.byNumber.has(nr)) this.byNumber.set(nr, name);
      this.byName.set(name, nr);
    }
    for (const [name, nr] of aliases) this.byName.set(name, nr);
  }

  name(nr: number): string | undefined {
    return this.byNumber.get(nr);
  }

  number(name: string): number | undefined {
    return this.byName.get(name);
  }
}
