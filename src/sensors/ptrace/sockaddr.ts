/**
 * Socket addresses as strace decodes them, for example
 * `{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}`,
 * `{sa_family=AF_INET6, sin6_port=htons(9), inet_pton(AF_INET6, "::1", &sin6_addr), ...}` and
 * `{sa_family=AF_UNIX, sun_path=@"abstract"}`.
 */
import type { SockAddr } from '../../events/event.js';
import { field, rawText, settled, type Value } from './value-parser.js';

/** The first string among a call's arguments: the address in `inet_addr("…")`/`inet_pton(…)`. */
function callString(v: Value | undefined): string | undefined {
  if (v === null || typeof v !== 'object' || v.k !== 'call') return undefined;
  for (const a of v.args) if (a !== null && typeof a === 'object' && a.k === 'str') return a.v;
  return undefined;
}

/** `htons(9)` or a bare number. */
function port(v: Value | undefined): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && v.k === 'call') {
    const a = v.args[0];
    if (typeof a === 'number') return a;
  }
  return 0;
}

/** strace prints the IPv6 address positionally: `inet_pton(AF_INET6, "::1", &sin6_addr)`. */
function positionalCall(items: readonly Value[], fn: string): Value | undefined {
  for (const it of items) if (it !== null && typeof it === 'object' && it.k === 'call' && it.fn === fn) return it;
  return undefined;
}

/**
 * Converts a decoded sockaddr; `null` for NULL, undefined when `v` is absent. Addresses strace
 * could not decode keep their raw text under family `other`.
 */
export function toSockAddr(value: Value | undefined): SockAddr | null | undefined {
  const v = settled(value);
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'object' || v.k !== 'struct') return { family: 'other', raw: rawText(v) };
  const fam = field(v.items, 'sa_family');
  const family = fam !== null && typeof fam === 'object' && fam.k === 'sym' ? fam.v : String(fam);
  switch (family) {
    case 'AF_INET': {
      const ip = callString(field(v.items, 'sin_addr'));
      if (ip === undefined) break;
      return { family: 'inet', ip, port: port(field(v.items, 'sin_port')) };
    }
    case 'AF_INET6': {
      const ip = callString(field(v.items, 'sin6_addr') ?? positionalCall(v.items, 'inet_pton'));
      if (ip === undefined) break;
      return { family: 'inet6', ip, port: port(field(v.items, 'sin6_port')) };
    }
    case 'AF_UNIX':
    case 'AF_LOCAL': {
      const p = field(v.items, 'sun_path');
      if (p === undefined) return { family: 'unix', path: '' };
      if (p !== null && typeof p === 'object' && p.k === 'str') {
        return p.abstract ? { family: 'unix', path: p.v, abstract: true } : { family: 'unix', path: p.v };
      }
      break;
    }
    case 'AF_NETLINK':
      return { family: 'netlink', raw: v.raw };
    case 'AF_PACKET':
      return { family: 'packet', raw: v.raw };
  }
  return { family: 'other', raw: v.raw };
}
