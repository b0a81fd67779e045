/**
 * Names for each traced syscall's arguments, after Falco's parameter names so that rules read
 * `evt.arg.name` the same whichever sensor produced the event. Syscalls not listed keep
 * positional names (`arg0`, `arg1`, ...).
 */
import type { EventArgs } from '../../events/event.js';
import { convertArg, toFdRef, toFlagSet, type ArgKind, type Truncation } from './arg-convert.js';
import { field, settled, type Value } from './value-parser.js';

/** Argument names and kinds in the order strace prints them; `null` skips a position. */
type Spec = readonly ([string, ArgKind] | null)[];

const SPECS = new Map<string, Spec>([
  [
    'open',
    [
      ['name', 'str'],
      ['flags', 'flags'],
      ['mode', 'num'],
    ],
  ],
  [
    'openat',
    [
      ['dirfd', 'fd'],
      ['name', 'str'],
      ['flags', 'flags'],
      ['mode', 'num'],
    ],
  ],
  [
    'creat',
    [
      ['name', 'str'],
      ['mode', 'num'],
    ],
  ],
  ['close', [['fd', 'fd']]],
  ['dup', [['fd', 'fd']]],
  [
    'dup2',
    [
      ['fd', 'fd'],
      ['newfd', 'fd'],
    ],
  ],
  [
    'dup3',
    [
      ['fd', 'fd'],
      ['newfd', 'fd'],
      ['flags', 'flags'],
    ],
  ],
  [
    'fcntl',
    [
      ['fd', 'fd'],
      ['cmd', 'sym'],
      ['arg', 'any'],
    ],
  ],
  [
    'socket',
    [
      ['domain', 'sym'],
      ['type', 'sym'],
      ['proto', 'sym'],
    ],
  ],
  [
    'connect',
    [
      ['fd', 'fd'],
      ['addr', 'addr'],
      ['addrlen', 'num'],
    ],
  ],
  [
    'accept',
    [
      ['fd', 'fd'],
      ['addr', 'addr'],
    ],
  ],
  ['accept4', [['fd', 'fd'], ['addr', 'addr'], null, ['flags', 'flags']]],
  [
    'bind',
    [
      ['fd', 'fd'],
      ['addr', 'addr'],
      ['addrlen', 'num'],
    ],
  ],
  [
    'listen',
    [
      ['fd', 'fd'],
      ['backlog', 'num'],
    ],
  ],
  [
    'sendto',
    [
      ['fd', 'fd'],
      ['data', 'str'],
      ['size', 'num'],
      ['flags', 'flags'],
      ['addr', 'addr'],
    ],
  ],
  ['chdir', [['path', 'str']]],
  ['fchdir', [['fd', 'fd']]],
  [
    'rename',
    [
      ['oldpath', 'str'],
      ['newpath', 'str'],
    ],
  ],
  [
    'renameat',
    [
      ['olddirfd', 'fd'],
      ['oldpath', 'str'],
      ['newdirfd', 'fd'],
      ['newpath', 'str'],
    ],
  ],
  [
    'renameat2',
    [
      ['olddirfd', 'fd'],
      ['oldpath', 'str'],
      ['newdirfd', 'fd'],
      ['newpath', 'str'],
      ['flags', 'flags'],
    ],
  ],
  ['unlink', [['path', 'str']]],
  [
    'unlinkat',
    [
      ['dirfd', 'fd'],
      ['path', 'str'],
      ['flags', 'flags'],
    ],
  ],
  ['rmdir', [['path', 'str']]],
  [
    'mkdir',
    [
      ['path', 'str'],
      ['mode', 'num'],
    ],
  ],
  [
    'mkdirat',
    [
      ['dirfd', 'fd'],
      ['path', 'str'],
      ['mode', 'num'],
    ],
  ],
  [
    'link',
    [
      ['oldpath', 'str'],
      ['newpath', 'str'],
    ],
  ],
  [
    'linkat',
    [
      ['olddirfd', 'fd'],
      ['oldpath', 'str'],
      ['newdirfd', 'fd'],
      ['newpath', 'str'],
      ['flags', 'flags'],
    ],
  ],
  [
    'symlink',
    [
      ['target', 'str'],
      ['linkpath', 'str'],
    ],
  ],
  [
    'symlinkat',
    [
      ['target', 'str'],
      ['linkdirfd', 'fd'],
      ['linkpath', 'str'],
    ],
  ],
  [
    'chmod',
    [
      ['path', 'str'],
      ['mode', 'num'],
    ],
  ],
  [
    'fchmod',
    [
      ['fd', 'fd'],
      ['mode', 'num'],
    ],
  ],
  [
    'fchmodat',
    [
      ['dirfd', 'fd'],
      ['path', 'str'],
      ['mode', 'num'],
      ['flags', 'flags'],
    ],
  ],
  [
    'chown',
    [
      ['path', 'str'],
      ['uid', 'num'],
      ['gid', 'num'],
    ],
  ],
  [
    'lchown',
    [
      ['path', 'str'],
      ['uid', 'num'],
      ['gid', 'num'],
    ],
  ],
  [
    'fchown',
    [
      ['fd', 'fd'],
      ['uid', 'num'],
      ['gid', 'num'],
    ],
  ],
  [
    'fchownat',
    [
      ['dirfd', 'fd'],
      ['path', 'str'],
      ['uid', 'num'],
      ['gid', 'num'],
      ['flags', 'flags'],
    ],
  ],
  ['setuid', [['uid', 'num']]],
  ['setgid', [['gid', 'num']]],
  [
    'setreuid',
    [
      ['ruid', 'num'],
      ['euid', 'num'],
    ],
  ],
  [
    'setregid',
    [
      ['rgid', 'num'],
      ['egid', 'num'],
    ],
  ],
  [
    'setresuid',
    [
      ['ruid', 'num'],
      ['euid', 'num'],
      ['suid', 'num'],
    ],
  ],
  [
    'setresgid',
    [
      ['rgid', 'num'],
      ['egid', 'num'],
      ['sgid', 'num'],
    ],
  ],
  [
    'ptrace',
    [
      ['request', 'sym'],
      ['pid', 'num'],
      ['addr', 'any'],
      ['data', 'any'],
    ],
  ],
  [
    'memfd_create',
    [
      ['name', 'str'],
      ['flags', 'flags'],
    ],
  ],
  ['init_module', [null, ['len', 'num'], ['uargs', 'str']]],
  [
    'finit_module',
    [
      ['fd', 'fd'],
      ['uargs', 'str'],
      ['flags', 'flags'],
    ],
  ],
  [
    'kill',
    [
      ['pid', 'num'],
      ['sig', 'sym'],
    ],
  ],
  [
    'tgkill',
    [
      ['pid', 'num'],
      ['tid', 'num'],
      ['sig', 'sym'],
    ],
  ],
  [
    'execve',
    [
      ['filename', 'str'],
      ['argv', 'strs'],
      ['envp', 'strs'],
    ],
  ],
  [
    'execveat',
    [
      ['dirfd', 'fd'],
      ['filename', 'str'],
      ['argv', 'strs'],
      ['envp', 'strs'],
      ['flags', 'flags'],
    ],
  ],
  ['exit', [['status', 'num']]],
  ['exit_group', [['status', 'num']]],
]);

type Custom = (args: readonly Value[], out: EventArgs, t: Truncation) => void;

/**
 * `[3<pipe:[1]>, 4<pipe:[1]>]`: both ends as FdRefs `fd1`/`fd2` (Falco's names) and as `fds`,
 * strings in strace's own `3<pipe:[1]>` form, since ArgValue has no array of FdRefs.
 */
function fdPair(v: Value | undefined, out: EventArgs): void {
  const s = settled(v);
  if (s === undefined || s === null || typeof s !== 'object' || s.k !== 'arr') return;
  const fds: string[] = [];
  s.items.forEach((it, i) => {
    const ref = toFdRef(it);
    if (ref === undefined) return;
    if (i < 2) out[i === 0 ? 'fd1' : 'fd2'] = ref;
    fds.push(ref.path === undefined ? String(ref.fd) : `${ref.fd}<${ref.path}>`);
  });
  out.fds = fds;
}

function flagsOf(v: Value | undefined): ReturnType<typeof toFlagSet> {
  return v === undefined ? undefined : toFlagSet(v);
}

function set(out: EventArgs, name: string, v: Value | undefined, kind: ArgKind, t: Truncation): void {
  if (v === undefined) return;
  const c = convertArg(kind, v, t);
  if (c !== undefined) out[name] = c;
}

const CUSTOM = new Map<string, Custom>([
  [
    'clone',
    // Named arguments: `clone(child_stack=NULL, flags=CLONE_VM|...|SIGCHLD, child_tidptr=0x...)`.
    (args, out) => {
      out.flags = flagsOf(field(args, 'flags')) ?? { names: [] };
    },
  ],
  [
    'clone3',
    // `clone3({flags=..., ...} => {parent_tid=[123]}, 88)`: flags are in the struct as entered.
    (args, out) => {
      const a = args[0];
      const before = a !== null && typeof a === 'object' && a.k === 'upd' ? a.before : a;
      const items = before !== null && typeof before === 'object' && before.k === 'struct' ? before.items : [];
      out.flags = flagsOf(field(items, 'flags')) ?? { names: [] };
    },
  ],
  ['fork', (_args, out) => void (out.flags = { names: [] })],
  ['vfork', (_args, out) => void (out.flags = { names: ['CLONE_VM', 'CLONE_VFORK'] })],
  [
    'openat2',
    // `openat2(dirfd, path, {flags=O_RDONLY, mode=0, resolve=RESOLVE_NO_SYMLINKS}, 24)`.
    (args, out, t) => {
      set(out, 'dirfd', args[0], 'fd', t);
      set(out, 'name', args[1], 'str', t);
      const how = settled(args[2]);
      if (how !== undefined && how !== null && typeof how === 'object' && how.k === 'struct') {
        set(out, 'flags', field(how.items, 'flags'), 'flags', t);
        set(out, 'mode', field(how.items, 'mode'), 'num', t);
        set(out, 'resolve', field(how.items, 'resolve'), 'flags', t);
      }
    },
  ],
  ['pipe', (args, out) => fdPair(args[0], out)],
  [
    'pipe2',
    (args, out, t) => {
      fdPair(args[0], out);
      set(out, 'flags', args[1], 'flags', t);
    },
  ],
  [
    'socketpair',
    (args, out, t) => {
      set(out, 'domain', args[0], 'sym', t);
      set(out, 'type', args[1], 'sym', t);
      set(out, 'proto', args[2], 'sym', t);
      fdPair(args[3], out);
    },
  ],
  [
    'sendmsg',
    // `sendmsg(fd, {msg_name={sa_family=...}, msg_namelen=16, msg_iov=[...], ...}, flags)`.
    (args, out, t) => {
      set(out, 'fd', args[0], 'fd', t);
      const msg = settled(args[1]);
      if (msg !== undefined && msg !== null && typeof msg === 'object' && msg.k === 'struct') {
        set(out, 'addr', field(msg.items, 'msg_name'), 'addr', t);
      }
      set(out, 'flags', args[2], 'flags', t);
    },
  ],
]);

/** Names and converts a syscall's arguments. */
export function nameArgs(name: string, args: readonly Value[], t: Truncation): EventArgs {
  const out: EventArgs = {};
  const custom = CUSTOM.get(name);
  if (custom !== undefined) {
    custom(args, out, t);
    return out;
  }
  const spec = SPECS.get(name);
  const n = spec === undefined ? args.length : Math.min(spec.length, args.length);
  for (let i = 0; i < n; i++) {
    const v = args[i];
    if (v === undefined) continue;
    if (spec === undefined) {
      const c = convertArg('any', v, t);
      if (c !== undefined) out[`arg${i}`] = c;
      continue;
    }
    const s = spec[i];
    if (s === null || s === undefined) continue;
    const c = convertArg(s[1], v, t);
    if (c !== undefined) out[s[0]] = c;
  }
  return out;
}
