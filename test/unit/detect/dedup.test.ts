import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDeduplicator } from '../../../src/detect/rules/index.js';
import type { FalcoAlert } from '../../../src/rules/output/index.js';

function alert(rule: string, text: string, time: string): FalcoAlert {
  return {
    hostname: 'h',
    output: `${time}: Warning ${text}`,
    output_fields: [['proc.name', 'cat']],
    priority: 'Warning',
    rule,
    source: 'syscall',
    tags: [],
    time: `2026-11-23T${time}Z`,
  };
}

test('identical alerts in a window are counted and emitted once more with the count', () => {
  const out: FalcoAlert[] = [];
  const d = new AlertDeduplicator(10_000, (a) => out.push(a));
  d.add(alert('R', 'read /etc/shadow', '10:00:00.000000001'), 0);
  d.add(alert('R', 'read /etc/shadow', '10:00:01.000000001'), 1_000);
  d.add(alert('R', 'read /etc/shadow', '10:00:02.000000001'), 2_000);
  d.add(alert('R', 'read /etc/passwd', '10:00:03.000000001'), 3_000); // different output: its own key
  d.add(alert('S', 'read /etc/shadow', '10:00:04.000000001'), 4_000); // different rule: its own key
  assert.deepEqual(
    out.map((a) => [a.rule, a.output]),
    [
      ['R', '10:00:00.000000001: Warning read /etc/shadow'],
      ['R', '10:00:03.000000001: Warning read /etc/passwd'],
      ['S', '10:00:04.000000001: Warning read /etc/shadow'],
    ],
  );
  d.sweep(9_999);
  assert.equal(out.length, 3, 'the window is still open');
  d.sweep(10_000);
  assert.equal(out.length, 4);
  assert.equal(out[3]?.output, '10:00:02.000000001: Warning read /etc/shadow', 'the last occurrence');
  assert.deepEqual(out[3]?.output_fields, [
    ['harrier.repeats', 2],
    ['proc.name', 'cat'],
  ]);
  // A window that saw no repeats closes silently; a new window opens with the next alert.
  d.sweep(20_000);
  d.add(alert('R', 'read /etc/shadow', '10:00:30.000000001'), 30_000);
  assert.equal(out.length, 5);
});

test('flush emits the counts of every open window; a zero window emits everything', () => {
  const out: FalcoAlert[] = [];
  const d = new AlertDeduplicator(60_000, (a) => out.push(a));
  d.add(alert('R', 'x', '10:00:00.000000001'), 0);
  d.add(alert('R', 'x', '10:00:00.000000002'), 1);
  d.flush();
  assert.deepEqual(
    out.map((a) => a.output_fields.find(([k]) => k === 'harrier.repeats')?.[1]),
    [undefined, 1],
  );
  const all: FalcoAlert[] = [];
  const none = new AlertDeduplicator(0, (a) => all.push(a));
  for (let i = 0; i < 3; i++) none.add(alert('R', 'x', '10:00:00.000000001'), i);
  assert.equal(all.length, 3);
});
