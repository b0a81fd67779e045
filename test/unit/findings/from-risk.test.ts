import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RiskFindings, type RiskHit } from '../../../src/findings/from-risk.js';
import type { StackFrame } from '../../../src/findings/finding.js';
import { SECRET_VALUES } from '../detect/secrets/envs.js';

/** A stack whose absolute addresses depend on the load base, as under ASLR. */
function stack(base: bigint, line = 42, offset = 0x1a2b): StackFrame[] {
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  return [
    {
      address: hex(base + BigInt(offset)),
      module: '/work/app/build/server',
      offset: `0x${offset.toString(16)}`,
      function: 'parse_header',
      file: 'src/http.c',
      line,
      inApp: true,
    },
    {
      address: hex(base + 0x2000n),
      module: '/work/app/build/server',
      offset: '0x2000',
      function: 'main',
      file: 'src/main.c',
      line: 10,
      inApp: true,
    },
    { address: '0x7f0000029d90', module: '/usr/lib/x86_64-linux-gnu/libc.so.6', offset: '0x29d90', inApp: false },
  ];
}

function hit(over: Partial<RiskHit>): RiskHit {
  const base = over.pid === undefined ? 0x555555554000n : 0x555555554000n + BigInt(over.pid) * 0x100000n;
  return {
    riskClass: 1,
    fn: 'strcpy',
    callSite: base + 0x1a2bn,
    pid: 100,
    exePath: '/work/app/build/server',
    stack: stack(base),
    count: 1,
    ts: 1000n,
    ...over,
  };
}

test('hits of one call site in several processes (different load bases) are one finding, counts summed', () => {
  const agg = new RiskFindings();
  agg.add(hit({ pid: 1, count: 5, ts: 300n }));
  agg.add(hit({ pid: 2, count: 2, ts: 100n }));
  agg.add(hit({ pid: 3, count: 1, ts: 500n }));
  const [f, ...rest] = agg.findings();
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.count, 8);
  assert.equal(f.firstTs, 100n);
  assert.equal(f.lastTs, 500n);
  assert.equal(f.ruleId, 'libc.unbounded-copy');
  assert.equal(f.kind, 'risk');
  assert.equal(f.severity, 'high');
  assert.deepEqual(f.cwe, [120, 242, 676]);
  assert.equal(f.message, 'strcpy in parse_header (src/http.c:42)');
  assert.equal(f.evidence.process?.pid, 1);
  assert.equal(f.evidence.stack?.[0]?.function, 'parse_header');
  assert.deepEqual(f.evidence.details, {
    fn: 'strcpy',
    riskClass: 1,
    module: '/work/app/build/server',
    offset: '0x1a2b',
  });
});

test('another call site, or another risk at the same site, is another finding', () => {
  const agg = new RiskFindings();
  agg.add(hit({}));
  agg.add(hit({ stack: stack(0x555555554000n, 50, 0x1b00) }));
  agg.add(hit({ riskClass: 3, fn: 'printf' }));
  assert.equal(agg.findings().length, 3);
  assert.equal(new Set(agg.findings().map((f) => f.id)).size, 3);
});

test('the fingerprint survives a rebuild that moves lines and offsets', () => {
  const fp = (line: number, offset: number) => {
    const agg = new RiskFindings();
    agg.add(hit({ stack: stack(0x400000n, line, offset) }));
    return agg.findings()[0]?.fingerprint;
  };
  assert.equal(fp(42, 0x1a2b), fp(57, 0x1c40));
  const other = new RiskFindings();
  other.add(hit({ fn: 'strcat' }));
  assert.notEqual(other.findings()[0]?.fingerprint, fp(42, 0x1a2b));
});

test('details are redacted and unknown classes are counted, not reported', () => {
  const token = SECRET_VALUES['github-token'];
  const agg = new RiskFindings();
  agg.add(hit({ riskClass: 5, fn: 'system', detail: `curl -H "token ${token}" https://api.github.com` }));
  agg.add(hit({ riskClass: 99, fn: 'mystery' }));
  const [f] = agg.findings();
  assert.equal(agg.findings().length, 1);
  assert.equal(agg.unknownClassHits, 1);
  assert.equal(f?.evidence.details?.detail, 'curl -H "token <redacted>" https://api.github.com');
  assert.equal(f?.ruleId, 'libc.shell-exec');
});

test('a stack that could not be symbolised still gives a stable place and message', () => {
  const agg = new RiskFindings();
  agg.add(hit({ pid: 1, fn: 'rand', riskClass: 4, stack: [{ address: '0x401234', inApp: false }] }));
  agg.add(hit({ pid: 2, fn: 'rand', riskClass: 4, stack: [{ address: '0x401999', inApp: false }] }));
  agg.add(hit({ pid: 3, fn: 'gets', riskClass: 2, stack: [] }));
  const [rand, gets] = agg.findings();
  assert.equal(rand?.count, 2, 'unresolved sites group by executable and function');
  assert.equal(rand?.message, 'rand in 0x401234');
  assert.equal(gets?.message, 'gets in server');
  assert.equal(gets?.severity, 'critical');
});
