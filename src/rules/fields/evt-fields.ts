/**
 * evt.*: the event itself. Harrier merges a syscall's enter and exit into one event, so every
 * event is an exit (`evt.dir` is always `<`) carrying both the arguments and the result.
 */
import { hostname } from 'node:os';
import { eventContext } from '../../events/context.js';
import { type ArgValue, type Event, isFdRef } from '../../events/event.js';
import { errnoName } from '../../events/syscalls/errno.js';
import { argRaw, argText } from './arg-text.js';
import { OPENS } from './event-fd.js';
import { eventCategory } from './evt-category.js';
import { typeChar } from './fd-text.js';
import { type FieldSpec, UNRESOLVED, plain } from './spec.js';
import { dateTimeNs, dateTimeS, iso8601Ns, timeNs, timeS } from './time-format.js';
import type { EvalContext, Extractor, FieldValue } from './types.js';

const NS_PER_S = 1_000_000_000n;

/** Read once: the host name does not change under a running monitor in practice. */
let host: string | undefined;
const hostName = (): string => (host ??= hostname());

/** `SUCCESS` for a non-negative result, the errno name for a failure (Falco's evt.res). */
function res(ev: Event): string | undefined {
  const r = ev.res;
  if (r === undefined) return undefined;
  if (r >= 0) return 'SUCCESS';
  return ev.errno ?? errnoName(r) ?? String(r);
}

/** Does an open's flag argument (FlagSet, `A|B` string or names) include `name`? */
function openFlag(ev: Event, name: string): boolean {
  const f = ev.args.flags;
  if (f === undefined || f === null) return false;
  if (typeof f === 'string') return f.split('|').includes(name);
  if (Array.isArray(f)) return f.includes(name);
  if (typeof f === 'object' && 'names' in f) return f.names.includes(name);
  return false;
}

/** An open-family field; undefined for other event types, as in libsinsp. */
const onOpen =
  (read: (ev: Event) => boolean): Extractor =>
  (ctx) =>
    OPENS.has(ctx.event.type) ? read(ctx.event) : undefined;

const creates = (ev: Event): boolean => ev.type === 'creat' || openFlag(ev, 'O_CREAT') || openFlag(ev, 'O_TMPFILE');
const S_IXUGO = 0o111;

function mode(ev: Event): number | undefined {
  const m = ev.args.mode;
  return typeof m === 'number' ? m : undefined;
}

/**
 * An argument as text. Descriptors are shown as Falco shows them, `3(<f>/etc/passwd)`, from the
 * fd table, so the text is the same whether the sensor decorated the fd (strace) or not (eBPF).
 */
function argValueText(ctx: EvalContext, v: ArgValue | undefined): string | undefined {
  if (!isFdRef(v)) return argText(v);
  const info = v.fd < 0 ? undefined : ctx.state.fd(ctx.event.pid, v.fd);
  if (info === undefined || info.name === '') return String(v.fd);
  return `${v.fd}(<${typeChar(info.type)}>${info.name})`;
}

/**
 * `evt.arg.NAME`: the argument as text. A merged event also answers for the exit parameters
 * Falco has: `res`, and `fd` of a creating call (its result).
 */
function argByName(ctx: EvalContext, name: string): string | undefined {
  const ev = ctx.event;
  const v = ev.args[name];
  if (v !== undefined) return argValueText(ctx, v);
  if (name === 'res') return ev.res === undefined ? undefined : String(ev.res);
  if (name === 'fd' && OPENS.has(ev.type) && ev.res !== undefined) return String(ev.res);
  return undefined;
}

/** `evt.arg[N]`: arguments in the order the sensor named them. */
function argByIndex(ctx: EvalContext, index: number): string | undefined {
  let i = 0;
  for (const k in ctx.event.args) {
    if (i++ === index) return argValueText(ctx, ctx.event.args[k]);
  }
  return undefined;
}

function allArgs(ctx: EvalContext): string {
  const parts: string[] = [];
  const a = ctx.event.args;
  for (const k in a) {
    const t = argValueText(ctx, a[k]);
    if (t !== undefined) parts.push(`${k}=${t}`);
  }
  if (ctx.event.res !== undefined) parts.unshift(`res=${ctx.event.res}`);
  return parts.join(' ');
}

const IO_READ: ReadonlySet<string> = new Set(['read', 'pread64', 'readv', 'preadv', 'preadv2', 'recvfrom', 'recvmsg']);
const IO_WRITE: ReadonlySet<string> = new Set([
  'write',
  'pwrite64',
  'writev',
  'pwritev',
  'pwritev2',
  'sendto',
  'sendmsg',
]);
const isIo = (type: string): boolean => IO_READ.has(type) || IO_WRITE.has(type);

/** Calls whose path is relative to a directory descriptor: evt.abspath resolves it. */
const AT_CALLS: ReadonlySet<string> = new Set(['openat', 'openat2', 'unlinkat', 'mkdirat', 'fchmodat', 'fchownat']);
const AT_DUAL_CALLS: ReadonlySet<string> = new Set(['renameat', 'renameat2', 'linkat', 'symlinkat']);

function abspath(ctx: EvalContext, which: 'path' | 'path2'): string | undefined {
  const t = ctx.event.type;
  if (which === 'path' ? !AT_CALLS.has(t) : !AT_DUAL_CALLS.has(t)) return undefined;
  return eventContext(ctx.event, ctx.state)[which];
}

function abspathSrc(ctx: EvalContext): string | undefined {
  return AT_DUAL_CALLS.has(ctx.event.type) ? eventContext(ctx.event, ctx.state).path : undefined;
}

const isIndex = (s: string): boolean => /^\d+$/.test(s);

function argSpec(fieldName: string, raw: boolean): FieldSpec {
  return {
    name: fieldName,
    type: raw ? 'int' : 'string',
    arg: 'index-or-key',
    desc: raw
      ? 'Raw numeric value of an argument: evt.rawarg.NAME.'
      : 'An argument as text: evt.arg.NAME or evt.arg[N].',
    make(arg): Extractor {
      if (arg === undefined) return UNRESOLVED;
      if (raw) return (ctx): FieldValue => argRaw(ctx.event.args[arg]);
      if (isIndex(arg)) {
        const index = Number(arg);
        return (ctx) => argByIndex(ctx, index);
      }
      return (ctx) => argByName(ctx, arg);
    },
  };
}

export const EVT_FIELDS: readonly FieldSpec[] = [
  plain('evt.type', 'string', 'Event type: the syscall name (openat) or procexit/signal.', (ctx) => ctx.event.type),
  plain('evt.dir', 'string', "Direction: always '<' (Harrier merges enter and exit).", () => '<'),
  plain('evt.num', 'uint', 'Event number (unresolved in Harrier yet).', UNRESOLVED),
  plain('evt.time', 'string', 'Time of day with nanoseconds, UTC.', (ctx) => timeNs(ctx.event.ts)),
  plain('evt.time.s', 'string', 'Time of day, UTC.', (ctx) => timeS(ctx.event.ts)),
  plain('evt.time.iso8601', 'string', 'ISO 8601 timestamp with nanoseconds, UTC.', (ctx) => iso8601Ns(ctx.event.ts)),
  plain('evt.datetime', 'string', 'Date and time with nanoseconds, UTC.', (ctx) => dateTimeNs(ctx.event.ts)),
  plain('evt.datetime.s', 'string', 'Date and time, UTC.', (ctx) => dateTimeS(ctx.event.ts)),
  plain('evt.rawtime', 'abstime', 'Nanoseconds since the epoch.', (ctx) => ctx.event.ts),
  plain('evt.rawtime.s', 'abstime', 'Seconds since the epoch.', (ctx) => ctx.event.ts / NS_PER_S),
  plain('evt.rawtime.ns', 'abstime', 'Nanosecond part of the timestamp.', (ctx) => ctx.event.ts % NS_PER_S),
  plain('evt.res', 'string', "Result: 'SUCCESS' or the errno name.", (ctx) => res(ctx.event)),
  plain('evt.rawres', 'int', 'Result as a number (-errno on failure).', (ctx) => ctx.event.res),
  plain('evt.failed', 'bool', 'The call failed.', (ctx) => ctx.event.res !== undefined && ctx.event.res < 0),
  plain('evt.args', 'string', 'All arguments as NAME=value pairs.', allArgs),
  argSpec('evt.arg', false),
  argSpec('evt.rawarg', true),
  plain(
    'evt.is_open_read',
    'bool',
    'An open for reading.',
    onOpen((ev) => openFlag(ev, 'O_RDONLY') || openFlag(ev, 'O_RDWR')),
  ),
  plain(
    'evt.is_open_write',
    'bool',
    'An open for writing.',
    onOpen((ev) => ev.type === 'creat' || openFlag(ev, 'O_WRONLY') || openFlag(ev, 'O_RDWR')),
  ),
  plain('evt.is_open_create', 'bool', 'An open that may create the file.', onOpen(creates)),
  plain(
    'evt.is_open_exec',
    'bool',
    'An open creating a file with execute permission.',
    onOpen((ev) => creates(ev) && ((mode(ev) ?? 0) & S_IXUGO) !== 0),
  ),
  plain('evt.is_io', 'bool', 'A read or write of data.', (ctx) => isIo(ctx.event.type)),
  plain('evt.is_io_read', 'bool', 'A read of data.', (ctx) => IO_READ.has(ctx.event.type)),
  plain('evt.is_io_write', 'bool', 'A write of data.', (ctx) => IO_WRITE.has(ctx.event.type)),
  plain('evt.io_dir', 'string', "'r' for reads, 'w' for writes.", (ctx) =>
    IO_READ.has(ctx.event.type) ? 'r' : IO_WRITE.has(ctx.event.type) ? 'w' : undefined,
  ),
  plain('evt.buflen', 'uint', 'Bytes read or written.', (ctx) =>
    isIo(ctx.event.type) && ctx.event.res !== undefined && ctx.event.res >= 0 ? ctx.event.res : undefined,
  ),
  plain('evt.count', 'uint', 'Always 1 (for aggregations).', () => 1),
  plain('evt.info', 'string', 'The arguments as text (evt.args for syscalls).', allArgs),
  plain('evt.abspath', 'string', 'Absolute path of a *at call (openat, unlinkat, mkdirat, …).', (ctx) =>
    abspath(ctx, 'path'),
  ),
  plain('evt.abspath.src', 'string', 'Absolute source path of renameat/linkat/symlinkat.', abspathSrc),
  plain('evt.abspath.dst', 'string', 'Absolute target path of renameat/linkat/symlinkat.', (ctx) =>
    abspath(ctx, 'path2'),
  ),
  plain('evt.latency', 'reltime', 'Time spent in the call (unresolved in Harrier yet).', UNRESOLVED),
  plain('evt.category', 'string', 'Event category (file, net, process, …).', (ctx) => eventCategory(ctx.event.type)),
  plain('evt.source', 'string', "Event source: 'syscall'.", () => 'syscall'),
  plain('evt.hostname', 'string', 'Host name.', hostName),
  plain('evt.pluginname', 'string', 'Plugin that produced the event (none: syscalls).', UNRESOLVED),
  plain('evt.cpu', 'int', 'CPU number (unresolved in Harrier yet).', UNRESOLVED),
];
