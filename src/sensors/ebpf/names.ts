/**
 * Symbolic names for the numbers in syscall arguments (x86_64 Linux values). Private to the
 * eBPF sensor until src/events/syscalls is committed, which covers the same ground.
 */
import type { FlagSet } from '../../events/event.js';

/** [bit value, name]; multi-bit values must come before the single bits they contain. */
export type BitTable = ReadonlyArray<readonly [number, string]>;

/** Decodes a bit set; unknown bits are kept as one hex entry so nothing is silently lost. */
export function decodeBits(table: BitTable, value: number): FlagSet {
  const names: string[] = [];
  let rest = value;
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) >>> 0 === bit) {
      names.push(name);
      rest -= bit;
    }
    if (rest === 0) break;
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return { names, value };
}

/** `&` works on 32 bits; clone3 flags go beyond, so the high word has its own table. */
export function decodeBits64(table: BitTable, high: BitTable, lo: number, hi: number): FlagSet {
  const low = decodeBits(table, lo);
  if (hi === 0) return low;
  const up = decodeBits(high, hi);
  return { names: [...low.names, ...up.names], value: hi * 2 ** 32 + lo };
}

// prettier-ignore
const ERRNO: readonly string[] = [
  '', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR',
  'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS',
  'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK', 'ENOSYS', 'ENOTEMPTY', 'ELOOP',
  'EWOULDBLOCK', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC', 'EL3HLT', 'EL3RST', 'ELNRNG', 'EUNATCH', 'ENOCSI',
  'EL2HLT', 'EBADE', 'EBADR', 'EXFULL', 'ENOANO', 'EBADRQC', 'EBADSLT', 'EDEADLOCK', 'EBFONT', 'ENOSTR',
  'ENODATA', 'ETIME', 'ENOSR', 'ENONET', 'ENOPKG', 'EREMOTE', 'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM',
  'EPROTO', 'EMULTIHOP', 'EDOTDOT', 'EBADMSG', 'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD',
  'ELIBSCN', 'ELIBMAX', 'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE',
  'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT',
  'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS',
  'EISCONN', 'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH',
  'EALREADY', 'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM', 'ENAVAIL', 'EISNAM', 'EREMOTEIO', 'EDQUOT',
  'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED', 'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED', 'EKEYREJECTED', 'EOWNERDEAD',
  'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON',
];
// 41 and 58 are unused numbers in Linux; EWOULDBLOCK/EDEADLOCK are aliases of 11/35.
const ERRNO_FIXED = ERRNO.map((n, i) => (i === 41 || i === 58 ? '' : n));

/** Kernel-internal restart codes a tracer can see as return values. */
const KERNEL_ERRNO: Readonly<Record<number, string>> = {
  512: 'ERESTARTSYS',
  513: 'ERESTARTNOINTR',
  514: 'ERESTARTNOHAND',
  515: 'ENOIOCTLCMD',
  516: 'ERESTART_RESTARTBLOCK',
  517: 'EPROBE_DEFER',
  518: 'EOPENSTALE',
  519: 'ENOPARAM',
};

export function errnoName(errno: number): string {
  return ERRNO_FIXED[errno] || KERNEL_ERRNO[errno] || `E${errno}`;
}

// prettier-ignore
const SIGNALS: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR',
  'SIGSYS',
];

export function signalName(sig: number): string {
  if (sig === 0) return '0';
  const n = SIGNALS[sig];
  if (n !== undefined) return n;
  if (sig >= 34 && sig <= 64) return sig === 34 ? 'SIGRTMIN' : `SIGRTMIN+${sig - 34}`;
  return `SIG${sig}`;
}

export const OPEN_FLAGS: BitTable = [
  [0x1, 'O_WRONLY'],
  [0x2, 'O_RDWR'],
  [0x40, 'O_CREAT'],
  [0x80, 'O_EXCL'],
  [0x100, 'O_NOCTTY'],
  [0x200, 'O_TRUNC'],
  [0x400, 'O_APPEND'],
  [0x800, 'O_NONBLOCK'],
  [0x101000, 'O_SYNC'],
  [0x1000, 'O_DSYNC'],
  [0x2000, 'O_ASYNC'],
  [0x4000, 'O_DIRECT'],
  [0x8000, 'O_LARGEFILE'],
  [0x410000, 'O_TMPFILE'],
  [0x10000, 'O_DIRECTORY'],
  [0x20000, 'O_NOFOLLOW'],
  [0x40000, 'O_NOATIME'],
  [0x80000, 'O_CLOEXEC'],
  [0x200000, 'O_PATH'],
];

/** Open flags; O_RDONLY is the absence of both access bits, so it is added by hand. */
export function decodeOpenFlags(value: number): FlagSet {
  const fs = decodeBits(OPEN_FLAGS, value);
  if ((value & 3) === 0) fs.names.unshift('O_RDONLY');
  return fs;
}

export const CLONE_FLAGS: BitTable = [
  [0x100, 'CLONE_VM'],
  [0x200, 'CLONE_FS'],
  [0x400, 'CLONE_FILES'],
  [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'],
  [0x2000, 'CLONE_PTRACE'],
  [0x4000, 'CLONE_VFORK'],
  [0x8000, 'CLONE_PARENT'],
  [0x10000, 'CLONE_THREAD'],
  [0x20000, 'CLONE_NEWNS'],
  [0x40000, 'CLONE_SYSVSEM'],
  [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'],
  [0x200000, 'CLONE_CHILD_CLEARTID'],
  [0x400000, 'CLONE_DETACHED'],
  [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'],
  [0x2000000, 'CLONE_NEWCGROUP'],
  [0x4000000, 'CLONE_NEWUTS'],
  [0x8000000, 'CLONE_NEWIPC'],
  [0x10000000, 'CLONE_NEWUSER'],
  [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'],
  [0x80000000, 'CLONE_IO'],
];
/** Bits above 32, only reachable through clone3 (value / 2^32). */
export const CLONE_FLAGS_HIGH: BitTable = [
  [0x1, 'CLONE_CLEAR_SIGHAND'],
  [0x2, 'CLONE_INTO_CGROUP'],
];

export const MEMFD_FLAGS: BitTable = [
  [0x1, 'MFD_CLOEXEC'],
  [0x2, 'MFD_ALLOW_SEALING'],
  [0x4, 'MFD_HUGETLB'],
  [0x8, 'MFD_NOEXEC_SEAL'],
  [0x10, 'MFD_EXEC'],
];

export const AT_FLAGS: BitTable = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x200, 'AT_REMOVEDIR'],
  [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
];

export const RENAME_FLAGS: BitTable = [
  [0x1, 'RENAME_NOREPLACE'],
  [0x2, 'RENAME_EXCHANGE'],
  [0x4, 'RENAME_WHITEOUT'],
];

/** dup3/pipe2/accept4/socket flags share O_CLOEXEC and O_NONBLOCK's values. */
export const FD_FLAGS: BitTable = [
  [0x800, 'O_NONBLOCK'],
  [0x80000, 'O_CLOEXEC'],
  [0x4000, 'O_DIRECT'],
];

export const RESOLVE_FLAGS: BitTable = [
  [0x1, 'RESOLVE_NO_XDEV'],
  [0x2, 'RESOLVE_NO_MAGICLINKS'],
  [0x4, 'RESOLVE_NO_SYMLINKS'],
  [0x8, 'RESOLVE_BENEATH'],
  [0x10, 'RESOLVE_IN_ROOT'],
  [0x20, 'RESOLVE_CACHED'],
];

// prettier-ignore
const AF: Readonly<Record<number, string>> = {
  0: 'AF_UNSPEC', 1: 'AF_UNIX', 2: 'AF_INET', 3: 'AF_AX25', 4: 'AF_IPX', 5: 'AF_APPLETALK', 6: 'AF_NETROM',
  7: 'AF_BRIDGE', 8: 'AF_ATMPVC', 9: 'AF_X25', 10: 'AF_INET6', 11: 'AF_ROSE', 12: 'AF_DECnet', 13: 'AF_NETBEUI',
  14: 'AF_SECURITY', 15: 'AF_KEY', 16: 'AF_NETLINK', 17: 'AF_PACKET', 18: 'AF_ASH', 19: 'AF_ECONET',
  20: 'AF_ATMSVC', 21: 'AF_RDS', 22: 'AF_SNA', 23: 'AF_IRDA', 24: 'AF_PPPOX', 25: 'AF_WANPIPE', 26: 'AF_LLC',
  27: 'AF_IB', 28: 'AF_MPLS', 29: 'AF_CAN', 30: 'AF_TIPC', 31: 'AF_BLUETOOTH', 32: 'AF_IUCV', 33: 'AF_RXRPC',
  34: 'AF_ISDN', 35: 'AF_PHONET', 36: 'AF_IEEE802154', 37: 'AF_CAIF', 38: 'AF_ALG', 39: 'AF_NFC', 40: 'AF_VSOCK',
  41: 'AF_KCM', 42: 'AF_QIPCRTR', 43: 'AF_SMC', 44: 'AF_XDP', 45: 'AF_MCTP',
};

export const familyName = (af: number): string => AF[af] ?? `AF_${af}`;

// prettier-ignore
const SOCK_TYPES: Readonly<Record<number, string>> = {
  1: 'SOCK_STREAM', 2: 'SOCK_DGRAM', 3: 'SOCK_RAW', 4: 'SOCK_RDM', 5: 'SOCK_SEQPACKET', 6: 'SOCK_DCCP',
  10: 'SOCK_PACKET',
};

/** The socket type without SOCK_NONBLOCK/SOCK_CLOEXEC (those go to `flags`). */
export const socketTypeName = (type: number): string => SOCK_TYPES[type & 0xf] ?? `SOCK_${type & 0xf}`;

// prettier-ignore
const PTRACE: Readonly<Record<number, string>> = {
  0: 'PTRACE_TRACEME', 1: 'PTRACE_PEEKTEXT', 2: 'PTRACE_PEEKDATA', 3: 'PTRACE_PEEKUSR', 4: 'PTRACE_POKETEXT',
  5: 'PTRACE_POKEDATA', 6: 'PTRACE_POKEUSR', 7: 'PTRACE_CONT', 8: 'PTRACE_KILL', 9: 'PTRACE_SINGLESTEP',
  12: 'PTRACE_GETREGS', 13: 'PTRACE_SETREGS', 14: 'PTRACE_GETFPREGS', 15: 'PTRACE_SETFPREGS',
  16: 'PTRACE_ATTACH', 17: 'PTRACE_DETACH', 18: 'PTRACE_GETFPXREGS', 19: 'PTRACE_SETFPXREGS',
  24: 'PTRACE_SYSCALL', 30: 'PTRACE_ARCH_PRCTL', 31: 'PTRACE_SYSEMU', 32: 'PTRACE_SYSEMU_SINGLESTEP',
  0x4200: 'PTRACE_SETOPTIONS', 0x4201: 'PTRACE_GETEVENTMSG', 0x4202: 'PTRACE_GETSIGINFO',
  0x4203: 'PTRACE_SETSIGINFO', 0x4204: 'PTRACE_GETREGSET', 0x4205: 'PTRACE_SETREGSET', 0x4206: 'PTRACE_SEIZE',
  0x4207: 'PTRACE_INTERRUPT', 0x4208: 'PTRACE_LISTEN', 0x4209: 'PTRACE_PEEKSIGINFO',
  0x420a: 'PTRACE_GETSIGMASK', 0x420b: 'PTRACE_SETSIGMASK', 0x420c: 'PTRACE_SECCOMP_GET_FILTER',
  0x420d: 'PTRACE_SECCOMP_GET_METADATA', 0x420e: 'PTRACE_GET_SYSCALL_INFO',
};

export const ptraceRequestName = (req: number): string => PTRACE[req] ?? `PTRACE_${req}`;

// prettier-ignore
const FCNTL: Readonly<Record<number, string>> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK',
  7: 'F_SETLKW', 8: 'F_SETOWN', 9: 'F_GETOWN', 10: 'F_SETSIG', 11: 'F_GETSIG', 15: 'F_SETOWN_EX',
  16: 'F_GETOWN_EX', 36: 'F_OFD_GETLK', 37: 'F_OFD_SETLK', 38: 'F_OFD_SETLKW', 1024: 'F_SETLEASE',
  1025: 'F_GETLEASE', 1026: 'F_NOTIFY', 1030: 'F_DUPFD_CLOEXEC', 1031: 'F_SETPIPE_SZ', 1032: 'F_GETPIPE_SZ',
  1033: 'F_ADD_SEALS', 1034: 'F_GET_SEALS',
};

export const fcntlCmdName = (cmd: number): string => FCNTL[cmd] ?? `F_${cmd}`;
