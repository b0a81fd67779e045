/** Syscall numbering and the small decoders sensors with raw numbers (eBPF) need. */
export { type Arch, ARCHES, hostArch, syscallEntries, syscallName, syscallNumber } from './arch.js';
export { type BitName, EnumTable, decodeBits, encodeBits } from './bitflags.js';
export { CLONE_FLAGS, decodeCloneFlags, isThreadClone } from './clone-flags.js';
export { errnoName, errnoNumber } from './errno.js';
export {
  AT_FDCWD,
  AT_FLAGS,
  MEMFD_FLAGS,
  decodeAtFlags,
  decodeMemfdFlags,
  decodeOpenFlags,
  encodeOpenFlags,
} from './open-flags.js';
export { signalName, signalNumber } from './signals.js';
export {
  decodeSocketType,
  ipProtocolName,
  ipProtocolNumber,
  socketFamilyName,
  socketFamilyNumber,
  socketTypeNumber,
} from './socket.js';
