/**
 * Socket inode → endpoints, from a network namespace's /proc/PID/net tables. /proc/PID/fd only
 * says `socket:[inode]`; these tables say what the socket is (the same source ss and lsof use).
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { SockAddr } from '../event.js';
import { unixAddr } from './fd-describe.js';
import type { FdInfo, FdType } from './types.js';

export interface SocketEntry {
  type: FdType;
  l4proto: FdInfo['l4proto'];
  local: SockAddr | undefined;
  remote: SockAddr | undefined;
  listening: boolean;
}

export interface NetIndex {
  sockets: Map<number, SocketEntry>;
  /** TCP ports something listens on: an established socket on one is the server's end. */
  listeningPorts: Set<number>;
}

const TCP_LISTEN = '0A';
/** __SO_ACCEPTCON in /proc/net/unix's Flags column. */
const UNIX_ACCEPTCON = 0x10000;
const LITTLE_ENDIAN = endianness() === 'LE';

function read(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** Reads the tables as the process `pid` (its network namespace) sees them. */
export function readNetIndex(procDir: string): NetIndex {
  const index: NetIndex = { sockets: new Map(), listeningPorts: new Set() };
  const inet: [string, FdType, FdInfo['l4proto']][] = [
    ['tcp', 'ipv4', 'tcp'],
    ['tcp6', 'ipv6', 'tcp'],
    ['udp', 'ipv4', 'udp'],
    ['udp6', 'ipv6', 'udp'],
    ['raw', 'ipv4', 'raw'],
    ['raw6', 'ipv6', 'raw'],
  ];
  for (const [file, type, l4proto] of inet) parseInet(read(`${procDir}/net/${file}`), type, l4proto, index);
  parseUnix(read(`${procDir}/net/unix`), index);
  parseNetlink(read(`${procDir}/net/netlink`), index);
  return index;
}

function lines(text: string): string[][] {
  const out: string[][] = [];
  const all = text.split('\n');
  for (let i = 1; i < all.length; i++) {
    const l = all[i];
    if (l !== undefined && l.trim() !== '') out.push(l.trim().split(/\s+/));
  }
  return out;
}

function parseInet(text: string, type: FdType, l4proto: FdInfo['l4proto'], index: NetIndex): void {
  for (const f of lines(text)) {
    const [, localHex, remoteHex, state] = f;
    const inode = Number(f[9]);
    if (localHex === undefined || remoteHex === undefined || !(inode > 0)) continue;
    const local = parseHexEndpoint(localHex);
    const remote = parseHexEndpoint(remoteHex);
    const listening = l4proto === 'tcp' && state === TCP_LISTEN;
    if (listening && local !== undefined && local.family !== 'unix' && 'port' in local) {
      index.listeningPorts.add(local.port);
    }
    index.sockets.set(inode, {
      type,
      l4proto,
      local,
      remote: remote !== undefined && 'port' in remote && remote.port !== 0 ? remote : undefined,
      listening,
    });
  }
}

function parseUnix(text: string, index: NetIndex): void {
  // Num RefCount Protocol Flags Type St Inode [Path]
  for (const f of lines(text)) {
    const inode = Number(f[6]);
    if (!(inode > 0)) continue;
    const path = f.length > 7 ? f.slice(7).join(' ') : undefined;
    index.sockets.set(inode, {
      type: 'unix',
      l4proto: undefined,
      local: path !== undefined ? unixAddr(path) : undefined,
      remote: undefined,
      listening: (parseInt(f[3] ?? '0', 16) & UNIX_ACCEPTCON) !== 0,
    });
  }
}

function parseNetlink(text: string, index: NetIndex): void {
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  for (const f of lines(text)) {
    const inode = Number(f[f.length - 1]);
    if (inode > 0)
      index.sockets.set(inode, {
        type: 'netlink',
        l4proto: undefined,
        local: undefined,
        remote: undefined,
        listening: false,
      });
  }
}

/** `0100007F:1F90` → 127.0.0.1:8080; 32 hex digits for IPv6. Words are in host byte order. */
export function parseHexEndpoint(s: string): SockAddr | undefined {
  const colon = s.indexOf(':');
  if (colon === -1) return undefined;
  const hex = s.slice(0, colon);
  const port = parseInt(s.slice(colon + 1), 16);
  const bytes: number[] = [];
  for (let w = 0; w + 8 <= hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((o) => parseInt(hex.slice(w + o, w + o + 2), 16));
    bytes.push(...(LITTLE_ENDIAN ? word.reverse() : word));
  }
  if (bytes.length === 4) return { family: 'inet', ip: bytes.join('.'), port };
  if (bytes.length === 16) return { family: 'inet6', ip: formatIpv6(bytes), port };
  return undefined;
}

/** RFC 5952 text: lowercase, longest zero run as `::`, IPv4-mapped as `::ffff:1.2.3.4`. */
export function formatIpv6(b: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
