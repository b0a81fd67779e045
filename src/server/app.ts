/**
 * The `harrier serve` HTTP application: query API, ingest API, live updates, metrics and
 * health, over one store. Built here and listened on by the CLI, so tests and benchmarks can
 * build the same app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { AccessControl } from './access.js';
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
import { ruleRoutes } from './routes/rules.js';
import { runRoutes } from './routes/runs.js';
import { sessionRoutes } from './routes/session.js';
import { statsRoutes } from './routes/stats.js';
import { DEFAULT_UI_DIR, uiRoutes } from './routes/ui.js';
import { NO_RULES, type RulesCatalogue } from './rules-catalogue.js';
import { SessionStore } from './sessions.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { validatorCompiler } from './validation.js';

export interface ServerOptions {
  store: Store;
  /**
   * Required for ingest whenever set; for the query API and /metrics too when `queryNeedsToken`,
   * where a dashboard session cookie (routes/session.ts) also does.
   */
  token?: string;
  /** True when the server listens beyond loopback, where anyone on the network could read the runs. */
  queryNeedsToken: boolean;
  /** Where 5xx details go (never to the client). */
  logError: (message: string) => void;
  /** The built dashboard (default: the package's `ui/dist`). */
  uiDir?: string;
  /** The rules to list at /api/v1/rules (default: none). */
  rules?: RulesCatalogue;
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
    rules: opts.rules ?? NO_RULES,
  };
  installErrorHandlers(app, opts.logError);

  const access = new AccessControl(
    opts.token === undefined ? undefined : new TokenCheck(opts.token),
    opts.queryNeedsToken,
    new SessionStore(),
  );
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    access.authorize(request);
  });

  ctx.metrics.install(app);
  ctx.metrics.rulesLoaded(ctx.rules);
  statsRoutes(app, ctx);
  runRoutes(app, ctx);
  eventRoutes(app, ctx);
  findingRoutes(app, ctx);
  compareRoutes(app, ctx);
  ruleRoutes(app, ctx);
  liveRoutes(app, ctx);
  ingestRoutes(app, ctx);
  sessionRoutes(app, access, new SignInLimiter());
  alertRoutes(app, ctx);
  uiRoutes(app, opts.uiDir ?? DEFAULT_UI_DIR);
  return app;
}
