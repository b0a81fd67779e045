/**
 * Rule alerts: `POST /api/v1/ingest/runs/:id/alerts` (a monitor's alert stream, as it printed
 * it), `GET /api/v1/alerts` (across runs, newest first, keyset-paged) and
 * `GET /api/v1/alerts/live` (server-sent events: every alert this server ingests, as it arrives).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { PRIORITIES, priorityName, type Priority } from '../../rules/output/index.js';
import type { AlertFilter, AlertPosition, AlertRecord } from '../../store/store.js';
import { badRequest } from '../errors.js';
import { nsFromString } from '../ingest-codec.js';
import { KeyLocks } from '../key-locks.js';
import { alertJson, alertSchema, type AlertJson } from '../records.js';
import { findRun, parseTime } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

export const MAX_ALERT_PAGE = 1000;
const MAX_ALERT_BATCH = 10_000;

/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

const nsString = { type: 'string', pattern: '^\\d{1,20}$' } as const;

const alertItem = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'ts', 'rule', 'priority', 'source', 'tags', 'hostname', 'output', 'outputFields', 'repeats'],
  properties: {
    seq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    ts: nsString,
    rule: { type: 'string', minLength: 1, maxLength: 1024 },
    // Checked in the handler, where the message can list the priorities.
    priority: { type: 'string', maxLength: 64 },
    source: { type: 'string', minLength: 1, maxLength: 256 },
    tags: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 1024 } },
    hostname: { type: 'string', minLength: 1, maxLength: 256 },
    output: { type: 'string', maxLength: 65_536 },
    outputFields: { type: 'object' },
    repeats: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
  },
} as const;

const alertBatch = { type: 'array', maxItems: MAX_ALERT_BATCH, items: alertItem } as const;

/** An alert as posted: the record with its number required and its time as a decimal string. */
type AlertInput = Omit<AlertRecord, 'seq' | 'ts'> & { seq: number; ts: string };

interface AlertsQuery {
  run?: string;
  since?: string;
  priority?: string;
  rule?: string;
  limit: number;
  cursor?: string;
}

/** `next` of a page: the last alert's time, run and number, which the following page starts below. */
const CURSOR = /^(\d{1,20})\.([A-Za-z0-9_-]{1,64})\.(\d{1,15})$/;

function cursorOf(a: AlertJson): string {
  return `${a.tsNs}.${a.runId}.${a.seq}`;
}

function parseCursor(text: string): AlertPosition {
  const m = CURSOR.exec(text);
  if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) {
    throw badRequest(`cursor=${JSON.stringify(text)}: pass the "next" of the previous page unchanged`);
  }
  return { ts: BigInt(m[1]), runId: m[2], seq: Number(m[3]) };
}

/** Falco's priorities in any case (`warning`, `INFO`), as rules files spell them. */
function priorityList(text: string): Priority[] {
  const items = text.split(',').map((s) => s.trim());
  const parsed = items.map(priorityName);
  const bad = items.filter((_, i) => parsed[i] === undefined);
  if (bad.length > 0) {
    throw badRequest(`priority=${bad.join(',')}: expected one or more of ${PRIORITIES.join(', ')} (comma-separated)`);
  }
  return [...new Set(parsed as Priority[])];
}

function alertFromInput(a: AlertInput, index: number): AlertRecord & { seq: number } {
  const priority = priorityName(a.priority);
  if (priority === undefined) {
    throw badRequest(
      `alerts[${index}].priority: ${JSON.stringify(a.priority)} is not a Falco priority (${PRIORITIES.join(', ')})`,
    );
  }
  // The schema admits no other keys, so the input is the record but for these two fields.
  return { ...a, ts: nsFromString(a.ts, `alerts[${index}].ts`), priority };
}

export function alertRoutes(app: FastifyInstance, { store, ingest, live, metrics }: RouteContext): void {
  // A copy of a post still being written holds back its retry until it has committed.
  const inFlight = new KeyLocks();
  app.post<{ Params: { id: string }; Body: AlertInput[] }>(
    '/api/v1/ingest/runs/:id/alerts',
    { schema: { params: runIdParams, body: alertBatch } },
    async (request) => {
      const alerts = request.body.map(alertFromInput);
      const writer = await ingest.writerFor(request.params.id);
      const seqs = alerts.map((a) => a.seq);
      return inFlight.with(
        seqs.map((seq) => `${writer.runId}\u0000${seq}`),
        async () => {
          // A retry's alerts are stored once (the writer ignores numbers the run holds); they are
          // also counted and streamed once: only those not stored before this post are.
          const seen = await store.storedAlertSeqs(writer.runId, seqs);
          writer.appendAlerts(alerts);
          // Committed before the answer, so a 200 means stored.
          await writer.flush();
          for (const a of alerts) {
            if (seen.has(a.seq)) continue;
            seen.add(a.seq);
            metrics.alerts.inc({ priority: a.priority, rule: a.rule });
            live.publishAlert(alertJson({ ...a, runId: writer.runId }));
          }
          return { runId: writer.runId, received: alerts.length };
        },
      );
    },
  );

  app.get<{ Querystring: AlertsQuery }>(
    '/api/v1/alerts',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            run: { type: 'string', minLength: 1, maxLength: 64 },
            since: { type: 'string', maxLength: 40 },
            priority: { type: 'string', maxLength: 200, description: 'comma-separated Falco priorities' },
            rule: { type: 'string', minLength: 1, maxLength: 1024 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ALERT_PAGE, default: 100 },
            cursor: { type: 'string', maxLength: 120 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { alerts: { type: 'array', items: alertSchema }, next: { type: ['string', 'null'] } },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: AlertFilter = { limit: q.limit + 1 };
      if (q.run !== undefined) filter.runId = (await findRun(store, q.run)).id;
      if (q.since !== undefined) filter.since = parseTime(q.since, 'since');
      if (q.priority !== undefined) filter.priorities = priorityList(q.priority);
      if (q.rule !== undefined) filter.rule = q.rule;
      if (q.cursor !== undefined) filter.before = parseCursor(q.cursor);
      const found = (await store.alerts(filter)).map(alertJson);
      const page = found.slice(0, q.limit);
      const last = page[page.length - 1];
      return { alerts: page, next: found.length > q.limit && last !== undefined ? cursorOf(last) : null };
    },
  );

  // A dashboard keeps this stream open for as long as it shows the monitor view; the server's
  // close would wait for it forever, so closing ends every stream first.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  app.get('/api/v1/alerts/live', async (_request, reply) => {
    reply.hijack();
    const res = reply.raw;
    streams.add(res);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    // The first message says the subscription is in place: from here on nothing published is missed.
    res.write('event: ready\ndata: {}\n\n');
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const unsubscribe = live.subscribeAlerts((alert) => res.write(`event: alert\ndata: ${JSON.stringify(alert)}\n\n`));
    res.on('close', () => {
      streams.delete(res);
      clearInterval(heartbeat);
      unsubscribe();
    });
    return reply;
  });
}
