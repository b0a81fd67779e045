/**
 * Cuts a byte stream into lines. strace writes a line in pieces (the call when entered, the
 * result when it returns), so lines routinely span chunks.
 *
 * Lines are decoded as latin1: strace escapes every non-ASCII byte, and latin1 keeps any stray
 * byte as one char that the string decoder can still turn back into a byte.
 */

/** Longer than any real line (argv+envp are bounded by ARG_MAX, 4x for escaping). */
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

export class LineSplitter {
  private pieces: Buffer[] = [];
  private pending = 0;
  private discarding = false;
  /** Lines dropped for exceeding the maximum length. */
  overflows = 0;

  constructor(private readonly maxLine = DEFAULT_MAX_LINE) {}

  push(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    let nl = chunk.indexOf(10);
    if (this.pending > 0 || this.discarding) {
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      if (this.discarding) {
        this.discarding = false;
      } else {
        this.pieces.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.pieces, this.pending + nl).toString('latin1');
        this.pieces = [];
        this.pending = 0;
        onLine(line);
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    while (nl >= 0) {
      onLine(chunk.toString('latin1', start, nl));
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** The last line when the stream ended without a newline (strace was killed mid-write). */
  end(onLine: (line: string) => void): void {
    if (this.pending > 0 && !this.discarding) onLine(Buffer.concat(this.pieces, this.pending).toString('latin1'));
    this.pieces = [];
    this.pending = 0;
    this.discarding = false;
  }

  private hold(piece: Buffer): void {
    if (this.discarding) return;
    if (this.pending + piece.length > this.maxLine) {
      this.pieces = [];
      this.pending = 0;
      this.discarding = true;
      this.overflows++;
      return;
    }
    this.pieces.push(piece);
    this.pending += piece.length;
  }
}
