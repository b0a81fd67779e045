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

function feed(detector: RulesDetector, n: number): void {
  const state = new SystemState();
  state.seedProcess({ pid: 10, exePath: '/usr/bin/cat', exe: 'cat' });
  for (let i = 1; i <= n; i++) {
    const ev = openat(i);
    state.apply(ev);
    detector.process(ev, state);
  }
}

const engine = () => new RuleEngine(compileRuleset(loadRulesText(RULES, 'r.yaml')));

test('the detector counts the events it evaluated and times them on the real clock', () => {
  const detector = new RulesDetector(engine(), () => undefined);
  assert.deepEqual(detector.stats(), { events: 0, seconds: 0 });
  feed(detector, 20_000);
  const stats = detector.stats();
  assert.equal(stats.events, 20_000);
  // Only the sign is checked here: on a shared CI machine one preempted sample stands for 64
  // events, so any upper bound on a real clock is a coin toss. The arithmetic is tested below.
  assert.ok(stats.seconds > 0, `estimated ${stats.seconds} s`);
});

/** A clock on which the k-th timed evaluation lasts durations(k) ms. */
function scriptedClock(durations: (k: number) => number): { clock: () => number; timed: () => number } {
  let t = 0;
  let calls = 0;
  return {
    clock: () => {
      if (calls % 2 === 1) t += durations((calls - 1) / 2);
      calls++;
      return t;
    },
    timed: () => calls / 2,
  };
}

test('the estimate counts a slow first evaluation once and scales the later samples', () => {
  // A cold first event of 50 ms, then 2 µs each: 313 of 20 000 events are timed (1, 65, 129, …).
  const { clock, timed } = scriptedClock((k) => (k === 0 ? 50 : 0.002));
  const detector = new RulesDetector(engine(), () => undefined, clock);
  feed(detector, 20_000);
  assert.equal(timed(), 313);
  const { events, seconds } = detector.stats();
  assert.equal(events, 20_000);
  // 50 ms once + 2 µs × the other 19 999 events; scaling the first sample as well gave 3.2 s.
  assert.ok(Math.abs(seconds - (50 + 0.002 * 19_999) / 1000) < 1e-9, `estimated ${seconds} s`);
});

test('with only the first event timed, it stands for the rest of a short run', () => {
  const { clock } = scriptedClock(() => 0.5);
  const detector = new RulesDetector(engine(), () => undefined, clock);
  feed(detector, 10);
  assert.deepEqual(detector.stats(), { events: 10, seconds: 0.005 });
});
