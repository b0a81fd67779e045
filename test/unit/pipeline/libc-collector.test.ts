import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessEvidence } from '../../../src/findings/finding.js';
import { LibcCollector } from '../../../src/pipeline/libc-collector.js';
import {
  RiskClass,
  type HelloRecord,
  type ModulesRecord,
  type RiskRecord,
} from '../../../src/sensors/libc/protocol.js';

const SHELL = '/usr/bin/dash';
const PROGRAM = '/usr/bin/true';

const described: Record<number, ProcessEvidence> = {
  100: { pid: 100, exePath: SHELL, args: ['sh', '-c', 'true'], ancestry: [] },
  // As state describes the child at the end of the run: after its exec.
  101: { pid: 101, exePath: PROGRAM, args: ['true'], ancestry: [{ pid: 100, exePath: SHELL, args: [] }] },
};

function hello(pid: number, executable: string): HelloRecord {
  return { kind: 'hello', pid, tid: pid, ppid: 100, flags: 0, secretEnv: false, executable };
}

function modules(pid: number, path: string): ModulesRecord {
  const mappings = [{ start: 0x1000n, end: 0x40000n, fileOffset: 0n, path }];
  return { kind: 'modules', pid, tid: pid, generation: 1, part: 0, parts: 1, mappings };
}

function risk(pid: number, callSite: bigint): RiskRecord {
  return {
    kind: 'risk',
    pid,
    tid: pid,
    riskClass: RiskClass.UnboundedCopy,
    generation: 1,
    callSite,
    function: 'strcpy',
    frames: [callSite],
    detail: '',
  };
}

test("a forked child's call before its exec is its parent program's, not the program it went on to run", async () => {
  const c = new LibcCollector();
  c.onRecord(hello(100, SHELL));
  c.onRecord(modules(100, SHELL));
  c.onFork(101, 100);
  c.onRecord(risk(101, 0x1500n)); // the shell's code, in the child, before exec
  c.onRecord(hello(101, PROGRAM));
  c.onRecord(modules(101, PROGRAM));
  c.onRecord(risk(101, 0x2500n)); // the program's own call, after exec
  const findings = await c.findings({
    repoRoot: undefined,
    describe: (pid) => described[pid],
    execs: [],
    interposerPath: '/nonexistent/libharrier_preload.so',
  });
  const byModule = (path: string) =>
    findings.find((f) => f.evidence.stack?.some((s) => s.module === path))?.evidence.process;
  assert.equal(findings.length, 2, JSON.stringify(findings.map((f) => f.evidence.process)));
  assert.deepEqual(byModule(SHELL), { ...described[101], exePath: SHELL, args: ['sh', '-c', 'true'] });
  assert.deepEqual(byModule(PROGRAM), described[101]);
});
