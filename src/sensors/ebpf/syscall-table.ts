/**
 * x86_64 syscall numbers for the calls the probe decodes. Private to this sensor until the
 * shared table in src/events/syscalls is committed; then `syscallName('x86_64', nr)` replaces
 * it (the numbers are the kernel's ABI, arch/x86/entry/syscalls/syscall_64.tbl).
 */

const PAIRS: ReadonlyArray<readonly [number, string]> = [
  [0, 'read'],
  [1, 'write'],
  [2, 'open'],
  [3, 'close'],
  [22, 'pipe'],
  [32, 'dup'],
  [33, 'dup2'],
  [39, 'getpid'],
  [41, 'socket'],
  [42, 'connect'],
  [43, 'accept'],
  [44, 'sendto'],
  [46, 'sendmsg'],
  [49, 'bind'],
  [50, 'listen'],
  [53, 'socketpair'],
  [56, 'clone'],
  [57, 'fork'],
  [58, 'vfork'],
  [59, 'execve'],
  [60, 'exit'],
  [62, 'kill'],
  [72, 'fcntl'],
  [80, 'chdir'],
  [81, 'fchdir'],
  [82, 'rename'],
  [83, 'mkdir'],
  [84, 'rmdir'],
  [85, 'creat'],
  [86, 'link'],
  [87, 'unlink'],
  [88, 'symlink'],
  [90, 'chmod'],
  [91, 'fchmod'],
  [92, 'chown'],
  [93, 'fchown'],
  [94, 'lchown'],
  [101, 'ptrace'],
  [105, 'setuid'],
  [106, 'setgid'],
  [113, 'setreuid'],
  [114, 'setregid'],
  [117, 'setresuid'],
  [119, 'setresgid'],
  [175, 'init_module'],
  [231, 'exit_group'],
  [234, 'tgkill'],
  [257, 'openat'],
  [258, 'mkdirat'],
  [260, 'fchownat'],
  [263, 'unlinkat'],
  [264, 'renameat'],
  [265, 'linkat'],
  [266, 'symlinkat'],
  [268, 'fchmodat'],
  [288, 'accept4'],
  [292, 'dup3'],
  [293, 'pipe2'],
  [313, 'finit_module'],
  [316, 'renameat2'],
  [319, 'memfd_create'],
  [322, 'execveat'],
  [435, 'clone3'],
  [437, 'openat2'],
];

/** Indexed by number; a packed array keeps the per-event lookup cheap. */
const BY_NR: readonly string[] = (() => {
  const a = Array.from({ length: 512 }, (_, nr) => `syscall_${nr}`);
  for (const [nr, name] of PAIRS) a[nr] = name;
  return a;
})();

const BY_NAME: ReadonlyMap<string, number> = new Map(PAIRS.map(([nr, name]) => [name, nr]));

/** The name of an x86_64 syscall, or `syscall_N` for one this table does not know. */
export function x64SyscallName(nr: number): string {
  return BY_NR[nr] ?? `syscall_${nr}`;
}

export function x64SyscallNumber(name: string): number | undefined {
  return BY_NAME.get(name);
}
