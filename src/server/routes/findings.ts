/**
 * `/api/v1/runs/:id/findings`: filtered by severity, kind and rule in the database, and by
 * status against a baseline run (new / unchanged / fixed), judged as `harrier run --baseline`
 * judges them: by fingerprint.
 */
import type { FastifyInstance } from 'fastify';
import type { Novelty } from '../../findings/assessment.js';
import { compareFindings } from '../../findings/compare.js';
import { fromRecord } from '../../findings/record.js';
import {
  FINDING_KINDS,
  FINDING_SEVERITIES,
  type FindingFilter,
  type FindingKind,
  type FindingRecord,
  type FindingSeverity,
  type RunRecord,
  type Store,
} from '../../store/store.js';
import { badRequest } from '../errors.js';
import { findingJson, findingSchema } from '../records.js';
import { findRun } from '../run-lookup.js';
import { runIdParams, type RouteContext } from './context.js';

interface FindingsQuery {
  severity?: string;
  kind?: string;
  rule?: string;
  status?: string;
  baseline?: string;
}

const STATUSES: readonly Novelty[] = ['new', 'unchanged', 'fixed'];

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

/**
 * `previous` (the default): the newest finished run of the same component and branch that
 * started before this one, as the dashboard's runs list and `--baseline last` pick it.
 */
async function baselineRun(store: Store, run: RunRecord, ref: string): Promise<RunRecord | undefined> {
  if (ref !== 'previous') {
    const base = await findRun(store, ref);
    if (base.id === run.id) throw badRequest('baseline= names the run itself; name an earlier run');
    return base;
  }
  const [previous] = await store.listRuns({
    completeOnly: true,
    until: run.startedAt,
    excludeId: run.id,
    limit: 1,
    ...(run.build?.component !== undefined && { component: run.build.component }),
    ...(run.build?.branch !== undefined && { branch: run.build.branch }),
  });
  return previous;
}

/** Each finding with its status; fixed ones come from the baseline. */
function judged(
  current: FindingRecord[],
  baseline: FindingRecord[],
): Array<{ record: FindingRecord; status: Novelty }> {
  const byKey = new Map([...baseline, ...current].map((f) => [`${f.id}\0${f.fingerprint}`, f]));
  return compareFindings(current.map(fromRecord), baseline.map(fromRecord)).flatMap((a) => {
    const record = byKey.get(`${a.finding.id}\0${a.finding.fingerprint}`);
    return record === undefined || a.novelty === undefined ? [] : [{ record, status: a.novelty }];
  });
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
            status: { type: 'string', maxLength: 100, description: 'new, unchanged, fixed (comma-separated)' },
            baseline: { type: 'string', minLength: 1, maxLength: 64, description: 'a run id, or previous' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runId: { type: 'string' },
              baseline: { type: ['string', 'null'] },
              findings: {
                type: 'array',
                items: { ...findingSchema, properties: { ...findingSchema.properties, status: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const run = await findRun(store, request.params.id);
      const q = request.query;
      const filter: FindingFilter = {
        severities: listParam<FindingSeverity>(q.severity, FINDING_SEVERITIES, 'severity'),
        kinds: listParam<FindingKind>(q.kind, FINDING_KINDS, 'kind'),
        ruleId: q.rule,
      };
      const statuses = listParam<Novelty>(q.status, STATUSES, 'status');
      const findings = await store.findings(run.id, filter);
      if (statuses === undefined && q.baseline === undefined) {
        return { runId: run.id, findings: findings.map(findingJson) };
      }
      // Without an earlier run every finding is new, as `harrier run --baseline last` says.
      const base = await baselineRun(store, run, q.baseline ?? 'previous');
      const before = base === undefined ? [] : await store.findings(base.id, filter);
      const wanted = new Set<Novelty>(statuses ?? STATUSES);
      return {
        runId: run.id,
        baseline: base?.id ?? null,
        findings: judged(findings, before)
          .filter((j) => wanted.has(j.status))
          .map((j) => ({ ...findingJson(j.record), status: j.status })),
      };
    },
  );
}
