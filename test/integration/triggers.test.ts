/**
 * Falco's trigger catalogue, performed for real under `harrier run --rules`: each host-side
 * action of Falco's event-generator (read /etc/shadow, link over it, truncate a syslog, shred,
 * search for keys, run from /dev/shm or a memfd, a shell under httpd, ssh to port 443, ptrace,
 * a system user's login) must fire the matching rule of Falco's stable ruleset AND of Harrier's
 * default rules (rules/harrier_rules.yaml), with the alert's output fields describing exactly
 * what was done. A few CI behaviours only Harrier's rules cover follow, then a benign command
 * that must fire nothing.
 *
 * Container-only triggers (nc -e, AF_PACKET sockets, drop-and-execute, release_agent, debugfs)
 * need a container runtime and are not here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AlertSummary, RunSummary } from '../../src/report/summary.js';
import { readJson, repoRoot, runHarrier, tempDir, fixturesDir } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

const stableRules = join(repoRoot, '../shared/peer-data/falco-rules/falco_rules.yaml');
const harrierRules = join(repoRoot, 'rules/harrier_rules.yaml');
const haveStable = existsSync(stableRules);
const isRoot = process.getuid?.() === 0;
const skipAll = isRoot ? false : 'the trigger actions need root (read /etc/shadow, link it, setuid to daemon)';

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** An IPv4 default route: a connect to a documentation address is then in flight, not refused. */
function hasDefaultRoute(): boolean {
  try {
    return readFileSync('/proc/net/route', 'utf8')
      .split('\n')
      .slice(1)
      .some((l) => l.split(/\s+/)[1] === '00000000');
  } catch {
    return false;
  }
}

/** Compiles test/fixtures/triggers/NAME.c into DIR. */
function compileTrigger(name: string, dir: string): string {
  const out = join(dir, name);
  execFileSync('gcc', ['-O0', '-Wall', '-o', out, join(fixturesDir, 'triggers', `${name}.c`)], { stdio: 'inherit' });
  return out;
}

/** `harrier run --sensor S --no-store -q --rules FILES --json OUT -- COMMAND`; the summary's alerts. */
async function alertsOf(sensor: string, rules: string[] | null, command: string[]): Promise<AlertSummary[]> {
  const out = join(tempDir('harrier-trigger-'), 'summary.json');
  const ruleArgs = rules === null ? [] : ['--rules', ...rules];
  const r = await runHarrier([
    'run',
    '--sensor',
    sensor,
    '--no-store',
    '-q',
    ...ruleArgs,
    '--json',
    out,
    '--',
    ...command,
  ]);
  assert.ok(existsSync(out), `no summary written (exit ${r.code}): ${r.stderr}`);
  const s = readJson<RunSummary>(out);
  assert.ok(Array.isArray(s.alerts), 'summary has alerts');
  return s.alerts;
}

type Expected = Record<string, string | number | RegExp>;

function assertFired(alerts: AlertSummary[], rule: string, fields: Expected, what: string): void {
  const a = alerts.find((x) => x.rule === rule);
  assert.ok(a, `${what}: rule "${rule}" did not fire; fired: ${JSON.stringify(alerts.map((x) => x.rule))}`);
  assert.ok(a.count >= 1);
  assert.equal(a.first.rule, rule);
  assert.equal(a.first.source, 'syscall');
  assert.equal(a.first.priority, a.priority);
  const of = a.first.output_fields as Record<string, unknown>;
  assert.ok(of && typeof of === 'object', `${rule}: output_fields`);
  for (const [k, v] of Object.entries(fields)) {
    const got = of[k];
    if (v instanceof RegExp) assert.match(String(got), v, `${rule}: ${k} = ${JSON.stringify(got)}`);
    else assert.equal(got, v, `${rule}: ${k}`);
  }
}

interface Trigger {
  name: string;
  /** Why it cannot run here, or false. */
  skip?: () => string | false;
  command: () => string[];
  /** The stable rule and its expected output fields (null: Falco's rule for it is container-only). */
  falco: { rule: string; fields: Expected } | null;
  harrier: { rule: string; fields: Expected };
  /** Further Harrier rules the same action must fire. */
  alsoHarrier?: Array<{ rule: string; fields: Expected }>;
  /** Run after each attempt (remove links the action left). */
  cleanup?: () => void;
}

const tag = `harrier-trigger-${process.pid}`;
// Paths are fixed when the module loads: the expected output fields below name them.
const dir = skipAll ? '/nonexistent' : tempDir('harrier-triggers-');
const httpd = join(dir, 'httpd');
const shmBinary = `/dev/shm/${tag}`;
const shmScript = `/dev/shm/${tag}.sh`;
let listener: Server;
let listenPort = 0;
let bin: Record<'memfd_exec' | 'ptrace_attach' | 'ptrace_traceme' | 'finit_module', string>;
const OPEN = /^(open|openat|openat2)$/;

const triggers: Trigger[] = [
  {
    name: 'read /etc/shadow',
    command: () => ['cat', '/etc/shadow'],
    falco: {
      rule: 'Read sensitive file untrusted',
      fields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'evt.type': OPEN, 'user.name': 'root' },
    },
    harrier: {
      rule: 'Harrier Password File Read by Untrusted Program',
      fields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'evt.type': OPEN, 'proc.cmdline': 'cat /etc/shadow' },
    },
  },
  {
    name: 'read /etc/shadow through ../',
    command: () => ['cat', '/etc/../etc/../etc/shadow'],
    falco: {
      rule: 'Directory traversal monitored file read',
      fields: { 'fd.name': '/etc/shadow', 'fd.nameraw': '/etc/../etc/../etc/shadow', 'proc.name': 'cat' },
    },
    harrier: {
      rule: 'Harrier Sensitive File Read via Directory Traversal',
      fields: { 'fd.name': '/etc/shadow', 'fd.nameraw': '/etc/../etc/../etc/shadow', 'evt.res': 'SUCCESS' },
    },
  },
  {
    name: 'hard link to /etc/shadow',
    command: () => ['ln', '/etc/shadow', join(dir, 'shadow-link')],
    cleanup: () => rmSync(join(dir, 'shadow-link'), { force: true }),
    falco: {
      rule: 'Create Hardlink Over Sensitive Files',
      fields: { 'evt.arg.oldpath': '/etc/shadow', 'evt.arg.newpath': /shadow-link$/, 'proc.name': 'ln' },
    },
    harrier: {
      rule: 'Harrier Hard Link to Sensitive File',
      fields: { 'fs.path.source': '/etc/shadow', 'fs.path.target': /shadow-link$/, 'evt.type': /^link(at)?$/ },
    },
  },
  {
    name: 'symlink to /etc',
    command: () => ['ln', '-s', '/etc', join(dir, 'etc-link')],
    cleanup: () => rmSync(join(dir, 'etc-link'), { force: true }),
    falco: {
      rule: 'Create Symlink Over Sensitive Files',
      fields: { 'evt.arg.target': '/etc', 'evt.arg.linkpath': /etc-link$/, 'proc.name': 'ln' },
    },
    harrier: {
      rule: 'Harrier Symlink to Sensitive File',
      fields: { 'evt.arg.target': '/etc', 'evt.arg.linkpath': /etc-link$/, 'evt.type': /^symlink(at)?$/ },
    },
  },
  {
    name: 'create and truncate a file named syslog',
    command: () => ['sh', '-c', `echo entry > ${dir}/syslog; : > ${dir}/syslog`],
    cleanup: () => rmSync(join(dir, 'syslog'), { force: true }),
    falco: { rule: 'Clear Log Activities', fields: { 'fd.name': `${dir}/syslog`, 'evt.type': OPEN } },
    harrier: {
      rule: 'Harrier Log File Cleared',
      fields: { 'fd.name': `${dir}/syslog`, 'evt.arg.flags': /O_TRUNC/, 'proc.name': 'sh' },
    },
  },
  {
    // The server reads the file itself (a shell builtin's redirection) once it is 5 s old.
    name: 'a server named httpd reads /etc/shadow after startup',
    command: () => [httpd, '-c', 'sleep 5.5; read -r line < /etc/shadow; true'],
    falco: {
      rule: 'Read sensitive file trusted after startup',
      fields: { 'fd.name': '/etc/shadow', 'proc.name': 'httpd', 'evt.type': OPEN },
    },
    harrier: {
      rule: 'Harrier Password File Read by Untrusted Program',
      fields: { 'fd.name': '/etc/shadow', 'proc.name': 'httpd' },
    },
  },
  {
    name: 'shred -u a file',
    command: () => {
      writeFileSync(join(dir, 'victim'), 'data\n');
      return ['shred', '-u', join(dir, 'victim')];
    },
    falco: { rule: 'Remove Bulk Data from Disk', fields: { 'proc.name': 'shred', 'evt.type': 'execve' } },
    harrier: {
      rule: 'Harrier Data Destruction Tool Run',
      fields: { 'proc.name': 'shred', 'proc.cmdline': `shred -u ${dir}/victim` },
    },
  },
  {
    name: 'find DIR -iname id_rsa',
    command: () => ['find', dir, '-iname', 'id_rsa'],
    falco: { rule: 'Search Private Keys or Passwords', fields: { 'proc.name': 'find', 'evt.type': 'execve' } },
    harrier: {
      rule: 'Harrier Private Key Search',
      fields: { 'proc.name': 'find', 'proc.cmdline': `find ${dir} -iname id_rsa` },
    },
  },
  {
    name: 'grep -r for a private key header',
    command: () => ['grep', '-r', '-l', 'BEGIN RSA PRIVATE KEY', dir],
    falco: { rule: 'Search Private Keys or Passwords', fields: { 'proc.name': 'grep', 'evt.type': 'execve' } },
    harrier: {
      rule: 'Harrier Private Key Search',
      fields: { 'proc.name': 'grep', 'proc.cmdline': /BEGIN RSA PRIVATE KEY/ },
    },
  },
  {
    name: 'find DIR -iname .aws/credentials',
    command: () => ['find', dir, '-iname', '.aws/credentials'],
    falco: { rule: 'Find AWS Credentials', fields: { 'proc.name': 'find', 'proc.cmdline': /\.aws\/credentials$/ } },
    harrier: { rule: 'Harrier Credential Search', fields: { 'proc.name': 'find', 'evt.type': 'execve' } },
  },
  {
    name: 'run a binary from /dev/shm',
    command: () => [shmBinary],
    // proc.name is the kernel's comm: the binary's name cut to 15 characters, as in Falco.
    falco: { rule: 'Execution from /dev/shm', fields: { 'proc.name': tag.slice(0, 15), 'evt.type': 'execve' } },
    harrier: { rule: 'Harrier Execution from /dev/shm', fields: { 'proc.exepath': `/dev/shm/${tag}` } },
  },
  {
    name: 'run a script from /dev/shm with sh',
    command: () => ['sh', shmScript],
    falco: { rule: 'Execution from /dev/shm', fields: { 'proc.name': 'sh', 'proc.cmdline': `sh ${shmScript}` } },
    harrier: { rule: 'Harrier Execution from /dev/shm', fields: { 'proc.name': 'sh' } },
  },
  {
    // eBPF sees the interpreter as proc.exe (as Falco's drivers do), ptrace the script path;
    // Harrier's rule also checks proc.exepath, so it fires under both.
    name: 'run a script in /dev/shm directly',
    command: () => [shmScript],
    falco: null,
    harrier: { rule: 'Harrier Execution from /dev/shm', fields: { 'proc.exepath': shmScript } },
  },
  {
    name: 'memfd_create + execve /proc/self/fd/N',
    command: () => [bin.memfd_exec],
    falco: {
      rule: 'Fileless execution via memfd_create',
      fields: { 'proc.exepath': /^memfd:harrier-trigger/, 'evt.type': 'execve' },
    },
    harrier: {
      rule: 'Harrier Fileless Execution via memfd',
      fields: { 'proc.exepath': /^memfd:harrier-trigger/, 'proc.cmdline': /child$/ },
    },
  },
  {
    name: 'a shell run by a program named httpd',
    command: () => [httpd, '-c', 'sh -c true; true'],
    falco: { rule: 'Run shell untrusted', fields: { 'proc.name': 'sh', 'proc.pname': 'httpd', 'proc.pexe': httpd } },
    harrier: {
      rule: 'Harrier Shell Spawned by Server',
      fields: { 'proc.name': 'sh', 'proc.pname': 'httpd', 'proc.cmdline': 'sh -c true' },
    },
  },
  {
    // A documentation address (TEST-NET-2) on port 443: routed, never answers; ConnectTimeout
    // makes ssh connect without blocking (EINPROGRESS, which Falco's outbound macro accepts).
    name: 'ssh to port 443',
    skip: () =>
      !have('ssh')
        ? 'ssh is not installed'
        : hasDefaultRoute()
          ? false
          : 'no default route (the connect would fail at once)',
    command: () => [
      'ssh',
      '-p',
      '443',
      '-o',
      'ConnectTimeout=1',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      'harrier@198.51.100.7',
      'true',
    ],
    falco: {
      rule: 'Disallowed SSH Connection Non Standard Port',
      fields: { 'proc.name': 'ssh', 'fd.rport': 443, 'fd.l4proto': 'tcp', 'evt.type': 'connect' },
    },
    harrier: {
      rule: 'Harrier SSH Connection to Non-Standard Port',
      fields: { 'proc.name': 'ssh', 'fd.sport': 443, 'fd.name': /198\.51\.100\.7:443$/ },
    },
  },
  {
    name: 'ptrace(PTRACE_ATTACH) on a child',
    command: () => [bin.ptrace_attach],
    falco: { rule: 'PTRACE attached to process', fields: { 'proc.name': 'ptrace_attach', 'evt.type': 'ptrace' } },
    harrier: {
      rule: 'Harrier Ptrace Attach or Injection',
      fields: { 'proc.name': 'ptrace_attach', 'evt.arg.request': /PTRACE_ATTACH/ },
    },
  },
  {
    name: 'ptrace(PTRACE_TRACEME)',
    command: () => [bin.ptrace_traceme],
    falco: { rule: 'PTRACE anti-debug attempt', fields: { 'proc.name': 'ptrace_traceme', 'evt.type': 'ptrace' } },
    harrier: { rule: 'Harrier Ptrace Anti-Debugging', fields: { 'proc.name': 'ptrace_traceme', 'evt.type': 'ptrace' } },
  },
  {
    name: '/bin/login as user daemon',
    skip: () => (have('setpriv') && existsSync('/bin/login') ? false : 'setpriv or /bin/login missing'),
    command: () => ['setpriv', '--reuid=daemon', '--regid=daemon', '--clear-groups', '/bin/login', '-f', 'root'],
    falco: { rule: 'System user interactive', fields: { 'user.name': 'daemon', 'proc.name': 'login' } },
    harrier: {
      rule: 'Harrier System Account Runs Interactive Program',
      fields: { 'user.name': 'daemon', 'proc.name': 'login', 'proc.exepath': '/bin/login' },
    },
  },
  // Behaviours only Harrier's rules cover (Falco's stable file has no host rule for them).
  {
    name: 'curl output piped to sh',
    command: () => ['sh', '-c', 'curl -s http://127.0.0.1:9/install.sh | sh'],
    falco: null,
    harrier: { rule: 'Harrier Download Piped to Shell', fields: { 'proc.cmdline': /curl .*\| sh/ } },
  },
  {
    name: 'a Node.js program runs a shell (child_process.execSync)',
    command: () => ['node', '-e', "require('child_process').execSync('true')"],
    falco: null,
    harrier: {
      rule: 'Harrier Shell Spawned by Node.js Application',
      fields: { 'proc.name': 'sh', 'proc.pname': 'node', 'proc.cmdline': 'sh -c true' },
    },
  },
  {
    name: 'cat a ~/.aws/credentials file',
    command: () => {
      mkdirSync(join(dir, '.aws'), { recursive: true });
      writeFileSync(join(dir, '.aws/credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\n');
      return ['cat', join(dir, '.aws/credentials')];
    },
    falco: null,
    harrier: {
      rule: 'Harrier Cloud or Registry Credential Read',
      fields: { 'fd.name': `${dir}/.aws/credentials`, 'proc.name': 'cat', 'evt.type': OPEN },
    },
  },
  {
    name: 'apt-get install at test time (simulated)',
    skip: () => (have('apt-get') ? false : 'apt-get is not installed'),
    command: () => ['apt-get', '-s', 'install', 'harrier-no-such-package'],
    falco: null,
    harrier: { rule: 'Harrier Package Installed at Test Time', fields: { 'proc.name': 'apt-get' } },
  },
  {
    name: 'a write below /etc',
    command: () => ['sh', '-c', `echo x > /etc/${tag}; rm -f /etc/${tag}`],
    cleanup: () => rmSync(`/etc/${tag}`, { force: true }),
    falco: null,
    harrier: { rule: 'Harrier Write Below /etc', fields: { 'fd.name': `/etc/${tag}`, 'evt.type': OPEN } },
  },
  {
    name: 'bash connects with /dev/tcp',
    command: () => ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${listenPort}; exec 3>&-`],
    falco: null,
    harrier: {
      rule: 'Harrier Shell Opened Network Connection',
      fields: { 'proc.name': 'bash', 'evt.type': 'connect', 'fd.name': /->127\.0\.0\.1:\d+$/ },
    },
  },
  {
    // A throwaway key in root's ~/.ssh (the directory is made, and removed, if it did not exist).
    name: "write and read a private key in root's ~/.ssh",
    command: () => [
      'sh',
      '-c',
      `made=; [ -d /root/.ssh ] || { mkdir -m 700 /root/.ssh && made=1; }; ` +
        `echo key > /root/.ssh/id_${tag}; cat /root/.ssh/id_${tag} > /dev/null; rm -f /root/.ssh/id_${tag}; ` +
        `[ -z "$made" ] || rmdir /root/.ssh`,
    ],
    cleanup: () => rmSync(`/root/.ssh/id_${tag}`, { force: true }),
    falco: null,
    harrier: {
      rule: 'Harrier SSH Private Key Read',
      fields: { 'fd.name': `/root/.ssh/id_${tag}`, 'proc.name': 'cat' },
    },
    alsoHarrier: [
      { rule: 'Harrier SSH Trust File Modified', fields: { 'fd.name': `/root/.ssh/id_${tag}`, 'proc.name': 'sh' } },
    ],
  },
  {
    // Opened for appending, nothing written.
    name: 'open /root/.bashrc for writing',
    command: () => ['sh', '-c', ': >> /root/.bashrc'],
    falco: null,
    harrier: { rule: 'Harrier Shell Startup File Modified', fields: { 'fd.name': '/root/.bashrc', 'proc.name': 'sh' } },
  },
  {
    name: 'a file created in /usr/local/bin',
    command: () => ['sh', '-c', `: > /usr/local/bin/${tag}; rm -f /usr/local/bin/${tag}`],
    cleanup: () => rmSync(`/usr/local/bin/${tag}`, { force: true }),
    falco: null,
    harrier: {
      rule: 'Harrier Write Below Binary Directories',
      fields: { 'fd.name': `/usr/local/bin/${tag}`, 'evt.arg.flags': /O_CREAT/ },
    },
  },
  {
    // The path does not exist: the flag is what matters.
    name: 'rm -rf --no-preserve-root',
    command: () => ['rm', '-rf', '--no-preserve-root', join(dir, 'no-such-dir')],
    falco: null,
    harrier: { rule: 'Harrier Recursive Delete of System Data', fields: { 'proc.name': 'rm' } },
  },
  {
    // Falco's module rule is container-only; an invalid fd makes the call fail harmlessly.
    name: 'finit_module',
    command: () => [bin.finit_module],
    falco: null,
    harrier: {
      rule: 'Harrier Kernel Module Loaded',
      fields: { 'evt.type': 'finit_module', 'proc.name': 'finit_module' },
    },
  },
];

before(async () => {
  if (skipAll) return;
  listener = createServer((sock) => sock.on('error', () => undefined).resume());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  listenPort = (listener.address() as { port: number }).port;
  bin = {
    memfd_exec: compileTrigger('memfd_exec', dir),
    ptrace_attach: compileTrigger('ptrace_attach', dir),
    ptrace_traceme: compileTrigger('ptrace_traceme', dir),
    finit_module: compileTrigger('finit_module', dir),
  };
  copyFileSync('/bin/bash', httpd);
  chmodSync(httpd, 0o755);
  copyFileSync('/bin/true', shmBinary);
  chmodSync(shmBinary, 0o755);
  writeFileSync(shmScript, '#!/bin/sh\ntrue\n', { mode: 0o755 });
});

after(() => {
  if (skipAll) return;
  listener.close();
  rmSync(shmBinary, { force: true });
  rmSync(shmScript, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

for (const sensor of isRoot ? sensorsUnderTest() : ['ptrace' as const]) {
  describe(`trigger catalogue (${sensor})`, { skip: skipAll }, () => {
    for (const t of triggers) {
      test(t.name, { skip: t.skip?.() ?? false }, async (ctx) => {
        try {
          const rules = haveStable && t.falco ? [stableRules, harrierRules] : [harrierRules];
          const alerts = await alertsOf(sensor, rules, t.command());
          assertFired(alerts, t.harrier.rule, t.harrier.fields, t.name);
          for (const h of t.alsoHarrier ?? []) assertFired(alerts, h.rule, h.fields, t.name);
          if (t.falco === null) return;
          if (!haveStable) {
            ctx.diagnostic(`Falco's stable rules are not at ${stableRules}: only Harrier's rule checked`);
            return;
          }
          assertFired(alerts, t.falco.rule, t.falco.fields, t.name);
        } finally {
          t.cleanup?.();
        }
      });
    }

    test('Harrier rules are the default when --rules is not given', async () => {
      const alerts = await alertsOf(sensor, null, ['cat', '/etc/shadow']);
      assertFired(alerts, 'Harrier Password File Read by Untrusted Program', { 'fd.name': '/etc/shadow' }, 'defaults');
    });

    test('ordinary build work fires no rule of either file', async () => {
      const rules = haveStable ? [stableRules, harrierRules] : [harrierRules];
      const alerts = await alertsOf(sensor, rules, [
        'sh',
        '-c',
        `mkdir -p ${dir}/build && echo 'int main(void){return 0;}' > ${dir}/build/m.c && ` +
          `cat /etc/passwd > /dev/null && ls ${dir} > ${dir}/build/ls.txt && rm -rf ${dir}/build`,
      ]);
      assert.deepEqual(
        alerts.map((a) => a.rule),
        [],
      );
    });
  });
}

test("Harrier's default rules validate: every rule compiles, no warnings", async () => {
  const r = await runHarrier(['rules', 'validate', harrierRules]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout + r.stderr, /ok · (\d+) of \1 enabled rules compiled · 0 disabled · 0 warning\(s\)/);
});
