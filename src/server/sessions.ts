/**
 * The dashboard's sign-in sessions: random ids handed to the browser as a cookie, kept here
 * with an expiry. Only a SHA-256 of each id is kept, so the map (or a heap dump) gives nobody a
 * usable cookie, and a lookup's timing says nothing about a guessed id. In memory on purpose: a
 * restart signs everyone out, which is what changing the token needs anyway.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Sessions kept at most; past it the oldest goes first, so sign-ins cannot grow the heap. */
export const MAX_SESSIONS = 1000;

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  /** Hashed id → expiry (ms since the epoch), in creation order (Map keeps insertion order). */
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly max = MAX_SESSIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session's id (256 random bits, hex): the cookie's value. */
  create(): string {
    this.prune();
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('hex');
    this.sessions.set(hashId(id), this.now() + this.ttlMs);
    return id;
  }

  /** True for a session that exists and has not expired. */
  isValid(id: string | undefined): boolean {
    if (id === undefined || !/^[0-9a-f]{64}$/.test(id)) return false;
    const key = hashId(id);
    const expires = this.sessions.get(key);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(hashId(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expires] of this.sessions) if (expires <= now) this.sessions.delete(key);
  }
}
