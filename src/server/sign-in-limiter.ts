/**
 * Failed sign-ins per client address, in a fixed window: past the limit the address gets 429
 * until its window ends, so the token cannot be guessed at network speed. Bounded, so a flood
 * from many addresses cannot grow the heap (the oldest windows go first).
 */

export interface LimiterOptions {
  /** Failures allowed per window. */
  maxFailures: number;
  windowMs: number;
  /** Addresses tracked at most. */
  maxClients: number;
}

export const SIGN_IN_LIMITS: LimiterOptions = { maxFailures: 5, windowMs: 60_000, maxClients: 10_000 };

interface Window {
  startedAt: number;
  failures: number;
}

export class SignInLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly opts: LimiterOptions = SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again (0: it may try now). */
  retryAfterSeconds(client: string): number {
    const w = this.current(client);
    if (w === undefined || w.failures < this.opts.maxFailures) return 0;
    return Math.max(1, Math.ceil((w.startedAt + this.opts.windowMs - this.now()) / 1000));
  }

  recordFailure(client: string): void {
    const w = this.current(client);
    if (w !== undefined) {
      w.failures++;
      return;
    }
    if (this.windows.size >= this.opts.maxClients) this.evict();
    this.windows.set(client, { startedAt: this.now(), failures: 1 });
  }

  private current(client: string): Window | undefined {
    const w = this.windows.get(client);
    if (w === undefined) return undefined;
    if (w.startedAt + this.opts.windowMs <= this.now()) {
      this.windows.delete(client);
      return undefined;
    }
    return w;
  }

  private evict(): void {
    const now = this.now();
    for (const [client, w] of this.windows) if (w.startedAt + this.opts.windowMs <= now) this.windows.delete(client);
    while (this.windows.size >= this.opts.maxClients) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
