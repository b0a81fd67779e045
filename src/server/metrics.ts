/**
 * The server's Prometheus metrics, on a registry of its own (not prom-client's global one) so
 * that two servers in one process, as in tests, never share counters.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RulesCatalogue } from './rules-catalogue.js';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly eventsIngested = new Counter({
    name: 'harrier_ingest_events_total',
    help: 'Events stored through the ingest API, by event type and sensor',
    labelNames: ['type', 'sensor'] as const,
    registers: [this.registry],
  });
  readonly drops = new Counter({
    name: 'harrier_ingest_dropped_events_total',
    help: 'Events the clients reported they dropped before sending (their sensor or buffer overflowed)',
    registers: [this.registry],
  });
  readonly duplicateBatches = new Counter({
    name: 'harrier_ingest_duplicate_batches_total',
    help: 'Event batches received again (a retry) and not stored a second time',
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'harrier_ingest_throttled_total',
    help: 'Event batches refused with 429 because the store was behind',
    registers: [this.registry],
  });
  readonly findings = new Counter({
    name: 'harrier_ingest_findings_total',
    help: 'Findings received through the ingest API, by severity',
    labelNames: ['severity'] as const,
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'harrier_ingest_alerts_total',
    help: 'Rule alerts received through the ingest API, by Falco priority and rule',
    labelNames: ['priority', 'rule'] as const,
    registers: [this.registry],
  });
  readonly ruleEvaluations = new Counter({
    name: 'harrier_rule_evaluated_events_total',
    help: 'Events the senders (harrier run/monitor) evaluated rules on, as they report with each batch',
    registers: [this.registry],
  });
  readonly ruleSeconds = new Counter({
    name: 'harrier_rule_evaluation_seconds_total',
    help: 'Time the senders spent evaluating rules (sampled by them); divide by harrier_rule_evaluated_events_total for the time per event',
    registers: [this.registry],
  });
  readonly storeWrite = new Histogram({
    name: 'harrier_store_write_seconds',
    help: 'Time to commit one ingested event batch to the store',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'harrier_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly rulesLoadedGauge = new Gauge({
    name: 'harrier_rules_loaded',
    help: 'Rules in the files this server was started with (--rules), by state (enabled, disabled)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'harrier_server_' });
  }

  rulesLoaded(catalogue: RulesCatalogue): void {
    const enabled = catalogue.rules.filter((r) => r.enabled).length;
    this.rulesLoadedGauge.set({ state: 'enabled' }, enabled);
    this.rulesLoadedGauge.set({ state: 'disabled' }, catalogue.rules.length - enabled);
  }

  /** Times every request under its route pattern (`/api/v1/runs/:id`), not its URL, to keep label sets small. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', async (_request, reply) => {
      void reply.type(this.registry.contentType);
      return this.registry.metrics();
    });
  }
}
