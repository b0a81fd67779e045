/**
 * Offline rule evaluation over a recorded NDJSON event file (`harrier run --events`): the same
 * state and rules code a live run uses, fed from disk. Malformed lines are counted and reported
 * with their line numbers, never fatal.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AlertListener, type RuleEngine, RulesDetector } from '../detect/rules/index.js';
import { EventJsonError, eventFromJsonLine } from '../events/json.js';
import { SystemState } from '../events/state/system-state.js';

export interface ReplayStats {
  events: number;
  alerts: number;
  malformed: number;
}

export async function replayEventFile(
  path: string,
  engine: RuleEngine,
  onAlert: AlertListener,
  onMalformed: (line: number, reason: string) => void,
): Promise<ReplayStats> {
  const stats: ReplayStats = { events: 0, alerts: 0, malformed: 0 };
  const state = new SystemState();
  const detector = new RulesDetector(engine, (alert, rule, event) => {
    stats.alerts++;
    onAlert(alert, rule, event);
  });
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let ev;
    try {
      ev = eventFromJsonLine(line);
    } catch (e) {
      if (!(e instanceof EventJsonError)) throw e;
      stats.malformed++;
      onMalformed(n, e.message);
      continue;
    }
    stats.events++;
    state.apply(ev);
    detector.process(ev, state);
  }
  return stats;
}
