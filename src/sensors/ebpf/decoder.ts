/**
 * Decodes the probe's record stream (native/probe/PROTOCOL.md) into Events. The stream comes
 * in arbitrary chunks, so a record split across two is carried over; everything else is read
 * in place. Bad input is counted in `parseErrors` and skipped — never thrown — because the
 * observed program must not be disturbed by a sensor hiccup.
 */
import type { Event } from '../../events/event.js';
import { EventKind } from '../../events/event.js';
import type { ExitStatus } from '../sensor.js';
import { type ArgDecoder, NO_ARGS, decoderFor } from './args.js';
import { errnoName, signalName, syscallName } from '../../events/syscalls/index.js';
import {
  EXIT,
  HDR,
  HELLO,
  MAX_RECORD,
  MESSAGE,
  PROCEXIT,
  PROTO_VERSION,
  RecordType,
  STARTED,
  STATS,
  SYSCALL,
  SyscallFlag,
  TASK,
} from './protocol.js';
import { SyscallView } from './record-view.js';

export interface ProbeHello {
  /** Add to a record's CLOCK_BOOTTIME stamp to get Unix-epoch nanoseconds. */
  bootToEpochNs: bigint;
  mode: 'run' | 'host';
  loaderPid: number;
  ncpu: number;
  ringBytes: number;
  nsyscalls: number;
}

/** The kernel side's cumulative counters, as of the last STATS record. */
export interface ProbeStats {
  events: number;
  drops: number;
  /** Program runs the kernel skipped (re-entry on a CPU): events that may be lost. */
  misses: number;
  /** Processes that could not be put in scope (pid map full): their events are lost. */
  scopeFull: number;
  dropsPerCpu: number[];
}

export interface ProbeMessage {
  level: 'error' | 'warning' | 'info';
  /** The loader exit code an error leads to; 0 otherwise. */
  code: number;
  text: string;
}

/** The loader's own records, for the session. */
export interface DecoderListener {
  hello?(h: ProbeHello): void;
  started?(pid: number): void;
  exit?(pid: number, status: ExitStatus): void;
  stats?(s: ProbeStats): void;
  message?(m: ProbeMessage): void;
}

const KNOWN_TYPES = new Set<number>(Object.values(RecordType));

/** Wait status (or task->exit_code, which has the same layout) → how the process ended. */
export function exitStatusOf(status: number): ExitStatus {
  const sig = status & 0x7f;
  if (sig === 0) return { kind: 'exited', code: (status >> 8) & 0xff };
  return { kind: 'killed', signal: signalName(sig) ?? `SIG${sig}`, signo: sig };
}

export class RecordDecoder {
  parseErrors = 0;
  truncations = 0;
  events = 0;
  stats: ProbeStats | undefined;
  private carry: Buffer | null = null;
  private epochOffset = 0n;
  private readonly view = new SyscallView();
  /** Per syscall number: [type name, argument decoder], filled on first sight. */
  private readonly calls: Array<readonly [string, ArgDecoder] | undefined> = [];

  constructor(private readonly listener: DecoderListener = {}) {}

  /** Decodes every whole record now available; the rest waits for the next chunk. */
  push(chunk: Buffer): Event[] {
    const out: Event[] = [];
    let pos = 0;
    if (this.carry !== null) {
      pos = this.completeCarry(chunk, out);
      if (pos < 0) return out;
    }
    pos = this.decodeAll(chunk, pos, out);
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    return out;
  }

  /** The stream ended: a partial record left over is a truncated tail. */
  end(): void {
    if (this.carry !== null && this.carry.length > 0) this.parseErrors++;
    this.carry = null;
  }

  /** Finishes the carried-over record from the head of chunk; returns where chunk resumes, -1 if all used. */
  private completeCarry(chunk: Buffer, out: Event[]): number {
    let carry = this.carry ?? Buffer.alloc(0);
    let pos = 0;
    if (carry.length < HDR.size) {
      pos = Math.min(HDR.size - carry.length, chunk.length);
      carry = Buffer.concat([carry, chunk.subarray(0, pos)]);
      if (carry.length < HDR.size) {
        this.carry = carry;
        return -1;
      }
    }
    const len = carry.readUInt32LE(HDR.len);
    if (len < HDR.size || len > MAX_RECORD) {
      // Garbage: drop it and look for the next plausible header in the new bytes.
      this.parseErrors++;
      this.carry = null;
      return this.resync(chunk, pos);
    }
    const need = len - carry.length;
    if (chunk.length - pos < need) {
      this.carry = Buffer.concat([carry, chunk.subarray(pos)]);
      return -1;
    }
    const rec = need > 0 ? Buffer.concat([carry, chunk.subarray(pos, pos + need)]) : carry;
    this.carry = null;
    this.decodeOne(rec, 0, len, out);
    return pos + need;
  }

  private decodeAll(buf: Buffer, pos: number, out: Event[]): number {
    while (buf.length - pos >= HDR.size) {
      const len = buf.readUInt32LE(pos + HDR.len);
      if (len < HDR.size || len > MAX_RECORD) {
        this.parseErrors++;
        pos = this.resync(buf, pos + 1);
        continue;
      }
      if (buf.length - pos < len) break;
      this.decodeOne(buf, pos, len, out);
      pos += len;
    }
    return pos;
  }

  /** The next offset that looks like a record header, or where a header could still begin. */
  private resync(buf: Buffer, from: number): number {
    for (let p = from; p + HDR.size <= buf.length; p++) {
      const len = buf.readUInt32LE(p + HDR.len);
      if (
        KNOWN_TYPES.has(buf.readUInt16LE(p)) &&
        buf.readUInt16LE(p + HDR.version) === PROTO_VERSION &&
        len >= HDR.size &&
        len <= MAX_RECORD
      ) {
        return p;
      }
    }
    return Math.max(from, buf.length - (HDR.size - 1));
  }

  private decodeOne(buf: Buffer, o: number, len: number, out: Event[]): void {
    const type = buf.readUInt16LE(o + HDR.type);
    if (buf.readUInt16LE(o + HDR.version) !== PROTO_VERSION) {
      this.parseErrors++;
      return;
    }
    switch (type) {
      case RecordType.Syscall:
        this.syscall(buf, o, len, out);
        return;
      case RecordType.ProcExit:
        this.procExit(buf, o, len, out);
        return;
      case RecordType.Hello:
        this.hello(buf, o, len);
        return;
      case RecordType.Stats:
        this.statsRecord(buf, o, len);
        return;
      case RecordType.Started:
        if (len < STARTED.size) break;
        this.listener.started?.(buf.readUInt32LE(o + STARTED.pid));
        return;
      case RecordType.Exit:
        if (len < EXIT.size) break;
        this.listener.exit?.(buf.readUInt32LE(o + EXIT.pid), exitStatusOf(buf.readInt32LE(o + EXIT.status)));
        return;
      case RecordType.Message:
        if (len < MESSAGE.text) break;
        this.message(buf, o, len);
        return;
    }
    this.parseErrors++;
  }

  private ts(buf: Buffer, o: number): bigint {
    return buf.readBigUInt64LE(o + HDR.ts) + this.epochOffset;
  }

  private call(nr: number): readonly [string, ArgDecoder] {
    let c = this.calls[nr];
    if (c === undefined) {
      const name = syscallName('x86_64', nr) ?? `syscall_${nr}`;
      c = [name, decoderFor(name) ?? NO_ARGS];
      this.calls[nr] = c;
    }
    return c;
  }

  private syscall(buf: Buffer, o: number, len: number, out: Event[]): void {
    const v = this.view;
    if (len < SYSCALL.size || !v.load(buf, o, len)) {
      this.parseErrors++;
      return;
    }
    const nr = buf.readUInt16LE(o + SYSCALL.nr);
    const flags = buf.readUInt16LE(o + SYSCALL.flags);
    const [type, decode] = this.call(nr);
    const ev: Event = {
      ts: this.ts(buf, o),
      source: 'ebpf',
      type,
      pid: buf.readUInt32LE(o + TASK.pid),
      tid: buf.readUInt32LE(o + TASK.tid),
      args: decode(v),
    };
    if ((flags & SyscallFlag.NoReturn) === 0) {
      // i64 as hi * 2^32 + lo: exact for every return value a syscall can give, no BigInt.
      const res = buf.readInt32LE(o + SYSCALL.ret + 4) * 2 ** 32 + buf.readUInt32LE(o + SYSCALL.ret);
      ev.res = res;
      if (res < 0 && res >= -4095) ev.errno = errnoName(-res) ?? `E${-res}`;
    }
    if ((flags & SyscallFlag.Truncated) !== 0 || v.truncated) {
      ev.truncated = true;
      this.truncations++;
    }
    this.events++;
    out.push(ev);
  }

  private procExit(buf: Buffer, o: number, len: number, out: Event[]): void {
    if (len < PROCEXIT.size) {
      this.parseErrors++;
      return;
    }
    const code = buf.readUInt32LE(o + PROCEXIT.exitCode);
    const sig = code & 0x7f;
    this.events++;
    out.push({
      ts: this.ts(buf, o),
      source: 'ebpf',
      type: EventKind.ProcExit,
      pid: buf.readUInt32LE(o + TASK.pid),
      tid: buf.readUInt32LE(o + TASK.tid),
      args:
        sig === 0
          ? { status: (code >> 8) & 0xff }
          : { signal: signalName(sig) ?? `SIG${sig}`, core: (code & 0x80) !== 0 },
    });
  }

  private hello(buf: Buffer, o: number, len: number): void {
    if (len < HELLO.size) {
      this.parseErrors++;
      return;
    }
    this.epochOffset = buf.readBigInt64LE(o + HELLO.bootToEpochNs);
    this.listener.hello?.({
      bootToEpochNs: this.epochOffset,
      mode: buf.readUInt32LE(o + HELLO.mode) === 2 ? 'host' : 'run',
      loaderPid: buf.readUInt32LE(o + HELLO.loaderPid),
      ncpu: buf.readUInt32LE(o + HELLO.ncpu),
      ringBytes: buf.readUInt32LE(o + HELLO.ringBytes),
      nsyscalls: buf.readUInt32LE(o + HELLO.nsyscalls),
    });
  }

  private statsRecord(buf: Buffer, o: number, len: number): void {
    const ncpu = len >= STATS.perCpu ? buf.readUInt32LE(o + STATS.ncpu) : 0;
    if (len < STATS.perCpu || len < STATS.perCpu + ncpu * 8) {
      this.parseErrors++;
      return;
    }
    const u64 = (at: number): number => Number(buf.readBigUInt64LE(o + at));
    const dropsPerCpu: number[] = [];
    for (let i = 0; i < ncpu; i++) dropsPerCpu.push(u64(STATS.perCpu + i * 8));
    this.stats = {
      events: u64(STATS.events),
      drops: u64(STATS.drops),
      misses: u64(STATS.misses),
      scopeFull: u64(STATS.scopeFull),
      dropsPerCpu,
    };
    this.listener.stats?.(this.stats);
  }

  private message(buf: Buffer, o: number, len: number): void {
    const level = buf.readUInt32LE(o + MESSAGE.level);
    this.listener.message?.({
      level: level === 1 ? 'error' : level === 2 ? 'warning' : 'info',
      code: buf.readUInt32LE(o + MESSAGE.code),
      text: buf.toString('utf8', o + MESSAGE.text, o + len),
    });
  }

  /** Events the kernel side lost, as far as anyone can know: ring overruns and skipped runs. */
  drops(): number {
    return this.stats === undefined ? 0 : this.stats.drops + this.stats.misses;
  }
}
