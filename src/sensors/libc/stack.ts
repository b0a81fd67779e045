/**
 * A RISK record's frames as source positions, and the one-line form reports show:
 * `strcpy ← parse_header (src/http.c:42) ← main (src/main.c:10)`.
 */
import { basename, isAbsolute, relative } from 'node:path';
import type { ModuleLocation, ModuleMaps } from './modules.js';
import type { RiskRecord } from './protocol.js';
import type { Symboliser, SymbolRequest } from './symbols/symbolise.js';

export interface StackFrame {
  /** Absolute address in the reporting process, `0x…`. */
  address: string;
  /** The mapped file, when the address lies in a known module. */
  module: string | undefined;
  /** Offset in that file, `0x…`. */
  offset: string | undefined;
  function: string | undefined;
  file: string | undefined;
  line: number | undefined;
  /** The frame's code was inlined into these functions (innermost first), all in this frame. */
  inlinedInto: { function: string | undefined; file: string | undefined; line: number | undefined }[];
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The record's frames, innermost first (frame 0 is the call site), symbolised where possible. */
export async function symboliseRisk(
  record: RiskRecord,
  maps: ModuleMaps,
  symboliser: Symboliser,
): Promise<StackFrame[]> {
  const located = record.frames.map((address) => maps.resolve(record.pid, record.generation, address));
  const [frames] = await symboliseLocated([{ frames: record.frames, located }], symboliser);
  return frames ?? [];
}

/** Frames already placed in their modules (`located[i]` for `frames[i]`, undefined when unknown). */
export interface LocatedStack {
  frames: readonly bigint[];
  located: ReadonlyArray<ModuleLocation | undefined>;
}

/**
 * Symbolises many stacks at once: one batch for the symboliser, so each module is read (and
 * addr2line started) once for all of them.
 */
export async function symboliseLocated(
  stacks: readonly LocatedStack[],
  symboliser: Symboliser,
): Promise<StackFrame[][]> {
  const requests: SymbolRequest[] = [];
  for (const st of stacks) {
    for (const l of st.located) {
      if (l !== undefined) requests.push({ module: l.path, fileOffset: l.fileOffset, returnAddress: true });
    }
  }
  const symbols = await symboliser.symbolise(requests);
  let next = 0;
  return stacks.map((st) =>
    st.frames.map((address, i) => {
      const where = st.located[i];
      const base = { address: hex(address), inlinedInto: [] };
      if (where === undefined) {
        return { ...base, module: undefined, offset: undefined, function: undefined, file: undefined, line: undefined };
      }
      const sym = symbols[next++];
      return {
        ...base,
        module: where.path,
        offset: hex(where.fileOffset),
        function: sym?.function,
        file: sym?.file,
        line: sym?.line,
        inlinedInto: sym?.inlinedInto ?? [],
      };
    }),
  );
}

/** libc's and the loader's own frames around main and thread entry points: not the program's. */
export const STARTUP_FUNCTIONS: ReadonlySet<string> = new Set([
  '_start',
  '__libc_start_main',
  '__libc_start_main_impl',
  '__libc_start_call_main',
  'start_thread',
  'clone',
  'clone3',
]);
const INTERPOSER = 'libharrier_preload.so';
const RUNTIME_MODULE = /^(libc\.so|libc-|ld-linux|ld-musl|libpthread)/;

export interface RenderOptions {
  /** Shown files are made relative to this directory when they lie inside it. */
  sourceRoot?: string;
  /** The interposer's path, when it is not named libharrier_preload.so. */
  interposerPath?: string;
}

/** `strcpy ← parse_header (src/http.c:42) ← main (src/main.c:10)`. */
export function renderStack(libcFunction: string, frames: readonly StackFrame[], opts: RenderOptions = {}): string {
  const isInterposer = (f: StackFrame): boolean =>
    f.module !== undefined && (f.module === opts.interposerPath || basename(f.module) === INTERPOSER);
  let shown = frames.filter((f) => !isInterposer(f) && !STARTUP_FUNCTIONS.has(f.function ?? ''));
  const main = shown.findIndex((f) => f.function === 'main');
  if (main >= 0) shown = shown.slice(0, main + 1);
  // Unnamed frames in libc or the loader beyond the program's last frame are start-up code.
  while (shown.length > 1) {
    const last = shown[shown.length - 1];
    if (last === undefined || last.function !== undefined || !RUNTIME_MODULE.test(basename(last.module ?? ''))) break;
    shown = shown.slice(0, -1);
  }
  const parts = [libcFunction];
  for (const f of shown) {
    for (const p of [{ function: f.function, file: f.file, line: f.line }, ...f.inlinedInto]) {
      parts.push(renderPosition(p, f, opts));
    }
  }
  return parts.join(' ← ');
}

function renderPosition(
  p: { function: string | undefined; file: string | undefined; line: number | undefined },
  frame: StackFrame,
  opts: RenderOptions,
): string {
  const where =
    p.file === undefined
      ? undefined
      : `${displayFile(p.file, opts.sourceRoot)}${p.line === undefined ? '' : `:${p.line}`}`;
  if (p.function !== undefined) return where === undefined ? p.function : `${p.function} (${where})`;
  if (where !== undefined) return where;
  return frame.module === undefined ? frame.address : `${basename(frame.module)}+${frame.offset ?? '?'}`;
}

function displayFile(file: string, root: string | undefined): string {
  if (root === undefined || !isAbsolute(file)) return file;
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
