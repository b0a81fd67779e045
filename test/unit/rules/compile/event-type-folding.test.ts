import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../../../../src/events/event.js';
import { SystemState } from '../../../../src/events/state/system-state.js';
import { compileConditionText } from '../../../../src/rules/compile/index.js';
import { fieldRegistry } from '../../../../src/rules/fields/index.js';

function ctxFor(type: string, name: string) {
  const event: Event = {
    ts: 1n,
    source: 'ebpf',
    type,
    pid: 7,
    tid: 7,
    res: 3,
    args: { dirfd: { fd: -100 }, name, flags: { names: ['O_RDONLY'] } },
  };
  const state = new SystemState();
  state.apply(event);
  return { event, state };
}

const CONDITIONS = [
  'evt.type = open',
  'evt.type != open',
  'evt.type in (open, openat) and fd.name = /etc/passwd',
  '(evt.type = open and fd.name = /a) or (evt.type = openat and fd.name = /etc/passwd)',
  'not evt.type = openat',
  'evt.type in (creat) or fd.name startswith /etc',
];

test('folding evt.type tests for known event types never changes a result', () => {
  const cases = [
    ctxFor('openat', '/etc/passwd'),
    ctxFor('open', '/a'),
    ctxFor('openat', '/tmp/x'),
    ctxFor('open', '/etc/passwd'),
  ];
  for (const cond of CONDITIONS) {
    const plain = compileConditionText(cond, { registry: fieldRegistry }).predicate;
    for (const c of cases) {
      const folded = compileConditionText(cond, {
        registry: fieldRegistry,
        eventTypes: new Set([c.event.type]),
      }).predicate;
      assert.equal(folded(c), plain(c), `${cond} on ${c.event.type} ${String(c.event.args.name)}`);
    }
    const both = compileConditionText(cond, {
      registry: fieldRegistry,
      eventTypes: new Set(['open', 'openat']),
    }).predicate;
    for (const c of cases) assert.equal(both(c), plain(c), `${cond} on ${c.event.type} (two known types)`);
  }
});

test('a test settled by the known types becomes a constant', () => {
  const c = ctxFor('openat', '/etc/passwd');
  const never = compileConditionText('evt.type = open and fd.name = /etc/passwd', {
    registry: fieldRegistry,
    eventTypes: new Set(['openat']),
  });
  const always = compileConditionText('evt.type in (open, openat)', {
    registry: fieldRegistry,
    eventTypes: new Set(['openat']),
  });
  assert.equal(never.predicate(c), false);
  assert.equal(always.predicate(c), true);
  // Constant folding still reports compile errors in the folded branch's siblings.
  assert.throws(
    () =>
      compileConditionText('evt.type = open and proc.nosuch = 1', {
        registry: fieldRegistry,
        eventTypes: new Set(['openat']),
      }),
    /proc\.nosuch/,
  );
});
