/**
 * The client and server ends of a socket descriptor. The state records local/remote and which
 * role this process plays; Falco's fields ask for client/server, so the two are mapped here.
 */
import type { SockAddr } from '../../events/event.js';
import type { FdInfo } from '../../events/state/types.js';

type Inet = Extract<SockAddr, { family: 'inet' | 'inet6' }>;

const inet = (a: SockAddr | undefined): Inet | undefined =>
  a !== undefined && (a.family === 'inet' || a.family === 'inet6') ? a : undefined;

export const isInet = (info: FdInfo): boolean => info.type === 'ipv4' || info.type === 'ipv6';

/** This process is the server end: it accepted the connection or listens on the socket. */
export const isServer = (info: FdInfo): boolean => info.role === 'server' || info.listening === true;

export const localEnd = (info: FdInfo): Inet | undefined => inet(info.local);
export const remoteEnd = (info: FdInfo): Inet | undefined => inet(info.remote);
export const serverEnd = (info: FdInfo): Inet | undefined => (isServer(info) ? inet(info.local) : inet(info.remote));
export const clientEnd = (info: FdInfo): Inet | undefined => (isServer(info) ? inet(info.remote) : inet(info.local));
