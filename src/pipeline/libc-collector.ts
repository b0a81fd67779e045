/**
 * What the libc interposer reported during a run, turned into findings when the run ends.
 *
 * Records arrive on their own channel, not in step with the kernel sensor's events, so each
 * RISK's frames are located in its process's module map the moment it arrives (a later exec
 * replaces the map), and symbolised in one batch at the end (one addr2line per module). A forked
 * child inherits the interposer's state without re-sending its modules, so its frames are looked
 * up in its ancestors' maps.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { parseStat } from '../events/state/proc-reader.js';
import type { Finding, ProcessEvidence, StackFrame } from '../findings/finding.js';
import { classifyFrames, findingId, fingerprint } from '../findings/fingerprint.js';
import { RiskFindings } from '../findings/from-risk.js';
import { riskById } from '../detect/risks/catalogue.js';
import {
  executableKind,
  ModuleMaps,
  renderStack,
  STARTUP_FUNCTIONS,
  symboliseLocated,
  Symboliser,
  type LibcRecord,
  type ModuleLocation,
  type RiskRecord,
  type StackFrame as LibcFrame,
} from '../sensors/libc/index.js';

/** How far up the process tree a forked child's frames are looked for. */
const MAX_ANCESTORS = 16;

interface PendingRisk {
  record: RiskRecord;
  /** Per frame: where it lies, when a module map covers it. */
  located: Array<ModuleLocation | undefined>;
  /** Which image of the pid sent it (a HELLO starts a new one). */
  image: number;
  /** When it arrived (the record carries no time; it is sent at the site's first hit). */
  ts: bigint;
}

interface SiteHits {
  hits: number;
  /** Module:offset:class, once located. */
  site: string | undefined;
  pid: number;
  callSite: bigint;
  riskClass: number;
}

export interface LibcStats {
  /** Processes that said HELLO (instrumented images). */
  instrumented: number;
  /** Records lost in the FIFO or sites not tracked, as the interposer counted them. */
  droppedRecords: number;
  untrackedSites: number;
}

export interface ExecSeen {
  pid: number;
  exePath: string;
  ts: bigint;
}

export interface LibcFindingsInput {
  repoRoot: string | undefined;
  /** The process as state knows it at the end of the run. */
  describe: (pid: number) => ProcessEvidence | undefined;
  /** Every successful exec the kernel sensor saw, to find processes the interposer never entered. */
  execs: readonly ExecSeen[];
  /** The interposer's own path, whose frames are not the program's. */
  interposerPath: string;
}

export class LibcCollector {
  private readonly maps = new ModuleMaps();
  private readonly parentOf = new Map<number, number>();
  private readonly imageOf = new Map<number, number>();
  /** image → the executable it ran (HELLO's real path). */
  private readonly executableOf = new Map<number, string>();
  private readonly pending: PendingRisk[] = [];
  /**
   * `image:pid:callSite:class` → that process image's latest cumulative hits (a later COUNTS
   * replaces an earlier one) and where the site lies. Processes' totals add up (a fork child
   * counts only its own hits), so a site's total is the sum over every process.
   */
  private readonly hits = new Map<string, SiteHits>();
  /** pid → the real paths of the images that said HELLO. */
  private readonly hellos = new Map<number, Set<string>>();
  private nextImage = 1;
  private droppedRecords = 0;
  private untrackedSites = 0;

  readonly onRecord = (r: LibcRecord): void => {
    switch (r.kind) {
      case 'hello': {
        this.maps.resetProcess(r.pid);
        this.executableOf.set(this.nextImage, r.executable);
        this.imageOf.set(r.pid, this.nextImage++);
        if (r.ppid > 0) this.parentOf.set(r.pid, r.ppid);
        const seen = this.hellos.get(r.pid) ?? new Set<string>();
        seen.add(r.executable);
        this.hellos.set(r.pid, seen);
        break;
      }
      case 'modules':
        this.maps.add(r);
        break;
      case 'risk':
        this.pending.push({ record: r, located: this.locate(r), image: this.image(r.pid), ts: nowNs() });
        break;
      case 'counts':
        for (const c of r.sites) {
          const key = this.siteKey(this.image(r.pid), r.pid, c.callSite, c.riskClass);
          // Located now if possible (a later exec replaces the map); a fork child whose parent is
          // not known yet (its fork event may still be on its way) is located at the end.
          const where = this.locateAddress(r.pid, 0, c.callSite);
          this.hits.set(key, {
            hits: c.hits,
            site: where === undefined ? undefined : siteOf(where, key, c.riskClass),
            pid: r.pid,
            callSite: c.callSite,
            riskClass: c.riskClass,
          });
        }
        break;
      case 'drops':
        this.droppedRecords += r.records;
        this.untrackedSites += r.sites;
        break;
    }
  };

  /** A fork or clone the kernel sensor saw: the child's frames may resolve in the parent's map. */
  onFork(child: number, parent: number): void {
    this.parentOf.set(child, parent);
  }

  stats(): LibcStats {
    return {
      instrumented: this.hellos.size,
      droppedRecords: this.droppedRecords,
      untrackedSites: this.untrackedSites,
    };
  }

  /** Symbolises every reported call site and aggregates the run's risk findings. */
  async findings(input: LibcFindingsInput): Promise<Finding[]> {
    const stacks = await symboliseLocated(
      this.pending.map((p) => ({ frames: p.record.frames, located: p.located })),
      new Symboliser(),
    );
    const risks = new RiskFindings(input.repoRoot);
    const totals = this.siteTotals();
    for (const [i, p] of this.pending.entries()) {
      const frames = stacks[i] ?? [];
      const stack = classifyFrames(findingFrames(frames, input.interposerPath), input.repoRoot);
      const process = this.callerProcess(p, input);
      const site = this.pendingSite(p);
      // The site's total goes with its first report; later reports of it (other processes) add 0.
      const count = totals.get(site) ?? 0;
      totals.set(site, 0);
      risks.add({
        riskClass: p.record.riskClass,
        fn: p.record.function,
        callSite: p.record.callSite,
        pid: p.record.pid,
        exePath: process?.exePath ?? '',
        stack,
        count,
        ts: p.ts,
        ...(p.record.detail !== '' && { detail: p.record.detail }),
        ...(process !== undefined && { process }),
        stackLine: renderStack(p.record.function, frames, {
          interposerPath: input.interposerPath,
          ...(input.repoRoot !== undefined && { sourceRoot: input.repoRoot }),
        }),
      });
    }
    return [...risks.findings(), ...this.notInstrumentable(input)];
  }

  /**
   * Execs the interposer never said HELLO from: static binaries (nothing to interpose) or programs
   * started with LD_PRELOAD removed (a cleared environment, setuid). One finding per executable.
   */
  private notInstrumentable(input: LibcFindingsInput): Finding[] {
    const risk = riskById('process.not-instrumentable');
    const byExe = new Map<string, Finding>();
    for (const exec of input.execs) {
      const hellos = this.hellos.get(exec.pid);
      if (hellos?.has(realPath(exec.exePath)) === true || hellos?.has(exec.exePath) === true) continue;
      const seen = byExe.get(exec.exePath);
      if (seen !== undefined) {
        seen.count++;
        if (exec.ts > seen.lastTs) seen.lastTs = exec.ts;
        continue;
      }
      const kind = executableKind(exec.exePath);
      // A script's interpreter is the instrumented image; its HELLO names the interpreter.
      if (kind.kind === 'script') continue;
      const why =
        kind.kind === 'static'
          ? 'a static executable: there is no dynamic loader to preload into'
          : kind.kind === 'dynamic'
            ? 'LD_PRELOAD did not reach it (its environment was cleared, or it runs setuid)'
            : `not a program the interposer can enter (${kind.reason})`;
      const process = input.describe(exec.pid);
      byExe.set(exec.exePath, {
        id: findingId(risk.id, exec.exePath),
        ruleId: risk.id,
        kind: 'risk',
        severity: risk.severity,
        title: risk.title,
        message: `${exec.exePath} is ${why}; its libc calls were not checked`,
        cwe: [...risk.cwe],
        tags: [...risk.tags],
        evidence: {
          ...(process !== undefined && { process }),
          details: { executable: exec.exePath, kind: kind.kind },
        },
        count: 1,
        firstTs: exec.ts,
        lastTs: exec.ts,
        fingerprint: fingerprint({ kind: 'risk', ruleId: risk.id, exePath: exec.exePath }, input.repoRoot),
      });
    }
    return [...byExe.values()];
  }

  /** Hits per site over every process: its COUNTS, or 1 for a report its process never counted again. */
  private siteTotals(): Map<string, number> {
    const totals = new Map<string, number>();
    const add = (site: string, n: number): void => void totals.set(site, (totals.get(site) ?? 0) + n);
    const reported = new Set<string>();
    for (const p of this.pending) {
      const key = this.siteKey(p.image, p.record.pid, p.record.callSite, p.record.riskClass);
      reported.add(key);
      add(this.pendingSite(p), this.hits.get(key)?.hits ?? 1);
    }
    for (const [key, c] of this.hits) {
      if (reported.has(key)) continue;
      add(c.site ?? siteOf(this.locateAddress(c.pid, 0, c.callSite), key, c.riskClass), c.hits);
    }
    return totals;
  }

  private pendingSite(p: PendingRisk): string {
    const key = this.siteKey(p.image, p.record.pid, p.record.callSite, p.record.riskClass);
    return siteOf(p.located[0], key, p.record.riskClass);
  }

  /**
   * The process as it was when it made the call. State describes each pid as it ended up, but a
   * forked child that calls before its exec (a shell preparing a command) was still its parent's
   * program: such a call is the parent executable's, not the one the child went on to run.
   */
  private callerProcess(p: PendingRisk, input: LibcFindingsInput): ProcessEvidence | undefined {
    const final = input.describe(p.record.pid);
    if (final === undefined || p.image !== 0) return final;
    let ancestor = this.parentOf.get(p.record.pid);
    for (let hops = 0; ancestor !== undefined && hops < 64; hops++) {
      const image = this.imageOf.get(ancestor);
      const executable = image === undefined ? undefined : this.executableOf.get(image);
      if (executable !== undefined) {
        if (realPath(final.exePath) === executable) return final;
        const parent = input.describe(ancestor);
        return { ...final, exePath: parent?.exePath ?? executable, args: parent?.args ?? [] };
      }
      ancestor = this.parentOf.get(ancestor);
    }
    return final;
  }

  private image(pid: number): number {
    return this.imageOf.get(pid) ?? 0;
  }

  private siteKey(image: number, pid: number, callSite: bigint, riskClass: number): string {
    return `${image}:${pid}:${callSite}:${riskClass}`;
  }

  /** Frames located in the reporting process's map, or in an ancestor's for a forked child. */
  private locate(r: RiskRecord): Array<ModuleLocation | undefined> {
    const owner = this.mapOwner(r.pid, r.generation, r.frames[0] ?? r.callSite);
    if (owner === undefined) return r.frames.map(() => undefined);
    return r.frames.map((a) => this.maps.resolve(owner, r.generation, a));
  }

  private locateAddress(pid: number, generation: number, address: bigint): ModuleLocation | undefined {
    const owner = this.mapOwner(pid, generation, address);
    return owner === undefined ? undefined : this.maps.resolve(owner, generation, address);
  }

  /** The process (this one or an ancestor) whose module map covers `address`. */
  private mapOwner(pid: number, generation: number, address: bigint): number | undefined {
    let p: number | undefined = pid;
    for (let depth = 0; p !== undefined && p > 1 && depth < MAX_ANCESTORS; depth++) {
      if (this.maps.resolve(p, generation, address) !== undefined) return p;
      p = this.parentOf.get(p) ?? procParent(p);
    }
    return undefined;
  }
}

/** A call site's identity across processes: module and offset (ASLR moves the address), else the process's own key. */
function siteOf(where: ModuleLocation | undefined, fallback: string, riskClass: number): string {
  return where === undefined ? fallback : `${where.path}:${where.fileOffset}:${riskClass}`;
}

/** The frames a finding keeps: the program's, without the interposer and libc's start-up code. */
function findingFrames(frames: readonly LibcFrame[], interposerPath: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const f of frames) {
    if (f.module === interposerPath) continue;
    if (f.function !== undefined && STARTUP_FUNCTIONS.has(f.function)) break;
    const base = { address: f.address, inApp: false };
    const at = {
      ...(f.module !== undefined && { module: f.module }),
      ...(f.offset !== undefined && { offset: f.offset }),
    };
    out.push({ ...base, ...at, ...position(f) });
    // Inlined callers live at the same address: one frame each, so the stack reads as the source does.
    for (const inl of f.inlinedInto) out.push({ ...base, ...at, ...position(inl) });
    if (f.function === 'main') break;
  }
  return out;
}

function position(p: { function: string | undefined; file: string | undefined; line: number | undefined }): {
  function?: string;
  file?: string;
  line?: number;
} {
  return {
    ...(p.function !== undefined && { function: p.function }),
    ...(p.file !== undefined && { file: p.file }),
    ...(p.line !== undefined && { line: p.line }),
  };
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function procParent(pid: number): number | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.ppid;
  } catch {
    return undefined;
  }
}
