/** What every route module is given. */
import type { Store } from '../../store/store.js';
import type { IngestWriters } from '../ingest.js';
import type { LiveHub } from '../live.js';
import type { ServerMetrics } from '../metrics.js';
import type { RulesCatalogue } from '../rules-catalogue.js';

export interface RouteContext {
  store: Store;
  ingest: IngestWriters;
  live: LiveHub;
  metrics: ServerMetrics;
  /** The rules the server was started with (listed, never evaluated). */
  rules: RulesCatalogue;
}

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;

export const runIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
} as const;
