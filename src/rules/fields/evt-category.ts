/** evt.category: libsinsp's coarse classes of event types. */

const CATEGORIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'file',
    [
      'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'dup', 'dup2', 'dup3', 'fcntl', 'rename',
      'renameat', 'renameat2', 'unlink', 'unlinkat', 'mkdir', 'mkdirat', 'rmdir', 'link', 'linkat', 'symlink',
      'symlinkat', 'chmod', 'fchmod', 'fchmodat', 'chown', 'lchown', 'fchown', 'fchownat', 'truncate',
      'ftruncate', 'stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'access', 'faccessat', 'faccessat2',
      'memfd_create', 'chdir', 'fchdir', 'mount', 'umount2',
    ],
  ],
  [
    'net',
    ['socket', 'socketpair', 'connect', 'bind', 'listen', 'accept', 'accept4', 'shutdown', 'getsockopt', 'setsockopt'],
  ],
  ['IO', ['read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg']],
  ['IPC', ['pipe', 'pipe2', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'inotify_init', 'inotify_init1']],
  ['memory', ['mmap', 'munmap', 'mprotect', 'brk', 'userfaultfd']],
  [
    'process',
    [
      'execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork', 'exit', 'exit_group', 'procexit', 'ptrace',
      'prctl', 'setns', 'unshare', 'init_module', 'finit_module', 'bpf',
    ],
  ],
  ['signal', ['kill', 'tkill', 'tgkill', 'signal']],
  ['user', ['setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'capset']],
  ['wait', ['wait4', 'waitid', 'nanosleep', 'clock_nanosleep', 'poll', 'ppoll', 'select', 'epoll_wait', 'epoll_pwait']],
];

const BY_TYPE: ReadonlyMap<string, string> = new Map(
  CATEGORIES.flatMap(([category, types]) => types.map((t) => [t, category] as const)),
);

export const eventCategory = (type: string): string => BY_TYPE.get(type) ?? 'other';
