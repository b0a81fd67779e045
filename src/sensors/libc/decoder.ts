/**
 * Streaming decoder of the libc interposer's records: bytes in, in chunks of any size, typed
 * records out.
 *
 * Robustness is the point: the FIFO is written by code running inside arbitrary programs, so a
 * record may be damaged. A bad header, an inconsistent body or a record cut short is counted in
 * `malformed` (once per damaged stretch) and skipped by scanning for the next valid header;
 * nothing throws and the records after the damage still arrive. Records are written atomically
 * (one write ≤ PIPE_BUF), so a genuine record never contains another record's header: one that
 * does was cut short, and decoding resumes at the inner header.
 */
import {
  HEADER_SIZE,
  HELLO_FLAG_SECRET_ENV,
  LIBC_MAGIC,
  LIBC_VERSION,
  MAX_FRAMES,
  MAX_RECORD_SIZE,
  MIN_RECORD_SIZE,
  RecordType,
  type LibcRecord,
  type ModuleMapping,
  type RecordTypeCode,
  type SiteCount,
} from './protocol.js';

/** Magic (little-endian) then version: the bytes a header starts with. */
const HEADER_START = Buffer.from([LIBC_MAGIC & 0xff, LIBC_MAGIC >> 8, LIBC_VERSION]);
/** Bytes needed to judge a header: magic, version, type, length, reserved. */
const HEADER_CHECK = 8;
const MODULE_ENTRY_FIXED = 26;
const COUNT_ENTRY = 24;
const RISK_FIXED = 72;
const FUNCTION_NAME_SIZE = 32;

export interface LibcDecoderCounters {
  records: number;
  /** Damaged stretches skipped (bad header, inconsistent or truncated body, trailing garbage). */
  malformed: number;
  bytes: number;
}

export class LibcDecoder {
  readonly counters: LibcDecoderCounters = { records: 0, malformed: 0, bytes: 0 };
  /** Undecoded bytes carried over to the next chunk (an incomplete record or a partial magic). */
  private pending: Buffer | undefined;
  /** Inside a damaged stretch already counted: more garbage is not counted again. */
  private inDamage = false;

  get malformed(): number {
    return this.counters.malformed;
  }

  /** Decodes what `chunk` completes; an incomplete tail waits for the next chunk. */
  feed(chunk: Buffer): LibcRecord[] {
    this.counters.bytes += chunk.length;
    const buf = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    return this.decode(buf, false);
  }

  /** The stream ended: decodes what can be and counts an incomplete tail as malformed. */
  end(): LibcRecord[] {
    const buf = this.pending;
    this.pending = undefined;
    if (buf === undefined) return [];
    return this.decode(buf, true);
  }

  private decode(buf: Buffer, final: boolean): LibcRecord[] {
    const out: LibcRecord[] = [];
    let pos = 0;
    for (;;) {
      const avail = buf.length - pos;
      if (avail === 0) break;
      if (avail < HEADER_CHECK && !final) break;
      if (avail < HEADER_CHECK || !plausibleHeader(buf, pos)) {
        pos = this.skipDamage(buf, pos, final);
        continue;
      }
      const len = buf.readUInt16LE(pos + 4);
      const inner = findHeader(buf, pos + HEADER_SIZE, Math.min(pos + len, buf.length));
      if (inner >= 0) {
        // A header inside this record's extent: this record was cut short.
        this.damaged();
        this.inDamage = false;
        pos = inner;
        continue;
      }
      if (avail < len) {
        if (final) pos = this.skipDamage(buf, pos, final);
        else break;
        continue;
      }
      const record = parseRecord(buf, pos, len);
      if (record === undefined) {
        pos = this.skipDamage(buf, pos, final);
        continue;
      }
      this.inDamage = false;
      this.counters.records++;
      out.push(record);
      pos += len;
    }
    // Copy: the caller may reuse its chunk.
    this.pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : undefined;
    return out;
  }

  /** Counts the damage at `pos` and returns where the next header may start. */
  private skipDamage(buf: Buffer, pos: number, final: boolean): number {
    this.damaged();
    const next = findHeaderStart(buf, pos + 1);
    if (next >= 0) return next;
    // Keep a tail that may be the start of a magic split across chunks.
    return final ? buf.length : Math.max(pos + 1, buf.length - (HEADER_START.length - 1));
  }

  private damaged(): void {
    if (!this.inDamage) this.counters.malformed++;
    this.inDamage = true;
  }
}

function findHeaderStart(buf: Buffer, from: number): number {
  return from >= buf.length ? -1 : buf.indexOf(HEADER_START, from);
}

/** The first plausible header starting in [from, to), judged on its first 8 bytes. */
function findHeader(buf: Buffer, from: number, to: number): number {
  for (let p = findHeaderStart(buf, from); p >= 0 && p < to; p = findHeaderStart(buf, p + 1)) {
    if (p + HEADER_CHECK <= buf.length && plausibleHeader(buf, p)) return p;
  }
  return -1;
}

function plausibleHeader(buf: Buffer, p: number): boolean {
  if (buf.readUInt16LE(p) !== LIBC_MAGIC || buf[p + 2] !== LIBC_VERSION) return false;
  const type = buf[p + 3] ?? 0;
  if (type < RecordType.Hello || type > RecordType.Drops) return false;
  const len = buf.readUInt16LE(p + 4);
  return len >= MIN_RECORD_SIZE[type as RecordTypeCode] && len <= MAX_RECORD_SIZE && buf.readUInt16LE(p + 6) === 0;
}

/** The record at `p` of total length `len`, or undefined when its body is inconsistent. */
function parseRecord(buf: Buffer, p: number, len: number): LibcRecord | undefined {
  const pid = buf.readUInt32LE(p + 8);
  const tid = buf.readUInt32LE(p + 12);
  const end = p + len;
  switch (buf[p + 3]) {
    case RecordType.Hello: {
      const nul = buf.indexOf(0, p + 24);
      if (nul < 0 || nul >= end) return undefined;
      const flags = buf.readUInt32LE(p + 20);
      return {
        kind: 'hello',
        pid,
        tid,
        ppid: buf.readUInt32LE(p + 16),
        flags,
        secretEnv: (flags & HELLO_FLAG_SECRET_ENV) !== 0,
        executable: buf.toString('utf8', p + 24, nul),
      };
    }
    case RecordType.Modules: {
      const part = buf.readUInt16LE(p + 20);
      const parts = buf.readUInt16LE(p + 22);
      const count = buf.readUInt16LE(p + 24);
      if (part >= parts) return undefined;
      const mappings: ModuleMapping[] = [];
      let q = p + 28;
      for (let i = 0; i < count; i++) {
        if (q + MODULE_ENTRY_FIXED > end) return undefined;
        const pathLen = buf.readUInt16LE(q + 24);
        if (q + MODULE_ENTRY_FIXED + pathLen > end) return undefined;
        const start = buf.readBigUInt64LE(q);
        const stop = buf.readBigUInt64LE(q + 8);
        if (stop < start) return undefined;
        mappings.push({
          start,
          end: stop,
          fileOffset: buf.readBigUInt64LE(q + 16),
          path: buf.toString('utf8', q + MODULE_ENTRY_FIXED, q + MODULE_ENTRY_FIXED + pathLen),
        });
        q += MODULE_ENTRY_FIXED + pathLen;
      }
      return { kind: 'modules', pid, tid, generation: buf.readUInt32LE(p + 16), part, parts, mappings };
    }
    case RecordType.Risk: {
      const nframes = buf.readUInt16LE(p + 18);
      const detailLen = buf.readUInt16LE(p + 64);
      if (nframes > MAX_FRAMES || p + RISK_FIXED + 8 * nframes + detailLen > end) return undefined;
      const frames: bigint[] = [];
      for (let i = 0; i < nframes; i++) frames.push(buf.readBigUInt64LE(p + RISK_FIXED + 8 * i));
      const nameStart = p + 32;
      const nul = buf.indexOf(0, nameStart);
      const nameEnd = nul >= 0 && nul < nameStart + FUNCTION_NAME_SIZE ? nul : nameStart + FUNCTION_NAME_SIZE;
      const detailStart = p + RISK_FIXED + 8 * nframes;
      return {
        kind: 'risk',
        pid,
        tid,
        riskClass: buf.readUInt16LE(p + 16),
        generation: buf.readUInt32LE(p + 20),
        callSite: buf.readBigUInt64LE(p + 24),
        function: buf.toString('latin1', nameStart, nameEnd),
        frames,
        detail: buf.toString('utf8', detailStart, detailStart + detailLen),
      };
    }
    case RecordType.Counts: {
      const count = buf.readUInt16LE(p + 16);
      if (p + 24 + COUNT_ENTRY * count > end) return undefined;
      const sites: SiteCount[] = [];
      for (let i = 0, q = p + 24; i < count; i++, q += COUNT_ENTRY) {
        sites.push({
          callSite: buf.readBigUInt64LE(q),
          riskClass: buf.readUInt16LE(q + 8),
          hits: Number(buf.readBigUInt64LE(q + 16)),
        });
      }
      return { kind: 'counts', pid, tid, sites };
    }
    case RecordType.Drops:
      return {
        kind: 'drops',
        pid,
        tid,
        records: Number(buf.readBigUInt64LE(p + 16)),
        sites: Number(buf.readBigUInt64LE(p + 24)),
      };
    default:
      return undefined;
  }
}
