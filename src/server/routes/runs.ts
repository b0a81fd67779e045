/** `/api/v1/runs`: the run list, one run with its summary, and its processes. */
import type { FastifyInstance } from 'fastify';
import type { RunStatus } from '../../store/store.js';
import { jsonSafe, processJson, processSchema, processTree, runJson, runSchema } from '../records.js';
import { findRun, parseTime } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

interface RunsQuery {
  component?: string;
  branch?: string;
  buildId?: string;
  status?: RunStatus;
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

export function runRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Querystring: RunsQuery }>(
    '/api/v1/runs',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            component: { type: 'string', maxLength: 256 },
            branch: { type: 'string', maxLength: 256 },
            buildId: { type: 'string', maxLength: 256 },
            status: { type: 'string', enum: ['running', 'complete', 'incomplete'] },
            since: { type: 'string', maxLength: 40 },
            until: { type: 'string', maxLength: 40 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: { 200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } } },
      },
    },
    async (request) => {
      const q = request.query;
      const runs = await store.listRuns({
        component: q.component,
        branch: q.branch,
        buildId: q.buildId,
        status: q.status,
        since: q.since === undefined ? undefined : parseTime(q.since, 'since'),
        until: q.until === undefined ? undefined : parseTime(q.until, 'until'),
        limit: q.limit,
        offset: q.offset,
      });
      return { runs: runs.map(runJson) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/runs/:id',
    {
      schema: {
        params: runIdParams,
        response: {
          200: {
            type: 'object',
            properties: { run: runSchema, summary: { type: ['object', 'null'], additionalProperties: true } },
          },
        },
      },
    },
    async (request) => {
      const run = await findRun(store, request.params.id);
      const summary = run.summary === undefined || run.summary === null ? null : jsonSafe(run.summary);
      return { run: runJson(run), summary };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { tree?: '1' | '0' | 'true' | 'false' } }>(
    '/api/v1/runs/:id/processes',
    {
      schema: {
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { tree: { type: 'string', enum: ['1', '0', 'true', 'false'] } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runId: { type: 'string' },
              processes: { type: 'array', items: processSchema },
              tree: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    async (request) => {
      const run = await findRun(store, request.params.id);
      const processes = await store.processes(run.id);
      const tree = request.query.tree === '1' || request.query.tree === 'true';
      if (tree) return { runId: run.id, tree: processTree(processes) };
      return { runId: run.id, processes: processes.map(processJson) };
    },
  );
}
