/**
 * The symbolic names the eBPF decoder needs that src/events/syscalls does not (yet) provide:
 * ptrace requests, fcntl commands and a few small flag sets (x86_64 Linux values). Everything
 * else (syscall, errno, signal, open/clone/at/memfd flags, socket families and types) comes
 * from the shared tables there.
 */
import type { BitName } from '../../events/syscalls/index.js';

export const RENAME_FLAGS: readonly BitName[] = [
  { name: 'RENAME_NOREPLACE', mask: 0x1 },
  { name: 'RENAME_EXCHANGE', mask: 0x2 },
  { name: 'RENAME_WHITEOUT', mask: 0x4 },
];

export const RESOLVE_FLAGS: readonly BitName[] = [
  { name: 'RESOLVE_NO_XDEV', mask: 0x1 },
  { name: 'RESOLVE_NO_MAGICLINKS', mask: 0x2 },
  { name: 'RESOLVE_NO_SYMLINKS', mask: 0x4 },
  { name: 'RESOLVE_BENEATH', mask: 0x8 },
  { name: 'RESOLVE_IN_ROOT', mask: 0x10 },
  { name: 'RESOLVE_CACHED', mask: 0x20 },
];

/** dup3 and pipe2 take O_* names for these bits. */
export const FD_FLAGS: readonly BitName[] = [
  { name: 'O_NONBLOCK', mask: 0x800 },
  { name: 'O_DIRECT', mask: 0x4000 },
  { name: 'O_CLOEXEC', mask: 0x80000 },
];

/** accept4 takes the same bits under SOCK_* names. */
export const SOCK_FLAGS: readonly BitName[] = [
  { name: 'SOCK_NONBLOCK', mask: 0x800 },
  { name: 'SOCK_CLOEXEC', mask: 0x80000 },
];

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
