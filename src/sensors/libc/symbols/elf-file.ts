/**
 * The parts of an ELF64 little-endian file that symbolisation needs: the loadable segments (to
 * turn a file offset into a virtual address), the interpreter, the function symbols of .symtab
 * and .dynsym, and whether line information exists. Read with positional reads, so a large
 * binary costs only its headers and symbol tables.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export const ET_EXEC = 2;
export const ET_DYN = 3;
const PT_LOAD = 1;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHT_NOBITS = 8;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const STB_GLOBAL = 1;
const SHN_UNDEF = 0;
const SHN_XINDEX = 0xffff;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
/** Refuse tables larger than this (a corrupt size field must not allocate gigabytes). */
const MAX_TABLE_BYTES = 512 * 1024 * 1024;

export interface LoadSegment {
  fileOffset: number;
  vaddr: number;
  fileSize: number;
}

export interface FunctionSymbol {
  address: number;
  size: number;
  name: string;
}

export interface ElfHeaders {
  type: number;
  /** PT_INTERP's path, absent for static executables and most shared libraries. */
  interpreter: string | undefined;
  loads: LoadSegment[];
}

export interface ElfImage extends ElfHeaders {
  /** Sorted by address, one per address. */
  functions: FunctionSymbol[];
  hasDebugLine: boolean;
}

class NotElf extends Error {}

/** A file read with bounds checks: reading outside it means a corrupt or non-ELF file. */
class FileReader {
  constructor(private readonly fd: number) {}

  read(offset: number, length: number): Buffer {
    if (!Number.isSafeInteger(offset) || length < 0 || length > MAX_TABLE_BYTES) throw new NotElf();
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new NotElf();
      done += n;
    }
    return buf;
  }
}

function u64(buf: Buffer, off: number): number {
  const v = buf.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotElf();
  return Number(v);
}

function withFile<T>(path: string, fn: (r: FileReader) => T): T | undefined {
  let fd: number;
  try {
    // Only regular files: opening a FIFO or a device could block or have side effects.
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return fn(new FileReader(fd));
  } catch (e) {
    if (e instanceof NotElf || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    closeSync(fd);
  }
}

function readHeaders(r: FileReader): { ehdr: Buffer; headers: ElfHeaders } {
  const ehdr = r.read(0, EHDR_SIZE);
  if (ehdr.readUInt32BE(0) !== 0x7f454c46 || ehdr[4] !== 2 || ehdr[5] !== 1) throw new NotElf();
  const phoff = u64(ehdr, 32);
  const phentsize = ehdr.readUInt16LE(54);
  const phnum = ehdr.readUInt16LE(56);
  const loads: LoadSegment[] = [];
  let interpreter: string | undefined;
  if (phnum > 0 && phentsize >= PHDR_SIZE) {
    const ph = r.read(phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const p = i * phentsize;
      const type = ph.readUInt32LE(p);
      if (type === PT_LOAD) {
        loads.push({ fileOffset: u64(ph, p + 8), vaddr: u64(ph, p + 16), fileSize: u64(ph, p + 32) });
      } else if (type === PT_INTERP) {
        const raw = r.read(u64(ph, p + 8), u64(ph, p + 32));
        const nul = raw.indexOf(0);
        interpreter = raw.toString('utf8', 0, nul < 0 ? raw.length : nul);
      }
    }
  }
  return { ehdr, headers: { type: ehdr.readUInt16LE(16), interpreter, loads } };
}

/** The ELF headers of `path`, or undefined when it is not a readable ELF64 little-endian file. */
export function readElfHeaders(path: string): ElfHeaders | undefined {
  return withFile(path, (r) => readHeaders(r).headers);
}

interface Section {
  name: number;
  type: number;
  offset: number;
  size: number;
  link: number;
}

/** Headers, function symbols and line-table presence; undefined when not ELF64 LE or corrupt. */
export function readElfImage(path: string): ElfImage | undefined {
  return withFile(path, (r) => {
    const { ehdr, headers } = readHeaders(r);
    const shoff = u64(ehdr, 40);
    const shentsize = ehdr.readUInt16LE(58);
    let shnum = ehdr.readUInt16LE(60);
    let shstrndx = ehdr.readUInt16LE(62);
    if (shoff === 0 || shentsize < SHDR_SIZE) return { ...headers, functions: [], hasDebugLine: false };
    if (shnum === 0 || shstrndx === SHN_XINDEX) {
      // Extended numbering: the real values live in section 0.
      const first = r.read(shoff, SHDR_SIZE);
      if (shnum === 0) shnum = u64(first, 32);
      if (shstrndx === SHN_XINDEX) shstrndx = first.readUInt32LE(40);
    }
    const table = r.read(shoff, shentsize * shnum);
    const sections: Section[] = [];
    for (let i = 0; i < shnum; i++) {
      const s = i * shentsize;
      sections.push({
        name: table.readUInt32LE(s),
        type: table.readUInt32LE(s + 4),
        offset: u64(table, s + 24),
        size: u64(table, s + 32),
        link: table.readUInt32LE(s + 40),
      });
    }
    const names = sections[shstrndx];
    const nameTable = names === undefined || names.type === SHT_NOBITS ? undefined : r.read(names.offset, names.size);
    const sectionName = (s: Section): string => (nameTable === undefined ? '' : cString(nameTable, s.name));
    const hasDebugLine = sections.some((s) => {
      const n = sectionName(s);
      return (n === '.debug_line' || n === '.zdebug_line') && s.type !== SHT_NOBITS && s.size > 0;
    });

    const functions: FunctionSymbol[] = [];
    const bindings: number[] = [];
    for (const s of sections) {
      if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
      const strings = sections[s.link];
      if (strings === undefined || strings.type === SHT_NOBITS) continue;
      const syms = r.read(s.offset, s.size - (s.size % SYM_SIZE));
      const strtab = r.read(strings.offset, strings.size);
      for (let p = 0; p < syms.length; p += SYM_SIZE) {
        const info = syms[p + 4] ?? 0;
        const kind = info & 0xf;
        if ((kind !== STT_FUNC && kind !== STT_GNU_IFUNC) || syms.readUInt16LE(p + 6) === SHN_UNDEF) continue;
        const address = u64(syms, p + 8);
        if (address === 0) continue;
        functions.push({ address, size: u64(syms, p + 16), name: cString(strtab, syms.readUInt32LE(p)) });
        bindings.push(info >> 4);
      }
    }
    return { ...headers, functions: uniqueByAddress(functions, bindings), hasDebugLine };
  });
}

function cString(buf: Buffer, off: number): string {
  if (off >= buf.length) return '';
  const nul = buf.indexOf(0, off);
  return buf.toString('utf8', off, nul < 0 ? buf.length : nul);
}

/** Sorted by address; of several names for one address, a sized global one wins (the API name). */
function uniqueByAddress(functions: FunctionSymbol[], bindings: number[]): FunctionSymbol[] {
  const rank = (i: number): number => ((functions[i]?.size ?? 0) > 0 ? 2 : 0) + (bindings[i] === STB_GLOBAL ? 1 : 0);
  const order = functions.map((_, i) => i);
  order.sort((a, b) => (functions[a]?.address ?? 0) - (functions[b]?.address ?? 0) || rank(b) - rank(a));
  const out: FunctionSymbol[] = [];
  for (const i of order) {
    const f = functions[i];
    if (f !== undefined && out[out.length - 1]?.address !== f.address) out.push(f);
  }
  return out;
}

/** The virtual address a file offset is loaded at, or undefined outside every PT_LOAD. */
export function fileOffsetToVaddr(headers: ElfHeaders, fileOffset: number): number | undefined {
  for (const l of headers.loads) {
    if (fileOffset >= l.fileOffset && fileOffset < l.fileOffset + l.fileSize)
      return fileOffset - l.fileOffset + l.vaddr;
  }
  return undefined;
}

/** The function containing `vaddr`: the last one starting at or before it, if it reaches it. */
export function functionAt(image: ElfImage, vaddr: number): FunctionSymbol | undefined {
  const fns = image.functions;
  let lo = 0;
  let hi = fns.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((fns[mid]?.address ?? 0) <= vaddr) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const f = fns[best];
  if (f === undefined) return undefined;
  // Size 0 (hand-written assembly such as _start): trust it up to the next symbol.
  return f.size === 0 || vaddr < f.address + f.size ? f : undefined;
}
