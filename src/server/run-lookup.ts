/** Turning a run id (or unique prefix, or `last`) from a URL into a run, or the right 4xx. */
import { StoreError, type RunRecord, type Store } from '../store/store.js';
import { badRequest, notFound } from './errors.js';

export async function findRun(store: Store, idOrPrefix: string): Promise<RunRecord> {
  let run: RunRecord | undefined;
  try {
    run = await store.getRun(idOrPrefix);
  } catch (e) {
    if (e instanceof StoreError) throw badRequest(e.message);
    throw e;
  }
  if (run === undefined) throw notFound(`no run ${JSON.stringify(idOrPrefix)}`);
  return run;
}

/** A time parameter: nanoseconds since the epoch as digits, or an ISO 8601 date/time. */
export function parseTime(text: string, name: string): bigint {
  if (/^\d{1,20}$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw badRequest(`${name}=${JSON.stringify(text)} is neither nanoseconds since the epoch nor an ISO 8601 time`);
  }
  return BigInt(ms) * 1_000_000n;
}
