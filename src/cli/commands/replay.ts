/** `harrier replay EVENTS.ndjson`: evaluate rules offline over recorded events. */
import { existsSync } from 'node:fs';
import type { RuleMatching } from '../../detect/rules/index.js';
import { replayEventFile } from '../../pipeline/replay-file.js';
import { falcoAlertJson, readableAlertLine } from '../../rules/output/index.js';
import { UsageError } from '../errors.js';
import { loadRuleEngine } from '../rules.js';

/** Malformed lines reported one by one before only the count is kept. */
const SHOWN_MALFORMED = 10;

export async function replayCommand(
  file: string,
  opts: { rules?: string[]; ruleMatching: RuleMatching; json?: boolean },
): Promise<number> {
  if (!existsSync(file))
    throw new UsageError(`no event file at ${file}`, 'record one with: harrier run --events FILE -- COMMAND');
  const engine = await loadRuleEngine(opts.rules, opts.ruleMatching);
  const out = (line: string) => process.stdout.write(line + '\n');
  let shown = 0;
  const stats = await replayEventFile(
    file,
    engine,
    (alert) => out(opts.json ? falcoAlertJson(alert) : readableAlertLine(alert)),
    (line, reason) => {
      if (shown++ < SHOWN_MALFORMED)
        process.stderr.write(`harrier: ${file}:${line}: skipped a malformed event: ${reason}\n`);
    },
  );
  process.stderr.write(
    `harrier replay: ${stats.events} events · ${stats.alerts} alerts from ${engine.ruleCount} rules · ` +
      `${stats.malformed} malformed line(s) skipped\n`,
  );
  for (const f of engine.failures) process.stderr.write(`harrier: rule '${f.rule}' disabled: ${f.error.message}\n`);
  return 0;
}
