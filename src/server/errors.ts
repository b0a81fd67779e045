/**
 * The API's one error shape, `{ error: { code, message } }`, for every failure: validation,
 * unknown routes and runs, oversized bodies, and our own bugs (logged, never a stack to the client).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { StoreError } from '../store/store.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', what);
export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Fastify's own codes for client mistakes, mapped to ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
};

function describe(err: FastifyError | ApiError | Error): { status: number; body: ErrorBody } {
  if (err instanceof ApiError)
    return { status: err.statusCode, body: { error: { code: err.code, message: err.message } } };
  // A StoreError is a problem with what was asked (ambiguous prefix, finished run), not a crash.
  if (err instanceof StoreError) return { status: 409, body: { error: { code: 'conflict', message: err.message } } };
  const fe = err as FastifyError;
  if (fe.validation !== undefined) {
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: `${fe.validationContext ?? 'request'} ${fe.message.replace(/^(body|querystring|params|headers)\s*/, '')}`,
        },
      },
    };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: fe.statusCode,
      body: { error: { code: FASTIFY_CODES[fe.code] ?? 'bad_request', message: fe.message } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error (see the server log)' } } };
}

export function installErrorHandlers(app: FastifyInstance, logError: (message: string) => void): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = describe(err);
    if (status >= 500) logError(`${request.method} ${request.url} failed: ${err.stack ?? err.message}`);
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } });
  });
}
