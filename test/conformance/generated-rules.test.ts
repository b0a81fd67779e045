/**
 * The generated rule functions (rules/compile/codegen.ts) give exactly the closures' answers:
 * every rule of Falco's stable file and of Harrier's defaults, on every event of a recorded run
 * of real programs that touch sensitive files, logs, links and shells, through both.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RuleEngine, loadRuleset, type CompiledRule } from '../../src/detect/rules/index.js';
import type { Event } from '../../src/events/event.js';
import { eventFromJsonLine } from '../../src/events/json.js';
import { SystemState } from '../../src/events/state/system-state.js';
import { generateGroupEvaluator, type GroupEvaluator } from '../../src/rules/compile/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const stable = join(repo, '../shared/peer-data/falco-rules/falco_rules.yaml');
const defaults = join(repo, 'rules/harrier_rules.yaml');

/** Programs doing what the rules look for: reads of /etc secrets, log truncation, links, shells. */
const WORKLOAD = [
  'cat /etc/passwd /etc/hostname > /dev/null',
  'cat /etc/shadow 2>/dev/null || true',
  'ls /etc/pam.d /etc/sudoers.d > /dev/null 2>&1 || true',
  'd=$(mktemp -d)',
  'mkdir -p $d/var/log && echo x > $d/var/log/app.log && : > $d/var/log/app.log',
  'ln -s /etc/shadow $d/shadow-link; ln /etc/hostname $d/hard 2>/dev/null || true',
  'sh -c "id; uname -a" > /dev/null',
  'find /etc -maxdepth 1 -name "*.conf" > /dev/null',
  'grep -r "password" /etc/hostname > /dev/null || true',
  'rm -rf $d',
].join('; ');

function record(): Event[] {
  const file = join(mkdtempSync(join(tmpdir(), 'harrier-generated-rules-')), 'events.ndjson');
  const args = ['run', '--no-rules', '--no-store', '--no-libc', '-q', '--events', file, '--', 'sh', '-c', WORKLOAD];
  const r = spawnSync(process.execPath, [join(repo, 'bin/harrier.js'), ...args], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, `recording failed: ${r.stderr}`);
  return readFileSync(file, 'utf8').trim().split('\n').map(eventFromJsonLine);
}

type Outcome = 'match' | 'no' | 'throws';

function closureOutcome(rule: CompiledRule, event: Event, state: SystemState): Outcome {
  try {
    return rule.predicate({ event, state }) ? 'match' : 'no';
  } catch {
    return 'throws';
  }
}

function generatedOutcomes(run: GroupEvaluator, n: number, event: Event, state: SystemState): Outcome[] {
  const out: Outcome[] = new Array<Outcome>(n).fill('no');
  run(
    { event, state },
    (i) => {
      out[i] = 'match';
      return false;
    },
    (i) => {
      out[i] = 'throws';
    },
  );
  return out;
}

async function compare(file: string, events: Event[]): Promise<{ matches: number; checks: number }> {
  const rs = await loadRuleset([file]);
  assert.deepEqual(rs.errors, []);
  const groups = new Map<string, { rules: CompiledRule[]; run: GroupEvaluator }>();
  const state = new SystemState();
  let matches = 0;
  let checks = 0;
  for (const event of events) {
    state.apply(event);
    let g = groups.get(event.type);
    if (g === undefined) {
      const rules = rs.rules.filter((r) => r.eventTypes === undefined || r.eventTypes.has(event.type));
      const run = generateGroupEvaluator(rules.map((r) => r.predicate));
      assert.ok(run, 'code generation is available in the test runtime');
      groups.set(event.type, (g = { rules, run }));
    }
    const generated = generatedOutcomes(g.run, g.rules.length, event, state);
    g.rules.forEach((rule, i) => {
      const expected = closureOutcome(rule, event, state);
      assert.equal(
        generated[i],
        expected,
        `rule '${rule.name}' on ${event.type} #${checks}: ${JSON.stringify(event.args).slice(0, 300)}`,
      );
      if (expected === 'match') matches++;
      checks++;
    });
  }
  return { matches, checks };
}

test("generated rule functions agree with the closures on every rule and event (Falco's stable, Harrier's defaults)", async (t) => {
  const events = record();
  assert.ok(events.length > 200, `recorded ${events.length} events`);
  for (const file of [stable, defaults]) {
    if (!existsSync(file)) {
      t.diagnostic(`skipped ${file}: not found`);
      continue;
    }
    const { matches, checks } = await compare(file, events);
    t.diagnostic(`${file}: ${checks} rule×event checks, ${matches} matches`);
    assert.ok(checks > events.length, `${file}: only ${checks} checks`);
    // Not vacuous: the workload makes rules fire, and both paths must agree on those too.
    assert.ok(matches > 0, `${file}: no rule matched the workload`);
  }
});

test('the engine gives the same alerts generated and with closures', async () => {
  const events = record();
  const rs = await loadRuleset([defaults]);
  const runs = (['generated', 'closures'] as const).map((evaluation) => {
    const engine = new RuleEngine(rs, 'all', evaluation);
    const state = new SystemState();
    const fired: string[] = [];
    events.forEach((event, n) => {
      state.apply(event);
      engine.evaluate({ event, state }, (rule) => fired.push(`${n} ${rule.name}`));
    });
    return { fired, hits: [...engine.hits].sort() };
  });
  assert.deepEqual(runs[0], runs[1]);
  assert.ok((runs[0]?.fired.length ?? 0) > 0);
});
