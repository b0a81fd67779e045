/**
 * IP addresses and networks for `fd.ip = 10.0.0.1` and `fd.net = 10.0.0.0/8`: constants become a
 * network (a bare address is a /32 or /128), and event values are tested against it. IPv4 values
 * are parsed by hand so that matching allocates nothing per event.
 */

export interface IpNet {
  v6: boolean;
  /** IPv4: the masked base as uint32; IPv6: as a bigint. */
  base4: number;
  mask4: number;
  base6: bigint;
  mask6: bigint;
}

const V6_ALL = (1n << 128n) - 1n;

/** Parses a dotted IPv4 address to a uint32, or -1 when it is not one. */
export function parseIpv4(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** Parses an IPv6 address (with `::` and an optional trailing IPv4) to a bigint, or undefined. */
export function parseIpv6(s: string): bigint | undefined {
  if (s.indexOf(':') < 0) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined): number[] | undefined => {
    if (h === undefined || h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.indexOf('.') >= 0) {
        const v4 = parseIpv4(p);
        if (v4 < 0) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

/** `10.0.0.0/8`, `10.1.2.3`, `::1`, `fe80::/10` → a network; undefined when malformed. */
export function parseIpNet(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const bitsText = slash < 0 ? undefined : s.slice(slash + 1);
  if (bitsText !== undefined && !/^[0-9]{1,3}$/.test(bitsText)) return undefined;
  const v4 = parseIpv4(addr);
  if (v4 >= 0) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (bits > 32) return undefined;
    const mask4 = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return { v6: false, base4: (v4 & mask4) >>> 0, mask4, base6: 0n, mask6: 0n };
  }
  const v6 = parseIpv6(addr);
  if (v6 === undefined) return undefined;
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (bits > 128) return undefined;
  const mask6 = bits === 0 ? 0n : (V6_ALL << BigInt(128 - bits)) & V6_ALL;
  return { v6: true, base4: 0, mask4: 0, base6: v6 & mask6, mask6 };
}

/** Whether an event's address (a string, or a uint32 for IPv4) lies in the network. */
export function ipInNet(value: unknown, net: IpNet): boolean {
  if (typeof value === 'number') return !net.v6 && (value & net.mask4) >>> 0 === net.base4;
  if (typeof value !== 'string') return false;
  if (!net.v6) {
    const v4 = parseIpv4(value);
    return v4 >= 0 && (v4 & net.mask4) >>> 0 === net.base4;
  }
  const v6 = parseIpv6(value);
  return v6 !== undefined && (v6 & net.mask6) === net.base6;
}
