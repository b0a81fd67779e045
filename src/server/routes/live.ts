/**
 * `/api/v1/runs/:id/live`: server-sent events for a run being ingested by this server —
 * `events` (how many a batch stored, the run's total), `findings`, `status`. The stream starts
 * with the run's current status and ends when the run finishes.
 */
import type { FastifyInstance } from 'fastify';
import type { LiveMessage } from '../live.js';
import { findRun } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export function liveRoutes(app: FastifyInstance, { store, live }: RouteContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/runs/:id/live',
    { schema: { params: runIdParams } },
    async (request, reply) => {
      const run = await findRun(store, request.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      const send = (m: LiveMessage): void => {
        const { kind, ...data } = m;
        res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      send({ kind: 'status', status: run.status });
      if (run.status !== 'running') {
        res.end();
        return reply;
      }
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const unsubscribe = live.subscribe(run.id, (m) => {
        send(m);
        if (m.kind === 'status') res.end();
      });
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      return reply;
    },
  );
}
