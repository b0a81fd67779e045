/** `/api/v1/rules`: the rules this server was started with, and every rule's hits in the store. */
import type { FastifyInstance } from 'fastify';
import { parsePriorities, listRules, type ListedRule } from '../rule-listing.js';
import type { RouteContext } from './context.js';

interface RulesQuery {
  tag?: string;
  priority?: string;
  enabled?: boolean;
  q?: string;
  source?: string;
  hit?: boolean;
}

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;

const ruleSchema = {
  type: 'object',
  properties: {
    name: str,
    loaded: { type: 'boolean' },
    description: str,
    priority: str,
    severity: str,
    tags: { type: 'array', items: str },
    enabled: { type: 'boolean' },
    source: str,
    file: str,
    line: int,
    condition: str,
    output: str,
    hits: int,
    runs: int,
    lastHit: { type: ['string', 'null'] },
  },
} as const;

function ruleJson(r: ListedRule) {
  return { ...r, lastHit: r.lastHit === undefined ? null : r.lastHit.toString() };
}

export function ruleRoutes(app: FastifyInstance, { store, rules }: RouteContext): void {
  app.get<{ Querystring: RulesQuery }>(
    '/api/v1/rules',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            tag: { type: 'string', minLength: 1, maxLength: 200 },
            priority: { type: 'string', minLength: 1, maxLength: 200 },
            enabled: { type: 'boolean' },
            q: { type: 'string', maxLength: 200 },
            source: { type: 'string', minLength: 1, maxLength: 100 },
            hit: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              rulesFiles: { type: 'array', items: str },
              counts: {
                type: 'object',
                properties: { loaded: int, enabled: int, loadedWithHits: int, notLoaded: int, shown: int },
              },
              rules: { type: 'array', items: ruleSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const listing = listRules(rules, await store.ruleHits(), {
        tag: q.tag,
        priorities: parsePriorities(q.priority),
        enabled: q.enabled,
        q: q.q === '' ? undefined : q.q,
        source: q.source,
        hit: q.hit,
      });
      return { rulesFiles: rules.files, counts: listing.counts, rules: listing.rules.map(ruleJson) };
    },
  );
}
