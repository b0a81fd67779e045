/** Event type → state handler. Types not listed here change no state. */
import { onChdir, onFchdir } from './cwd.js';
import { onSetId, onSetReId } from './creds.js';
import { ANON_FD_CALLS, onAnonFd, onClose, onCloseRange, onDup, onMemfdCreate, onOpen, onPipe } from './files.js';
import type { Handler } from './handler.js';
import { onAccept, onBind, onConnect, onListen, onSend, onSocket, onSocketpair } from './net.js';
import { onClone, onExec, onProcExit, onThreadExit } from './process.js';

const entries: [string, Handler][] = [
  ['execve', onExec],
  ['execveat', onExec],
  ['clone', onClone],
  ['clone3', onClone],
  ['fork', onClone],
  ['vfork', onClone],
  ['procexit', onProcExit],
  ['exit', onThreadExit],
  ['open', onOpen],
  ['openat', onOpen],
  ['openat2', onOpen],
  ['creat', onOpen],
  ['close', onClose],
  ['close_range', onCloseRange],
  ['dup', onDup],
  ['dup2', onDup],
  ['dup3', onDup],
  ['fcntl', onDup],
  ['pipe', onPipe],
  ['pipe2', onPipe],
  ['memfd_create', onMemfdCreate],
  ['socket', onSocket],
  ['socketpair', onSocketpair],
  ['connect', onConnect],
  ['bind', onBind],
  ['listen', onListen],
  ['accept', onAccept],
  ['accept4', onAccept],
  ['sendto', onSend],
  ['sendmsg', onSend],
  ['chdir', onChdir],
  ['fchdir', onFchdir],
  ['setuid', onSetId],
  ['setgid', onSetId],
  ['setreuid', onSetReId],
  ['setregid', onSetReId],
  ['setresuid', onSetReId],
  ['setresgid', onSetReId],
  ...ANON_FD_CALLS.map((c): [string, Handler] => [c, onAnonFd]),
];

export const HANDLERS: ReadonlyMap<string, Handler> = new Map(entries);
