/**
 * Whether an executable can be instrumented by a preloaded library: only dynamically linked
 * programs run the dynamic loader that honours LD_PRELOAD. Scripts are instrumentable through
 * their interpreter.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ET_DYN, ET_EXEC, readElfHeaders } from './symbols/elf-file.js';

export type ExecutableKind =
  /** Has PT_INTERP: the loader runs and LD_PRELOAD applies. */
  | { kind: 'dynamic'; interpreter: string }
  /** No PT_INTERP (static, static-pie): LD_PRELOAD is never read. */
  | { kind: 'static' }
  /** `#!` script: what runs is the interpreter. */
  | { kind: 'script'; interpreter: string }
  /** Unreadable, or neither ELF64 nor a script (another architecture's class, data file). */
  | { kind: 'unknown'; reason: string };

export function executableKind(path: string): ExecutableKind {
  let head: Buffer;
  try {
    if (!statSync(path).isFile()) return { kind: 'unknown', reason: 'not a regular file' };
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(256);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { kind: 'unknown', reason: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  if (head[0] === 0x23 && head[1] === 0x21) {
    const line = head.toString('utf8', 2, head.indexOf(0x0a) < 0 ? head.length : head.indexOf(0x0a)).trim();
    return { kind: 'script', interpreter: line.split(/\s+/)[0] ?? '' };
  }
  const elf = readElfHeaders(path);
  if (elf === undefined) return { kind: 'unknown', reason: 'not an ELF64 little-endian file' };
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN)
    return { kind: 'unknown', reason: `ELF type ${elf.type} is not executable` };
  return elf.interpreter === undefined ? { kind: 'static' } : { kind: 'dynamic', interpreter: elf.interpreter };
}

/** True for executables LD_PRELOAD cannot reach (no program interpreter). */
export function isStaticExecutable(path: string): boolean {
  return executableKind(path).kind === 'static';
}
