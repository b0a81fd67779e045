/**
 * The libc interposer's records (native/preload/PROTOCOL.md, version 1), as typed values.
 * Offsets and limits mirror the document; the decoder is the only reader of the raw bytes.
 */

export const LIBC_MAGIC = 0x4c48;
export const LIBC_VERSION = 1;
export const HEADER_SIZE = 16;
/** Each record is one write() of at most PIPE_BUF bytes. */
export const MAX_RECORD_SIZE = 4096;
export const MAX_FRAMES = 64;

export const RecordType = {
  Hello: 1,
  Modules: 2,
  Risk: 3,
  Counts: 4,
  Drops: 5,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/** Smallest valid total length per record type (header and fixed part, empty variable part). */
export const MIN_RECORD_SIZE: Readonly<Record<RecordTypeCode, number>> = {
  [RecordType.Hello]: 25,
  [RecordType.Modules]: 28,
  [RecordType.Risk]: 72,
  [RecordType.Counts]: 24,
  [RecordType.Drops]: 32,
};

export const RiskClass = {
  UnboundedCopy: 1,
  Gets: 2,
  FormatNotLiteral: 3,
  WeakRandom: 4,
  ShellExecution: 5,
  ForkWithSecrets: 6,
  InsecureTempFile: 7,
  DangerousIoctl: 8,
} as const;

const RISK_CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'unbounded copy',
  2: 'gets',
  3: 'format string not a literal',
  4: 'weak random',
  5: 'shell execution',
  6: 'fork with secrets',
  7: 'insecure temp file',
  8: 'dangerous ioctl',
};

/** The protocol's name for a risk class; classes from a newer interposer stay readable. */
export function riskClassName(riskClass: number): string {
  return RISK_CLASS_NAMES[riskClass] ?? `risk class ${riskClass}`;
}

/** HELLO flag bit 0: the environment holds a secret-looking variable name. */
export const HELLO_FLAG_SECRET_ENV = 1;

interface RecordOrigin {
  /** Thread-group id of the reporting process. */
  pid: number;
  tid: number;
}

/** Sent by every instrumented image at start-up (after each exec too). */
export interface HelloRecord extends RecordOrigin {
  kind: 'hello';
  ppid: number;
  flags: number;
  secretEnv: boolean;
  /** readlink /proc/self/exe of the reporting process. */
  executable: string;
}

/** One executable, file-backed mapping from /proc/self/maps. */
export interface ModuleMapping {
  start: bigint;
  end: bigint;
  fileOffset: bigint;
  /** Absolute path of the mapped file, or a bracketed name such as `[vdso]`. */
  path: string;
}

/** One part of a process's module list for one generation. */
export interface ModulesRecord extends RecordOrigin {
  kind: 'modules';
  generation: number;
  part: number;
  parts: number;
  mappings: ModuleMapping[];
}

/** The first hit of a risky call site. */
export interface RiskRecord extends RecordOrigin {
  kind: 'risk';
  riskClass: number;
  /** Module generation the frames resolve against. */
  generation: number;
  /** Return address into the caller of the libc function. */
  callSite: bigint;
  /** The libc function called (`strcpy`, `__sprintf_chk`, `system`). */
  function: string;
  /** Return addresses, innermost first; frames[0] is the call site. */
  frames: bigint[];
  /** Class-specific detail (the command, the format, `env:NAME`), possibly truncated. */
  detail: string;
}

export interface SiteCount {
  callSite: bigint;
  riskClass: number;
  /** Cumulative for the process image, the first hit included. */
  hits: number;
}

/** Hit totals per call site; a later total for the same site replaces the earlier one. */
export interface CountsRecord extends RecordOrigin {
  kind: 'counts';
  sites: SiteCount[];
}

/** What one process lost. */
export interface DropsRecord extends RecordOrigin {
  kind: 'drops';
  /** Records not written because the FIFO was full. */
  records: number;
  /** Call sites not tracked because the interposer's site table was full. */
  sites: number;
}

export type LibcRecord = HelloRecord | ModulesRecord | RiskRecord | CountsRecord | DropsRecord;
