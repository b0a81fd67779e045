/**
 * Reads what an fd is from its textual description: a /proc/PID/fd link target (`socket:[123]`,
 * `pipe:[45]`, `anon_inode:[eventpoll]`, `/memfd:x (deleted)`, a path) or strace's decoration of
 * an fd (`TCP:[127.0.0.1:44444->127.0.0.1:8080]`, `UNIX-STREAM:[12->13,"/run/x.sock"]`).
 */
import type { SockAddr } from '../event.js';
import { newFd, socketName } from './fd-info.js';
import type { FdInfo, FdType } from './types.js';

const ANON_TYPES: Record<string, FdType> = {
  '[eventpoll]': 'eventpoll',
  '[eventfd]': 'event',
  '[signalfd]': 'signalfd',
  '[timerfd]': 'timerfd',
  inotify: 'inotify',
  '[inotify]': 'inotify',
};

/** strace -yy appends device numbers to device paths (`/dev/pts/0<char 136:0>`). */
const DEVICE_SUFFIX = /<(?:char|block) \d+:\d+>$/;
const DELETED = ' (deleted)';

export function describeFd(fd: number, text: string): FdInfo {
  const desc = text.charCodeAt(text.length - 1) === 62 /* > */ ? text.replace(DEVICE_SUFFIX, '') : text;
  if (desc.startsWith('/memfd:')) {
    const name = desc.endsWith(DELETED) ? desc.slice(1, -DELETED.length) : desc.slice(1);
    return newFd(fd, 'memfd', name);
  }
  if (desc.charCodeAt(0) === 47 /* / */) return newFd(fd, 'file', desc);
  if (desc.startsWith('pipe:')) return newFd(fd, 'pipe', desc);
  if (desc.startsWith('socket:')) return newFd(fd, 'socket', desc);
  if (desc.startsWith('anon_inode:')) {
    return newFd(fd, ANON_TYPES[desc.slice('anon_inode:'.length)] ?? 'unknown', desc);
  }
  return describeStraceSocket(fd, desc) ?? newFd(fd, 'unknown', desc);
}

const STRACE_SOCKET = /^([A-Z]+(?:v6)?)(?:-[A-Z]+)?:\[(.*)\]$/;

/** strace's `PROTO:[...]` socket decoration, or undefined when `desc` is not one. */
export function describeStraceSocket(fd: number, desc: string): FdInfo | undefined {
  const m = STRACE_SOCKET.exec(desc);
  const proto = m?.[1];
  const body = m?.[2];
  if (proto === undefined || body === undefined) return undefined;
  switch (proto) {
    case 'TCP':
    case 'UDP':
    case 'UDPLITE':
    case 'RAW':
    case 'TCPv6':
    case 'UDPv6':
    case 'UDPLITEv6':
    case 'RAWv6': {
      const v6 = proto.endsWith('v6');
      const info = newFd(fd, v6 ? 'ipv6' : 'ipv4', desc);
      info.l4proto = proto.startsWith('TCP') ? 'tcp' : proto.startsWith('RAW') ? 'raw' : 'udp';
      applyInetEndpoints(info, body);
      return info;
    }
    case 'UNIX': {
      const info = newFd(fd, 'unix', desc);
      const path = /"(.*)"$/.exec(body)?.[1];
      if (path !== undefined) {
        info.local = unixAddr(path);
        info.name = socketName(info);
      }
      return info;
    }
    case 'NETLINK':
      return newFd(fd, 'netlink', desc);
    default:
      return newFd(fd, 'socket', desc);
  }
}

/**
 * Fills local/remote from `a->b` or a lone `a` (a bound or listening socket) as strace and
 * /proc print them: local first. Leaves the info alone when the body is just an inode.
 */
export function applyInetEndpoints(info: FdInfo, body: string): boolean {
  const arrow = body.indexOf('->');
  const local = parseInetEndpoint(arrow === -1 ? body : body.slice(0, arrow));
  if (local === undefined) return false;
  info.local = local;
  if (arrow !== -1) {
    const remote = parseInetEndpoint(body.slice(arrow + 2));
    if (remote !== undefined) info.remote = remote;
  }
  info.name = socketName(info);
  return true;
}

/** `1.2.3.4:80` or `[::1]:80` (also strace's bare `::1:80`, split at the last colon). */
export function parseInetEndpoint(s: string): SockAddr | undefined {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const portText = s.slice(colon + 1);
  if (!/^\d+$/.test(portText)) return undefined;
  let ip = s.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const v6 = ip.includes(':');
  if (!v6 && !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  return { family: v6 ? 'inet6' : 'inet', ip, port: Number(portText) };
}

export function unixAddr(path: string): SockAddr {
  return path.startsWith('@') ? { family: 'unix', path: path.slice(1), abstract: true } : { family: 'unix', path };
}
