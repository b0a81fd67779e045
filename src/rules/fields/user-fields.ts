/**
 * user.* and group.*: the effective credentials of the event's process (what permission checks
 * use, and what libsinsp reports after a setuid).
 */
import type { ProcessInfo } from '../../events/state/types.js';
import { processOf } from './lineage.js';
import { passwdEntry } from './passwd.js';
import { type FieldSpec, UNRESOLVED, plain } from './spec.js';
import type { Extractor, FieldValue } from './types.js';

const own =
  (read: (p: ProcessInfo) => FieldValue): Extractor =>
  (ctx) => {
    const p = processOf(ctx);
    return p === undefined ? undefined : read(p);
  };

/** -1 is the state's "unknown"; the effective id wins when known. */
const uid = (p: ProcessInfo): number | undefined => (p.euid >= 0 ? p.euid : p.uid >= 0 ? p.uid : undefined);
const gid = (p: ProcessInfo): number | undefined => (p.egid >= 0 ? p.egid : p.gid >= 0 ? p.gid : undefined);

function passwd(p: ProcessInfo, field: 'home' | 'shell'): string | undefined {
  const id = uid(p);
  const e = id === undefined ? undefined : passwdEntry(id);
  return e === undefined || e[field] === '' ? undefined : e[field];
}

export const USER_FIELDS: readonly FieldSpec[] = [
  plain('user.uid', 'uint', 'Effective user id.', own(uid)),
  plain(
    'user.name',
    'string',
    'Effective user name.',
    own((p) => (p.user === '' ? undefined : p.user)),
  ),
  plain(
    'user.homedir',
    'string',
    'Home directory of the user.',
    own((p) => passwd(p, 'home')),
  ),
  plain(
    'user.shell',
    'string',
    'Login shell of the user.',
    own((p) => passwd(p, 'shell')),
  ),
  plain(
    'user.loginuid',
    'int',
    'Audit login uid (-1: unset), known for processes found in /proc and their forks.',
    own((p) => p.loginUid),
  ),
  plain('user.loginname', 'string', 'Audit login user name (unresolved in Harrier yet).', UNRESOLVED),
  plain('group.gid', 'uint', 'Effective group id.', own(gid)),
  plain(
    'group.name',
    'string',
    'Effective group name.',
    own((p) => (p.group === '' ? undefined : p.group)),
  ),
];
