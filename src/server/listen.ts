/** `--listen HOST:PORT`: parsing, and whether the address only this host can reach. */
import { isIPv6 } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:7777';

/** Parses `HOST:PORT`, `[IPV6]:PORT` or `:PORT` (all interfaces); throws a RangeError saying what is wrong. */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  if (m === null) throw new RangeError(`--listen ${JSON.stringify(text)} is not HOST:PORT (e.g. 127.0.0.1:7777)`);
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]);
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) throw new RangeError(`--listen port ${m[3] ?? ''} is not 0–65535`);
  if (m[1] !== undefined && !isIPv6(m[1])) throw new RangeError(`--listen [${m[1]}] is not an IPv6 address`);
  return { host, port };
}

/** True when only processes on this host can connect. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
