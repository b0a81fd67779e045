import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssessedFinding } from '../../../src/findings/assessment.js';
import { compareFindings, unassessed } from '../../../src/findings/compare.js';
import { FindingsError } from '../../../src/findings/errors.js';
import { evaluateGate, FAIL_ON_FORMS, formatPolicy, parseFailOn } from '../../../src/findings/gate.js';
import { riskFinding } from './helpers.js';

const A = riskFinding('libc.unbounded-copy', 'parse_a', 'high');
const B = riskFinding('libc.unbounded-copy', 'parse_b', 'medium');
const C = riskFinding('libc.format-string', 'log_c', 'critical');
const D = riskFinding('libc.getenv', 'read_env', 'low');

test('--fail-on values: severities, new:<severity>, none; anything else lists the forms', () => {
  assert.deepEqual(parseFailOn('high'), { severity: 'high', onlyNew: false });
  assert.deepEqual(parseFailOn('NEW:Medium'), { severity: 'medium', onlyNew: true });
  assert.equal(parseFailOn('none'), undefined);
  for (const form of FAIL_ON_FORMS) assert.equal(formatPolicy(parseFailOn(form)), form);
  for (const bad of ['severe', 'new:', 'new:none', 'high,medium', '']) {
    assert.throws(
      () => parseFailOn(bad),
      (e: unknown) =>
        e instanceof FindingsError &&
        e.message === `unknown --fail-on value '${bad}'` &&
        e.hint ===
          'use a severity (critical, high, medium, low, info), new:<severity> to count only findings new against the baseline (e.g. new:medium), or none',
    );
  }
});

test('severity gate: at or above fails; suppressed and fixed never do', () => {
  const assessed: AssessedFinding[] = compareFindings([A, B, D], [A, C]);
  assessed[1] = { ...assessed[1]!, suppression: { reason: 'accepted', by: 'rule' } }; // B
  const result = evaluateGate(assessed, parseFailOn('medium'));
  assert.deepEqual(result, { policy: 'medium', failed: true, failing: 1 });
  assert.deepEqual(
    assessed.map((a) => [a.finding.title, a.novelty, a.failsGate]),
    [
      [A.title, 'unchanged', true],
      [B.title, 'new', false], // suppressed
      [D.title, 'new', false], // low
      [C.title, 'fixed', false], // critical, but gone
    ],
  );
  assert.deepEqual(evaluateGate(assessed, parseFailOn('critical')), { policy: 'critical', failed: false, failing: 0 });
  assert.deepEqual(evaluateGate(assessed, parseFailOn('low')), { policy: 'low', failed: true, failing: 2 });
  assert.deepEqual(evaluateGate(assessed, undefined), { failed: false, failing: 0 });
  assert.ok(assessed.every((a) => !a.failsGate));
});

test('new:<severity> counts only new findings; without a baseline every finding is new', () => {
  const assessed = compareFindings([A, B, C], [A]);
  assert.deepEqual(evaluateGate(assessed, parseFailOn('new:medium')), {
    policy: 'new:medium',
    failed: true,
    failing: 2,
  });
  assert.deepEqual(
    assessed.filter((a) => a.failsGate).map((a) => a.finding.title),
    [B.title, C.title],
  );
  assert.deepEqual(evaluateGate(assessed, parseFailOn('new:critical')).failing, 1);
  const noBaseline = unassessed([A, B]);
  assert.deepEqual(evaluateGate(noBaseline, parseFailOn('new:high')), { policy: 'new:high', failed: true, failing: 1 });
  assert.equal(noBaseline[0]?.failsGate, true);
});
