/**
 * `/api/v1/runs/:id/events`: filtered, paged by a keyset cursor (the last sequence number
 * returned), or streamed whole as NDJSON when the client asks for `application/x-ndjson`.
 */
import type { FastifyInstance } from 'fastify';
import type { EventSearch } from '../../store/store.js';
import { badRequest } from '../errors.js';
import { eventRowJson, eventSchema } from '../records.js';
import { findRun, parseTime } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

export const MAX_EVENT_PAGE = 10_000;

interface EventsQuery {
  type?: string;
  pid?: number;
  path?: string;
  endpoint?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

function wantsNdjson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/x-ndjson/i.test(accept);
}

export function eventRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Params: { id: string }; Querystring: EventsQuery }>(
    '/api/v1/runs/:id/events',
    {
      schema: {
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'string', maxLength: 2000, description: 'comma-separated event types' },
            pid: { type: 'integer', minimum: 0 },
            path: { type: 'string', minLength: 1, maxLength: 4096 },
            endpoint: { type: 'string', minLength: 1, maxLength: 512 },
            since: { type: 'string', maxLength: 40 },
            until: { type: 'string', maxLength: 40 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_EVENT_PAGE, default: 1000 },
            cursor: { type: 'string', pattern: '^\\d{1,15}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runId: { type: 'string' },
              events: { type: 'array', items: eventSchema },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const run = await findRun(store, request.params.id);
      const q = request.query;
      const types = q.type
        ?.split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (types !== undefined && types.length === 0) throw badRequest('type= names no event type');
      const search: EventSearch = {
        runId: run.id,
        types,
        pid: q.pid,
        pathContains: q.path,
        endpointContains: q.endpoint,
        since: q.since === undefined ? undefined : parseTime(q.since, 'since'),
        until: q.until === undefined ? undefined : parseTime(q.until, 'until'),
        afterSeq: q.cursor === undefined ? undefined : Number(q.cursor),
      };

      if (wantsNdjson(request.headers.accept)) {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'x-content-type-options': 'nosniff' });
        let closed = false;
        res.on('close', () => (closed = true));
        try {
          for await (const row of store.searchEvents(search)) {
            if (closed) break;
            // Respect the socket's backpressure: a slow reader holds the query, not our memory.
            if (!res.write(`${JSON.stringify(eventRowJson(row))}\n`)) {
              await new Promise<void>((resolve) => {
                res.once('drain', resolve);
                res.once('close', resolve);
              });
            }
          }
        } finally {
          res.end();
        }
        return reply;
      }

      const rows: ReturnType<typeof eventRowJson>[] = [];
      let more = false;
      for await (const row of store.searchEvents({ ...search, limit: q.limit + 1 })) {
        if (rows.length === q.limit) {
          more = true;
          break;
        }
        rows.push(eventRowJson(row));
      }
      const last = rows[rows.length - 1];
      return { runId: run.id, events: rows, next: more && last !== undefined ? String(last.seq) : null };
    },
  );
}
