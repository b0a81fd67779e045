/**
 * Signal numbers ↔ names. x86_64, i386 and arm64 share these numbers (asm/signal.h and
 * asm-generic/signal.h agree for 1–31); real-time signals are named as strace names them.
 */
import { EnumTable } from './bitflags.js';

const SIGNALS: ReadonlyArray<readonly [string, number]> = [
  ['SIGHUP', 1],
  ['SIGINT', 2],
  ['SIGQUIT', 3],
  ['SIGILL', 4],
  ['SIGTRAP', 5],
  ['SIGABRT', 6],
  ['SIGBUS', 7],
  ['SIGFPE', 8],
  ['SIGKILL', 9],
  ['SIGUSR1', 10],
  ['SIGSEGV', 11],
  ['SIGUSR2', 12],
  ['SIGPIPE', 13],
  ['SIGALRM', 14],
  ['SIGTERM', 15],
  ['SIGSTKFLT', 16],
  ['SIGCHLD', 17],
  ['SIGCONT', 18],
  ['SIGSTOP', 19],
  ['SIGTSTP', 20],
  ['SIGTTIN', 21],
  ['SIGTTOU', 22],
  ['SIGURG', 23],
  ['SIGXCPU', 24],
  ['SIGXFSZ', 25],
  ['SIGVTALRM', 26],
  ['SIGPROF', 27],
  ['SIGWINCH', 28],
  ['SIGIO', 29],
  ['SIGPWR', 30],
  ['SIGSYS', 31],
];

/** The kernel's first real-time signal (glibc reserves 32–33 and calls 34 its SIGRTMIN). */
const KERNEL_RTMIN = 32;
const RTMAX = 64;

const table = new EnumTable(SIGNALS, [
  ['SIGIOT', 6],
  ['SIGCLD', 17],
  ['SIGPOLL', 29],
  ['SIGUNUSED', 31],
]);

/** `SIGKILL` for 9; `SIGRTMIN` for 32 and `SIGRT_n` above, like strace. */
export function signalName(nr: number): string | undefined {
  const n = table.name(nr);
  if (n !== undefined) return n;
  if (nr === KERNEL_RTMIN) return 'SIGRTMIN';
  if (nr > KERNEL_RTMIN && nr <= RTMAX) return `SIGRT_${nr - KERNEL_RTMIN}`;
  return undefined;
}

/** Accepts `SIGKILL`, `KILL`, `SIGRTMIN`, `SIGRTMIN+3`, `SIGRT_3`, `SIGRTMAX`. */
export function signalNumber(name: string): number | undefined {
  const full = name.startsWith('SIG') ? name : 'SIG' + name;
  const n = table.number(full);
  if (n !== undefined) return n;
  if (full === 'SIGRTMIN') return KERNEL_RTMIN;
  if (full === 'SIGRTMAX') return RTMAX;
  const rt = /^SIG(?:RT_|RTMIN\+)(\d+)$/.exec(full);
  if (rt?.[1] !== undefined) {
    const nr = KERNEL_RTMIN + Number(rt[1]);
    return nr <= RTMAX ? nr : undefined;
  }
  return undefined;
}
