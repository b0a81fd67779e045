/**
 * fs.path.*: the path(s) a filesystem call works on. Single-path calls (open, mkdir, unlink,
 * chmod, …) have a name; two-path calls (rename, link, symlink) have a source and a target.
 * Resolved values come from eventContext so every consumer agrees; `*raw` is the argument as
 * the program gave it.
 */
import { eventContext } from '../../events/context.js';
import type { ArgValue } from '../../events/event.js';
import { type FieldSpec, plain } from './spec.js';
import type { EvalContext } from './types.js';

/** Calls with one path, and the argument holding it as given. */
const SINGLE: ReadonlyMap<string, readonly string[]> = new Map([
  ['open', ['name']],
  ['openat', ['name']],
  ['openat2', ['name']],
  ['creat', ['name']],
  ['mkdir', ['path']],
  ['mkdirat', ['path']],
  ['rmdir', ['path']],
  ['unlink', ['path']],
  ['unlinkat', ['path', 'name']],
  ['chmod', ['path', 'filename']],
  ['fchmodat', ['path', 'filename']],
  ['chown', ['path']],
  ['lchown', ['path']],
  ['fchownat', ['path', 'pathname']],
  ['truncate', ['path']],
]);

/** Calls with two paths: [source argument, target argument]. */
const DUAL: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['rename', ['oldpath', 'newpath']],
  ['renameat', ['oldpath', 'newpath']],
  ['renameat2', ['oldpath', 'newpath']],
  ['link', ['oldpath', 'newpath']],
  ['linkat', ['oldpath', 'newpath']],
  // symlink's source is the link's content, kept verbatim (eventContext does not resolve it).
  ['symlink', ['target', 'linkpath']],
  ['symlinkat', ['target', 'linkpath']],
]);

const str = (v: ArgValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function rawOf(ctx: EvalContext, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = str(ctx.event.args[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function name(ctx: EvalContext): string | undefined {
  return SINGLE.has(ctx.event.type) ? eventContext(ctx.event, ctx.state).path : undefined;
}

function nameRaw(ctx: EvalContext): string | undefined {
  const names = SINGLE.get(ctx.event.type);
  return names === undefined ? undefined : rawOf(ctx, names);
}

function source(ctx: EvalContext): string | undefined {
  return DUAL.has(ctx.event.type) ? eventContext(ctx.event, ctx.state).path : undefined;
}

function target(ctx: EvalContext): string | undefined {
  return DUAL.has(ctx.event.type) ? eventContext(ctx.event, ctx.state).path2 : undefined;
}

function dualRaw(ctx: EvalContext, i: 0 | 1): string | undefined {
  const pair = DUAL.get(ctx.event.type);
  return pair === undefined ? undefined : str(ctx.event.args[pair[i]]);
}

export const FSPATH_FIELDS: readonly FieldSpec[] = [
  plain('fs.path.name', 'string', 'Path a single-path filesystem call works on, made absolute.', name),
  plain('fs.path.nameraw', 'string', 'That path as the program gave it.', nameRaw),
  plain('fs.path.source', 'string', 'Source path of a rename/link/symlink, made absolute.', source),
  plain('fs.path.sourceraw', 'string', 'Source path as the program gave it.', (ctx) => dualRaw(ctx, 0)),
  plain('fs.path.target', 'string', 'Target path of a rename/link/symlink, made absolute.', target),
  plain('fs.path.targetraw', 'string', 'Target path as the program gave it.', (ctx) => dualRaw(ctx, 1)),
];
