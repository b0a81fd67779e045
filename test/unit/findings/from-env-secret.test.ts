import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessEvidence } from '../../../src/findings/finding.js';
import { EnvSecretFindings } from '../../../src/findings/from-env-secret.js';
import { HARMLESS_ENV, SECRET_VALUES } from '../detect/secrets/envs.js';

function proc(pid: number, exePath: string): ProcessEvidence {
  return { pid, exePath, args: ['x'], ancestry: [{ pid: 1, exePath: '/sbin/init', args: [] }] };
}

const TOKEN = SECRET_VALUES['github-token'];

test('one finding per (variable, executable), counted over every exec, first and last time kept', () => {
  const agg = new EnvSecretFindings();
  const env = [...HARMLESS_ENV, `GITHUB_TOKEN=${TOKEN}`, 'NPM_TOKEN=abc123'];
  agg.observeExec(proc(10, '/usr/bin/node'), env, 300n);
  agg.observeExec(proc(11, '/usr/bin/node'), env, 100n);
  agg.observeExec(proc(12, '/usr/bin/node'), env, 200n);
  agg.observeExec(proc(13, '/usr/bin/git'), env, 400n);
  const findings = agg.findings();
  assert.equal(findings.length, 4, 'two variables × two executables');
  const node = findings.find((f) => f.message.startsWith('GITHUB_TOKEN') && f.message.endsWith('/usr/bin/node'));
  assert.ok(node);
  assert.equal(node.count, 3);
  assert.equal(node.firstTs, 100n);
  assert.equal(node.lastTs, 300n);
  assert.equal(node.evidence.process?.pid, 10, 'the first process observed is the evidence');
  assert.equal(node.message, 'GITHUB_TOKEN (GitHub token) in the environment of /usr/bin/node');
  assert.equal(node.severity, 'high');
  assert.equal(node.ruleId, 'env.secret');
  assert.equal(node.kind, 'risk');
  assert.deepEqual(node.cwe, [526]);
  assert.deepEqual(node.evidence.details, { variable: 'GITHUB_TOKEN', reason: 'format', format: 'github-token' });
  const npm = findings.find((f) => f.message.startsWith('NPM_TOKEN') && f.message.endsWith('/usr/bin/git'));
  assert.equal(npm?.severity, 'medium');
  assert.equal(npm?.message, 'NPM_TOKEN (secret-looking name) in the environment of /usr/bin/git');
  assert.equal(new Set(findings.map((f) => f.id)).size, 4, 'ids are unique within the run');
  assert.ok(!JSON.stringify(findings, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(TOKEN));
});

test('a stronger reason seen later upgrades the finding', () => {
  const agg = new EnvSecretFindings();
  agg.observeExec(proc(1, '/bin/sh'), ['DEPLOY_TOKEN=opaque'], 1n);
  agg.observeExec(proc(2, '/bin/sh'), [`DEPLOY_TOKEN=${TOKEN}`], 2n);
  const [f] = agg.findings();
  assert.equal(f?.count, 2);
  assert.equal(f?.severity, 'high');
  assert.equal(f?.evidence.details?.format, 'github-token');
});

test('the fingerprint depends on the variable and the executable name, not the directory, pid or time', () => {
  const fp = (exe: string, variable: string, pid: number, ts: bigint) => {
    const agg = new EnvSecretFindings();
    agg.observeExec(proc(pid, exe), [`${variable}=${TOKEN}`], ts);
    return agg.findings()[0]?.fingerprint;
  };
  const a = fp('/home/runner/.nvm/versions/node/v20/bin/node', 'GITHUB_TOKEN', 10, 1n);
  assert.match(a ?? '', /^[0-9a-f]{64}$/);
  assert.equal(fp('/usr/bin/node', 'GITHUB_TOKEN', 99, 5n), a);
  assert.notEqual(fp('/usr/bin/git', 'GITHUB_TOKEN', 10, 1n), a);
  assert.notEqual(fp('/usr/bin/node', 'GH_TOKEN', 10, 1n), a);
});
