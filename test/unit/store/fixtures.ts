/** Shared inputs for the store tests: a run, events covering every ArgValue kind, processes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingRecord, NewRun, ProcessRecord, StoredEvent } from '../../../src/store/store.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-store-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function newRun(startedAt: bigint, command: string[] = ['node', 'app.js']): NewRun {
  return {
    command,
    cwd: '/srv/app',
    sensor: 'ptrace',
    hostname: 'ci-runner-7',
    startedAt,
    harrierVersion: '0.1.0-test',
  };
}

/** Events the crashing child (store-child.ts) commits before it dies; the rest are only buffered. */
export const CRASH_COMMITTED = 5;

const T0 = 1_700_000_000_123_456_789n;

/** One event per ArgValue kind and per optional Event field, with their resolved context. */
export function sampleEvents(): StoredEvent[] {
  return [
    {
      event: {
        ts: T0,
        source: 'ptrace',
        type: 'openat',
        pid: 4242,
        tid: 4242,
        res: 3,
        args: {
          dirfd: { fd: -100 },
          name: '/etc/passwd',
          flags: { names: ['O_RDONLY', 'O_CLOEXEC'], value: 524288 },
          mode: 0,
        },
      },
      path: '/etc/passwd',
    },
    {
      event: {
        ts: T0 + 1n,
        source: 'ptrace',
        type: 'openat',
        pid: 4242,
        tid: 4243,
        res: -2,
        errno: 'ENOENT',
        args: { dirfd: { fd: -100 }, name: '/nope', flags: { names: ['O_WRONLY', 'O_CREAT'] }, mode: 420 },
      },
      path: '/nope',
    },
    {
      event: {
        ts: T0 + 2n,
        source: 'ebpf',
        type: 'connect',
        pid: 4242,
        tid: 4242,
        res: 0,
        args: {
          fd: { fd: 5, path: 'TCP:[127.0.0.1:40000->127.0.0.1:8080]' },
          addr: { family: 'inet', ip: '127.0.0.1', port: 8080 },
          peer6: { family: 'inet6', ip: '::1', port: 443 },
        },
      },
      endpoint: '127.0.0.1:8080',
    },
    {
      event: {
        ts: T0 + 3n,
        source: 'ptrace',
        type: 'bind',
        pid: 4300,
        tid: 4300,
        res: 0,
        args: {
          addr: { family: 'unix', path: '/run/app.sock' },
          abstract: { family: 'unix', path: 'hidden', abstract: true },
          nl: { family: 'netlink', raw: 'pid=0,groups=00000000' },
        },
      },
      endpoint: '/run/app.sock',
    },
    {
      event: {
        ts: T0 + 4n,
        source: 'ptrace',
        type: 'execve',
        pid: 4300,
        tid: 4300,
        res: 0,
        truncated: true,
        args: { filename: '/usr/bin/sh', argv: ['sh', '-c', 'echo "hi" | tr a-z A-Z'], envp: [] },
      },
      path: '/usr/bin/sh',
    },
    {
      event: {
        ts: T0 + 5n,
        source: 'libc',
        type: 'mmap',
        pid: 4300,
        tid: 4301,
        res: 140_737_488_355_328,
        truncated: false,
        args: {
          addr: 0x7fff_ffff_f000n,
          huge: 2n ** 70n,
          negative: -(2n ** 63n),
          length: 4096,
          ratio: 0.5,
          shared: false,
          anon: true,
          hint: null,
          note: 'a "quoted" string with \\ and \u00e9 and {"$bigint":"1"}',
          notANumber: Number.NaN,
          inf: Number.NEGATIVE_INFINITY,
        },
      },
    },
    {
      event: { ts: T0 + 6n, source: 'ptrace', type: 'exit_group', pid: 4300, tid: 4300, args: { status: 0 } },
    },
    {
      event: {
        ts: T0 + 7n,
        source: 'ptrace',
        type: 'renameat2',
        pid: 4242,
        tid: 4242,
        res: 0,
        args: { oldpath: '/tmp/a', newpath: '/tmp/b', flags: { names: [], value: 0 } },
      },
      path: '/tmp/a',
      path2: '/tmp/b',
    },
    {
      event: {
        ts: T0 + 8n,
        source: 'ptrace',
        type: 'procexit',
        pid: 4300,
        tid: 4300,
        args: { signal: 'SIGKILL', core: false },
      },
    },
  ];
}

export function sampleProcesses(): ProcessRecord[] {
  return [
    {
      pid: 4242,
      ppid: 1,
      exePath: '/usr/bin/node',
      args: ['node', 'app.js', '--port', '8080'],
      cwd: '/srv/app',
      uid: 1000,
      gid: 1000,
      user: 'ci',
      group: 'ci',
      startTs: T0 - 10n,
      exitTs: T0 + 100n,
      exitCode: 0,
    },
    {
      pid: 4300,
      ppid: 4242,
      exePath: '/usr/bin/sh',
      args: [],
      cwd: '/srv/app/tmp',
      uid: 4_294_967_294,
      gid: 65534,
      user: 'nobody',
      group: 'nogroup',
      startTs: T0 + 4n,
      exitTs: T0 + 8n,
      exitSignal: 'SIGKILL',
    },
    {
      pid: 4400,
      ppid: 4242,
      exePath: '/usr/bin/sleep',
      args: ['sleep', '1000'],
      cwd: '/',
      uid: 0,
      gid: 0,
      user: 'root',
      group: 'root',
      startTs: T0 + 9n,
    },
  ];
}

/** A finding with every field set; `over` changes some. */
export function finding(over: Partial<FindingRecord> & Pick<FindingRecord, 'id'>): FindingRecord {
  return {
    ruleId: 'write-below-etc',
    kind: 'rule',
    severity: 'high',
    title: 'Write below /etc',
    message: 'node (pid 4242) opened /etc/passwd for writing',
    fingerprint: `fp-${over.id}`,
    count: 1,
    firstTs: T0,
    lastTs: T0,
    evidence: { pid: 4242, path: '/etc/passwd', events: [T0] },
    ...over,
  };
}

/** Findings of every kind, with evidence that needs the codec (bigints, NaN, a look-alike string). */
export function sampleFindings(): FindingRecord[] {
  return [
    finding({ id: 'f-rule', evidence: { ts: T0, huge: 2n ** 70n, nested: [{ seq: -(2n ** 63n) }], ok: true } }),
    finding({
      id: 'f-risk',
      ruleId: 'risk.outbound-connect',
      kind: 'risk',
      severity: 'medium',
      title: 'Outbound connection',
      message: 'connect to 127.0.0.1:8080',
      count: 3,
      firstTs: T0 + 2n,
      lastTs: T0 + 7n,
      evidence: { endpoint: '127.0.0.1:8080', ratio: Number.NaN, note: '{"$bigint":"1"}', none: null },
    }),
    finding({
      id: 'f-anomaly',
      ruleId: 'anomaly.new-exe',
      kind: 'anomaly',
      severity: 'info',
      title: 'New executable',
      message: 'sh ran for the first time',
      evidence: ['/usr/bin/sh', 4n],
    }),
    finding({
      id: 'f-rasp',
      ruleId: 'rasp.eval',
      kind: 'rasp',
      severity: 'critical',
      title: 'eval',
      evidence: 'eval(x)',
    }),
  ];
}

/** The stored form of events as the store gives them back: the Event alone. */
export const eventsOf = (stored: StoredEvent[]) => stored.map((s) => s.event);

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
