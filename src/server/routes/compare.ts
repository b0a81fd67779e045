/**
 * `/api/v1/compare?base=A&head=B`: what changed between two runs. Findings match by
 * fingerprint (stable across builds), processes by executable path, endpoints by their text.
 */
import type { FastifyInstance } from 'fastify';
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
      const basePrints = new Set(baseFindings.map((f) => f.fingerprint));
      const headPrints = new Set(headFindings.map((f) => f.fingerprint));
      const baseExes = new Set(baseProcs.map((p) => p.exePath));
      const headExes = new Set(headProcs.map((p) => p.exePath));
      const baseEndpoints = new Set(baseEnds.map((e) => e.endpoint));
      const headEndpoints = new Set(headEnds.map((e) => e.endpoint));
      return {
        base: base.id,
        head: head.id,
        findings: {
          new: headFindings.filter((f) => !basePrints.has(f.fingerprint)).map(findingJson),
          unchanged: headFindings.filter((f) => basePrints.has(f.fingerprint)).map(findingJson),
          fixed: baseFindings.filter((f) => !headPrints.has(f.fingerprint)).map(findingJson),
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
