/**
 * The session's event stream: batches in arrival order for one consumer. Bounded without
 * dropping: past `highWater` batches it asks the producer to pause (the FIFO stops being read,
 * strace blocks on write, the tracees block on their next traced syscall) and to resume once the
 * consumer has caught up to `lowWater`.
 */
import type { Event } from '../../events/event.js';

export class EventQueue implements AsyncIterable<Event[]> {
  private readonly batches: Event[][] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<Event[]>) => void) | undefined;
  private ended = false;
  private paused = false;
  private iterated = false;
  /** The consumer stopped iterating: batches are discarded and the producer never paused. */
  private abandoned = false;
  /** Set by `unbound()`: the producer is draining for shutdown and must not be paused again. */
  private unbounded = false;

  constructor(
    private readonly onPressure: (pause: boolean) => void,
    private readonly highWater = 64,
    private readonly lowWater = 16,
  ) {}

  get length(): number {
    return this.batches.length - this.head;
  }

  push(batch: Event[]): void {
    if (this.ended || this.abandoned || batch.length === 0) return;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w({ value: batch, done: false });
      return;
    }
    this.batches.push(batch);
    if (!this.paused && !this.unbounded && this.length >= this.highWater) {
      this.paused = true;
      this.onPressure(true);
    }
  }

  /** No more batches will come; the consumer sees the end after the queued ones. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const w = this.waiter;
    if (w !== undefined && this.length === 0) {
      this.waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** Stops applying backpressure (shutdown drains whatever is left). */
  unbound(): void {
    this.unbounded = true;
    this.release();
  }

  [Symbol.asyncIterator](): AsyncIterator<Event[]> {
    if (this.iterated) throw new Error('the event stream of a sensor session can only be iterated once');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: () => {
        this.abandoned = true;
        this.batches.length = 0;
        this.head = 0;
        this.release();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private next(): Promise<IteratorResult<Event[]>> {
    if (this.length > 0) {
      const value = this.batches[this.head] as Event[];
      this.head++;
      if (this.head === this.batches.length) {
        this.batches.length = 0;
        this.head = 0;
      } else if (this.head > 1024) {
        this.batches.splice(0, this.head);
        this.head = 0;
      }
      if (this.paused && this.length <= this.lowWater) this.release();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended || this.abandoned) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private release(): void {
    if (!this.paused) return;
    this.paused = false;
    this.onPressure(false);
  }
}
