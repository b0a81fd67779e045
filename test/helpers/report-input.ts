/**
 * A realistic report input for the renderers' tests: a CI run of a C program in a repository,
 * with findings of every kind (stacks with and without debug information, a rule alert without a
 * stack), a baseline giving new, unchanged and fixed findings, a suppressed one, and a gate that
 * fails on the new ones. Messages and the command line carry markup, so escaping is exercised.
 */
import type { Finding, StackFrame } from '../../src/findings/finding.js';
import type { AssessedFinding } from '../../src/findings/assessment.js';
import type { ReportInput } from '../../src/report/report-model.js';
import type { ProcessNode, RunSummary } from '../../src/report/summary.js';

export const REPO = '/home/ci/work/demo';
export const INJECTED = `<script>alert("x")</script>`;
const T0 = 1795471917_000_000_000n;

function proc(
  pid: number,
  ppid: number,
  exePath: string,
  args: string[],
  children: ProcessNode[] = [],
  exitCode: number | null = 0,
): ProcessNode {
  return {
    pid,
    ppid,
    exePath,
    args,
    user: 'runner',
    uid: 1001,
    cwd: REPO,
    startMs: pid - 4000,
    durationMs: 12.5,
    exitCode,
    exitSignal: null,
    execed: true,
    children,
  };
}

export function makeSummary(): RunSummary {
  return {
    version: 1,
    runId: 'r-20261123-0001',
    command: ['./build/demo', '--name', INJECTED],
    sensor: 'ptrace',
    sensorReason: 'eBPF unavailable: not root',
    startedAt: '2026-11-23T22:11:57.000000000Z',
    endedAt: '2026-11-23T22:11:58.250000000Z',
    exit: { code: 0 },
    partial: false,
    processes: [
      proc(
        4100,
        4000,
        `${REPO}/build/demo`,
        ['./build/demo', '--name', INJECTED],
        [
          proc(
            4101,
            4100,
            '/bin/sh',
            ['sh', '-c', `echo ${INJECTED}`],
            [proc(4102, 4101, '/bin/echo', ['echo', 'hi'])],
          ),
          proc(4103, 4100, '/usr/bin/cat', ['cat', '/etc/shadow'], [], 1),
        ],
      ),
    ],
    files: [
      {
        dir: '/etc',
        counts: { read: 2 },
        files: [
          { path: '/etc/shadow', ops: { read: 1 } },
          { path: '/etc/ld.so.cache', ops: { read: 1 } },
        ],
      },
      {
        dir: `${REPO}/out`,
        counts: { create: 1, write: 3 },
        files: [{ path: `${REPO}/out/a&b.txt`, ops: { create: 1, write: 3 } }],
      },
    ],
    network: {
      outbound: [
        { proto: 'tcp', address: '93.184.216.34:443', count: 2, failures: [], succeeded: 2, pids: [4100] },
        { proto: 'tcp', address: '10.0.0.9:5432', count: 1, failures: ['ECONNREFUSED'], succeeded: 0, pids: [4100] },
      ],
      inbound: [],
      listening: [],
      unix: [],
    },
    alerts: [],
    totals: {
      events: 1234,
      byType: { openat: 600, read: 500, execve: 3 },
      processes: 4,
      execs: 3,
      durationMs: 1250,
      sensor: 'ptrace',
      drops: 0,
      truncations: 0,
      parseErrors: 0,
    },
  };
}

const libc = '/usr/lib/x86_64-linux-gnu/libc.so.6';

/** strcpy (libc) ← copy_name (src/parse.c:42) ← main (src/main.c:17) ← __libc_start_main */
export const COPY_STACK: StackFrame[] = [
  { address: '0x7f1c2a49f3a0', module: libc, offset: '0x9f3a0', function: 'strcpy', inApp: false },
  {
    address: '0x55d0c1a2b3c4',
    module: `${REPO}/build/demo`,
    offset: '0x13c4',
    function: 'copy_name',
    file: `${REPO}/src/parse.c`,
    line: 42,
    inApp: true,
  },
  {
    address: '0x55d0c1a2b500',
    module: `${REPO}/build/demo`,
    offset: '0x1500',
    function: 'main',
    file: 'src/main.c',
    line: 17,
    inApp: true,
  },
  { address: '0x7f1c2a429d90', module: libc, offset: '0x29d90', function: '__libc_start_main', inApp: false },
];

/** A stripped binary: modules and offsets, no files. */
const SYSTEM_STACK: StackFrame[] = [
  { address: '0x7f1c2a450d70', module: libc, offset: '0x50d70', function: 'system', inApp: false },
  { address: '0x55d0c1a2b700', module: `${REPO}/build/demo`, offset: '0x1700', inApp: true },
];

export function makeFinding(over: Partial<Finding> & Pick<Finding, 'id' | 'ruleId'>): Finding {
  return {
    kind: 'risk',
    severity: 'medium',
    title: over.ruleId,
    message: `${over.ruleId} happened`,
    cwe: [],
    tags: [],
    evidence: {},
    count: 1,
    firstTs: T0 + 100_000_000n,
    lastTs: T0 + 200_000_000n,
    fingerprint: `fp-${over.id}`,
    ...over,
  };
}

const demoProcess = {
  pid: 4100,
  exePath: `${REPO}/build/demo`,
  args: ['./build/demo', '--name', INJECTED],
  user: 'runner',
  ancestry: [{ pid: 4000, exePath: '/usr/bin/bash', args: ['bash', 'ci.sh'] }],
};

export function makeFindings(): AssessedFinding[] {
  return [
    {
      finding: makeFinding({
        id: 'f1',
        ruleId: 'libc.unbounded-copy',
        severity: 'critical',
        title: 'Unbounded copy into a fixed-size buffer',
        message: `strcpy copied 300 bytes from argv into a 64-byte buffer (name=${INJECTED})`,
        cwe: [120, 676],
        tags: ['mitre_execution'],
        evidence: { process: demoProcess, stack: COPY_STACK, details: { bytes: 300, buffer: 64 } },
        count: 3,
        fingerprint: 'a1b2c3d4e5f60718',
      }),
      novelty: 'new',
      failsGate: true,
    },
    {
      finding: makeFinding({
        id: 'f2',
        ruleId: 'libc.shell-command',
        severity: 'high',
        title: 'Shell command built at run time',
        message: `system("echo ${INJECTED} && rm -rf $HOME") ran a shell`,
        cwe: [78],
        tags: ['mitre_execution', 'T1059'],
        evidence: { process: demoProcess, stack: SYSTEM_STACK },
        fingerprint: 'b2c3d4e5f6071829',
      }),
      novelty: 'new',
      failsGate: true,
    },
    {
      finding: makeFinding({
        id: 'f3',
        ruleId: 'Read sensitive file untrusted',
        kind: 'rule',
        severity: 'high',
        title: 'Read sensitive file untrusted',
        message: 'cat read /etc/shadow (user=runner command=cat /etc/shadow)',
        tags: ['filesystem', 'mitre_credential_access', 'T1555'],
        evidence: {
          process: { pid: 4103, exePath: '/usr/bin/cat', args: ['cat', '/etc/shadow'], ancestry: [] },
          alert: { rule: 'Read sensitive file untrusted', priority: 'Warning', output: 'cat read /etc/shadow' },
          event: { type: 'openat', ts: '2026-11-23T22:11:57.5Z', args: { name: '/etc/shadow' } },
        },
        count: 2,
        fingerprint: 'c3d4e5f607182930',
      }),
      novelty: 'unchanged',
      failsGate: false,
    },
    {
      finding: makeFinding({
        id: 'f4',
        ruleId: 'libc.format-string',
        severity: 'medium',
        title: 'Non-constant format string',
        message: 'printf called with a format string from input',
        cwe: [134],
        evidence: { stack: COPY_STACK.slice(1) },
        fingerprint: 'd4e5f60718293041',
      }),
      novelty: 'fixed',
      failsGate: false,
    },
    {
      finding: makeFinding({
        id: 'f5',
        ruleId: 'Outbound connection to non-allowlisted host',
        kind: 'rule',
        severity: 'low',
        title: 'Outbound connection',
        message: 'demo connected to 93.184.216.34:443',
        tags: ['network', 'mitre_command_and_control'],
        evidence: { process: demoProcess },
        fingerprint: 'e5f6071829304152',
      }),
      novelty: 'new',
      suppression: { reason: 'CI fetches test data over HTTPS', by: 'rule', expires: '2027-01-31' },
      failsGate: false,
    },
    {
      finding: makeFinding({
        id: 'f6',
        ruleId: 'anomaly.new-executable',
        kind: 'anomaly',
        severity: 'info',
        title: 'Executable not seen in earlier runs',
        message: '/bin/echo ran for the first time',
        evidence: { process: { pid: 4102, exePath: '/bin/echo', args: ['echo', 'hi'], ancestry: [] } },
        fingerprint: 'f607182930415263',
      }),
      novelty: 'unchanged',
      failsGate: false,
    },
  ];
}

export function makeReportInput(over: Partial<ReportInput> = {}): ReportInput {
  const summary = makeSummary();
  return {
    run: {
      id: summary.runId,
      command: summary.command,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      exit: summary.exit,
      hostname: 'ci-runner-7',
      harrierVersion: '0.1.0',
    },
    build: {
      buildId: '812',
      branch: 'feature/names',
      commit: '4f2a9c1e0b7d3a5f',
      component: 'demo',
      ci: 'github',
      url: 'https://ci.example/demo/actions/runs/812',
    },
    summary,
    findings: makeFindings(),
    baseline: { ref: 'last', runId: 'r-20261122-0007', build: { buildId: '811', branch: 'main' } },
    gate: { policy: 'new:medium', failed: true, failing: 2 },
    repoRoot: REPO,
    suppressedCount: 1,
    ...over,
  };
}
