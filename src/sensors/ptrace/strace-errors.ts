/**
 * strace's own error messages, turned into errors a user can act on.
 */
import { SensorError } from '../sensor.js';

const STRACE_PREFIX = /^(?:\S*\/)?strace: /;

const PTRACE_HINT =
  'run Harrier as root, or allow tracing children (sysctl kernel.yama.ptrace_scope=1); in a container, ' +
  'add CAP_SYS_PTRACE (docker run --cap-add=SYS_PTRACE) and a seccomp profile that allows ptrace';

/** The SensorError for a failed strace run, from what it printed on stderr. */
export function explainStraceError(stderr: string, exitCode?: number | null): SensorError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  // strace prefixes its messages with its argv[0]: `strace:` or `/usr/bin/strace:`.
  const ours = lines.filter((l) => STRACE_PREFIX.test(l)).map((l) => l.replace(STRACE_PREFIX, 'strace: '));
  // The first message is often a warning; the ptrace/exec failure is the one that matters.
  const message = ours.find((l) => !/Seccomp filter is requested/.test(l)) ?? ours[0] ?? lines[0];

  const denied = ours.filter((l) => /PTRACE_\w+/.test(l) && /Operation not permitted/.test(l));
  if (denied.length > 0) {
    const l = denied.find((d) => d.includes('ptrace(')) ?? denied[0];
    return new SensorError(`this system does not allow tracing processes with ptrace (${l})`, PTRACE_HINT);
  }
  for (const l of ours) {
    const stat = /Can't stat '(.*)': (.*)$/.exec(l);
    if (stat) {
      return new SensorError(
        `cannot run ${stat[1] ?? 'the command'}: ${stat[2] ?? 'not found'}`,
        'check the command path',
      );
    }
    const exec = /^strace: exec: (.*)$/.exec(l);
    if (exec) {
      return new SensorError(`cannot execute the command: ${exec[1] ?? ''}`, 'check that the command is an executable');
    }
    const syscall = /invalid system call '(.*)'/.exec(l);
    if (syscall) {
      return new SensorError(
        `this strace does not know the system call ${syscall[1] ?? ''}`,
        'install strace 6.1 or later (apt-get install strace)',
      );
    }
    const option = /unrecognized option '(.*)'|invalid option -- '(.*)'/.exec(l);
    if (option) {
      return new SensorError(
        `this strace is too old (it does not support ${option[1] ?? option[2] ?? 'an option Harrier uses'})`,
        'install strace 6.1 or later (apt-get install strace)',
      );
    }
  }
  if (message !== undefined && /Operation not permitted/.test(message)) {
    return new SensorError(`strace is not permitted to run here (${message})`, PTRACE_HINT);
  }
  const status = exitCode === undefined || exitCode === null ? '' : ` with status ${exitCode}`;
  return new SensorError(
    message === undefined ? `strace failed${status}` : `strace failed${status}: ${message}`,
    'run the same command under strace by hand to see why',
  );
}
