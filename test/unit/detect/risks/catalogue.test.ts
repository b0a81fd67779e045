import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RISKS, riskById, riskForClass } from '../../../../src/detect/risks/catalogue.js';

test("every interposer risk class maps to its risk and CWEs (PROTOCOL.md's table, FACTS.md §5)", () => {
  const expected: [number, string, number[]][] = [
    [1, 'libc.unbounded-copy', [120, 242, 676]],
    [2, 'libc.gets', [242, 120]],
    [3, 'libc.format-string', [134]],
    [4, 'libc.weak-random', [338]],
    [5, 'libc.shell-exec', [78]],
    [6, 'libc.fork-with-secrets', [226]],
    [7, 'libc.insecure-tempfile', [377]],
    [8, 'libc.dangerous-ioctl', [77, 668]],
  ];
  for (const [cls, id, cwe] of expected) {
    const risk = riskForClass(cls);
    assert.equal(risk?.id, id, `class ${cls}`);
    assert.deepEqual(risk?.cwe, cwe, id);
  }
  assert.equal(riskForClass(0), undefined);
  assert.equal(riskForClass(9), undefined);
  assert.deepEqual(riskById('env.secret').cwe, [526]);
  assert.equal(riskById('process.not-instrumentable').severity, 'info');
});

test('entries are unique and complete', () => {
  assert.equal(new Set(RISKS.map((r) => r.id)).size, RISKS.length);
  assert.equal(RISKS.length, 10);
  for (const r of RISKS) {
    assert.ok(r.title.length > 0 && r.why.length > 60 && r.fix.length > 60, r.id);
    const sentences = r.why.split(/[.!?](?:\s|$)/).filter((s) => s.trim().length > 0).length;
    assert.ok(sentences >= 2 && sentences <= 3, `${r.id}: why has ${sentences} sentences`);
  }
  assert.throws(() => riskById('libc.nope' as never), /unknown risk id 'libc.nope'/);
});
