/**
 * The probe's wire format (native/probe/PROTOCOL.md, native/probe/harrier.h), as offsets.
 * Little-endian throughout. The 16-byte header is the same in every protocol version, so a
 * reader can always step over a record it does not understand.
 */

export const PROTO_VERSION = 1;

export const RecordType = {
  Syscall: 1,
  ProcExit: 2,
  Hello: 16,
  Stats: 17,
  Started: 18,
  Exit: 19,
  Message: 20,
} as const;

/** Header: u16 type, u16 version, u32 len (whole record), u64 ts (CLOCK_BOOTTIME ns). */
export const HDR = { type: 0, version: 2, len: 4, ts: 8, size: 16 } as const;

/** pid, tid, ppid, uid, gid: five u32s at the same offsets in every kernel record. */
export const TASK = { pid: 16, tid: 20, ppid: 24, uid: 28, gid: 32 } as const;

export const SYSCALL = {
  nr: 36,
  flags: 38,
  ret: 40,
  args: 48,
  comm: 96,
  nitems: 112,
  size: 120,
} as const;

export const SyscallFlag = { NoReturn: 0x1, Truncated: 0x2 } as const;

export const ITEM_HDR = 4; // u8 kind, u8 flags, u16 len

export const ItemKind = {
  Path: 1,
  Path2: 2,
  SockAddr: 3,
  Argv: 4,
  Envp: 5,
  String: 6,
  Struct: 7,
  Fds: 8,
  Tuple: 9,
} as const;

/**
 * TUPLE item payload (struct hr_tuple): an inet socket's endpoints as the kernel holds them.
 * u16 family, proto (sk_protocol), type (sk_type), lport, rport (ports in host order), pad,
 * then laddr[16], raddr[16] in network order (IPv4 in the first 4 bytes).
 */
export const TUPLE = {
  family: 0,
  proto: 2,
  type: 4,
  lport: 6,
  rport: 8,
  laddr: 12,
  raddr: 28,
  size: 44,
} as const;

export const ItemFlag = { Truncated: 0x1, Fault: 0x2 } as const;

export const PROCEXIT = { exitCode: 36, comm: 40, size: 56 } as const;

export const HELLO = {
  bootToEpochNs: 16,
  mode: 24,
  loaderPid: 28,
  ncpu: 32,
  ringBytes: 36,
  nsyscalls: 40,
  size: 48,
} as const;

export const STATS = {
  events: 16,
  drops: 24,
  misses: 32,
  scopeFull: 40,
  ncpu: 48,
  perCpu: 56,
} as const;

export const STARTED = { pid: 16, size: 24 } as const;
export const EXIT = { pid: 16, status: 20, size: 24 } as const;
export const MESSAGE = { level: 16, code: 20, text: 24 } as const;

export const ProbeMode = { Run: 1, Host: 2 } as const;

/** Records larger than this cannot come from the probe (its largest is ~29 KiB). */
export const MAX_RECORD = 1 << 20;

/** The loader's exit codes. */
export const ProbeExit = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Permission: 3,
  NoBtf: 4,
  Attach: 5,
  Load: 6,
  Exec: 7,
  Output: 8,
} as const;
