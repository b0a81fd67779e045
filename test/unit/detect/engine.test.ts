import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleEngine, compileRuleset } from '../../../src/detect/rules/index.js';
import type { Event } from '../../../src/events/event.js';
import { SystemState } from '../../../src/events/state/system-state.js';
import { fieldRegistry } from '../../../src/rules/fields/index.js';
import type { FieldDef, FieldRegistry } from '../../../src/rules/fields/index.js';
import { loadRulesText } from '../../../src/rules/loader/index.js';

const RULES = `
- rule: Opens hostname
  desc: d
  condition: evt.type = openat and fd.name = /etc/hostname
  output: "open %fd.name"
  priority: NOTICE
- rule: Explodes
  desc: d
  condition: evt.type = openat and proc.name = cat
  output: "boom"
  priority: WARNING
- rule: Any exec
  desc: d
  condition: evt.type = execve
  output: "exec %proc.name"
  priority: INFO
- rule: Every event
  desc: matches any event type
  condition: proc.name = cat
  output: "any %evt.type"
  priority: DEBUG
`;

/** The real registry, except proc.name throws, as a buggy extractor would. */
const throwing: FieldRegistry = {
  lookup: (name) => fieldRegistry.lookup(name),
  extractor: (def: FieldDef, arg) => {
    if (def.name !== 'proc.name') return fieldRegistry.extractor(def, arg);
    return () => {
      throw new Error('extractor bug');
    };
  },
};

function openat(): Event {
  return {
    ts: 1n,
    source: 'ptrace',
    type: 'openat',
    pid: 10,
    tid: 10,
    res: 3,
    args: { dirfd: { fd: -100 }, name: '/etc/hostname', flags: { names: ['O_RDONLY'] } },
  };
}

test('rules are indexed by event type; rules with no evt.type see every event', () => {
  const rs = compileRuleset(loadRulesText(RULES, 'r.yaml'));
  assert.deepEqual(rs.errors, []);
  assert.deepEqual(
    rs.warnings.map((w) => [w.code, w.item, w.line]),
    [['LOAD_NO_EVTTYPE', 'Every event', 19]],
  );
  const engine = new RuleEngine(rs);
  const state = new SystemState();
  state.seedProcess({ pid: 10, exePath: '/usr/bin/cat', exe: 'cat' });
  const ev = openat();
  state.apply(ev);
  const fired: string[] = [];
  engine.evaluate({ event: ev, state }, (r) => fired.push(r.name));
  assert.deepEqual(fired, ['Opens hostname', 'Explodes', 'Every event']);
  const first: string[] = [];
  new RuleEngine(rs, 'first').evaluate({ event: ev, state }, (r) => first.push(r.name));
  assert.deepEqual(first, ['Opens hostname']);
});

for (const evaluation of ['generated', 'closures'] as const) {
  test(`a rule that throws is disabled with an error; the others keep firing (${evaluation})`, () => {
    const engine = new RuleEngine(compileRuleset(loadRulesText(RULES, 'r.yaml'), throwing), 'all', evaluation);
    const state = new SystemState();
    const ev = openat();
    state.apply(ev);
    const fired: string[] = [];
    for (let i = 0; i < 3; i++) engine.evaluate({ event: ev, state }, (r) => fired.push(r.name));
    assert.deepEqual(fired, ['Opens hostname', 'Opens hostname', 'Opens hostname']);
    assert.deepEqual(
      engine.failures.map((f) => [f.rule, f.error.message]),
      [
        ['Explodes', 'extractor bug'],
        ['Every event', 'extractor bug'],
      ],
    );
    assert.equal(engine.ruleCount, 2);
    assert.equal(engine.hits.get('Opens hostname'), 3);
  });
}
