/**
 * Decodes raw `struct sockaddr` bytes as the probe copied them from the observed process, and
 * the probe's TUPLE items (a socket's endpoints as the kernel holds them).
 */
import type { SockAddr } from '../../events/event.js';
import { TUPLE } from './protocol.js';

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_PACKET = 17;

/** `buf[off, off+len)` holds the address; `len` is what the kernel was told (or wrote), at most 110. */
export function decodeSockAddr(buf: Buffer, off: number, len: number): SockAddr | null {
  if (len < 2) return null;
  const family = buf.readUInt16LE(off);
  switch (family) {
    case AF_INET:
      if (len < 8) break;
      return {
        family: 'inet',
        ip: `${buf[off + 4]}.${buf[off + 5]}.${buf[off + 6]}.${buf[off + 7]}`,
        port: buf.readUInt16BE(off + 2),
      };
    case AF_INET6:
      if (len < 24) break;
      return { family: 'inet6', ip: formatIPv6(buf, off + 8), port: buf.readUInt16BE(off + 2) };
    case AF_UNIX: {
      const start = off + 2;
      const end = off + len;
      if (end > start && buf[start] === 0) {
        // Abstract: a leading NUL, then a name that may itself contain NULs; its length is len.
        return { family: 'unix', path: buf.toString('utf8', start + 1, end), abstract: true };
      }
      const nul = buf.indexOf(0, start);
      return { family: 'unix', path: buf.toString('utf8', start, nul >= 0 && nul < end ? nul : end) };
    }
    case AF_NETLINK:
      return { family: 'netlink', raw: buf.toString('hex', off, off + len) };
    case AF_PACKET:
      return { family: 'packet', raw: buf.toString('hex', off, off + len) };
  }
  return { family: 'other', raw: buf.toString('hex', off, off + len) };
}

/** RFC 5952 text form: lowercase, longest run of zero groups (≥ 2) as `::`, v4-mapped as `::ffff:a.b.c.d`. */
export function formatIPv6(buf: Buffer, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(off + i * 2));
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** A TUPLE item decoded: the socket's endpoints and layer-4 protocol as the kernel holds them. */
export interface SocketTuple {
  local: SockAddr;
  /** null while the socket is not connected (a listener, an unconnected datagram socket). */
  remote: SockAddr | null;
  /** `tcp`, `udp`, `icmp` or `raw`; null for another protocol. */
  l4proto: 'tcp' | 'udp' | 'icmp' | 'raw' | null;
}

const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_UDPLITE = 136;
const IPPROTO_MPTCP = 262;

function l4protoOf(proto: number, type: number): SocketTuple['l4proto'] {
  if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) return 'icmp';
  if (type === SOCK_RAW) return 'raw';
  if (proto === IPPROTO_TCP || proto === IPPROTO_MPTCP) return 'tcp';
  if (proto === IPPROTO_UDP || proto === IPPROTO_UDPLITE) return 'udp';
  return null;
}

function isZero(buf: Buffer, off: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[off + i] !== 0) return false;
  return true;
}

/** `buf[off, off+len)` holds a TUPLE payload (protocol.ts TUPLE); null when malformed. */
export function decodeTuple(buf: Buffer, off: number, len: number): SocketTuple | null {
  if (len < TUPLE.size) return null;
  const family = buf.readUInt16LE(off + TUPLE.family);
  if (family !== AF_INET && family !== AF_INET6) return null;
  const lport = buf.readUInt16LE(off + TUPLE.lport);
  const rport = buf.readUInt16LE(off + TUPLE.rport);
  const la = off + TUPLE.laddr;
  const ra = off + TUPLE.raddr;
  const v4 = family === AF_INET;
  const addr = (o: number, port: number): SockAddr =>
    v4
      ? { family: 'inet', ip: `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`, port }
      : { family: 'inet6', ip: formatIPv6(buf, o), port };
  return {
    local: addr(la, lport),
    remote: rport === 0 && isZero(buf, ra, v4 ? 4 : 16) ? null : addr(ra, rport),
    l4proto: l4protoOf(buf.readUInt16LE(off + TUPLE.proto), buf.readUInt16LE(off + TUPLE.type)),
  };
}
