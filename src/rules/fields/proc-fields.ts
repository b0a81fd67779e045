/** proc.* and thread.*: the process and thread behind the event, and its ancestors. */
import type { ProcessInfo } from '../../events/state/types.js';
import { capabilityNames } from './capabilities.js';
import { ancestorAt, ancestors, parentOf, processOf } from './lineage.js';
import { comm, envValue, known, procArgs, procCmdline, procEnv, procExeline } from './proc-text.js';
import { type FieldSpec, UNRESOLVED, plain } from './spec.js';
import type { EvalContext, Extractor, FieldType, FieldValue } from './types.js';

type Read = (p: ProcessInfo, ctx: EvalContext) => FieldValue;

/** A field of the event's own process. */
const own =
  (read: Read): Extractor =>
  (ctx) => {
    const p = processOf(ctx);
    return p === undefined ? undefined : read(p, ctx);
  };

/** The same field read from the parent. */
const parent =
  (read: Read): Extractor =>
  (ctx) => {
    const p = processOf(ctx);
    const pp = p === undefined ? undefined : parentOf(ctx, p);
    return pp === undefined ? undefined : read(pp, ctx);
  };

/**
 * `proc.aNAME[N]` reads the Nth ancestor (0 = self); without an index it is every ancestor
 * (parent upwards), which comparisons treat as "any of them" (libsinsp's filter-only form).
 */
function ancestorSpec(
  name: string,
  type: FieldType,
  desc: string,
  read: (p: ProcessInfo) => string | number | undefined,
): FieldSpec {
  return {
    name,
    type,
    arg: 'index',
    desc,
    make(arg) {
      if (arg === undefined) {
        return (ctx) => {
          const out: Array<string | number> = [];
          for (const a of ancestors(ctx)) {
            const v = read(a);
            if (v !== undefined) out.push(v);
          }
          return out;
        };
      }
      const level = Number(arg);
      if (!Number.isInteger(level) || level < 0) return UNRESOLVED;
      return (ctx) => {
        const a = ancestorAt(ctx, level);
        return a === undefined ? undefined : read(a);
      };
    },
  };
}

const name = (p: ProcessInfo): string | undefined => known(comm(p.name));
const exe = (p: ProcessInfo): string | undefined => known(p.exe);
const exepath = (p: ProcessInfo): string | undefined => known(p.exePath);
/** A process whose image is unknown has no command line to show. */
const cmdline = (p: ProcessInfo): string | undefined => (p.name === '' ? undefined : procCmdline(p));
const pid = (p: ProcessInfo): number => p.pid;
/** 0 is "no parent known" in the state; Falco shows no value there either. */
const ppid = (p: ProcessInfo): number | undefined => (p.ppid > 0 ? p.ppid : undefined);

/**
 * An image executed from a memfd: the kernel names it `/memfd:NAME (deleted)`, and the state
 * names an exec of `/proc/self/fd/N` or an fexecve after the memfd (`memfd:NAME`).
 */
const fromMemfd = (p: ProcessInfo): boolean => p.exePath.startsWith('memfd:') || p.exePath.startsWith('/memfd:');

export const PROC_FIELDS: readonly FieldSpec[] = [
  plain('proc.name', 'string', "Process name: the kernel's comm (executable base name, 15 characters).", own(name)),
  plain('proc.exe', 'string', 'argv[0] as executed.', own(exe)),
  plain('proc.exepath', 'string', 'Full path of the executable.', own(exepath)),
  plain('proc.pname', 'string', 'Name of the parent.', parent(name)),
  plain('proc.pexe', 'string', 'argv[0] of the parent.', parent(exe)),
  plain('proc.pexepath', 'string', 'Executable path of the parent.', parent(exepath)),
  plain(
    'proc.args',
    'string',
    'Arguments after argv[0], space-separated.',
    own((p) => (p.name === '' ? undefined : procArgs(p))),
  ),
  plain('proc.cmdline', 'string', 'proc.name followed by proc.args.', own(cmdline)),
  plain('proc.pcmdline', 'string', 'Command line of the parent.', parent(cmdline)),
  plain(
    'proc.exeline',
    'string',
    'proc.exe followed by proc.args.',
    own((p) => (p.exe === '' ? undefined : procExeline(p))),
  ),
  plain(
    'proc.cmdnargs',
    'uint',
    'Number of arguments.',
    own((p) => p.args.length),
  ),
  plain(
    'proc.cmdlenargs',
    'uint',
    'Total length of the arguments, without separators.',
    own((p) => {
      let n = 0;
      for (const a of p.args) n += a.length;
      return n;
    }),
  ),
  ancestorSpec('proc.aname', 'string', 'Name of the Nth ancestor (0 = self); unindexed: any ancestor.', name),
  ancestorSpec('proc.aexe', 'string', 'argv[0] of the Nth ancestor; unindexed: any ancestor.', exe),
  ancestorSpec('proc.aexepath', 'string', 'Executable path of the Nth ancestor; unindexed: any ancestor.', exepath),
  ancestorSpec('proc.acmdline', 'string', 'Command line of the Nth ancestor; unindexed: any ancestor.', cmdline),
  ancestorSpec('proc.apid', 'int', 'Pid of the Nth ancestor; unindexed: any ancestor.', pid),
  plain('proc.pid', 'int', 'Process id.', own(pid)),
  plain('proc.ppid', 'int', 'Parent process id.', own(ppid)),
  // Harrier does not track pid namespaces yet: virtual ids are the host ids.
  plain('proc.vpid', 'int', 'Process id in its pid namespace.', own(pid)),
  plain('proc.pvpid', 'int', 'Parent id in its pid namespace.', own(ppid)),
  plain(
    'proc.cwd',
    'string',
    'Current working directory.',
    own((p) => known(p.cwd)),
  ),
  {
    name: 'proc.env',
    type: 'string',
    arg: 'key',
    desc: 'Environment as NAME=value pairs; proc.env[NAME] is one variable.',
    make: (arg) => (arg === undefined ? own(procEnv) : own((p) => envValue(p, arg))),
  },
  plain(
    'proc.nthreads',
    'uint',
    'Live threads, the leader included.',
    own((p) => p.tids.size),
  ),
  plain(
    'proc.nchilds',
    'uint',
    'Live threads other than the leader.',
    own((p) => (p.tids.size > 0 ? p.tids.size - 1 : 0)),
  ),
  plain(
    'proc.duration',
    'reltime',
    'Nanoseconds since the process started.',
    own((p, ctx) => (p.startTs > 0n && ctx.event.ts >= p.startTs ? ctx.event.ts - p.startTs : undefined)),
  ),
  plain(
    'proc.pid.ts',
    'reltime',
    'Process start, ns since the epoch.',
    own((p) => (p.startTs > 0n ? p.startTs : undefined)),
  ),
  plain(
    'proc.ppid.duration',
    'reltime',
    'Nanoseconds since the parent started.',
    parent((p, ctx) => (p.startTs > 0n && ctx.event.ts >= p.startTs ? ctx.event.ts - p.startTs : undefined)),
  ),
  plain(
    'proc.ppid.ts',
    'reltime',
    'Parent start, ns since the epoch.',
    parent((p) => (p.startTs > 0n ? p.startTs : undefined)),
  ),
  plain('proc.is_exe_from_memfd', 'bool', 'The executable is a memfd (fileless execution).', own(fromMemfd)),
  plain(
    'proc.fdopencount',
    'uint',
    'Open descriptors.',
    own((p) => p.fds.size),
  ),
  plain(
    'proc.tty',
    'uint',
    'Controlling terminal (tty_nr; 0: none), known for processes found in /proc and their forks.',
    own((p) => p.tty),
  ),
  // Not in the state tables yet: sessions and process groups, inodes.
  plain('proc.sid', 'int', 'Session id (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.sname', 'string', 'Session leader name (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.vpgid', 'int', 'Process group id (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.loginshellid', 'int', 'Pid of the oldest shell ancestor (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.exe_ino', 'int', 'Inode of the executable (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.exe_ino.ctime', 'abstime', 'ctime of the executable (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.exe_ino.mtime', 'abstime', 'mtime of the executable (unresolved in Harrier yet).', UNRESOLVED),
  plain(
    'proc.exe_ino.ctime_duration_proc_start',
    'abstime',
    'ns between the executable ctime and the process start (unresolved in Harrier yet).',
    UNRESOLVED,
  ),
  plain(
    'proc.exe_ino.ctime_duration_pidns_start',
    'abstime',
    'ns between the pid namespace start and the executable ctime (unresolved in Harrier yet).',
    UNRESOLVED,
  ),
  plain('proc.pidns_init_start_ts', 'uint', 'Start of the pid namespace (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.sid.exe', 'string', 'argv[0] of the session leader (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.sid.exepath', 'string', 'Executable of the session leader (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.is_sid_leader', 'bool', 'Session leader (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.vpgid.name', 'string', 'Name of the process group leader (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.vpgid.exe', 'string', 'argv[0] of the process group leader (unresolved in Harrier yet).', UNRESOLVED),
  plain(
    'proc.vpgid.exepath',
    'string',
    'Executable of the process group leader (unresolved in Harrier yet).',
    UNRESOLVED,
  ),
  plain('proc.is_vpgid_leader', 'bool', 'Process group leader (unresolved in Harrier yet).', UNRESOLVED),
  plain('proc.is_exe_writable', 'bool', 'Executable writable by its user (unresolved in Harrier yet).', UNRESOLVED),
  plain(
    'proc.is_exe_upper_layer',
    'bool',
    'Executable in an overlayfs upper layer (unresolved in Harrier yet).',
    UNRESOLVED,
  ),
  // Container probes only exist inside containers; on the host these are false.
  plain('proc.is_container_healthcheck', 'bool', 'Part of a container health check.', () => false),
  plain('proc.is_container_liveness_probe', 'bool', 'Part of a container liveness probe.', () => false),
  plain('proc.is_container_readiness_probe', 'bool', 'Part of a container readiness probe.', () => false),
];

export const THREAD_FIELDS: readonly FieldSpec[] = [
  plain('thread.tid', 'int', 'Thread id.', (ctx) => ctx.event.tid),
  plain('thread.vtid', 'int', 'Thread id in its pid namespace.', (ctx) => ctx.event.tid),
  plain('thread.ismain', 'bool', 'The main thread of its process.', (ctx) => ctx.event.tid === ctx.event.pid),
  // From /proc when the state learns of a process (no sensor reports capability changes yet).
  plain(
    'thread.cap_permitted',
    'string',
    'Permitted capabilities, known for processes found in /proc and their forks.',
    own((p) => (p.capPermitted === undefined ? undefined : capabilityNames(p.capPermitted))),
  ),
  plain(
    'thread.cap_effective',
    'string',
    'Effective capabilities, known for processes found in /proc and their forks.',
    own((p) => (p.capEffective === undefined ? undefined : capabilityNames(p.capEffective))),
  ),
  plain('thread.cap_inheritable', 'string', 'Inheritable capabilities (unresolved in Harrier yet).', UNRESOLVED),
];
