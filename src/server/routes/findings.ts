/** `/api/v1/runs/:id/findings`, filtered by severity, kind and rule in the database. */
import type { FastifyInstance } from 'fastify';
import { FINDING_KINDS, FINDING_SEVERITIES, type FindingKind, type FindingSeverity } from '../../store/store.js';
import { badRequest } from '../errors.js';
import { findingJson, findingSchema } from '../records.js';
import { findRun } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

interface FindingsQuery {
  severity?: string;
  kind?: string;
  rule?: string;
}

/** A comma-separated list whose every item must be one of `allowed`. */
export function listParam<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  name: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim());
  const bad = items.filter((s) => !allowed.some((a) => a === s));
  if (bad.length > 0) {
    throw badRequest(`${name}=${bad.join(',')}: expected one or more of ${allowed.join(', ')} (comma-separated)`);
  }
  return items as T[];
}

export function findingRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Params: { id: string }; Querystring: FindingsQuery }>(
    '/api/v1/runs/:id/findings',
    {
      schema: {
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            severity: { type: 'string', maxLength: 100 },
            kind: { type: 'string', maxLength: 100 },
            rule: { type: 'string', minLength: 1, maxLength: 512 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { runId: { type: 'string' }, findings: { type: 'array', items: findingSchema } },
          },
        },
      },
    },
    async (request) => {
      const run = await findRun(store, request.params.id);
      const q = request.query;
      const findings = await store.findings(run.id, {
        severities: listParam<FindingSeverity>(q.severity, FINDING_SEVERITIES, 'severity'),
        kinds: listParam<FindingKind>(q.kind, FINDING_KINDS, 'kind'),
        ruleId: q.rule,
      });
      return { runId: run.id, findings: findings.map(findingJson) };
    },
  );
}
