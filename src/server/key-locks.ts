/**
 * Serialises work on overlapping keys: a call waits until no earlier call holds any of its keys,
 * then holds them until its own work settles. Calls on disjoint keys run side by side.
 *
 * Why: a retried post may arrive while its first copy is still being written. Without this,
 * both copies ask the store "is this stored yet?" before either commits, and both get "no".
 */
export class KeyLocks {
  private readonly held = new Map<string, Promise<void>>();

  async with<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    for (;;) {
      const busy = new Set<Promise<void>>();
      for (const key of keys) {
        const holder = this.held.get(key);
        if (holder !== undefined) busy.add(holder);
      }
      if (busy.size === 0) break;
      // Another waiter may take a key first once these settle, so look again.
      await Promise.all(busy);
    }
    // No await between the check above and taking the keys here.
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const key of keys) this.held.set(key, mine);
    try {
      return await work();
    } finally {
      for (const key of keys) if (this.held.get(key) === mine) this.held.delete(key);
      release();
    }
  }

  /** Keys held now (for tests: nothing may stay held after its work settles). */
  get size(): number {
    return this.held.size;
  }
}
