/**
 * Which file each code address of an instrumented process belongs to.
 *
 * A process sends its executable mappings as MODULES records (one generation split into parts)
 * and re-sends a new generation when it finds code outside them (dlopen). A RISK record names
 * the generation its frames resolve against. A HELLO means a new image (start-up or exec, same
 * pid): everything known about that pid is forgotten.
 */
import type { ModuleMapping, ModulesRecord } from './protocol.js';

/** Where an address lies: the mapped file and the offset in that file. */
export interface ModuleLocation {
  path: string;
  fileOffset: bigint;
}

interface Generation {
  /** The pid that sent it (a forked child starts with its parent's). */
  sender: number;
  /** Sorted by start; mappings never overlap within one generation. */
  mappings: ModuleMapping[];
  partsSeen: Set<number>;
  parts: number;
}

interface ProcessModules {
  generations: Map<number, Generation>;
}

export class ModuleMaps {
  private readonly byPid = new Map<number, ProcessModules>();

  /** A new image for `pid` (start-up or exec): its old maps no longer apply. */
  resetProcess(pid: number): void {
    this.byPid.delete(pid);
  }

  /** The process ended: frees its maps. */
  forget(pid: number): void {
    this.byPid.delete(pid);
  }

  /**
   * `child` was forked from `parent`: until it sends maps of its own, it has its parent's (a
   * forked child inherits the interposer's state, so it may never re-send them).
   */
  inherit(child: number, parent: number): void {
    const p = this.byPid.get(parent);
    if (p === undefined || this.byPid.has(child)) return;
    this.byPid.set(child, { generations: new Map(p.generations) });
  }

  add(record: ModulesRecord): void {
    let proc = this.byPid.get(record.pid);
    if (proc === undefined) {
      proc = { generations: new Map() };
      this.byPid.set(record.pid, proc);
    }
    let gen = proc.generations.get(record.generation);
    // A generation inherited from the parent is replaced, not merged, by the child's own.
    const fresh =
      gen === undefined || gen.sender !== record.pid || gen.partsSeen.has(record.part) || gen.parts !== record.parts;
    if (fresh || gen === undefined) {
      gen = { sender: record.pid, mappings: [], partsSeen: new Set(), parts: record.parts };
      proc.generations.set(record.generation, gen);
    }
    gen.partsSeen.add(record.part);
    gen.mappings.push(...record.mappings);
    gen.mappings.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** Every part of this generation has arrived. */
  complete(pid: number, generation: number): boolean {
    const gen = this.byPid.get(pid)?.generations.get(generation);
    return gen !== undefined && gen.partsSeen.size === gen.parts;
  }

  /**
   * The module holding `address` in `generation`; when that generation is unknown or lacks the
   * address, the newest other generation that has it (mappings rarely move between them).
   */
  resolve(pid: number, generation: number, address: bigint): ModuleLocation | undefined {
    const proc = this.byPid.get(pid);
    if (proc === undefined) return undefined;
    const exact = proc.generations.get(generation);
    const hit = exact === undefined ? undefined : lookup(exact.mappings, address);
    if (hit !== undefined) return hit;
    const others = [...proc.generations.keys()].filter((g) => g !== generation).sort((a, b) => b - a);
    for (const g of others) {
      const m = proc.generations.get(g);
      const found = m === undefined ? undefined : lookup(m.mappings, address);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

function lookup(mappings: readonly ModuleMapping[], address: bigint): ModuleLocation | undefined {
  let lo = 0;
  let hi = mappings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = mappings[mid];
    if (m === undefined) break;
    if (address < m.start) hi = mid - 1;
    else if (address >= m.end) lo = mid + 1;
    else return { path: m.path, fileOffset: address - m.start + m.fileOffset };
  }
  return undefined;
}
