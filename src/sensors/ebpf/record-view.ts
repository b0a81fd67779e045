/**
 * A reusable cursor over one syscall record: typed reads of the raw arguments and of the
 * variable-length items, with no allocation until a value is actually turned into a string.
 */
import { ITEM_HDR, ItemFlag, SYSCALL, TASK } from './protocol.js';

const MAX_ITEMS = 9;
const NO_ITEM = -1;

export class SyscallView {
  buf: Buffer = Buffer.alloc(0);
  /** Offset of the record in `buf`. */
  off = 0;
  /** Items found by the last `load`, indexed by kind (kinds are 1..9; others are skipped). */
  private readonly itemOff = new Int32Array(MAX_ITEMS + 1);
  private readonly itemLen = new Int32Array(MAX_ITEMS + 1);
  private readonly itemFlags = new Uint8Array(MAX_ITEMS + 1);
  /** Some item was cut short by the probe's bounds. */
  truncated = false;

  /** Points the view at a record and indexes its items; false when they overrun `len`. */
  load(buf: Buffer, off: number, len: number): boolean {
    this.buf = buf;
    this.off = off;
    this.itemOff.fill(NO_ITEM);
    this.truncated = false;
    const n = buf.readUInt16LE(off + SYSCALL.nitems);
    const end = off + len;
    let p = off + SYSCALL.size;
    for (let i = 0; i < n; i++) {
      if (p + ITEM_HDR > end) return false;
      const kind = buf[p] ?? 0;
      const flags = buf[p + 1] ?? 0;
      const ilen = buf.readUInt16LE(p + 2);
      if (p + ITEM_HDR + ilen > end) return false;
      if (kind > 0 && kind <= MAX_ITEMS) {
        this.itemOff[kind] = p + ITEM_HDR;
        this.itemLen[kind] = ilen;
        this.itemFlags[kind] = flags;
      }
      if ((flags & ItemFlag.Truncated) !== 0) this.truncated = true;
      p += ITEM_HDR + ilen;
    }
    return true;
  }

  /** The raw return value's low 32 bits, signed (enough to tell 0 and -errno apart). */
  ret32(): number {
    return this.buf.readInt32LE(this.off + SYSCALL.ret);
  }

  ppid(): number {
    return this.buf.readUInt32LE(this.off + TASK.ppid);
  }

  uid(): number {
    return this.buf.readUInt32LE(this.off + TASK.uid);
  }

  gid(): number {
    return this.buf.readUInt32LE(this.off + TASK.gid);
  }

  /** The calling thread's name (TASK_COMM_LEN, NUL-padded). */
  comm(): string {
    return cString(this.buf, this.off + SYSCALL.comm, 16);
  }

  /** Low 32 bits of argument i as a signed int (fds, pids, signal numbers). */
  i32(i: number): number {
    return this.buf.readInt32LE(this.off + SYSCALL.args + i * 8);
  }

  /** Low 32 bits of argument i, unsigned (flags, modes, ids). */
  u32(i: number): number {
    return this.buf.readUInt32LE(this.off + SYSCALL.args + i * 8);
  }

  /** High 32 bits of argument i. */
  hi32(i: number): number {
    return this.buf.readUInt32LE(this.off + SYSCALL.args + i * 8 + 4);
  }

  /** Argument i as a number (exact below 2^53: sizes, lengths). */
  num(i: number): number {
    return this.hi32(i) * 2 ** 32 + this.u32(i);
  }

  has(kind: number): boolean {
    return (this.itemOff[kind] ?? NO_ITEM) !== NO_ITEM;
  }

  itemOffset(kind: number): number {
    return this.itemOff[kind] ?? NO_ITEM;
  }

  itemLength(kind: number): number {
    return this.itemLen[kind] ?? 0;
  }

  /** The string in an item (up to its NUL); null when absent or unreadable. */
  str(kind: number): string | null {
    const o = this.itemOff[kind] ?? NO_ITEM;
    if (o === NO_ITEM || ((this.itemFlags[kind] ?? 0) & ItemFlag.Fault) !== 0) return null;
    const len = this.itemLen[kind] ?? 0;
    let end = o + len;
    // The probe counts the terminating NUL; a truncated string may lack one.
    if (len > 0 && this.buf[end - 1] === 0) end--;
    return this.buf.toString('utf8', o, end);
  }

  /** NUL-separated strings (argv, envp); [] when absent. */
  strings(kind: number): string[] {
    const o = this.itemOff[kind] ?? NO_ITEM;
    if (o === NO_ITEM) return [];
    const end = o + (this.itemLen[kind] ?? 0);
    const out: string[] = [];
    let s = o;
    while (s < end) {
      let e = this.buf.indexOf(0, s);
      if (e < 0 || e > end) e = end;
      out.push(this.buf.toString('utf8', s, e));
      s = e + 1;
    }
    return out;
  }
}

/** A NUL-terminated string in a fixed-size field. */
export function cString(buf: Buffer, off: number, size: number): string {
  let end = buf.indexOf(0, off);
  if (end < 0 || end > off + size) end = off + size;
  return buf.toString('utf8', off, end);
}
