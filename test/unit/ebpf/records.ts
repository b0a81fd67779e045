/**
 * Builds probe records byte by byte, straight from native/probe/PROTOCOL.md (not from the
 * decoder's own offset table), so the tests check the decoder against the document.
 */

export interface Item {
  kind: number;
  flags?: number;
  data: Buffer;
}

function header(b: Buffer, type: number, len: number, ts: bigint, version = 1): void {
  b.writeUInt16LE(type, 0);
  b.writeUInt16LE(version, 2);
  b.writeUInt32LE(len, 4);
  b.writeBigUInt64LE(ts, 8);
}

function task(b: Buffer, t: { pid: number; tid?: number; ppid?: number; uid?: number; gid?: number }): void {
  b.writeUInt32LE(t.pid, 16);
  b.writeUInt32LE(t.tid ?? t.pid, 20);
  b.writeUInt32LE(t.ppid ?? 1, 24);
  b.writeUInt32LE(t.uid ?? 0, 28);
  b.writeUInt32LE(t.gid ?? 0, 32);
}

export function hello(bootToEpochNs: bigint, ts = 1n): Buffer {
  const b = Buffer.alloc(48);
  header(b, 16, 48, ts);
  b.writeBigInt64LE(bootToEpochNs, 16);
  b.writeUInt32LE(1, 24); // run
  b.writeUInt32LE(4242, 28);
  b.writeUInt32LE(2, 32);
  b.writeUInt32LE(32 << 20, 36);
  b.writeUInt32LE(62, 40);
  return b;
}

export interface SyscallSpec {
  ts?: bigint;
  pid: number;
  tid?: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  nr: number;
  flags?: number;
  ret?: bigint;
  args?: Array<bigint | number>;
  comm?: string;
  items?: Item[];
  version?: number;
}

export function syscall(s: SyscallSpec): Buffer {
  const items = s.items ?? [];
  const len = 120 + items.reduce((n, it) => n + 4 + it.data.length, 0);
  const b = Buffer.alloc(len);
  header(b, 1, len, s.ts ?? 1000n, s.version ?? 1);
  task(b, s);
  b.writeUInt16LE(s.nr, 36);
  b.writeUInt16LE(s.flags ?? 0, 38);
  b.writeBigInt64LE(s.ret ?? 0n, 40);
  (s.args ?? []).forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 48 + i * 8));
  b.write(s.comm ?? 'test', 96, 16, 'utf8');
  b.writeUInt16LE(items.length, 112);
  let p = 120;
  for (const it of items) {
    b.writeUInt8(it.kind, p);
    b.writeUInt8(it.flags ?? 0, p + 1);
    b.writeUInt16LE(it.data.length, p + 2);
    it.data.copy(b, p + 4);
    p += 4 + it.data.length;
  }
  return b;
}

export function procexit(pid: number, exitCode: number, ts = 5000n): Buffer {
  const b = Buffer.alloc(56);
  header(b, 2, 56, ts);
  task(b, { pid });
  b.writeUInt32LE(exitCode, 36);
  b.write('proc', 40, 16, 'utf8');
  return b;
}

export function stats(drops: number[], misses = 0): Buffer {
  const len = 56 + 8 * drops.length;
  const b = Buffer.alloc(len);
  header(b, 17, len, 9n);
  b.writeBigUInt64LE(100n, 16);
  b.writeBigUInt64LE(BigInt(drops.reduce((a, c) => a + c, 0)), 24);
  b.writeBigUInt64LE(BigInt(misses), 32);
  b.writeUInt32LE(drops.length, 48);
  drops.forEach((d, i) => b.writeBigUInt64LE(BigInt(d), 56 + i * 8));
  return b;
}

export function started(pid: number): Buffer {
  const b = Buffer.alloc(24);
  header(b, 18, 24, 2n);
  b.writeUInt32LE(pid, 16);
  return b;
}

export function exitRecord(pid: number, waitStatus: number): Buffer {
  const b = Buffer.alloc(24);
  header(b, 19, 24, 3n);
  b.writeUInt32LE(pid, 16);
  b.writeInt32LE(waitStatus, 20);
  return b;
}

export function message(level: number, code: number, text: string): Buffer {
  const t = Buffer.from(text, 'utf8');
  const b = Buffer.alloc(24 + t.length);
  header(b, 20, b.length, 4n);
  b.writeUInt32LE(level, 16);
  b.writeUInt32LE(code, 20);
  t.copy(b, 24);
  return b;
}

/** A NUL-terminated string item's data (the probe counts the NUL). */
export const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.alloc(1)]);

/** NUL-separated strings, as ARGV/ENVP items carry them. */
export const strings = (a: string[]): Buffer => Buffer.concat(a.map(cstr));

export function sockaddrIn(ip: [number, number, number, number], port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(2, 0);
  b.writeUInt16BE(port, 2);
  b.set(ip, 4);
  return b;
}

export function sockaddrIn6(groups: number[], port: number): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16LE(10, 0);
  b.writeUInt16BE(port, 2);
  groups.forEach((g, i) => b.writeUInt16BE(g, 8 + i * 2));
  return b;
}

export function sockaddrUn(path: string, abstract = false): Buffer {
  const name = Buffer.from(path, 'utf8');
  const b = Buffer.alloc(2 + (abstract ? 1 : 0) + name.length + (abstract ? 0 : 1));
  b.writeUInt16LE(1, 0);
  name.copy(b, abstract ? 3 : 2);
  return b;
}

export interface TupleSpec {
  family: 2 | 10;
  proto: number;
  type: number;
  local: { addr: number[]; port: number };
  remote?: { addr: number[]; port: number };
}

/** A TUPLE item's data (PROTOCOL.md, kind 9): addresses as bytes in network order, ports in host order. */
export function tuple(t: TupleSpec): Buffer {
  const b = Buffer.alloc(44);
  b.writeUInt16LE(t.family, 0);
  b.writeUInt16LE(t.proto, 2);
  b.writeUInt16LE(t.type, 4);
  b.writeUInt16LE(t.local.port, 6);
  b.writeUInt16LE(t.remote?.port ?? 0, 8);
  b.set(t.local.addr, 12);
  if (t.remote !== undefined) b.set(t.remote.addr, 28);
  return b;
}

/** The 16 bytes of an IPv6 address given as eight groups. */
export function ip6(groups: number[]): number[] {
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return [...b];
}
