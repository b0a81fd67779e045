/**
 * The one normalised event model every sensor produces and every detector reads.
 *
 * A syscall is one event (enter and exit merged), carrying its return value. Arguments are
 * named after Falco's parameter names where one exists (`fd`, `name`, `flags`, `addr`, …) so
 * that `evt.arg.NAME` in rules reads them directly.
 */

/** Where an event came from. */
export type SensorKind = 'ptrace' | 'ebpf' | 'libc' | 'node' | 'inventory';

/** A socket address as decoded from the kernel or a tracer. */
export type SockAddr =
  | { family: 'inet' | 'inet6'; ip: string; port: number }
  | { family: 'unix'; path: string; abstract?: boolean }
  | { family: 'netlink' | 'packet' | 'other'; raw: string };

/** A bit set decoded to symbolic names (`O_RDONLY|O_CLOEXEC`), with the raw value when known. */
export interface FlagSet {
  names: string[];
  value?: number;
}

/** A file descriptor with what it referred to when the event happened. */
export interface FdRef {
  fd: number;
  /** Path, or socket description such as `TCP:[127.0.0.1:5000->127.0.0.1:8080]`. */
  path?: string;
}

export type ArgValue = string | number | bigint | boolean | string[] | SockAddr | FlagSet | FdRef | null;

export type EventArgs = Record<string, ArgValue>;

export interface Event {
  /** Nanoseconds since the Unix epoch. */
  ts: bigint;
  source: SensorKind;
  /** Syscall name (`openat`) or a Harrier kind (`procexit`, `signal`). */
  type: string;
  /** Thread-group id (what users call the pid). */
  pid: number;
  /** Thread id. */
  tid: number;
  /**
   * Return value: a non-negative result, or `-errno` on failure. `undefined` when the call
   * never returned to the caller (exit, a successful execve seen from the old image, …).
   */
  res?: number;
  /** Symbolic errno name when `res < 0` (`ENOENT`). */
  errno?: string;
  args: EventArgs;
  /** Something in the event was cut short (a string, an array) by the sensor's bounds. */
  truncated?: boolean;
}

/** Harrier-level event kinds that are not syscalls. */
export const EventKind = {
  /** A process (thread group) ended; args: `status` (exit code) or `signal` (name), `core`. */
  ProcExit: 'procexit',
  /** A signal was delivered; args: `sig` (name), `code`, `from_pid`. */
  Signal: 'signal',
} as const;

/** Type guards for argument values, so callers need no casts. */
export const isSockAddr = (v: ArgValue | undefined): v is SockAddr =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'family' in v;
export const isFlagSet = (v: ArgValue | undefined): v is FlagSet =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'names' in v;
export const isFdRef = (v: ArgValue | undefined): v is FdRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'fd' in v;

/** Formats a socket address the way users read them: `127.0.0.1:80`, `[::1]:80`, `/run/x.sock`. */
export function formatSockAddr(a: SockAddr): string {
  switch (a.family) {
    case 'inet':
      return `${a.ip}:${a.port}`;
    case 'inet6':
      return `[${a.ip}]:${a.port}`;
    case 'unix':
      return a.abstract ? `@${a.path}` : a.path;
    default:
      return a.raw;
  }
}
