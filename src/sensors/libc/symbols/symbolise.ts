/**
 * (module, file offset) → function, file, line.
 *
 * Function names come from the module's own .symtab/.dynsym (parsed here, no tool needed);
 * file and line from addr2line when the module carries .debug_line. Everything is cached per
 * module version (path, mtime, size), so a module costs one parse and one addr2line per batch
 * of new addresses. A module that is gone, not ELF, or stripped yields what it can: at worst
 * just the module and offset. Nothing here throws for bad input.
 */
import { statSync } from 'node:fs';
import { Addr2lineMissing, addr2line, type SourceFrame } from './addr2line.js';
import { fileOffsetToVaddr, functionAt, readElfImage, type ElfImage } from './elf-file.js';

export interface SymbolRequest {
  module: string;
  fileOffset: bigint;
  /**
   * A return address (every stack frame is): looked up one byte earlier, so the call
   * instruction's own line and function are found, not whatever follows it.
   */
  returnAddress: boolean;
}

export interface SourcePosition {
  function: string | undefined;
  file: string | undefined;
  line: number | undefined;
}

export interface Symbolised extends SourcePosition {
  module: string;
  fileOffset: bigint;
  /** The module's virtual address for the offset, when the module could be read. */
  vaddr: number | undefined;
  /** When the code was inlined: the functions it was inlined into, innermost first. */
  inlinedInto: SourcePosition[];
}

interface ModuleEntry {
  version: string;
  image: ElfImage | undefined;
  /** addr2line results by looked-up virtual address. */
  lines: Map<number, SourceFrame[]>;
}

export interface SymboliserOptions {
  /** The addr2line executable (found on PATH by default). */
  addr2line?: string;
}

export class Symboliser {
  private readonly modules = new Map<string, ModuleEntry>();
  private addr2lineMissing = false;

  constructor(private readonly opts: SymboliserOptions = {}) {}

  /** Resolves every request, in order; one addr2line run per module with new addresses. */
  async symbolise(requests: readonly SymbolRequest[]): Promise<Symbolised[]> {
    const byModule = new Map<string, number[]>();
    requests.forEach((r, i) => {
      const list = byModule.get(r.module);
      if (list === undefined) byModule.set(r.module, [i]);
      else list.push(i);
    });
    const out = new Array<Symbolised>(requests.length);
    await Promise.all(
      [...byModule].map(async ([module, indexes]) => {
        const reqs = indexes.map((i) => requests[i] as SymbolRequest);
        const results = await this.symboliseModule(module, reqs);
        indexes.forEach((i, k) => {
          out[i] = results[k] as Symbolised;
        });
      }),
    );
    return out;
  }

  async symboliseOne(request: SymbolRequest): Promise<Symbolised> {
    const [r] = await this.symbolise([request]);
    return r as Symbolised;
  }

  private async symboliseModule(module: string, reqs: SymbolRequest[]): Promise<Symbolised[]> {
    const entry = this.entry(module);
    const image = entry?.image;
    const lookups = reqs.map((r) => {
      const vaddr = image === undefined ? undefined : fileOffsetToVaddr(image, Number(r.fileOffset));
      return { vaddr, at: vaddr === undefined ? undefined : r.returnAddress ? vaddr - 1 : vaddr };
    });
    if (entry !== undefined && image?.hasDebugLine === true && !this.addr2lineMissing) {
      const wanted = [...new Set(lookups.map((l) => l.at).filter((a): a is number => a !== undefined))];
      const missing = wanted.filter((a) => !entry.lines.has(a));
      if (missing.length > 0) {
        try {
          for (const [a, frames] of await addr2line(module, missing, this.opts.addr2line)) entry.lines.set(a, frames);
        } catch (e) {
          if (e instanceof Addr2lineMissing) this.addr2lineMissing = true;
        }
      }
    }
    return reqs.map((r, k) => {
      const { vaddr, at } = lookups[k] ?? { vaddr: undefined, at: undefined };
      const base = { module, fileOffset: r.fileOffset, vaddr, inlinedInto: [] };
      if (image === undefined || at === undefined)
        return { ...base, function: undefined, file: undefined, line: undefined };
      const symbol = functionAt(image, at)?.name;
      const frames = entry?.lines.get(at) ?? [];
      const [inner, ...outer] = frames;
      if (inner?.file === undefined) return { ...base, function: symbol, file: undefined, line: undefined };
      return {
        ...base,
        function: inner.function ?? symbol,
        file: inner.file,
        line: inner.line,
        inlinedInto: outer.map((f) => ({ function: f.function, file: f.file, line: f.line })),
      };
    });
  }

  /** The cached parse of `module`, re-read when the file changed; undefined when it is gone. */
  private entry(module: string): ModuleEntry | undefined {
    if (module.startsWith('[')) return undefined; // [vdso] and friends: no file to read.
    let version: string;
    try {
      const st = statSync(module);
      version = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      this.modules.delete(module);
      return undefined;
    }
    const cached = this.modules.get(module);
    if (cached?.version === version) return cached;
    const fresh: ModuleEntry = { version, image: readElfImage(module), lines: new Map() };
    this.modules.set(module, fresh);
    return fresh;
  }
}
