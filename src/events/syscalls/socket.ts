/**
 * Socket address families, socket types and IP protocols → names (glibc's bits/socket.h and
 * the kernel's linux/net.h, in.h). Names are the ones strace and Falco print (`AF_UNIX`, not
 * `AF_LOCAL`).
 */
import type { FlagSet } from '../event.js';
import { type BitName, EnumTable, decodeBits } from './bitflags.js';

const FAMILIES: ReadonlyArray<readonly [string, number]> = [
  ['AF_UNSPEC', 0],
  ['AF_UNIX', 1],
  ['AF_INET', 2],
  ['AF_AX25', 3],
  ['AF_IPX', 4],
  ['AF_APPLETALK', 5],
  ['AF_NETROM', 6],
  ['AF_BRIDGE', 7],
  ['AF_ATMPVC', 8],
  ['AF_X25', 9],
  ['AF_INET6', 10],
  ['AF_ROSE', 11],
  ['AF_DECnet', 12],
  ['AF_NETBEUI', 13],
  ['AF_SECURITY', 14],
  ['AF_KEY', 15],
  ['AF_NETLINK', 16],
  ['AF_PACKET', 17],
  ['AF_ASH', 18],
  ['AF_ECONET', 19],
  ['AF_ATMSVC', 20],
  ['AF_RDS', 21],
  ['AF_SNA', 22],
  ['AF_IRDA', 23],
  ['AF_PPPOX', 24],
  ['AF_WANPIPE', 25],
  ['AF_LLC', 26],
  ['AF_IB', 27],
  ['AF_MPLS', 28],
  ['AF_CAN', 29],
  ['AF_TIPC', 30],
  ['AF_BLUETOOTH', 31],
  ['AF_IUCV', 32],
  ['AF_RXRPC', 33],
  ['AF_ISDN', 34],
  ['AF_PHONET', 35],
  ['AF_IEEE802154', 36],
  ['AF_CAIF', 37],
  ['AF_ALG', 38],
  ['AF_NFC', 39],
  ['AF_VSOCK', 40],
  ['AF_KCM', 41],
  ['AF_QIPCRTR', 42],
  ['AF_SMC', 43],
  ['AF_XDP', 44],
  ['AF_MCTP', 45],
];

const families = new EnumTable(FAMILIES, [
  ['AF_LOCAL', 1],
  ['AF_FILE', 1],
  ['AF_ROUTE', 16],
]);

export const socketFamilyName = (nr: number): string | undefined => families.name(nr);
export const socketFamilyNumber = (name: string): number | undefined => families.number(name);

const TYPES = new EnumTable([
  ['SOCK_STREAM', 1],
  ['SOCK_DGRAM', 2],
  ['SOCK_RAW', 3],
  ['SOCK_RDM', 4],
  ['SOCK_SEQPACKET', 5],
  ['SOCK_DCCP', 6],
  ['SOCK_PACKET', 10],
]);

/** Flags or'ed into socket(2)'s type argument. */
const TYPE_FLAGS: readonly BitName[] = [
  { name: 'SOCK_NONBLOCK', mask: 0o4000 },
  { name: 'SOCK_CLOEXEC', mask: 0o2000000 },
];

const SOCK_TYPE_MASK = 0xf;

/** `SOCK_STREAM|SOCK_CLOEXEC`, the base type first. */
export function decodeSocketType(value: number): FlagSet {
  const base = value & SOCK_TYPE_MASK;
  const flags = decodeBits(TYPE_FLAGS, value - base);
  return { names: [TYPES.name(base) ?? String(base), ...flags.names], value };
}

export const socketTypeNumber = (name: string): number | undefined => TYPES.number(name);

const PROTOCOLS = new EnumTable([
  ['IPPROTO_IP', 0],
  ['IPPROTO_ICMP', 1],
  ['IPPROTO_IGMP', 2],
  ['IPPROTO_TCP', 6],
  ['IPPROTO_UDP', 17],
  ['IPPROTO_IPV6', 41],
  ['IPPROTO_GRE', 47],
  ['IPPROTO_ESP', 50],
  ['IPPROTO_ICMPV6', 58],
  ['IPPROTO_SCTP', 132],
  ['IPPROTO_UDPLITE', 136],
  ['IPPROTO_RAW', 255],
]);

export const ipProtocolName = (nr: number): string | undefined => PROTOCOLS.name(nr);
export const ipProtocolNumber = (name: string): number | undefined => PROTOCOLS.number(name);
