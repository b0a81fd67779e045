/**
 * uid → user name and gid → group name, as Falco's user.name and group.name show them.
 *
 * The databases are read once, on first use, and cached: the state tables ask on every exec
 * and setuid. An id with no entry renders as its number, so a name is never missing.
 */
import { readFileSync } from 'node:fs';

/** Name lookups over one pair of passwd/group files (a container's root has its own). */
export class UserDb {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;

  constructor(
    private readonly passwdPath = '/etc/passwd',
    private readonly groupPath = '/etc/group',
  ) {}

  userName(uid: number): string {
    this.users ??= parseIdFile(this.passwdPath);
    return nameOf(this.users, uid);
  }

  groupName(gid: number): string {
    this.groups ??= parseIdFile(this.groupPath);
    return nameOf(this.groups, gid);
  }

  /** Forgets the cached files (after the caller knows they changed). */
  reset(): void {
    this.users = undefined;
    this.groups = undefined;
  }
}

function nameOf(names: Map<number, string>, id: number): string {
  let n = names.get(id);
  if (n === undefined) {
    // Cached too, so unknown ids do not allocate a new string per lookup.
    n = String(id);
    names.set(id, n);
  }
  return n;
}

/** Both files are `name:x:ID:...` lines; the first entry for an id wins, as in getpwuid. */
export function parseIdFile(path: string): Map<number, string> {
  const out = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const name = f[0];
    const id = f[2];
    if (name === undefined || name === '' || id === undefined || !/^\d+$/.test(id)) continue;
    const n = Number(id);
    if (!out.has(n)) out.set(n, name);
  }
  return out;
}

const hostDb = new UserDb();

/** The host's user name for a uid (the uid itself as a string when unknown). */
export const userName = (uid: number): string => hostDb.userName(uid);

/** The host's group name for a gid (the gid itself as a string when unknown). */
export const groupName = (gid: number): string => hostDb.groupName(gid);
