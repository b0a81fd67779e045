/** chdir, fchdir: the working directory relative paths resolve against. */
import { argFd, argString } from '../args.js';
import { isAbsolute } from '../paths.js';
import { type Handler, succeeded } from './handler.js';

export const onChdir: Handler = (t, ev, proc) => {
  if (!succeeded(ev)) return;
  const path = argString(ev.args.path) ?? argString(ev.args.filename);
  if (path === undefined) return;
  const cwd = t.resolvePath(proc.pid, undefined, path);
  if (isAbsolute(cwd)) proc.cwd = cwd;
};

export const onFchdir: Handler = (_t, ev, proc) => {
  if (!succeeded(ev)) return;
  const fd = argFd(ev.args.fd);
  const name = fd === undefined ? undefined : proc.fds.get(fd)?.name;
  if (name !== undefined && isAbsolute(name)) proc.cwd = name;
};
