/** `/api/v1/stats` and `/healthz`. */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

export function statsRoutes(app: FastifyInstance, { store, ingest }: RouteContext): void {
  app.get('/api/v1/stats', async () => ({ ...(await store.stats()), ingestBacklog: ingest.backlog() }));
  app.get('/healthz', async () => ({ ok: true }));
}
