/** Per-descriptor strings: directory, file name, type names. */
import type { FdInfo, FdType } from '../../events/state/types.js';

const TYPECHAR: Record<FdType, string> = {
  file: 'f',
  directory: 'd',
  ipv4: '4',
  ipv6: '6',
  unix: 'u',
  netlink: 'n',
  pipe: 'p',
  event: 'e',
  signalfd: 's',
  eventpoll: 'l',
  inotify: 'i',
  timerfd: 't',
  memfd: 'm',
  socket: 'o',
  unknown: 'o',
};

export const typeChar = (t: FdType): string => TYPECHAR[t];

/** libsinsp's fd.type names; Harrier's catch-alls have none of their own. */
export function typeName(t: FdType): string | undefined {
  return t === 'socket' || t === 'unknown' ? undefined : t;
}

/** The directory part of a path as libsinsp cuts it: `/etc/passwd` → `/etc`, `x` or `/x` → `/`. */
export function dirOf(path: string): string {
  const pos = path.lastIndexOf('/');
  if (pos <= 0) return '/';
  // A trailing slash keeps the path whole (libsinsp only cuts before the last component).
  return pos < path.length - 1 ? path.slice(0, pos) : path;
}

export function baseOf(path: string): string {
  const pos = path.lastIndexOf('/');
  return pos === -1 ? path : path.slice(pos + 1);
}

const isFileLike = (t: FdType): boolean => t === 'file' || t === 'memfd';

/** fd.directory: files are cut, a directory is its own; other kinds have none. */
export function fdDirectory(info: FdInfo): string | undefined {
  if (info.type === 'directory') return info.name;
  // Cut on demand: a lastIndexOf and a slice are cheaper than caching per descriptor (measured).
  return isFileLike(info.type) && info.name !== '' ? dirOf(info.name) : undefined;
}

/** fd.filename: only files have one. */
export function fdFilename(info: FdInfo): string | undefined {
  return isFileLike(info.type) && info.name !== '' ? baseOf(info.name) : undefined;
}
