/** set*id calls: the credentials (and so user.name) of the calling process. */
import type { ArgValue } from '../../event.js';
import { argNumber } from '../args.js';
import { refreshNames } from '../process-info.js';
import type { ProcessInfo } from '../types.js';
import type { Handler } from './handler.js';

/** A credential argument, or undefined for "leave unchanged" (-1, as int or as uint32). */
function cred(v: ArgValue | undefined): number | undefined {
  const n = argNumber(v);
  return n === undefined || n === -1 || n === 0xffffffff ? undefined : n;
}

/** Only the credentials change; reading uid vs euid is what `real` says. */
function set(p: ProcessInfo, real: number | undefined, eff: number | undefined, group: boolean): void {
  if (group) {
    if (real !== undefined) p.gid = real;
    if (eff !== undefined) p.egid = eff;
  } else {
    if (real !== undefined) p.uid = real;
    if (eff !== undefined) p.euid = eff;
  }
  refreshNames(p);
}

/**
 * setuid/setgid: a privileged caller (euid 0) sets real and effective ids, anyone else only the
 * effective one (setuid(2); CAP_SETUID approximated by euid 0).
 */
export const onSetId: Handler = (_t, ev, proc) => {
  if (ev.res !== undefined && ev.res !== 0) return;
  const group = ev.type === 'setgid';
  const id = cred(group ? ev.args.gid : ev.args.uid);
  if (id === undefined) return;
  set(proc, proc.euid === 0 ? id : undefined, id, group);
};

/** setreuid, setregid, setresuid, setresgid. */
export const onSetReId: Handler = (_t, ev, proc) => {
  if (ev.res !== undefined && ev.res !== 0) return;
  const a = ev.args;
  const group = ev.type.endsWith('gid');
  const real = cred(group ? a.rgid : a.ruid);
  const eff = cred(group ? a.egid : a.euid);
  set(proc, real, eff, group);
};
