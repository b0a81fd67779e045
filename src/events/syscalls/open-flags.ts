/**
 * open(2) flags → names. Values are octal as in asm-generic/fcntl.h (x86_64, i386); arm64
 * moves four bits (asm/fcntl.h), so decoding takes the architecture of the traced process.
 */
import type { FlagSet } from '../event.js';
import type { Arch } from './arch.js';
import { type BitName, decodeBits, encodeBits } from './bitflags.js';

const O_ACCMODE = 0o3;
const ACCESS_MODES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'] as const;

interface Moved {
  O_DIRECT: number;
  O_LARGEFILE: number;
  O_DIRECTORY: number;
  O_NOFOLLOW: number;
}

const GENERIC: Moved = { O_DIRECT: 0o40000, O_LARGEFILE: 0o100000, O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 };
const ARM64: Moved = { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o200000, O_LARGEFILE: 0o400000 };

const O_DSYNC = 0o10000;
const __O_SYNC = 0o4000000;
const __O_TMPFILE = 0o20000000;

function bitsFor(m: Moved): BitName[] {
  return [
    // Composites first: they consume their parts (glibc's O_SYNC and O_TMPFILE are unions).
    { name: 'O_SYNC', mask: __O_SYNC | O_DSYNC },
    { name: 'O_TMPFILE', mask: __O_TMPFILE | m.O_DIRECTORY },
    { name: 'O_CREAT', mask: 0o100 },
    { name: 'O_EXCL', mask: 0o200 },
    { name: 'O_NOCTTY', mask: 0o400 },
    { name: 'O_TRUNC', mask: 0o1000 },
    { name: 'O_APPEND', mask: 0o2000 },
    { name: 'O_NONBLOCK', mask: 0o4000 },
    { name: 'O_DSYNC', mask: O_DSYNC },
    { name: 'O_ASYNC', mask: 0o20000 },
    { name: 'O_DIRECT', mask: m.O_DIRECT },
    { name: 'O_LARGEFILE', mask: m.O_LARGEFILE },
    { name: 'O_DIRECTORY', mask: m.O_DIRECTORY },
    { name: 'O_NOFOLLOW', mask: m.O_NOFOLLOW },
    { name: 'O_NOATIME', mask: 0o1000000 },
    { name: 'O_CLOEXEC', mask: 0o2000000 },
    { name: 'O_PATH', mask: 0o10000000 },
  ];
}

const GENERIC_BITS = bitsFor(GENERIC);
const ARM64_BITS = bitsFor(ARM64);

/** `O_WRONLY|O_CREAT|O_CLOEXEC`: the access mode always comes first, as strace prints it. */
export function decodeOpenFlags(value: number, arch: Arch = 'x86_64'): FlagSet {
  const v = value < 0 ? value >>> 0 : value;
  const rest = decodeBits(arch === 'arm64' ? ARM64_BITS : GENERIC_BITS, v - (v & O_ACCMODE));
  const mode = ACCESS_MODES[v & O_ACCMODE] ?? 'O_RDONLY';
  return { names: [mode, ...rest.names], value: v };
}

export function encodeOpenFlags(names: readonly string[], arch: Arch = 'x86_64'): number {
  let mode = 0;
  for (const n of names) {
    const i = ACCESS_MODES.indexOf(n as (typeof ACCESS_MODES)[number]);
    if (i > 0) mode = i;
  }
  return encodeBits(arch === 'arm64' ? ARM64_BITS : GENERIC_BITS, names) + mode;
}

/** memfd_create(2) flags (include/uapi/linux/memfd.h). */
export const MEMFD_FLAGS: readonly BitName[] = [
  { name: 'MFD_CLOEXEC', mask: 0x1 },
  { name: 'MFD_ALLOW_SEALING', mask: 0x2 },
  { name: 'MFD_HUGETLB', mask: 0x4 },
  { name: 'MFD_NOEXEC_SEAL', mask: 0x8 },
  { name: 'MFD_EXEC', mask: 0x10 },
];

/** The *at() family's flags (include/uapi/linux/fcntl.h). */
export const AT_FLAGS: readonly BitName[] = [
  { name: 'AT_SYMLINK_NOFOLLOW', mask: 0x100 },
  { name: 'AT_REMOVEDIR', mask: 0x200 },
  { name: 'AT_SYMLINK_FOLLOW', mask: 0x400 },
  { name: 'AT_NO_AUTOMOUNT', mask: 0x800 },
  { name: 'AT_EMPTY_PATH', mask: 0x1000 },
  { name: 'AT_RECURSIVE', mask: 0x8000 },
];

/** The `dirfd` value meaning "relative to the working directory". */
export const AT_FDCWD = -100;

export const decodeMemfdFlags = (value: number): FlagSet => decodeBits(MEMFD_FLAGS, value);
export const decodeAtFlags = (value: number): FlagSet => decodeBits(AT_FLAGS, value);
