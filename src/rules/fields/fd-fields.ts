/**
 * fd.*: the descriptor the event concerns (see event-fd.ts), its name, type and, for sockets,
 * the client/server/local/remote endpoints.
 */
import type { FdInfo } from '../../events/state/types.js';
import { eventContext } from '../../events/context.js';
import { argText } from './arg-text.js';
import { clientEnd, isInet, isServer, localEnd, remoteEnd, serverEnd } from './endpoints.js';
import { OPENS, eventFd, eventFdNumber, isCreator } from './event-fd.js';
import { dirOf, fdDirectory, fdFilename, typeChar, typeName } from './fd-text.js';
import { type FieldSpec, UNRESOLVED, plain } from './spec.js';
import type { EvalContext, Extractor, FieldValue } from './types.js';

/** A field of the event's descriptor; undefined when there is none in the table. */
const ofFd =
  (read: (info: FdInfo) => FieldValue): Extractor =>
  (ctx) => {
    const info = eventFd(ctx);
    return info === undefined ? undefined : read(info);
  };

/**
 * The name a failed (or table-less) open still has: the path it asked for, resolved as the
 * state resolves it. libsinsp names such events from their arguments the same way.
 */
function openedPath(ctx: EvalContext): string | undefined {
  return OPENS.has(ctx.event.type) ? eventContext(ctx.event, ctx.state).path : undefined;
}

function fdName(ctx: EvalContext): string | undefined {
  const info = eventFd(ctx);
  if (info !== undefined) return info.name === '' ? undefined : info.name;
  return openedPath(ctx);
}

function fdDir(ctx: EvalContext): string | undefined {
  const info = eventFd(ctx);
  if (info !== undefined) return fdDirectory(info);
  const path = openedPath(ctx);
  return path === undefined ? undefined : dirOf(path);
}

/** A failed creating call has no descriptor, but libsinsp still types it from the call. */
const FAILED_TYPECHAR: Record<string, string> = {
  open: 'f',
  openat: 'f',
  openat2: 'f',
  creat: 'f',
  socket: '4',
  accept: '4',
  accept4: '4',
  eventfd: 'e',
  eventfd2: 'e',
  signalfd: 's',
  signalfd4: 's',
  timerfd_create: 't',
  inotify_init: 'i',
  inotify_init1: 'i',
};

function fdTypechar(ctx: EvalContext): string | undefined {
  const info = eventFd(ctx);
  if (info !== undefined) return typeChar(info.type);
  return isCreator(ctx.event.type) ? (FAILED_TYPECHAR[ctx.event.type] ?? 'o') : undefined;
}

/** The raw path an open asked for (fd.nameraw): not made absolute. */
function fdNameRaw(ctx: EvalContext): string | undefined {
  if (OPENS.has(ctx.event.type)) {
    const a = ctx.event.args;
    return argText(a.name ?? a.filename ?? a.pathname);
  }
  return fdName(ctx);
}

const ip = (end: (i: FdInfo) => { ip: string } | undefined) => ofFd((i) => end(i)?.ip);
const port = (end: (i: FdInfo) => { port: number } | undefined) => ofFd((i) => end(i)?.port);

/** Filter-only "either end" fields: both values, compared as "any of them". */
function both<T extends string | number>(read: (i: FdInfo) => [T | undefined, T | undefined]): Extractor {
  return ofFd((i) => {
    const [a, b] = read(i);
    const out: T[] = [];
    if (a !== undefined) out.push(a);
    if (b !== undefined && b !== a) out.push(b);
    return out.length === 0 ? undefined : out;
  });
}

const sockfamily = (i: FdInfo): string | undefined => (isInet(i) ? 'ip' : i.type === 'unix' ? 'unix' : undefined);

export const FD_FIELDS: readonly FieldSpec[] = [
  plain('fd.num', 'int', 'Descriptor number (the result of a creating call; -1 when it failed).', (ctx) =>
    eventFdNumber(ctx.event),
  ),
  plain('fd.type', 'string', "Descriptor type: 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', …", (ctx) => {
    const info = eventFd(ctx);
    if (info !== undefined) return typeName(info.type);
    return OPENS.has(ctx.event.type) ? 'file' : undefined;
  }),
  plain('fd.typechar', 'string', 'Type as one character: f d 4 6 u p e s l i t m n o.', fdTypechar),
  plain('fd.name', 'string', 'Full path, or the connection tuple client->server for sockets.', fdName),
  plain('fd.nameraw', 'string', 'The path as the program gave it, for opens.', fdNameRaw),
  plain('fd.directory', 'string', 'Directory of a file descriptor.', fdDir),
  plain('fd.filename', 'string', 'File name without its directory.', (ctx) => {
    const info = eventFd(ctx);
    if (info !== undefined) return fdFilename(info);
    return undefined;
  }),
  plain('fd.cip', 'ipaddr', 'Client IP address.', ip(clientEnd)),
  plain('fd.sip', 'ipaddr', 'Server IP address.', ip(serverEnd)),
  plain('fd.lip', 'ipaddr', 'Local IP address.', ip(localEnd)),
  plain('fd.rip', 'ipaddr', 'Remote IP address.', ip(remoteEnd)),
  plain('fd.cport', 'port', 'Client port.', port(clientEnd)),
  plain('fd.sport', 'port', 'Server port.', port(serverEnd)),
  plain('fd.lport', 'port', 'Local port.', port(localEnd)),
  plain('fd.rport', 'port', 'Remote port.', port(remoteEnd)),
  plain(
    'fd.ip',
    'ipaddr',
    'Client or server IP (filter only).',
    both((i) => [clientEnd(i)?.ip, serverEnd(i)?.ip]),
  ),
  plain(
    'fd.port',
    'port',
    'Client or server port (filter only).',
    both((i) => [clientEnd(i)?.port, serverEnd(i)?.port]),
  ),
  plain(
    'fd.net',
    'ipnet',
    'Client or server IP, matched against a network (filter only).',
    both((i) => [clientEnd(i)?.ip, serverEnd(i)?.ip]),
  ),
  plain('fd.cnet', 'ipnet', 'Client IP, matched against a network (filter only).', ip(clientEnd)),
  plain('fd.snet', 'ipnet', 'Server IP, matched against a network (filter only).', ip(serverEnd)),
  plain('fd.lnet', 'ipnet', 'Local IP, matched against a network (filter only).', ip(localEnd)),
  plain('fd.rnet', 'ipnet', 'Remote IP, matched against a network (filter only).', ip(remoteEnd)),
  plain(
    'fd.l4proto',
    'string',
    "IP protocol: 'tcp', 'udp', 'icmp' or 'raw'.",
    ofFd((i) => i.l4proto),
  ),
  plain('fd.sockfamily', 'string', "Socket family: 'ip' or 'unix'.", ofFd(sockfamily)),
  plain(
    'fd.is_server',
    'bool',
    'This process is the server end.',
    ofFd((i) => (sockfamily(i) === undefined ? undefined : isServer(i))),
  ),
  plain(
    'fd.connected',
    'bool',
    'The socket is connected.',
    ofFd((i) => (sockfamily(i) === undefined ? undefined : i.remote !== undefined)),
  ),
  // UDP sockets renamed by sendto are not tracked yet: the name never changes mid-event.
  plain(
    'fd.name_changed',
    'bool',
    'The event changed the descriptor name.',
    ofFd(() => false),
  ),
  plain('fd.uid', 'string', 'Descriptor number chained with the thread id.', (ctx) => {
    const n = eventFdNumber(ctx.event);
    return n === undefined || n < 0 ? undefined : `${ctx.event.tid}${n}`;
  }),
  plain('fd.containername', 'string', 'container.id:fd.name.', (ctx) => {
    const n = fdName(ctx);
    return n === undefined ? undefined : `host:${n}`;
  }),
  plain('fd.containerdirectory', 'string', 'container.id:fd.directory.', (ctx) => {
    const d = fdDir(ctx);
    return d === undefined ? undefined : `host:${d}`;
  }),
  {
    name: 'fd.types',
    type: 'string',
    isList: true,
    arg: 'index',
    desc: 'Types of the open descriptors; fd.types[N] is the type of descriptor N.',
    make(arg) {
      if (arg !== undefined) {
        const n = Number(arg);
        return (ctx) => {
          const t = ctx.state.fd(ctx.event.pid, n)?.type;
          const name = t === undefined ? undefined : typeName(t);
          return name === undefined ? undefined : [name];
        };
      }
      return (ctx) => {
        const p = ctx.state.process(ctx.event.pid);
        if (p === undefined) return undefined;
        const out: string[] = [];
        for (const f of p.fds.values()) {
          const name = typeName(f.type);
          if (name !== undefined && !out.includes(name)) out.push(name);
        }
        return out;
      };
    },
  },
  // Reverse DNS, devices and inodes are not collected.
  plain('fd.cip.name', 'string', 'Domain name of the client IP (unresolved in Harrier yet).', UNRESOLVED),
  plain('fd.sip.name', 'string', 'Domain name of the server IP (unresolved in Harrier yet).', UNRESOLVED),
  plain('fd.lip.name', 'string', 'Domain name of the local IP (unresolved in Harrier yet).', UNRESOLVED),
  plain('fd.rip.name', 'string', 'Domain name of the remote IP (unresolved in Harrier yet).', UNRESOLVED),
  plain('fd.dev', 'int', 'Device number (unresolved in Harrier yet).', UNRESOLVED),
  plain('fd.ino', 'int', 'Inode number (unresolved in Harrier yet).', UNRESOLVED),
];
