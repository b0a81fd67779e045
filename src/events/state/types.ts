/**
 * Process, thread and file-descriptor state: what Falco's libsinsp thread and fd tables give
 * every event. Detectors and reports read this; only the SystemState updates it.
 */
import type { SockAddr } from '../event.js';

export type FdType =
  | 'file'
  | 'directory'
  | 'ipv4'
  | 'ipv6'
  | 'unix'
  | 'netlink'
  | 'pipe'
  | 'event'
  | 'signalfd'
  | 'eventpoll'
  | 'inotify'
  | 'timerfd'
  | 'memfd'
  | 'socket'
  | 'unknown';

export interface FdInfo {
  fd: number;
  type: FdType;
  /** Falco's fd.name: a path, or `1.2.3.4:5->6.7.8.9:10` for connected sockets. */
  name: string;
  /** Open flags as names, for files. */
  flags?: string[];
  /** Layer-4 protocol for sockets: tcp, udp, raw, unix. */
  l4proto?: 'tcp' | 'udp' | 'raw' | 'icmp';
  local?: SockAddr;
  remote?: SockAddr;
  /** A listening socket. */
  listening?: boolean;
  /** Closed by a successful exec (O_CLOEXEC, SOCK_CLOEXEC, F_DUPFD_CLOEXEC, …). */
  cloexec?: boolean;
  /**
   * Which end of a connection this socket is: `client` after connect, `server` after accept.
   * `name` is always written client→server, as Falco's fd.name is.
   */
  role?: 'client' | 'server';
}

export interface ProcessInfo {
  /** Thread-group id. */
  pid: number;
  ppid: number;
  /** argv[0] as executed (Falco's proc.exe). */
  exe: string;
  /** Full path of the executable image (Falco's proc.exepath). */
  exePath: string;
  /**
   * Process name: basename of the path that was executed (a symlink's own name, like the
   * kernel's comm), but not truncated to comm's 15 characters as Falco's proc.name is.
   */
  name: string;
  /** Arguments after argv[0]. */
  args: string[];
  cwd: string;
  /** Credentials; -1 while unknown (a process seen only through its events so far). */
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  /** Names of the effective uid/gid, as Falco's user.name/group.name; '' while unknown. */
  user: string;
  group: string;
  /** Environment as `NAME=value` strings when the sensor saw it. */
  env?: string[];
  startTs: bigint;
  exitTs?: bigint;
  exitCode?: number;
  exitSignal?: string;
  /** Threads of this process (including the leader). */
  tids: Set<number>;
  fds: Map<number, FdInfo>;
  /** Was this process exec'd while observed (vs. only forked, or found in /proc). */
  execed: boolean;
  /**
   * Read from /proc when the state learns of a running process, inherited by forks; undefined
   * for processes known only from events. Exec does not change them here (a setuid or
   * file-capability binary would change the capabilities; no sensor reports that yet).
   */
  /** Controlling terminal as /proc/PID/stat's tty_nr (device number; 0: none). */
  tty: number | undefined;
  /** Capability sets as bit masks (bit N: capability N). */
  capEffective: bigint | undefined;
  capPermitted: bigint | undefined;
  /** Audit login uid; -1 when unset (the kernel's 4294967295). */
  loginUid: number | undefined;
}
