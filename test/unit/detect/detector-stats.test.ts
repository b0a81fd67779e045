import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleEngine, RulesDetector, compileRuleset } from '../../../src/detect/rules/index.js';
import type { Event } from '../../../src/events/event.js';
import { SystemState } from '../../../src/events/state/system-state.js';
import { loadRulesText } from '../../../src/rules/loader/index.js';

const RULES = `
- rule: Opens hostname
  desc: d
  condition: evt.type = openat and fd.name = /etc/hostname
  output: "open %fd.name"
  priority: NOTICE
`;

function openat(n: number): Event {
  return {
    ts: BigInt(n),
    source: 'ebpf',
    type: 'openat',
    pid: 10,
    tid: 10,
    res: 3,
    args: { dirfd: { fd: -100 }, name: '/etc/hostname', flags: { names: ['O_RDONLY'] } },
  };
}

test('the detector counts the events it evaluated and estimates the time the rules took', () => {
  const detector = new RulesDetector(new RuleEngine(compileRuleset(loadRulesText(RULES, 'r.yaml'))), () => undefined);
  assert.deepEqual(detector.stats(), { events: 0, seconds: 0 });
  const state = new SystemState();
  state.seedProcess({ pid: 10, exePath: '/usr/bin/cat', exe: 'cat' });
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) {
    const ev = openat(i);
    state.apply(ev);
    detector.process(ev, state);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const stats = detector.stats();
  assert.equal(stats.events, n);
  // Evaluation is part of the loop, so the estimate is positive and below the loop's own time.
  assert.ok(stats.seconds > 0, `estimated ${stats.seconds} s`);
  assert.ok(stats.seconds < wallSeconds, `estimated ${stats.seconds} s of a ${wallSeconds} s loop`);
});
