/**
 * Who may use which route. Ingest takes only the bearer token (machines). The query API, its
 * live streams and /metrics take the bearer token or a dashboard session cookie when the
 * server needs a token for them (it listens beyond loopback). The dashboard's own files, the
 * sign-in route and /healthz hold no data and are open, so a browser can load the sign-in form.
 *
 * A cookie is sent by the browser on its own, so a state-changing request authenticated by one
 * must also carry `x-harrier-csrf: 1`: another site's form cannot set a custom header, and a
 * script on another site cannot send one without a CORS preflight this server never grants.
 * The cookie being SameSite=Strict is the first line; the header is the second.
 */
import type { FastifyRequest } from 'fastify';
import type { TokenCheck } from './auth.js';
import { readCookie } from './cookies.js';
import { ApiError } from './errors.js';
import type { SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'harrier_session';
export const CSRF_HEADER = 'x-harrier-csrf';
export const SESSION_PATH = '/api/v1/session';

/** Route patterns anyone may use: no data behind them. `/*` is the dashboard's files (routes/ui.ts). */
const OPEN_ROUTES = new Set(['/healthz', SESSION_PATH, '/*']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Credential = 'bearer' | 'cookie';

export class AccessControl {
  constructor(
    private readonly token: TokenCheck | undefined,
    /** True when the query API needs credentials (the server listens beyond loopback). */
    private readonly queryNeedsToken: boolean,
    readonly sessions: SessionStore,
  ) {}

  /** True when the dashboard must sign in before it can read anything. */
  get signInRequired(): boolean {
    return this.token !== undefined && this.queryNeedsToken;
  }

  /** True when `token` is the server's token (timing-safe); false when it has none. */
  tokenMatches(token: string): boolean {
    return this.token?.matches(token) ?? false;
  }

  /** Throws a 401 (no or wrong credentials) or 403 (cookie without the CSRF header) ApiError. */
  authorize(request: FastifyRequest): void {
    if (this.token === undefined) return;
    // Decided by the route the router matched, not the raw URL, so no spelling of a path
    // (percent-encoding, dot segments) reaches a protected route as an open one. No match (a
    // 404) is treated as protected: without credentials nobody learns which paths exist.
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) return;
    if (route?.startsWith('/api/v1/ingest/') === true) {
      this.token.verify(request);
      return;
    }
    if (!this.queryNeedsToken) return;
    if (this.credential(request) === undefined) {
      throw new ApiError(
        401,
        'unauthorized',
        'sign in on the dashboard, or send an Authorization: Bearer <token> header',
      );
    }
  }

  /**
   * How the request is authenticated for the query API, or undefined when it is not. A bearer
   * header, when present, is checked and decides (a wrong one is a 401, whatever the cookie).
   */
  credential(request: FastifyRequest): Credential | undefined {
    if (this.token === undefined) return undefined;
    if (request.headers.authorization !== undefined) {
      this.token.verify(request);
      return 'bearer';
    }
    if (!this.sessions.isValid(sessionId(request))) return undefined;
    if (!SAFE_METHODS.has(request.method)) requireCsrfHeader(request);
    return 'cookie';
  }
}

export function sessionId(request: FastifyRequest): string | undefined {
  return readCookie(request.headers.cookie, SESSION_COOKIE);
}

/** Throws a 403 unless the request carries `x-harrier-csrf: 1` (see the file comment). */
export function requireCsrfHeader(request: FastifyRequest): void {
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new ApiError(
      403,
      'csrf',
      `a ${request.method} authenticated by the session cookie needs the header ${CSRF_HEADER}: 1 (the dashboard sends it)`,
    );
  }
}
