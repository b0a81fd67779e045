/**
 * Socket calls: what kind of socket a descriptor is, and the endpoints it is bound/connected to.
 *
 * Two views of an endpoint can arrive. `addr` is what the caller passed (bind to port 0, a
 * connect that says nothing of the source port). The eBPF sensor also sends the socket as the
 * kernel holds it after the call — `local`, `remote`, `l4proto` (src/sensors/ebpf/args.ts) —
 * and where both are present the kernel's view wins.
 */
import { type ArgValue, type EventArgs, type SockAddr, isFdRef, isSockAddr } from '../../event.js';
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

/** An inet endpoint from the kernel's view (`local`/`remote`); anything else is ignored. */
function inetArg(v: ArgValue | undefined): SockAddr | undefined {
  return isSockAddr(v) && (v.family === 'inet' || v.family === 'inet6') ? v : undefined;
}

/** The kernel's layer-4 protocol (`l4proto`), when the sensor sent one. */
function l4protoArg(v: ArgValue | undefined): FdInfo['l4proto'] {
  switch (v) {
    case 'tcp':
    case 'udp':
    case 'raw':
    case 'icmp':
      return v;
    default:
      return undefined;
  }
}

/** Same inet endpoint (b comes from inetArg). */
function sameInet(a: SockAddr | undefined, b: SockAddr): boolean {
  return a !== undefined && a.family === b.family && 'ip' in a && 'ip' in b && a.ip === b.ip && a.port === b.port;
}

/**
 * Applies the kernel's view of the socket (`local`, `remote`, `l4proto`) to its entry; true when
 * an endpoint changed (the caller renames the entry).
 */
function applyKernelView(info: FdInfo, a: EventArgs): boolean {
  const l4 = l4protoArg(a.l4proto);
  if (l4 !== undefined) info.l4proto = l4;
  let changed = false;
  const local = inetArg(a.local);
  if (local !== undefined && !sameInet(info.local, local)) {
    info.local = local;
    changed = true;
  }
  const remote = inetArg(a.remote);
  if (remote !== undefined && !sameInet(info.remote, remote)) {
    info.remote = remote;
    changed = true;
  }
  return changed;
}

export const onConnect: Handler = (_t, ev, proc) => {
  if (!(ev.res === undefined || ev.res === 0 || ev.res === EINPROGRESS || ev.errno === 'EINPROGRESS')) return;
  const a = ev.args;
  const fd = argFd(a.fd);
  if (fd === undefined) return;
  // The peer the kernel connected to, else the one asked for.
  const addr = inetArg(a.remote) ?? (isSockAddr(a.addr) ? a.addr : undefined);
  if (addr === undefined) return;
  if (addr.family !== 'inet' && addr.family !== 'inet6' && addr.family !== 'unix') return;
  const info = socketFd(proc, fd, addr);
  info.remote = normalizeAddr(addr);
  info.role = 'client';
  applyKernelView(info, a);
  if (info.l4proto === undefined && info.type !== 'unix') info.l4proto = 'tcp';
  info.name = socketName(info);
};

export const onBind: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const a = ev.args;
  const fd = argFd(a.fd);
  if (fd === undefined) return;
  // The kernel's address has the port a bind to port 0 was given.
  const addr = inetArg(a.local) ?? (isSockAddr(a.addr) ? a.addr : undefined);
  if (addr === undefined) return;
  const info = socketFd(proc, fd, addr);
  info.local = normalizeAddr(addr);
  applyKernelView(info, a);
  info.name = socketName(info);
};

export const onListen: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const a = ev.args;
  const fd = argFd(a.fd);
  if (fd === undefined) return;
  const local = inetArg(a.local);
  // With the kernel's view, a listener the table missed (inherited, opened before) is known too.
  const info = local !== undefined ? socketFd(proc, fd, local) : proc.fds.get(fd);
  if (info === undefined) return;
  info.listening = true;
  info.role = 'server';
  // listen() on an unbound socket binds it to a port of the kernel's choosing.
  if (applyKernelView(info, a) || info.name === '') info.name = socketName(info);
};

/**
 * sendto, sendmsg: nothing changes the table unless the kernel's view came along — then an
 * unconnected datagram socket learns the local port its first send bound it to, and a socket
 * the table never saw connect learns its endpoints.
 */
export const onSend: Handler = (_t, ev, proc) => {
  const a = ev.args;
  const local = inetArg(a.local);
  if (local === undefined || !succeeded(ev)) return;
  const fd = argFd(a.fd);
  if (fd === undefined) return;
  const info = socketFd(proc, fd, local);
  if (applyKernelView(info, a) || info.name === '') info.name = socketName(info);
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
  // The kernel's view of the new connection (eBPF), else strace's decoration, else the listener.
  const kLocal = inetArg(a.local);
  const type =
    (kLocal !== undefined ? socketFdType(kLocal.family) : undefined) ??
    listener?.type ??
    described?.type ??
    (peer !== undefined ? socketFdType(peer.family) : 'socket');
  const info = newFd(fd, type, '');
  info.l4proto =
    l4protoArg(a.l4proto) ??
    listener?.l4proto ??
    described?.l4proto ??
    (type === 'ipv4' || type === 'ipv6' ? 'tcp' : undefined);
  // The exact local address: the listener may be bound to 0.0.0.0 (or its entry be missing).
  info.local = kLocal ?? described?.local ?? listener?.local;
  info.remote = inetArg(a.remote) ?? described?.remote ?? (peer !== undefined && !isUnnamed(peer) ? peer : undefined);
  info.role = 'server';
  if (hasFlag(a.flags, 'SOCK_CLOEXEC')) info.cloexec = true;
  info.name = socketName(info);
  setFd(proc, info);
};

/** A peer address that carries nothing (an unbound unix client, a zero-length sockaddr). */
function isUnnamed(a: SockAddr): boolean {
  return a.family === 'unix' ? a.path === '' : a.family !== 'inet' && a.family !== 'inet6';
}
