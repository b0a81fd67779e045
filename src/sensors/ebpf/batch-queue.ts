/**
 * An async iterable of batches for one consumer, with flow control: when more than
 * `highWater` items wait, the producer is paused (the kernel ring absorbs the burst and counts
 * what it cannot hold), and resumed once the consumer has drained below `lowWater`.
 */

export interface FlowControl {
  highWater: number;
  lowWater: number;
  pause(): void;
  resume(): void;
}

export class BatchQueue<T> implements AsyncIterable<T[]> {
  private readonly batches: T[][] = [];
  private queued = 0;
  private paused = false;
  private ended = false;
  private detached = false;
  private wake: (() => void) | null = null;

  constructor(private readonly flow: FlowControl) {}

  push(batch: T[]): void {
    if (batch.length === 0 || this.ended || this.detached) return;
    this.batches.push(batch);
    this.queued += batch.length;
    if (!this.paused && this.queued >= this.flow.highWater) {
      this.paused = true;
      this.flow.pause();
    }
    this.notify();
  }

  /** No more batches; the consumer still receives what is queued. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  get size(): number {
    return this.queued;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private take(): T[] | undefined {
    const b = this.batches.shift();
    if (b === undefined) return undefined;
    this.queued -= b.length;
    if (this.paused && this.queued <= this.flow.lowWater) {
      this.paused = false;
      this.flow.resume();
    }
    return b;
  }

  [Symbol.asyncIterator](): AsyncIterator<T[]> {
    return {
      next: async (): Promise<IteratorResult<T[]>> => {
        for (;;) {
          const b = this.take();
          if (b !== undefined) return { value: b, done: false };
          if (this.ended || this.detached) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      },
      return: async (): Promise<IteratorResult<T[]>> => {
        // The consumer left: stop holding events and never leave the producer paused.
        this.detached = true;
        this.batches.length = 0;
        this.queued = 0;
        if (this.paused) {
          this.paused = false;
          this.flow.resume();
        }
        return { value: undefined, done: true };
      },
    };
  }
}
