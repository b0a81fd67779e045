/**
 * `/api/v1/ingest`: remote `harrier run`/`monitor` sessions report here. A run is started, its
 * events arrive as NDJSON batches each named by an Idempotency-Key (acknowledged only once
 * committed, stored once however often retried), findings and processes as JSON, and `finish`
 * records the outcome.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SensorKind } from '../../events/event.js';
import type { BuildInfo } from '../../findings/assessment.js';
import type { ExitStatus } from '../../sensors/sensor.js';
import { FINDING_KINDS, FINDING_SEVERITIES } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { BatchFiles } from '../batch-files.js';
import { NdjsonBody } from '../ndjson-body.js';
import {
  MAX_BATCH_EVENTS,
  findingFromInput,
  nsFromString,
  parseEventBatch,
  processFromInput,
  type FindingInput,
  type ProcessInput,
} from '../ingest-codec.js';
import { runIdParams, type RouteContext } from './context.js';

/** Largest request body (an event batch), as the issue asks: bigger gets 413. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * Uncommitted events across all runs past which new batches get 429: about 1.5 s of the
 * store's append rate, so a client that keeps sending is told to back off instead of growing
 * the server's heap.
 */
export const INGEST_BACKLOG_LIMIT = 200_000;

const RETRY_AFTER_SECONDS = 1;

/** Event batches up to this size are read whole so that the 413 can be answered (see below). */
const READ_LIMIT = 4 * INGEST_BODY_LIMIT;

const nsString = { type: 'string', pattern: '^\\d{1,20}$' } as const;
const str = { type: 'string', maxLength: 4096 } as const;
const shortStr = { type: 'string', minLength: 1, maxLength: 256 } as const;

const newRunBody = {
  type: 'object',
  additionalProperties: false,
  required: ['command', 'cwd', 'sensor', 'hostname', 'startedAt', 'harrierVersion'],
  properties: {
    command: { type: 'array', minItems: 1, maxItems: 10_000, items: str },
    cwd: str,
    sensor: { type: 'string', enum: ['ptrace', 'ebpf', 'libc', 'node', 'inventory'] },
    hostname: shortStr,
    startedAt: nsString,
    harrierVersion: shortStr,
    build: {
      type: 'object',
      additionalProperties: false,
      properties: { buildId: str, branch: str, commit: str, component: str, ci: str, url: str },
    },
  },
} as const;

interface NewRunBody {
  command: string[];
  cwd: string;
  sensor: SensorKind;
  hostname: string;
  startedAt: string;
  harrierVersion: string;
  build?: BuildInfo;
}

const findingBody = {
  type: 'array',
  maxItems: 10_000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'ruleId', 'kind', 'severity', 'title', 'message', 'fingerprint', 'count', 'firstTs', 'lastTs'],
    properties: {
      id: shortStr,
      ruleId: { type: 'string', minLength: 1, maxLength: 1024 },
      kind: { type: 'string', enum: [...FINDING_KINDS] },
      severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
      title: str,
      message: { type: 'string', maxLength: 65_536 },
      fingerprint: shortStr,
      count: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      firstTs: nsString,
      lastTs: nsString,
      evidence: { type: 'object' },
    },
  },
} as const;

const processItem = {
  type: 'object',
  additionalProperties: false,
  required: ['pid', 'ppid', 'exePath', 'args', 'cwd', 'uid', 'gid', 'user', 'group', 'startTs'],
  properties: {
    pid: { type: 'integer', minimum: 0 },
    ppid: { type: 'integer', minimum: 0 },
    exePath: str,
    args: { type: 'array', maxItems: 10_000, items: { type: 'string', maxLength: 65_536 } },
    cwd: str,
    uid: { type: 'integer', minimum: 0 },
    gid: { type: 'integer', minimum: 0 },
    user: shortStr,
    group: shortStr,
    startTs: nsString,
    exitTs: nsString,
    exitCode: { type: 'integer' },
    exitSignal: shortStr,
  },
} as const;

const processBody = { type: 'array', maxItems: 100_000, items: processItem } as const;

const finishBody = {
  type: 'object',
  additionalProperties: false,
  required: ['endedAt', 'partial'],
  properties: {
    endedAt: nsString,
    partial: { type: 'boolean' },
    exit: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'code'],
          properties: { kind: { const: 'exited' }, code: { type: 'integer' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'signal', 'signo'],
          properties: { kind: { const: 'killed' }, signal: shortStr, signo: { type: 'integer', minimum: 1 } },
        },
      ],
    },
    summary: { type: 'object' },
    processes: processBody,
  },
} as const;

interface FinishBody {
  endedAt: string;
  partial: boolean;
  exit?: ExitStatus;
  summary?: Record<string, unknown>;
  processes?: ProcessInput[];
}

const batchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dropped: { type: 'integer', minimum: 0, description: 'events the client dropped since its last batch' },
    ruleEvents: {
      type: 'integer',
      minimum: 0,
      description: 'events the client evaluated rules on since its last batch',
    },
    ruleSeconds: { type: 'number', minimum: 0, description: 'seconds those evaluations took' },
  },
} as const;

const idempotencyHeaders = {
  type: 'object',
  required: ['idempotency-key'],
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' } },
} as const;

/** Optional on run creation, so older clients keep working; a repeated key answers the same run. */
const runCreationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': idempotencyHeaders.properties['idempotency-key'] },
} as const;

export function ingestRoutes(app: FastifyInstance, { store, ingest, live, metrics }: RouteContext): void {
  const batchFiles = new BatchFiles();
  app.addHook('onClose', () => batchFiles.close());
  // The events body is kept as the bytes it arrived in: the store reads the lines from a private
  // file itself, and only a batch it refuses is decoded here, so that the error can name its line.
  // A body cut off mid-upload leaves most clients seeing only EPIPE, never the 413, so batches up
  // to READ_LIMIT are read whole and refused by the route with a JSON 413 the client can read;
  // beyond it, the parser stops keeping the bytes and Fastify answers its own 413.
  app.addContentTypeParser('application/x-ndjson', (_request: FastifyRequest, payload: IncomingMessage) =>
    NdjsonBody.read(payload, READ_LIMIT),
  );

  app.post<{ Body: NewRunBody; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/ingest/runs',
    { schema: { body: newRunBody, headers: runCreationHeaders } },
    async (request, reply) => {
      const b = request.body;
      const { runId, replayed } = await ingest.begin(
        {
          command: b.command,
          cwd: b.cwd,
          sensor: b.sensor,
          hostname: b.hostname,
          startedAt: nsFromString(b.startedAt, 'startedAt'),
          harrierVersion: b.harrierVersion,
          build: b.build,
        },
        request.headers['idempotency-key'],
      );
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ id: runId });
    },
  );

  app.post<{
    Params: { id: string };
    Querystring: { dropped?: number; ruleEvents?: number; ruleSeconds?: number };
    Headers: { 'idempotency-key': string };
  }>(
    '/api/v1/ingest/runs/:id/events',
    { schema: { params: runIdParams, querystring: batchQuery, headers: idempotencyHeaders } },
    async (request, reply) => {
      const body = request.body;
      if (!(body instanceof NdjsonBody)) {
        throw new ApiError(415, 'unsupported_media_type', 'send events as Content-Type: application/x-ndjson');
      }
      if (body.size > INGEST_BODY_LIMIT) {
        throw new ApiError(
          413,
          'payload_too_large',
          `batch body is larger than ${INGEST_BODY_LIMIT / 2 ** 20} MiB; send smaller batches`,
        );
      }
      if (ingest.backlog() > INGEST_BACKLOG_LIMIT) {
        metrics.throttled.inc();
        void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw new ApiError(
          429,
          'store_busy',
          `the store is ${ingest.backlog()} events behind; retry after ${RETRY_AFTER_SECONDS} s`,
        );
      }
      const writer = await ingest.writerFor(request.params.id);
      const stopTimer = metrics.storeWrite.startTimer();
      const { counts, ...result } = await batchFiles.with(body.chunks, (file) =>
        writer.appendNdjsonBatch(request.headers['idempotency-key'], file, {
          lines: body.lines,
          maxEvents: MAX_BATCH_EVENTS,
          parse: () => parseEventBatch(body.text()),
        }),
      );
      stopTimer();
      if (result.duplicate) {
        metrics.duplicateBatches.inc();
      } else {
        const q = request.query;
        if (q.dropped !== undefined) metrics.drops.inc(q.dropped);
        if (q.ruleEvents !== undefined && q.ruleEvents > 0) {
          metrics.ruleEvaluations.inc(q.ruleEvents);
          metrics.ruleSeconds.inc(q.ruleSeconds ?? 0);
        }
        // Counted per (type, sensor) pair rather than per event: a label lookup per event costs more than the parse.
        for (const c of counts) metrics.eventsIngested.inc({ type: c.type, sensor: c.source }, c.events);
        live.publish(writer.runId, { kind: 'events', stored: result.stored, total: result.total });
      }
      return { runId: writer.runId, ...result };
    },
  );

  app.post<{ Params: { id: string }; Body: FindingInput[] }>(
    '/api/v1/ingest/runs/:id/findings',
    { schema: { params: runIdParams, body: findingBody } },
    async (request) => {
      const findings = request.body.map(findingFromInput);
      const writer = await ingest.writerFor(request.params.id);
      writer.upsertFindings(findings);
      await writer.flush();
      for (const f of findings) metrics.findings.inc({ severity: f.severity });
      live.publish(writer.runId, {
        kind: 'findings',
        findings: findings.map((f) => ({
          id: f.id,
          ruleId: f.ruleId,
          severity: f.severity,
          title: f.title,
          count: f.count,
        })),
      });
      return { runId: writer.runId, stored: findings.length };
    },
  );

  app.post<{ Params: { id: string }; Body: ProcessInput[] }>(
    '/api/v1/ingest/runs/:id/processes',
    { schema: { params: runIdParams, body: processBody } },
    async (request) => {
      const processes = request.body.map(processFromInput);
      const writer = await ingest.writerFor(request.params.id);
      writer.upsertProcesses(processes);
      await writer.flush();
      return { runId: writer.runId, stored: processes.length };
    },
  );

  app.post<{ Params: { id: string }; Body: FinishBody }>(
    '/api/v1/ingest/runs/:id/finish',
    { schema: { params: runIdParams, body: finishBody } },
    async (request) => {
      const b = request.body;
      const runId = request.params.id;
      const endedAt = nsFromString(b.endedAt, 'endedAt');
      const processes = (b.processes ?? []).map(processFromInput);
      // A finish retried after its response was lost finds the run finished: report that, not an error.
      const existing = await store.getRun(runId);
      if (existing?.id === runId && existing.status === 'complete') {
        return { runId, status: existing.status, alreadyFinished: true };
      }
      const writer = await ingest.writerFor(runId);
      if (processes.length > 0) writer.upsertProcesses(processes);
      await ingest.finish(runId, { endedAt, exit: b.exit, summary: b.summary ?? null, partial: b.partial });
      const status = b.partial ? 'incomplete' : 'complete';
      live.publish(runId, { kind: 'status', status });
      return { runId, status, alreadyFinished: false };
    },
  );
}
