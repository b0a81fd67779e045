/**
 * The code-execution risk catalogue: every risk Harrier reports about how a program uses libc
 * and its environment, with a stable id (findings, baselines and ignore files refer to it),
 * CWE numbers, a default severity, why it matters and how to fix it, and the libc
 * interposer's risk-class number (native/preload/PROTOCOL.md, "Risk classes").
 */
import type { Severity } from '../../findings/finding.js';

export type RiskId =
  | 'libc.unbounded-copy'
  | 'libc.gets'
  | 'libc.format-string'
  | 'libc.weak-random'
  | 'libc.shell-exec'
  | 'libc.fork-with-secrets'
  | 'libc.insecure-tempfile'
  | 'libc.dangerous-ioctl'
  | 'env.secret'
  | 'process.not-instrumentable';

export interface RiskDefinition {
  id: RiskId;
  title: string;
  cwe: readonly number[];
  /** The default; a detector may raise it for stronger evidence (a known secret format). */
  severity: Severity;
  /** Why it matters, in two or three sentences. */
  why: string;
  /** What to change, naming the safe replacements. */
  fix: string;
  /** The interposer's risk class, for the risks it reports. */
  interposerClass?: number;
  tags: readonly string[];
}

export const RISKS: readonly RiskDefinition[] = [
  {
    id: 'libc.unbounded-copy',
    title: 'Unbounded string copy',
    cwe: [120, 242, 676],
    severity: 'high',
    why:
      'strcpy, strcat, sprintf, vsprintf and stpcpy write as many bytes as the source holds, ' +
      'whatever the size of the destination. Input longer than the buffer overwrites the memory ' +
      'after it: the classic stack or heap buffer overflow, often exploitable for code execution.',
    fix:
      'Use bounded calls that take the destination size and check for truncation: snprintf ' +
      '(check the return value against the size), strlcpy/strlcat (glibc ≥ 2.38, or libbsd), or ' +
      'memcpy with an explicit length you have checked; in C++ use std::string.',
    interposerClass: 1,
    tags: ['libc', 'memory-safety'],
  },
  {
    id: 'libc.gets',
    title: 'gets() reads without a bound',
    cwe: [242, 120],
    severity: 'critical',
    why:
      'gets reads a line of any length into a fixed buffer: there is no way to call it safely, ' +
      'and any input longer than the buffer overflows it. It was removed from C11 for that reason.',
    fix: 'Use fgets(buf, sizeof buf, stdin) and strip the newline, or getline() for lines of any length.',
    interposerClass: 2,
    tags: ['libc', 'memory-safety'],
  },
  {
    id: 'libc.format-string',
    title: 'Format string is not a literal',
    cwe: [134],
    severity: 'high',
    why:
      'The printf-family format came from writable memory, so data may decide it. A `%n` in it ' +
      'writes to memory and `%s`/`%x` read the stack: an attacker-controlled format is an ' +
      'arbitrary read and write primitive.',
    fix:
      'Always pass a literal format and the data as an argument: printf("%s", msg), never ' +
      'printf(msg); syslog(LOG_ERR, "%s", msg). Compile with -Wformat -Wformat-security -Werror=format-security.',
    interposerClass: 3,
    tags: ['libc', 'memory-safety'],
  },
  {
    id: 'libc.weak-random',
    title: 'Predictable random numbers',
    cwe: [338],
    severity: 'low',
    why:
      'rand, random and the drand48 family are linear generators with small state: a few outputs ' +
      '(or the seed, often the time) predict all the others. Used for tokens, nonces, keys, ' +
      'temporary names or session ids they can be guessed.',
    fix:
      'For anything security-relevant use getrandom(2) or getentropy(3) (arc4random on glibc ≥ 2.36), ' +
      "or your crypto library's generator (RAND_bytes). Keep rand only for simulations and tests.",
    interposerClass: 4,
    tags: ['libc', 'cryptography'],
  },
  {
    id: 'libc.shell-exec',
    title: 'Command run through a shell',
    cwe: [78],
    severity: 'medium',
    why:
      'system, popen and `sh -c` hand a whole string to the shell, which interprets quotes, ' +
      'semicolons, `$()` and globs. If any part of the string comes from input, a file name or ' +
      'the environment, it can run other commands (OS command injection).',
    fix:
      'Start the program directly with an argument vector: posix_spawn(3) or fork+execve with ' +
      'argv, and pipes you create yourself instead of popen. If a shell is unavoidable, pass data ' +
      'as positional parameters (`sh -c \'cmd "$1"\' sh "$data"`), never by pasting it into the string.',
    interposerClass: 5,
    tags: ['libc', 'injection', 'mitre_execution', 'T1059.004'],
  },
  {
    id: 'libc.fork-with-secrets',
    title: 'Forked child keeps the parent’s secrets',
    cwe: [226],
    severity: 'medium',
    why:
      'A child created by fork or vfork that does not exec keeps a copy of all the parent’s memory, ' +
      'including secrets from its environment or credentials files. A bug or crash dump in the ' +
      'child, which often handles less trusted input, exposes them.',
    fix:
      'Start helpers with posix_spawn or fork+execve with a minimal environment (execve’s envp), ' +
      'scrub secrets from memory once used (explicit_bzero), and read credentials after forking ' +
      'workers rather than before; mark secret pages MADV_WIPEONFORK or MADV_DONTDUMP.',
    interposerClass: 6,
    tags: ['libc', 'secrets'],
  },
  {
    id: 'libc.insecure-tempfile',
    title: 'Temporary file name chosen insecurely',
    cwe: [377],
    severity: 'medium',
    why:
      'mktemp, tmpnam and tempnam return a name without creating the file, so another process can ' +
      'create it (or a symlink to a file of yours) between the check and the open. The program ' +
      'then writes where the attacker chose.',
    fix:
      'Create and open in one step: mkstemp(3) or mkostemp with O_CLOEXEC, mkdtemp for ' +
      'directories, or open(dir, O_TMPFILE | O_RDWR) for anonymous files; tmpfile(3) also works.',
    interposerClass: 7,
    tags: ['libc', 'filesystem'],
  },
  {
    id: 'libc.dangerous-ioctl',
    title: 'Terminal input injection ioctl',
    // TIOCSTI pushes bytes into the terminal's input queue and TIOCLINUX can paste the console
    // selection: whatever reads the terminal next (often a more privileged shell that started
    // this program, as in CVE-2016-7545 and CVE-2017-5226) runs them as typed commands. So the
    // weakness is command injection into another program's input (CWE-77) made possible by a
    // terminal shared across a trust boundary (CWE-668). CWE-1188 (insecure default) describes
    // the kernel's setting, not this program's call.
    cwe: [77, 668],
    severity: 'high',
    why:
      'TIOCSTI and TIOCLINUX let a program type into its terminal as if the user had. Whatever ' +
      'reads that terminal next, usually the shell that started the program, possibly as another ' +
      'user after su or sudo, runs those keystrokes as commands.',
    fix:
      'Do not fake terminal input: write to the program you control through a pipe or pty you ' +
      'created (openpty/forkpty). Run untrusted code with a new session (setsid) or its own pty, ' +
      'and set the dev.tty.legacy_tiocsti=0 sysctl (Linux ≥ 6.2) on hosts.',
    interposerClass: 8,
    tags: ['libc', 'injection', 'mitre_privilege_escalation'],
  },
  {
    id: 'env.secret',
    title: 'Secret in a process environment',
    cwe: [526],
    severity: 'medium',
    why:
      'Environment variables are inherited by every child process, readable in /proc/<pid>/environ ' +
      'by the same user, and routinely written to logs, crash reports and CI output. A secret ' +
      'there reaches far more code than the one program that needs it.',
    fix:
      'Pass secrets only to the process that uses them (a file with mode 0600, a secrets manager, ' +
      'or a pipe/fd), remove them from the environment before starting children (execve with an ' +
      'explicit envp, `env -u NAME`), and use short-lived, narrowly scoped tokens in CI.',
    tags: ['secrets', 'mitre_credential_access', 'T1552'],
  },
  {
    id: 'process.not-instrumentable',
    title: 'Process could not be instrumented',
    cwe: [],
    severity: 'info',
    why:
      'The libc interposer could not enter this process: it is statically linked (Go, musl-static), ' +
      'setuid, or cleared LD_PRELOAD. Its libc risks are not seen, so a clean result says nothing ' +
      'about it; its system calls are still observed.',
    fix:
      'Nothing to fix in the program for this alone. To cover it, build a dynamically linked ' +
      'variant for testing, or rely on the kernel sensor’s rules for its behaviour.',
    tags: ['coverage'],
  },
];

const BY_ID = new Map<string, RiskDefinition>(RISKS.map((r) => [r.id, r]));
const BY_CLASS = new Map<number, RiskDefinition>(
  RISKS.filter((r) => r.interposerClass !== undefined).map((r) => [r.interposerClass as number, r]),
);

/** The risk an interposer RISK record's class number stands for; undefined for an unknown class. */
export function riskForClass(riskClass: number): RiskDefinition | undefined {
  return BY_CLASS.get(riskClass);
}

export function riskById(id: RiskId): RiskDefinition {
  const risk = BY_ID.get(id);
  if (!risk) throw new Error(`unknown risk id '${id}'`);
  return risk;
}
