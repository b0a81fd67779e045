/**
 * Turns a syscall record's raw registers and items into named arguments. Names follow Falco's
 * event parameters (libscap's event table) so `evt.arg.NAME` in rules reads them directly, and
 * match what src/events/state reads (`fds` as strings, `ptid` on the child's clone, …).
 *
 * Socket calls carry two views of an address. `addr` is always what the caller passed (or, for
 * accept, what the kernel wrote back to it). When the probe could read the socket itself (a
 * TUPLE item: AF_INET/AF_INET6 sockets, after a successful connect — or one in progress —,
 * bind, listen, sendto, sendmsg, and on the fd accept returned), three more arguments give the
 * kernel's view, which wins where the two differ (a bind to port 0, an unbound client):
 *  - `local`: the socket's own address and port (SockAddr), e.g. the port bind(0) chose, a
 *    client's ephemeral source port (Falco's fd.lport / fd.cport);
 *  - `remote`: the connected peer (SockAddr); absent while the socket is not connected
 *    (listeners, unconnected datagram sockets);
 *  - `l4proto`: `tcp`, `udp`, `icmp` or `raw`, from the socket's protocol; absent for others.
 * For accept/accept4 these describe the new connection (the returned fd), not the listener.
 */
import type { EventArgs, FdRef, FlagSet } from '../../events/event.js';
import {
  AT_FLAGS,
  type BitName,
  decodeBits,
  decodeCloneFlags,
  decodeMemfdFlags,
  decodeOpenFlags,
  decodeSocketType,
  signalName,
  socketFamilyName,
} from '../../events/syscalls/index.js';
import { FD_FLAGS, RENAME_FLAGS, RESOLVE_FLAGS, SOCK_FLAGS, fcntlCmdName, ptraceRequestName } from './names.js';
import { ItemKind } from './protocol.js';
import type { SyscallView } from './record-view.js';
import { decodeSockAddr, decodeTuple } from './sockaddr.js';

export type ArgDecoder = (v: SyscallView) => EventArgs;

const fd = (n: number): FdRef => ({ fd: n });
const bits = (table: readonly BitName[], value: number): FlagSet => decodeBits(table, value);
const family = (af: number): string => socketFamilyName(af) ?? `AF_${af}`;
const sig = (n: number): string => signalName(n) ?? String(n);
const path = (v: SyscallView): string | null => v.str(ItemKind.Path);
const path2 = (v: SyscallView): string | null => v.str(ItemKind.Path2);

function sockaddr(v: SyscallView): EventArgs['addr'] {
  if (!v.has(ItemKind.SockAddr)) return null;
  return decodeSockAddr(v.buf, v.itemOffset(ItemKind.SockAddr), v.itemLength(ItemKind.SockAddr));
}

/** Adds `local`, `remote`, `l4proto` from the call's TUPLE item, when the probe sent one. */
function withTuple(v: SyscallView, a: EventArgs): EventArgs {
  const o = v.itemOffset(ItemKind.Tuple);
  if (o < 0) return a;
  const t = decodeTuple(v.buf, o, v.itemLength(ItemKind.Tuple));
  if (t === null) return a;
  a.local = t.local;
  if (t.remote !== null) a.remote = t.remote;
  if (t.l4proto !== null) a.l4proto = t.l4proto;
  return a;
}

/** pipe/socketpair results as strings, the shape the state tables read. */
function fds(v: SyscallView): string[] | null {
  const o = v.itemOffset(ItemKind.Fds);
  if (o < 0 || v.itemLength(ItemKind.Fds) < 8) return null;
  return [String(v.buf.readInt32LE(o)), String(v.buf.readInt32LE(o + 4))];
}

/** `SOCK_STREAM`, or `SOCK_STREAM|SOCK_CLOEXEC` when flag bits are set (strace's shape). */
const socketType = (t: number): string => decodeSocketType(t).names.join('|');

/** The identity Falco's clone/execve events carry, so a child's first event places it in the tree. */
function ident(v: SyscallView, a: EventArgs): EventArgs {
  a.ptid = v.ppid();
  a.uid = v.uid();
  a.gid = v.gid();
  a.comm = v.comm();
  return a;
}

const openArgs = (v: SyscallView, dirfd: number | null, nameArg: number): EventArgs => {
  const a: EventArgs = {};
  if (dirfd !== null) a.dirfd = fd(dirfd);
  a.name = path(v);
  a.flags = decodeOpenFlags(v.u32(nameArg + 1));
  a.mode = v.u32(nameArg + 2);
  return a;
};

const DECODERS: Record<string, ArgDecoder> = {
  open: (v) => openArgs(v, null, 0),
  openat: (v) => openArgs(v, v.i32(0), 1),
  openat2: (v) => {
    const a: EventArgs = { dirfd: fd(v.i32(0)), name: path(v) };
    // struct open_how { u64 flags; u64 mode; u64 resolve; }
    const o = v.itemOffset(ItemKind.Struct);
    if (o >= 0 && v.itemLength(ItemKind.Struct) >= 24) {
      a.flags = decodeOpenFlags(v.buf.readUInt32LE(o));
      a.mode = v.buf.readUInt32LE(o + 8);
      a.resolve = bits(RESOLVE_FLAGS, v.buf.readUInt32LE(o + 16));
    }
    return a;
  },
  creat: (v) => ({ name: path(v), mode: v.u32(1) }),
  close: (v) => ({ fd: fd(v.i32(0)) }),
  dup: (v) => ({ fd: fd(v.i32(0)) }),
  dup2: (v) => ({ fd: fd(v.i32(0)), newfd: fd(v.i32(1)) }),
  dup3: (v) => ({ fd: fd(v.i32(0)), newfd: fd(v.i32(1)), flags: bits(FD_FLAGS, v.u32(2)) }),
  fcntl: (v) => ({ fd: fd(v.i32(0)), cmd: fcntlCmdName(v.u32(1)) }),
  pipe: (v) => ({ fds: fds(v) }),
  pipe2: (v) => ({ fds: fds(v), flags: bits(FD_FLAGS, v.u32(1)) }),

  socket: (v) => ({ domain: family(v.u32(0)), type: socketType(v.u32(1)), proto: v.i32(2) }),
  socketpair: (v) => ({
    domain: family(v.u32(0)),
    type: socketType(v.u32(1)),
    proto: v.i32(2),
    fds: fds(v),
  }),
  connect: (v) => withTuple(v, { fd: fd(v.i32(0)), addr: sockaddr(v) }),
  bind: (v) => withTuple(v, { fd: fd(v.i32(0)), addr: sockaddr(v) }),
  listen: (v) => withTuple(v, { fd: fd(v.i32(0)), backlog: v.i32(1) }),
  accept: (v) => withTuple(v, { fd: fd(v.i32(0)), addr: sockaddr(v) }),
  accept4: (v) => withTuple(v, { fd: fd(v.i32(0)), addr: sockaddr(v), flags: bits(SOCK_FLAGS, v.u32(3)) }),
  sendto: (v) => withTuple(v, { fd: fd(v.i32(0)), size: v.num(2), addr: sockaddr(v) }),
  sendmsg: (v) => withTuple(v, { fd: fd(v.i32(0)), addr: sockaddr(v) }),

  chdir: (v) => ({ path: path(v) }),
  fchdir: (v) => ({ fd: fd(v.i32(0)) }),
  rename: (v) => ({ oldpath: path(v), newpath: path2(v) }),
  renameat: (v) => ({ olddirfd: fd(v.i32(0)), oldpath: path(v), newdirfd: fd(v.i32(2)), newpath: path2(v) }),
  renameat2: (v) => ({
    olddirfd: fd(v.i32(0)),
    oldpath: path(v),
    newdirfd: fd(v.i32(2)),
    newpath: path2(v),
    flags: bits(RENAME_FLAGS, v.u32(4)),
  }),
  unlink: (v) => ({ path: path(v) }),
  // Falco calls unlinkat's path `name`; `path` as well keeps one name working for every unlink.
  unlinkat: (v) => ({ dirfd: fd(v.i32(0)), name: path(v), path: path(v), flags: bits(AT_FLAGS, v.u32(2)) }),
  rmdir: (v) => ({ path: path(v) }),
  mkdir: (v) => ({ path: path(v), mode: v.u32(1) }),
  mkdirat: (v) => ({ dirfd: fd(v.i32(0)), path: path(v), mode: v.u32(2) }),
  link: (v) => ({ oldpath: path(v), newpath: path2(v) }),
  linkat: (v) => ({
    olddir: fd(v.i32(0)),
    oldpath: path(v),
    newdir: fd(v.i32(2)),
    newpath: path2(v),
    flags: bits(AT_FLAGS, v.u32(4)),
  }),
  symlink: (v) => ({ target: path(v), linkpath: path2(v) }),
  symlinkat: (v) => ({ target: path(v), linkdirfd: fd(v.i32(1)), linkpath: path2(v) }),
  chmod: (v) => ({ filename: path(v), path: path(v), mode: v.u32(1) }),
  fchmod: (v) => ({ fd: fd(v.i32(0)), mode: v.u32(1) }),
  fchmodat: (v) => ({ dirfd: fd(v.i32(0)), filename: path(v), path: path(v), mode: v.u32(2) }),
  chown: (v) => ({ path: path(v), uid: v.i32(1), gid: v.i32(2) }),
  lchown: (v) => ({ path: path(v), uid: v.i32(1), gid: v.i32(2) }),
  fchown: (v) => ({ fd: fd(v.i32(0)), uid: v.i32(1), gid: v.i32(2) }),
  fchownat: (v) => ({
    dirfd: fd(v.i32(0)),
    pathname: path(v),
    path: path(v),
    uid: v.i32(2),
    gid: v.i32(3),
    flags: bits(AT_FLAGS, v.u32(4)),
  }),

  setuid: (v) => ({ uid: v.i32(0) }),
  setgid: (v) => ({ gid: v.i32(0) }),
  setreuid: (v) => ({ ruid: v.i32(0), euid: v.i32(1) }),
  setregid: (v) => ({ rgid: v.i32(0), egid: v.i32(1) }),
  setresuid: (v) => ({ ruid: v.i32(0), euid: v.i32(1), suid: v.i32(2) }),
  setresgid: (v) => ({ rgid: v.i32(0), egid: v.i32(1), sgid: v.i32(2) }),

  // clone(2)'s low byte is the exit signal (named last, `…|SIGCHLD`); clone3 has a separate field.
  clone: (v) => ident(v, { flags: decodeCloneFlags(v.num(0)) }),
  clone3: (v) => {
    // struct clone_args starts with u64 flags.
    const o = v.itemOffset(ItemKind.Struct);
    const flags =
      o >= 0 && v.itemLength(ItemKind.Struct) >= 8
        ? decodeCloneFlags(v.buf.readUInt32LE(o + 4) * 2 ** 32 + v.buf.readUInt32LE(o), false)
        : { names: [] };
    return ident(v, { flags });
  },
  fork: (v) => ident(v, { flags: { names: [], value: 0 } }),
  vfork: (v) => ident(v, { flags: { names: ['CLONE_VM', 'CLONE_VFORK'], value: 0x4100 } }),
  execve: (v) => ident(v, { filename: path(v), argv: v.strings(ItemKind.Argv), envp: v.strings(ItemKind.Envp) }),
  execveat: (v) => {
    const a: EventArgs = { filename: path(v), argv: v.strings(ItemKind.Argv), envp: v.strings(ItemKind.Envp) };
    // A successful exec is recorded after the registers were reset for the new image: the
    // directory fd and flags are gone (the kernel's filename, `/dev/fd/N/...`, still tells).
    if (v.ret32() !== 0) {
      a.dirfd = fd(v.i32(0));
      a.flags = bits(AT_FLAGS, v.u32(4));
    }
    return ident(v, a);
  },
  exit: (v) => ({ status: v.i32(0) }),
  exit_group: (v) => ({ status: v.i32(0) }),

  ptrace: (v) => ({ request: ptraceRequestName(v.i32(0)), pid: v.i32(1) }),
  memfd_create: (v) => ({ name: v.str(ItemKind.String), flags: decodeMemfdFlags(v.u32(1)) }),
  init_module: (v) => ({ len: v.num(1), uargs: v.str(ItemKind.String) }),
  finit_module: (v) => ({ fd: fd(v.i32(0)), uargs: v.str(ItemKind.String), flags: v.u32(2) }),
  kill: (v) => ({ pid: v.i32(0), sig: sig(v.i32(1)) }),
  tgkill: (v) => ({ pid: v.i32(0), tid: v.i32(1), sig: sig(v.i32(2)) }),
  getpid: () => ({}),
};

/** Decoder for a syscall name; calls without one get no arguments. */
export function decoderFor(name: string): ArgDecoder | undefined {
  return DECODERS[name];
}

export const NO_ARGS: ArgDecoder = () => ({});
