/**
 * What the ptrace sensor's fd decorations teach the tables: strace prints, for every fd argument,
 * what the fd is right now (`3</etc/passwd>`, `5<TCP:[1.2.3.4:5->6.7.8.9:80]>`), which fills in
 * descriptors opened before observation began and sockets' addresses, and refreshes the cwd
 * through `AT_FDCWD</cwd>`.
 */
import { type ArgValue, isFdRef } from '../event.js';
import { AT_FDCWD } from '../syscalls/open-flags.js';
import { describeFd, describeStraceSocket } from './fd-describe.js';
import { socketName } from './fd-info.js';
import { isAbsolute } from './paths.js';
import type { ProcessInfo } from './types.js';

const DELETED = ' (deleted)';

export function learnFromFdRef(proc: ProcessInfo, v: ArgValue | undefined): void {
  // The common case (numbers, absent args) must cost one typeof.
  if (typeof v !== 'object' || v === null || !isFdRef(v)) return;
  const path = v.path;
  if (path === undefined || path === '') return;
  const fd = v.fd;
  if (fd === AT_FDCWD) {
    if (proc.cwd !== path && isAbsolute(path)) proc.cwd = path;
    return;
  }
  if (fd < 0) return;
  const known = proc.fds.get(fd);
  if (known === undefined) {
    proc.fds.set(fd, describeFd(fd, path));
    return;
  }
  if (path === known.name) return;
  switch (known.type) {
    case 'file':
    case 'directory':
      // A different path means the table missed a close; a deleted file keeps its open path.
      if (!path.endsWith(DELETED)) proc.fds.set(fd, describeFd(fd, path));
      return;
    case 'ipv4':
    case 'ipv6': {
      if (known.local !== undefined && known.remote !== undefined) return;
      const seen = describeStraceSocket(fd, path);
      if (seen === undefined) {
        if (isAbsolute(path)) proc.fds.set(fd, describeFd(fd, path));
        return;
      }
      if (seen.local === undefined) return;
      known.local = seen.local;
      if (seen.remote !== undefined) known.remote = seen.remote;
      known.name = socketName(known);
      return;
    }
    case 'unix': {
      if (known.local !== undefined || known.remote !== undefined) return;
      const seen = describeStraceSocket(fd, path);
      if (seen?.local !== undefined) {
        known.local = seen.local;
        known.name = socketName(known);
      } else if (isAbsolute(path)) proc.fds.set(fd, describeFd(fd, path));
      return;
    }
    case 'socket':
    case 'unknown': {
      const seen = describeFd(fd, path);
      if (seen.type !== known.type) {
        seen.cloexec = known.cloexec;
        proc.fds.set(fd, seen);
      }
      return;
    }
    default:
      // pipe, memfd, anonymous inodes: only a real path says the entry is stale.
      if (isAbsolute(path) && !path.startsWith('/memfd:')) proc.fds.set(fd, describeFd(fd, path));
  }
}
