/**
 * The `harrier serve` HTTP application: query API, ingest API, live updates, metrics and
 * health, over one store. Built here and listened on by the CLI, so tests and benchmarks can
 * build the same app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { TokenCheck } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { IngestWriters } from './ingest.js';
import { LiveHub } from './live.js';
import { ServerMetrics } from './metrics.js';
import { alertRoutes } from './routes/alerts.js';
import { compareRoutes } from './routes/compare.js';
import type { RouteContext } from './routes/context.js';
import { eventRoutes } from './routes/events.js';
import { findingRoutes } from './routes/findings.js';
import { INGEST_BODY_LIMIT, ingestRoutes } from './routes/ingest.js';
import { liveRoutes } from './routes/live.js';
import { runRoutes } from './routes/runs.js';
import { statsRoutes } from './routes/stats.js';
import { DEFAULT_UI_DIR, uiRoutes } from './routes/ui.js';
import { validatorCompiler } from './validation.js';

export interface ServerOptions {
  store: Store;
  /** Required for ingest whenever set; for the query API and /metrics too when `queryNeedsToken`. */
  token?: string;
  /** True when the server listens beyond loopback, where anyone on the network could read the runs. */
  queryNeedsToken: boolean;
  /** Where 5xx details go (never to the client). */
  logError: (message: string) => void;
  /** The built dashboard (default: the package's `ui/dist`). */
  uiDir?: string;
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: INGEST_BODY_LIMIT,
  });
  app.setValidatorCompiler(validatorCompiler());
  const ctx: RouteContext = {
    store: opts.store,
    ingest: new IngestWriters(opts.store),
    live: new LiveHub(),
    metrics: new ServerMetrics(),
  };
  installErrorHandlers(app, opts.logError);

  const check = opts.token === undefined ? undefined : new TokenCheck(opts.token);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    const path = request.url.split('?')[0] ?? '';
    if (check === undefined || path === '/healthz') return;
    if (path.startsWith('/api/v1/ingest/') || opts.queryNeedsToken) check.verify(request);
  });

  ctx.metrics.install(app);
  statsRoutes(app, ctx);
  runRoutes(app, ctx);
  eventRoutes(app, ctx);
  findingRoutes(app, ctx);
  compareRoutes(app, ctx);
  liveRoutes(app, ctx);
  ingestRoutes(app, ctx);
  alertRoutes(app, ctx);
  uiRoutes(app, opts.uiDir ?? DEFAULT_UI_DIR);
  return app;
}
