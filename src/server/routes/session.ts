/**
 * `/api/v1/session`: the dashboard's sign-in. The browser cannot add a bearer header to its
 * page loads and event streams, so it trades the token once for a session cookie (HttpOnly,
 * SameSite=Strict, a random id that is not the token). POST signs in, DELETE signs out, GET
 * says whether a sign-in is needed and whether this request has one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessControl, requireCsrfHeader, SESSION_COOKIE, SESSION_PATH, sessionId } from '../access.js';
import { sessionCookie } from '../cookies.js';
import { ApiError } from '../errors.js';
import { SESSION_TTL_MS } from '../sessions.js';
import type { SignInLimiter } from '../sign-in-limiter.js';

const signInBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

/** Sign-in and sign-out change state with a cookie in play: both need the CSRF header, first of all. */
const csrfFirst = async (request: FastifyRequest): Promise<void> => requireCsrfHeader(request);

const isTls = (request: FastifyRequest): boolean => request.protocol === 'https';

export function sessionRoutes(app: FastifyInstance, access: AccessControl, limiter: SignInLimiter): void {
  app.get(SESSION_PATH, async (request) => {
    let via: string | null = null;
    try {
      via = access.credential(request) ?? null;
    } catch {
      via = null; // a wrong bearer header: not signed in, which is what this answers
    }
    return { tokenRequired: access.signInRequired, authenticated: !access.signInRequired || via !== null, via };
  });

  app.post<{ Body: { token: string } }>(
    SESSION_PATH,
    { onRequest: csrfFirst, bodyLimit: 16 * 1024, schema: { body: signInBody } },
    async (request, reply) => {
      if (!access.signInRequired) {
        throw new ApiError(409, 'no_sign_in', 'this server needs no sign-in (it listens on loopback only)');
      }
      const wait = limiter.retryAfterSeconds(request.ip);
      if (wait > 0) {
        void reply.header('retry-after', String(wait));
        throw new ApiError(429, 'too_many_attempts', `too many wrong tokens from ${request.ip}; retry in ${wait} s`);
      }
      if (!access.tokenMatches(request.body.token)) {
        limiter.recordFailure(request.ip);
        throw new ApiError(401, 'unauthorized', 'wrong token');
      }
      const id = access.sessions.create();
      setCookie(reply, request, id, SESSION_TTL_MS / 1000);
      return {
        authenticated: true,
        via: 'cookie',
        expiresAt: new Date(Date.now() + SESSION_TTL_MS).toISOString(),
      };
    },
  );

  app.delete(SESSION_PATH, { onRequest: csrfFirst }, async (request, reply) => {
    access.sessions.revoke(sessionId(request));
    setCookie(reply, request, '', 0);
    return reply.code(204).send();
  });
}

function setCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSeconds: number): void {
  void reply.header('set-cookie', sessionCookie(SESSION_COOKIE, value, { maxAgeSeconds, secure: isTls(request) }));
  // The answer concerns one browser's credentials: no cache may keep it.
  void reply.header('cache-control', 'no-store');
}
