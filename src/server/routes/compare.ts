/**
 * `/api/v1/compare?base=A&head=B`: what changed between two runs. Findings match by
 * fingerprint (stable across builds), processes by executable path, endpoints by their text.
 */
import type { FastifyInstance } from 'fastify';
import type { Novelty } from '../../findings/assessment.js';
import { compareFindings } from '../../findings/compare.js';
import { fromRecord, toRecord } from '../../findings/record.js';
import { findingJson, findingSchema } from '../records.js';
import { findRun } from '../run-lookup.js';
import type { RouteContext } from './context.js';

function setDiff<T>(a: Iterable<T>, b: Set<T>): T[] {
  return [...new Set(a)].filter((x) => !b.has(x));
}

const strings = { type: 'array', items: { type: 'string' } } as const;
const findingList = { type: 'array', items: findingSchema } as const;

export function compareRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Querystring: { base: string; head: string } }>(
    '/api/v1/compare',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['base', 'head'],
          properties: {
            base: { type: 'string', minLength: 1, maxLength: 64 },
            head: { type: 'string', minLength: 1, maxLength: 64 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              base: { type: 'string' },
              head: { type: 'string' },
              findings: {
                type: 'object',
                properties: { new: findingList, unchanged: findingList, fixed: findingList },
              },
              processes: { type: 'object', properties: { appeared: strings, vanished: strings } },
              endpoints: { type: 'object', properties: { appeared: strings, vanished: strings } },
            },
          },
        },
      },
    },
    async (request) => {
      const base = await findRun(store, request.query.base);
      const head = await findRun(store, request.query.head);
      const [baseFindings, headFindings, baseProcs, headProcs, baseEnds, headEnds] = await Promise.all([
        store.findings(base.id),
        store.findings(head.id),
        store.processes(base.id),
        store.processes(head.id),
        store.endpoints(base.id),
        store.endpoints(head.id),
      ]);
      // The same comparison `harrier run --baseline` and `harrier diff` make.
      const byId = new Map([...baseFindings, ...headFindings].map((f) => [f.id + f.fingerprint, f]));
      const compared = compareFindings(headFindings.map(fromRecord), baseFindings.map(fromRecord));
      const group = (novelty: Novelty) =>
        compared
          .filter((a) => a.novelty === novelty)
          .map((a) => findingJson(byId.get(a.finding.id + a.finding.fingerprint) ?? toRecord(a.finding)));
      const baseExes = new Set(baseProcs.map((p) => p.exePath));
      const headExes = new Set(headProcs.map((p) => p.exePath));
      const baseEndpoints = new Set(baseEnds.map((e) => e.endpoint));
      const headEndpoints = new Set(headEnds.map((e) => e.endpoint));
      return {
        base: base.id,
        head: head.id,
        findings: {
          new: group('new'),
          unchanged: group('unchanged'),
          fixed: group('fixed'),
        },
        processes: { appeared: setDiff(headExes, baseExes).sort(), vanished: setDiff(baseExes, headExes).sort() },
        endpoints: {
          appeared: setDiff(headEndpoints, baseEndpoints).sort(),
          vanished: setDiff(baseEndpoints, headEndpoints).sort(),
        },
      };
    },
  );
}
