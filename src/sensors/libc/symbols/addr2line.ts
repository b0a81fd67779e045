/**
 * File and line for code addresses, from DWARF, through binutils' addr2line: one process per
 * module and batch, inlined frames included (-i), function names demangled (-C).
 */
import { execFile } from 'node:child_process';

/** One source position; the first of a list is the innermost (an inlined callee, if any). */
export interface SourceFrame {
  function: string | undefined;
  file: string | undefined;
  line: number | undefined;
}

export class Addr2lineMissing extends Error {}

/**
 * Source frames per virtual address of `module`. Addresses addr2line cannot place come back
 * with undefined fields; an address never comes back missing from the map.
 */
export function addr2line(
  module: string,
  vaddrs: readonly number[],
  tool = 'addr2line',
): Promise<Map<number, SourceFrame[]>> {
  const args = ['-e', module, '-a', '-f', '-C', '-i', ...vaddrs.map((a) => `0x${a.toString(16)}`)];
  return new Promise((resolve, reject) => {
    execFile(tool, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout) => {
      if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Addr2lineMissing(`${tool} not found`));
        return;
      }
      // A failing addr2line (unreadable debug info) still leaves every address unplaced, not an error.
      resolve(parseOutput(err === null ? stdout : '', vaddrs));
    });
  });
}

const ADDRESS_LINE = /^0x[0-9a-f]+$/;

/** `-a` prints each address before its frames, which is what delimits the -i groups. */
function parseOutput(stdout: string, vaddrs: readonly number[]): Map<number, SourceFrame[]> {
  const out = new Map<number, SourceFrame[]>();
  const lines = stdout.split('\n');
  let current: SourceFrame[] | undefined;
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (ADDRESS_LINE.test(l)) {
      const vaddr = vaddrs[index++];
      current = [];
      if (vaddr !== undefined) out.set(vaddr, current);
      continue;
    }
    if (current === undefined || l === '') continue;
    const where = lines[++i] ?? '';
    current.push({ function: l === '??' ? undefined : l, ...parseWhere(where) });
  }
  for (const a of vaddrs) if (!out.has(a)) out.set(a, []);
  return out;
}

/** `file:line`, `file:line (discriminator N)`, `??:0`, `??:?`. */
function parseWhere(where: string): { file: string | undefined; line: number | undefined } {
  const m = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(where);
  if (m === null) return { file: undefined, line: undefined };
  const file = m[1] === '??' || m[1] === '' ? undefined : m[1];
  const line = m[2] === '?' || m[2] === '0' ? undefined : Number(m[2]);
  return { file, line: file === undefined ? undefined : line };
}
