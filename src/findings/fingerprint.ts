/**
 * Content fingerprints: the same risk in the same code gives the same value on every build, so
 * a baseline comparison says "unchanged" when code above it moved and "new" only when behaviour
 * is new. Only content goes in — the rule or risk id, the sink, the innermost app frames'
 * function names and repository-relative files, the executable, the place a rule alert concerns —
 * never line numbers, addresses, pids, timestamps or temporary paths.
 *
 * Versioned (`harrier-fp/1` is hashed in): changing what goes in changes every fingerprint, which
 * makes every finding "new" once; bump the version when that is intended.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { FindingKind, StackFrame } from './finding.js';
import { normalizeComponents, normalizeExecutable, normalizePlace, repoRelative } from './normalize.js';

export const FINGERPRINT_VERSION = 'harrier-fp/1';

/**
 * How many app frames (innermost first, recursion collapsed) identify a risk's place: the
 * function that makes the risky call and two callers. One frame would merge a shared helper's
 * callers (a `copy_name` wrapper called from two parsers with different bounds); all frames would
 * turn a refactor of `main` into a new finding for every risk below it.
 */
export const APP_FRAMES_IN_FINGERPRINT = 3;

/** Third-party code inside the repository: vendored, not the project's own. */
const THIRD_PARTY_DIRS = new Set(['node_modules', 'vendor', 'third_party', 'third-party', 'external']);

export interface FingerprintContent {
  kind: FindingKind;
  /** The rule name or the risk's id. */
  ruleId: string;
  /** The libc function (or other sink) a risk was detected at. */
  sink?: string;
  /** The stack, innermost first; only `inApp` frames count (see classifyFrames). */
  stack?: readonly StackFrame[];
  /** The process's executable, as observed (absolute). */
  exePath?: string;
  /** The file or endpoint a rule alert concerns (`fd.name`), as observed. */
  place?: string;
}

/**
 * Frames with `inApp` set: the frame's source file (or, without debug information, its module)
 * lies inside the repository and not under a vendored directory.
 */
export function classifyFrames(frames: readonly StackFrame[], repoRoot: string | undefined): StackFrame[] {
  return frames.map((f) => ({ ...f, inApp: isAppPath(f.file ?? f.module, repoRoot) }));
}

function isAppPath(path: string | undefined, repoRoot: string | undefined): boolean {
  if (path === undefined || path === '') return false;
  const rel = repoRelative(path, repoRoot);
  if (rel === undefined) return false;
  return !rel.split('/').some((c) => THIRD_PARTY_DIRS.has(c));
}

/** The parts of the content that are hashed, in order; exported so tests and reports can show why two differ. */
export function fingerprintBasis(content: FingerprintContent, repoRoot: string | undefined): string[] {
  const frames = appFrameKeys(content.stack ?? [], repoRoot);
  return [
    FINGERPRINT_VERSION,
    content.kind,
    content.ruleId,
    content.sink ?? '',
    content.exePath === undefined ? '' : normalizeExecutable(content.exePath, repoRoot),
    content.place === undefined ? '' : normalizePlace(content.place, repoRoot),
    ...frames,
  ];
}

/** Hex SHA-256 of the content's normalised basis. */
export function fingerprint(content: FingerprintContent, repoRoot: string | undefined): string {
  // JSON of the array keeps the parts unambiguous whatever characters they contain.
  return createHash('sha256')
    .update(JSON.stringify(fingerprintBasis(content, repoRoot)))
    .digest('hex');
}

/** `function@file` for the innermost app frames, consecutive repeats (recursion) collapsed. */
function appFrameKeys(stack: readonly StackFrame[], repoRoot: string | undefined): string[] {
  const keys: string[] = [];
  for (const f of stack) {
    if (!f.inApp) continue;
    const key = `${f.function ?? '?'}@${frameFile(f, repoRoot)}`;
    if (keys[keys.length - 1] === key) continue;
    keys.push(key);
    if (keys.length === APP_FRAMES_IN_FINGERPRINT) break;
  }
  if (keys.length > 0 || stack.length === 0) return keys;
  // No frame of the project's own (a risk inside a system program or library): the call site
  // itself tells two sites apart, by function name, or by module offset when there are no
  // symbols — the same binary gives the same offset, and a new build of it is a new finding.
  const site = stack[0] as StackFrame;
  const module = site.module === undefined ? '?' : basename(site.module);
  return [`lib:${site.function ?? site.offset ?? site.address}@${module}`];
}

function frameFile(f: StackFrame, repoRoot: string | undefined): string {
  const path = f.file ?? f.module;
  if (path === undefined) return '';
  const rel = repoRelative(path, repoRoot);
  return rel === undefined ? normalizeExecutable(path, repoRoot) : normalizeComponents(rel);
}

/** A short id unique within a run, derived from the aggregation key (`libc.gets:3f0c…`). */
export function findingId(prefix: string, key: string): string {
  return `${prefix}:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
