/**
 * Bearer-token checks. The token is compared through SHA-256 digests with timingSafeEqual, so
 * the time a wrong guess takes says nothing about how much of it was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when `token` is the server's token (timing-safe). */
  matches(token: string): boolean {
    return timingSafeEqual(digest(token), this.expected);
  }

  /** Throws a 401 ApiError unless the request carries `Authorization: Bearer <token>`. */
  verify(request: FastifyRequest): void {
    const header = request.headers.authorization;
    if (header === undefined) throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token> header');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m?.[1] === undefined)
      throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
    if (!this.matches(m[1])) throw new ApiError(401, 'unauthorized', 'wrong token');
  }
}
