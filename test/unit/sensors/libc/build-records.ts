/** Builds libc interposer records byte by byte from PROTOCOL.md, independently of the decoder. */

function header(type: number, length: number, pid: number, tid: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(0x4c48, 0);
  b.writeUInt8(1, 2);
  b.writeUInt8(type, 3);
  b.writeUInt16LE(length, 4);
  b.writeUInt32LE(pid, 8);
  b.writeUInt32LE(tid, 12);
  return b;
}

function record(type: number, pid: number, tid: number, body: Buffer): Buffer {
  return Buffer.concat([header(type, 16 + body.length, pid, tid), body]);
}

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

export function hello(pid: number, ppid: number, flags: number, exe: string, tid = pid): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(ppid, 0);
  fixed.writeUInt32LE(flags, 4);
  return record(1, pid, tid, Buffer.concat([fixed, Buffer.from(exe), Buffer.from([0])]));
}

export interface Mapping {
  start: bigint;
  end: bigint;
  offset: bigint;
  path: string;
}

export function modules(pid: number, generation: number, part: number, parts: number, maps: Mapping[]): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt32LE(generation, 0);
  fixed.writeUInt16LE(part, 4);
  fixed.writeUInt16LE(parts, 6);
  fixed.writeUInt16LE(maps.length, 8);
  const entries = maps.map((m) => {
    const path = Buffer.from(m.path);
    const len = Buffer.alloc(2);
    len.writeUInt16LE(path.length);
    return Buffer.concat([u64(m.start), u64(m.end), u64(m.offset), len, path]);
  });
  return record(2, pid, pid, Buffer.concat([fixed, ...entries]));
}

export interface Risk {
  riskClass: number;
  generation: number;
  callSite: bigint;
  func: string;
  frames: bigint[];
  detail?: string;
  /** Written into the frame-count field instead of frames.length (to build bad records). */
  frameCountField?: number;
}

export function risk(pid: number, tid: number, r: Risk): Buffer {
  const fixed = Buffer.alloc(56);
  fixed.writeUInt16LE(r.riskClass, 0);
  fixed.writeUInt16LE(r.frameCountField ?? r.frames.length, 2);
  fixed.writeUInt32LE(r.generation, 4);
  fixed.writeBigUInt64LE(r.callSite, 8);
  fixed.write(r.func, 16, 32, 'latin1');
  const detail = Buffer.from(r.detail ?? '');
  fixed.writeUInt16LE(detail.length, 48);
  return record(3, pid, tid, Buffer.concat([fixed, ...r.frames.map(u64), detail]));
}

export function counts(pid: number, sites: { callSite: bigint; riskClass: number; hits: bigint }[]): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(sites.length, 0);
  const entries = sites.map((s) => {
    const e = Buffer.alloc(24);
    e.writeBigUInt64LE(s.callSite, 0);
    e.writeUInt16LE(s.riskClass, 8);
    e.writeBigUInt64LE(s.hits, 16);
    return e;
  });
  return record(4, pid, pid, Buffer.concat([fixed, ...entries]));
}

export function drops(pid: number, records: bigint, sites: bigint): Buffer {
  return record(5, pid, pid, Buffer.concat([u64(records), u64(sites)]));
}
