/**
 * FdInfo construction. Every FdInfo is created here with all its keys, in one order, so the
 * objects share one hidden class and property reads on the hot path stay monomorphic.
 */
import { type SockAddr, formatSockAddr } from '../event.js';
import type { FdInfo, FdType } from './types.js';

export function newFd(fd: number, type: FdType, name: string): FdInfo {
  return {
    fd,
    type,
    name,
    flags: undefined,
    l4proto: undefined,
    local: undefined,
    remote: undefined,
    listening: undefined,
    cloexec: undefined,
    role: undefined,
  };
}

/** A copy under another descriptor number (dup): same open file, its own close-on-exec bit. */
export function copyFd(src: FdInfo, fd: number, cloexec: boolean): FdInfo {
  const c = newFd(fd, src.type, src.name);
  c.flags = src.flags;
  c.l4proto = src.l4proto;
  c.local = src.local;
  c.remote = src.remote;
  c.listening = src.listening;
  c.cloexec = cloexec || undefined;
  c.role = src.role;
  return c;
}

/** The fd type a socket of this address family gets. */
export function socketFdType(family: SockAddr['family']): FdType {
  switch (family) {
    case 'inet':
      return 'ipv4';
    case 'inet6':
      return 'ipv6';
    case 'unix':
      return 'unix';
    case 'netlink':
      return 'netlink';
    default:
      return 'socket';
  }
}

/**
 * Falco's fd.name for a socket: `client->server` for a connection, the bound address for a
 * listener, the path for a unix socket. Endpoints are written with formatSockAddr (IPv6 in
 * brackets) so one name format serves every report.
 */
export function socketName(info: FdInfo): string {
  const { local, remote } = info;
  if (info.type === 'unix') {
    const r = remote !== undefined ? unixPath(remote) : '';
    const l = local !== undefined ? unixPath(local) : '';
    // A unix connection is named by the path that was bound (the server's end).
    return r !== '' ? r : l !== '' ? l : info.name;
  }
  if (remote === undefined) return local !== undefined ? formatSockAddr(local) : info.name;
  if (info.role === 'server') {
    return local !== undefined ? `${formatSockAddr(remote)}->${formatSockAddr(local)}` : `${formatSockAddr(remote)}->`;
  }
  return local !== undefined ? `${formatSockAddr(local)}->${formatSockAddr(remote)}` : `->${formatSockAddr(remote)}`;
}

function unixPath(a: SockAddr): string {
  return a.family === 'unix' ? formatSockAddr(a) : '';
}
