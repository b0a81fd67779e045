import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  oneLineStack,
  primaryLocation,
  repoRelative,
  sortFindings,
  verdictText,
} from '../../../src/report/report-model.js';
import { COPY_STACK, makeFinding, makeFindings, REPO } from '../../helpers/report-input.js';

test('repoRelative: inside the repository relative, outside unchanged', () => {
  assert.deepEqual(repoRelative(`${REPO}/src/a.c`, REPO), { path: 'src/a.c', inRepo: true });
  assert.deepEqual(repoRelative(`${REPO}/../other/a.c`, REPO), { path: `${REPO}/../other/a.c`, inRepo: false });
  assert.deepEqual(repoRelative(`${REPO}-fork/a.c`, REPO), { path: `${REPO}-fork/a.c`, inRepo: false });
  assert.deepEqual(repoRelative('/usr/bin/cat', REPO), { path: '/usr/bin/cat', inRepo: false });
  assert.deepEqual(repoRelative('./src/b.c', REPO), { path: 'src/b.c', inRepo: true });
  assert.deepEqual(repoRelative('/usr/bin/cat', undefined), { path: '/usr/bin/cat', inRepo: false });
});

test('primaryLocation: first app frame with a file, then the executable, then the command', () => {
  const stack = COPY_STACK.map((f, i) => (i === 1 ? { ...f, file: undefined } : f));
  const f = makeFinding({ id: 'a', ruleId: 'r', evidence: { stack } });
  // Frame 1 is in the app but has no file: frame 2 (main.c:17) is the first that does.
  assert.deepEqual(primaryLocation(f, REPO), {
    path: 'src/main.c',
    inRepo: true,
    line: 17,
    function: 'main',
    source: 'frame',
  });
  const noFrame = makeFinding({
    id: 'b',
    ruleId: 'r',
    evidence: { stack: [COPY_STACK[0]!], process: { pid: 1, exePath: `${REPO}/bin/x`, args: [], ancestry: [] } },
  });
  assert.deepEqual(primaryLocation(noFrame, REPO), { path: 'bin/x', inRepo: true, source: 'executable' });
  assert.deepEqual(primaryLocation(makeFinding({ id: 'c', ruleId: 'r' }), REPO, ['./run.sh']), {
    path: 'run.sh',
    inRepo: true,
    source: 'command',
  });
});

test('sort: gate failures, then severity, then novelty, deterministically', () => {
  const input = makeFindings();
  const once = sortFindings(input).map((f) => f.finding.id);
  assert.deepEqual(once, ['f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
  assert.deepEqual(
    sortFindings([...input].reverse()).map((f) => f.finding.id),
    once,
  );
  const lowFails = input.map((f) => (f.finding.id === 'f6' ? { ...f, failsGate: true } : f));
  // An info finding that fails the gate goes before the high ones that do not.
  assert.deepEqual(
    sortFindings(lowFails).map((f) => f.finding.id),
    ['f1', 'f2', 'f6', 'f3', 'f4', 'f5'],
  );
});

test('oneLineStack and verdictText', () => {
  assert.equal(oneLineStack(COPY_STACK, 2), 'strcpy ← copy_name ← … 2 more');
  assert.equal(oneLineStack(undefined), '');
  assert.equal(verdictText(undefined), 'no gate (--fail-on not given)');
  assert.equal(verdictText({ policy: 'high', failed: true, failing: 1 }), 'gate failed: 1 finding at --fail-on high');
  assert.equal(verdictText({ policy: 'high', failed: false, failing: 0 }), 'gate passed (--fail-on high)');
});
