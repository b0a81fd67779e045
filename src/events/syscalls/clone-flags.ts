/**
 * clone/clone3/unshare/setns flags → names (include/uapi/linux/sched.h). clone(2)'s low byte
 * is the exit signal, which strace prints as a trailing signal name (`CLONE_VM|SIGCHLD`).
 */
import type { FlagSet } from '../event.js';
import { type BitName, decodeBits } from './bitflags.js';
import { signalName } from './signals.js';

export const CLONE_FLAGS: readonly BitName[] = [
  { name: 'CLONE_NEWTIME', mask: 0x80 },
  { name: 'CLONE_VM', mask: 0x100 },
  { name: 'CLONE_FS', mask: 0x200 },
  { name: 'CLONE_FILES', mask: 0x400 },
  { name: 'CLONE_SIGHAND', mask: 0x800 },
  { name: 'CLONE_PIDFD', mask: 0x1000 },
  { name: 'CLONE_PTRACE', mask: 0x2000 },
  { name: 'CLONE_VFORK', mask: 0x4000 },
  { name: 'CLONE_PARENT', mask: 0x8000 },
  { name: 'CLONE_THREAD', mask: 0x10000 },
  { name: 'CLONE_NEWNS', mask: 0x20000 },
  { name: 'CLONE_SYSVSEM', mask: 0x40000 },
  { name: 'CLONE_SETTLS', mask: 0x80000 },
  { name: 'CLONE_PARENT_SETTID', mask: 0x100000 },
  { name: 'CLONE_CHILD_CLEARTID', mask: 0x200000 },
  { name: 'CLONE_DETACHED', mask: 0x400000 },
  { name: 'CLONE_UNTRACED', mask: 0x800000 },
  { name: 'CLONE_CHILD_SETTID', mask: 0x1000000 },
  { name: 'CLONE_NEWCGROUP', mask: 0x2000000 },
  { name: 'CLONE_NEWUTS', mask: 0x4000000 },
  { name: 'CLONE_NEWIPC', mask: 0x8000000 },
  { name: 'CLONE_NEWUSER', mask: 0x10000000 },
  { name: 'CLONE_NEWPID', mask: 0x20000000 },
  { name: 'CLONE_NEWNET', mask: 0x40000000 },
  { name: 'CLONE_IO', mask: 0x80000000 },
  { name: 'CLONE_CLEAR_SIGHAND', mask: 0x100000000 },
  { name: 'CLONE_INTO_CGROUP', mask: 0x200000000 },
];

/** clone(2)'s exit-signal byte (CSIGNAL). */
const CSIGNAL_SPAN = 0x100;

/**
 * Decodes clone(2) flags (`withExitSignal`, the default) or clone3/unshare flags, where the low
 * byte holds no signal (clone3 passes it in a separate field).
 */
export function decodeCloneFlags(value: number | bigint, withExitSignal = true): FlagSet {
  const v = typeof value === 'bigint' ? Number(BigInt.asUintN(64, value)) : value < 0 ? value >>> 0 : value;
  if (!withExitSignal) return decodeBits(CLONE_FLAGS, v);
  const sig = v % CSIGNAL_SPAN;
  const set = decodeBits(CLONE_FLAGS, v - sig);
  if (sig !== 0) set.names.push(signalName(sig) ?? String(sig));
  set.value = v;
  return set;
}

/** Does a clone's flag set create a thread (rather than a process)? */
export const isThreadClone = (flags: FlagSet): boolean => flags.names.includes('CLONE_THREAD');
