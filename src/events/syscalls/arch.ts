/**
 * System call numbers ↔ names for the architectures Harrier reads raw numbers from: the eBPF
 * probe reports numbers of the host's architecture, and ADFA-LD traces use i386 numbers.
 */
import { ARM64_SYSCALLS } from './table-arm64.js';
import { I386_SYSCALLS } from './table-i386.js';
import { X86_64_SYSCALLS } from './table-x86-64.js';

export type Arch = 'x86_64' | 'i386' | 'arm64';

export const ARCHES: readonly Arch[] = ['x86_64', 'i386', 'arm64'];

interface Table {
  byNumber: readonly (string | undefined)[];
  byName: ReadonlyMap<string, number>;
}

const SOURCES: Record<Arch, ReadonlyArray<readonly [number, string]>> = {
  x86_64: X86_64_SYSCALLS,
  i386: I386_SYSCALLS,
  arm64: ARM64_SYSCALLS,
};

// Built on first use per arch: most processes only ever touch the host's table.
const tables = new Map<Arch, Table>();

function table(arch: Arch): Table {
  let t = tables.get(arch);
  if (t === undefined) {
    const pairs = SOURCES[arch];
    const last = pairs[pairs.length - 1];
    // A packed array (no holes) keeps indexed reads fast on the eBPF hot path.
    const byNumber = Array.from<string | undefined>({ length: last === undefined ? 0 : last[0] + 1 });
    const byName = new Map<string, number>();
    for (const [nr, name] of pairs) {
      byNumber[nr] = name;
      byName.set(name, nr);
    }
    t = { byNumber, byName };
    tables.set(arch, t);
  }
  return t;
}

/** The syscall's name, or undefined for a number this table does not know. */
export function syscallName(arch: Arch, nr: number): string | undefined {
  return table(arch).byNumber[nr];
}

export function syscallNumber(arch: Arch, name: string): number | undefined {
  return table(arch).byName.get(name);
}

/** Every (number, name) pair of an architecture, ascending by number. */
export function syscallEntries(arch: Arch): ReadonlyArray<readonly [number, string]> {
  return SOURCES[arch];
}

/** The architecture this Node process runs on, when it is one Harrier has a table for. */
export function hostArch(): Arch | undefined {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'ia32':
      return 'i386';
    case 'arm64':
      return 'arm64';
    default:
      return undefined;
  }
}
