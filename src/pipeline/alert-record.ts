/**
 * A Falco alert as the store keeps it: the alert's own fields, its time as nanoseconds (from
 * `evt.time`, which every alert carries, so a deduplicated re-emission keeps its last
 * occurrence's time), and the deduplicator's `harrier.repeats` count as a column of its own so
 * the dashboard and queries need not dig it out of the output fields.
 */
import { type FalcoAlert, falcoAlertObject } from '../rules/output/index.js';
import type { AlertRecord } from '../store/store.js';

export const REPEATS_FIELD = 'harrier.repeats';

export function alertRecord(alert: FalcoAlert): AlertRecord {
  const fields = falcoAlertObject(alert).output_fields as Record<string, unknown>;
  const repeats = fields[REPEATS_FIELD];
  return {
    ts: alertTime(alert),
    rule: alert.rule,
    priority: alert.priority,
    source: alert.source,
    tags: [...alert.tags],
    hostname: alert.hostname,
    output: alert.output,
    outputFields: fields,
    repeats: typeof repeats === 'number' && Number.isInteger(repeats) && repeats > 0 ? repeats : 0,
  };
}

/** `evt.time` when present (always, for alerts built by the rules detector), else the ISO `time`. */
function alertTime(alert: FalcoAlert): bigint {
  const evtTime = alert.output_fields.find(([k]) => k === 'evt.time')?.[1];
  if (typeof evtTime === 'bigint') return evtTime;
  if (typeof evtTime === 'number' && Number.isSafeInteger(evtTime)) return BigInt(evtTime);
  // `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: whole seconds through Date, the nanoseconds kept exactly.
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(alert.time);
  const seconds = Date.parse(`${m?.[1] ?? alert.time}Z`);
  if (Number.isNaN(seconds)) return 0n;
  return BigInt(seconds) * 1_000_000n + BigInt((m?.[2] ?? '').padEnd(9, '0') || '0');
}
