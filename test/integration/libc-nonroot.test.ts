/**
 * The libc interposer needs no privileges: `harrier run` as an ordinary user (ptrace sensor, since
 * eBPF needs root) still finds a program's risky calls with their stacks.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { harrierBin } from '../helpers/harrier.js';

const PROGRAM = `#include <string.h>
#include <stdio.h>
__attribute__((noinline)) static void copy_name(char *dst, const char *src) {
  strcpy(dst, src); /* @risk strcpy */
}
int main(int argc, char **argv) {
  char buf[256];
  copy_name(buf, argv[0]);
  puts("done");
  return 0;
}
`;

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name]).status === 0;
}

test('as an unprivileged user, risky calls are found with their stacks', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to switch to the unprivileged user `nobody`');
  if (!userExists('nobody')) return t.skip('no `nobody` user on this machine');
  const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
  if (spawnSync('setpriv', [...asNobody, 'test', '-r', harrierBin]).status !== 0) {
    return t.skip(`the unprivileged user cannot read ${harrierBin} (the checkout sits in a private directory)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'harrier-nonroot-'));
  try {
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'prog.c'), PROGRAM);
    execFileSync('gcc', ['-O0', '-g', '-fno-builtin', '-o', join(dir, 'prog'), join(dir, 'prog.c')]);
    execFileSync('git', ['init', '-q', dir]);
    chmodSync(join(dir, 'prog'), 0o755);
    const report = join(dir, 'report.json');
    const r = spawnSync(
      'setpriv',
      [...asNobody, process.execPath, harrierBin, 'run', '--no-store', '--report', `json:${report}`, '--', './prog'],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /sensor ptrace/);
    assert.match(r.stdout, /done/);
    const findings = (
      JSON.parse(readFileSync(report, 'utf8')) as {
        findings: Array<{
          ruleId: string;
          count: number;
          evidence: { stack?: Array<{ function?: string; line?: number }> };
        }>;
      }
    ).findings;
    const copy = findings.find(
      (f) => f.ruleId === 'libc.unbounded-copy' && f.evidence.stack?.[0]?.function === 'copy_name',
    );
    assert.ok(copy, JSON.stringify(findings.map((f) => f.ruleId)));
    const line = PROGRAM.split('\n').findIndex((l) => l.includes('@risk strcpy')) + 1;
    assert.equal(copy.evidence.stack?.[0]?.line, line);
    assert.equal(copy.count, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
