/** Socket calls: what kind of socket a descriptor is, and the endpoints it is bound/connected to. */
import { type ArgValue, type SockAddr, isFdRef, isSockAddr } from '../../event.js';
import { socketFamilyName } from '../../syscalls/socket.js';
import { argFd, flagNames, hasFlag } from '../args.js';
import { describeFd, unixAddr } from '../fd-describe.js';
import { newFd, socketFdType, socketName } from '../fd-info.js';
import type { FdInfo, FdType, ProcessInfo } from '../types.js';
import { resultFds, setFd } from './files.js';
import { type Handler, newFdOf, succeeded } from './handler.js';

const EINPROGRESS = -115;

const FAMILY_TYPES: Record<string, FdType> = {
  AF_INET: 'ipv4',
  AF_INET6: 'ipv6',
  AF_UNIX: 'unix',
  AF_LOCAL: 'unix',
  AF_NETLINK: 'netlink',
};

function familyType(v: ArgValue | undefined): FdType {
  const name = typeof v === 'number' ? socketFamilyName(v) : typeof v === 'string' ? v : undefined;
  return (name !== undefined ? FAMILY_TYPES[name] : undefined) ?? 'socket';
}

const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;

/** The base socket type (`SOCK_STREAM`…) of a type argument given as names or a number. */
function baseType(v: ArgValue | undefined): number | undefined {
  if (typeof v === 'number') return v & 0xf;
  const names = flagNames(v);
  if (names === undefined) return undefined;
  for (const n of names) {
    if (n === 'SOCK_STREAM') return SOCK_STREAM;
    if (n === 'SOCK_DGRAM') return SOCK_DGRAM;
    if (n === 'SOCK_RAW') return SOCK_RAW;
  }
  return undefined;
}

function isIcmp(proto: ArgValue | undefined): boolean {
  return proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6 || proto === 'IPPROTO_ICMP' || proto === 'IPPROTO_ICMPV6';
}

function l4protoOf(type: FdType, sockType: ArgValue | undefined, proto: ArgValue | undefined): FdInfo['l4proto'] {
  if (type !== 'ipv4' && type !== 'ipv6') return undefined;
  switch (baseType(sockType)) {
    case SOCK_STREAM:
      return 'tcp';
    case SOCK_DGRAM:
      return isIcmp(proto) ? 'icmp' : 'udp';
    case SOCK_RAW:
      return isIcmp(proto) ? 'icmp' : 'raw';
    default:
      return undefined;
  }
}

function hasCloexec(sockType: ArgValue | undefined): boolean {
  return typeof sockType === 'number' ? (sockType & 0o2000000) !== 0 : hasFlag(sockType, 'SOCK_CLOEXEC');
}

export const onSocket: Handler = (_t, ev, proc) => {
  const fd = newFdOf(ev);
  if (fd === undefined) return;
  const a = ev.args;
  const type = familyType(a.domain);
  const info = newFd(fd, type, '');
  info.l4proto = l4protoOf(type, a.type, a.proto);
  if (hasCloexec(a.type)) info.cloexec = true;
  setFd(proc, info);
};

export const onSocketpair: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const a = ev.args;
  const type = familyType(a.domain);
  const cloexec = hasCloexec(a.type);
  resultFds(a.fds, (fd, desc) => {
    const info = desc !== undefined ? describeFd(fd, desc) : newFd(fd, type, '');
    if (info.type !== type && type !== 'socket') info.type = type;
    if (cloexec) info.cloexec = true;
    setFd(proc, info);
  });
};

/** The socket entry for an fd, created from the address family when the table missed it. */
function socketFd(proc: ProcessInfo, fd: number, addr: SockAddr): FdInfo {
  let info = proc.fds.get(fd);
  if (info === undefined || info.type === 'file' || info.type === 'unknown') {
    info = newFd(fd, socketFdType(addr.family), '');
    setFd(proc, info);
  } else if (info.type === 'socket') {
    info.type = socketFdType(addr.family);
  }
  return info;
}

/** Unix addresses are stored with the abstract marker the formatter understands. */
function normalizeAddr(a: SockAddr): SockAddr {
  return a.family === 'unix' && !a.abstract && a.path.startsWith('@') ? unixAddr(a.path) : a;
}

export const onConnect: Handler = (_t, ev, proc) => {
  if (!(ev.res === undefined || ev.res === 0 || ev.res === EINPROGRESS || ev.errno === 'EINPROGRESS')) return;
  const a = ev.args;
  const fd = argFd(a.fd);
  if (fd === undefined || !isSockAddr(a.addr)) return;
  const addr = a.addr;
  if (addr.family !== 'inet' && addr.family !== 'inet6' && addr.family !== 'unix') return;
  const info = socketFd(proc, fd, addr);
  info.remote = normalizeAddr(addr);
  info.role = 'client';
  if (info.l4proto === undefined && info.type !== 'unix') info.l4proto = 'tcp';
  info.name = socketName(info);
};

export const onBind: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const a = ev.args;
  const fd = argFd(a.fd);
  if (fd === undefined || !isSockAddr(a.addr)) return;
  const info = socketFd(proc, fd, a.addr);
  info.local = normalizeAddr(a.addr);
  info.name = socketName(info);
};

export const onListen: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const fd = argFd(ev.args.fd);
  const info = fd === undefined ? undefined : proc.fds.get(fd);
  if (info === undefined) return;
  info.listening = true;
  info.role = 'server';
};

/** accept, accept4: a connection whose server end is this process. */
export const onAccept: Handler = (_t, ev, proc) => {
  const fd = newFdOf(ev);
  if (fd === undefined) return;
  const a = ev.args;
  const lfd = argFd(a.fd);
  const listener = lfd === undefined ? undefined : proc.fds.get(lfd);
  const peer = isSockAddr(a.addr) ? normalizeAddr(a.addr) : undefined;
  const described = isFdRef(a.res_fd) && a.res_fd.path !== undefined ? describeFd(fd, a.res_fd.path) : undefined;
  const type = listener?.type ?? described?.type ?? (peer !== undefined ? socketFdType(peer.family) : 'socket');
  const info = newFd(fd, type, '');
  info.l4proto = listener?.l4proto ?? described?.l4proto ?? (type === 'ipv4' || type === 'ipv6' ? 'tcp' : undefined);
  // strace's decoration names the exact local address; the listener may be bound to 0.0.0.0.
  info.local = described?.local ?? listener?.local;
  info.remote = described?.remote ?? (peer !== undefined && !isUnnamed(peer) ? peer : undefined);
  info.role = 'server';
  if (hasFlag(a.flags, 'SOCK_CLOEXEC')) info.cloexec = true;
  info.name = socketName(info);
  setFd(proc, info);
};

/** A peer address that carries nothing (an unbound unix client, a zero-length sockaddr). */
function isUnnamed(a: SockAddr): boolean {
  return a.family === 'unix' ? a.path === '' : a.family !== 'inet' && a.family !== 'inet6';
}
