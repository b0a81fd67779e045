/**
 * ProcessInfo construction: every record is created here with all keys in one order (one hidden
 * class), either as a placeholder for a pid seen before its origin, or as a fork of a parent.
 */
import { groupName, userName } from '../users.js';
import { basename } from './paths.js';
import type { FdInfo, ProcessInfo } from './types.js';

/** A process known only by its ids: what its first event tells before clone/exec/proc fill in. */
export function placeholderProcess(pid: number, tid: number, ts: bigint): ProcessInfo {
  const tids = new Set<number>();
  tids.add(pid);
  if (tid !== pid) tids.add(tid);
  return {
    pid,
    ppid: 0,
    exe: '',
    exePath: '',
    name: '',
    args: [],
    cwd: '',
    uid: -1,
    gid: -1,
    euid: -1,
    egid: -1,
    user: '',
    group: '',
    env: undefined,
    startTs: ts,
    exitTs: undefined,
    exitCode: undefined,
    exitSignal: undefined,
    tids,
    fds: new Map<number, FdInfo>(),
    execed: false,
    tty: undefined,
    capEffective: undefined,
    capPermitted: undefined,
    loginUid: undefined,
  };
}

/**
 * The child of a fork: the parent's image, cwd and credentials, and either the parent's very fd
 * table (CLONE_FILES) or a copy of it. FdInfo objects are shared by the copy because they
 * describe the open file, which both processes now share; per-descriptor changes replace them.
 */
export function forkProcess(
  parent: ProcessInfo,
  pid: number,
  ppid: number,
  ts: bigint,
  shareFiles: boolean,
): ProcessInfo {
  const child = placeholderProcess(pid, pid, ts);
  child.ppid = ppid;
  inheritImage(child, parent);
  inheritCreds(child, parent);
  child.cwd = parent.cwd;
  child.fds = shareFiles ? parent.fds : new Map(parent.fds);
  child.tty = parent.tty;
  child.loginUid = parent.loginUid;
  return child;
}

/** Copies what exec sets (arrays are shared: exec replaces them, nothing mutates them). */
export function inheritImage(child: ProcessInfo, parent: ProcessInfo): void {
  child.exe = parent.exe;
  child.exePath = parent.exePath;
  child.name = parent.name;
  child.args = parent.args;
  child.env = parent.env;
}

export function inheritCreds(child: ProcessInfo, parent: ProcessInfo): void {
  child.uid = parent.uid;
  child.gid = parent.gid;
  child.euid = parent.euid;
  child.egid = parent.egid;
  child.user = parent.user;
  child.group = parent.group;
  child.capEffective = parent.capEffective;
  child.capPermitted = parent.capPermitted;
}

/** Re-derives the user/group names after a credential change. */
export function refreshNames(p: ProcessInfo): void {
  p.user = p.euid < 0 ? '' : userName(p.euid);
  p.group = p.egid < 0 ? '' : groupName(p.egid);
}

/** A record built from a caller's partial description (seedProcess). */
export function processFromPartial(partial: Partial<ProcessInfo> & { pid: number }, ts: bigint): ProcessInfo {
  const p = placeholderProcess(partial.pid, partial.pid, partial.startTs ?? ts);
  overlayPartial(p, partial);
  return p;
}

/** Sets every field the partial provides and derives the names it leaves out. */
export function overlayPartial(p: ProcessInfo, partial: Partial<ProcessInfo>): void {
  if (partial.ppid !== undefined) p.ppid = partial.ppid;
  if (partial.exe !== undefined) p.exe = partial.exe;
  if (partial.exePath !== undefined) p.exePath = partial.exePath;
  if (partial.args !== undefined) p.args = partial.args;
  if (partial.cwd !== undefined) p.cwd = partial.cwd;
  if (partial.env !== undefined) p.env = partial.env;
  if (partial.startTs !== undefined) p.startTs = partial.startTs;
  if (partial.execed !== undefined) p.execed = partial.execed;
  if (partial.tty !== undefined) p.tty = partial.tty;
  if (partial.capEffective !== undefined) p.capEffective = partial.capEffective;
  if (partial.capPermitted !== undefined) p.capPermitted = partial.capPermitted;
  if (partial.loginUid !== undefined) p.loginUid = partial.loginUid;
  if (partial.uid !== undefined) {
    p.uid = partial.uid;
    p.euid = partial.euid ?? partial.uid;
  } else if (partial.euid !== undefined) p.euid = partial.euid;
  if (partial.gid !== undefined) {
    p.gid = partial.gid;
    p.egid = partial.egid ?? partial.gid;
  } else if (partial.egid !== undefined) p.egid = partial.egid;
  if (partial.fds !== undefined) for (const [n, f] of partial.fds) p.fds.set(n, f);
  if (partial.tids !== undefined) for (const t of partial.tids) p.tids.add(t);
  p.name = partial.name ?? (p.exePath !== '' ? basename(p.exePath) : p.exe !== '' ? basename(p.exe) : p.name);
  p.user = partial.user ?? (p.euid < 0 ? '' : userName(p.euid));
  p.group = partial.group ?? (p.egid < 0 ? '' : groupName(p.egid));
}
