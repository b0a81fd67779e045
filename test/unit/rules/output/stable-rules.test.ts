/**
 * Falco's stable rules end to end over hand-made events: loaded, compiled against this field
 * registry, evaluated after each SystemState.apply, and rendered as Falco alerts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Expr } from '../../../../src/rules/condition/ast.js';
import { parseCondition } from '../../../../src/rules/condition/index.js';
import { type Predicate, compileConditionText } from '../../../../src/rules/compile/index.js';
import { loadRulesFiles } from '../../../../src/rules/loader/index.js';
import { fieldRegistry } from '../../../../src/rules/fields/registry.js';
import { buildFalcoAlert, falcoAlertJson } from '../../../../src/rules/output/falco-alert.js';
import { type CompiledOutput, compileOutput } from '../../../../src/rules/output/format.js';
import { priorityName } from '../../../../src/rules/output/priority.js';
import type { Event } from '../../../../src/events/event.js';
import { ev, World } from '../fields/helpers.js';

const stable = fileURLToPath(
  new URL('../../../../../../shared/peer-data/falco-rules/falco_rules.yaml', import.meta.url),
);
const skip = existsSync(stable) ? false : `Falco's stable rules are not at ${stable}`;

interface Compiled {
  name: string;
  priority: string;
  tags: string[];
  predicate: Predicate;
  output: CompiledOutput;
}

async function compileStable(): Promise<Compiled[]> {
  const r = await loadRulesFiles([stable]);
  const macros = new Map<string, Expr>([...r.macros].map(([k, m]) => [k, parseCondition(m.condition)]));
  const lists = new Map([...r.lists].map(([k, l]) => [k, l.items]));
  const out: Compiled[] = [];
  for (const rule of r.rules) {
    try {
      const { predicate } = compileConditionText(rule.condition, { registry: fieldRegistry, macros, lists });
      out.push({
        name: rule.name,
        priority: rule.priority,
        tags: rule.tags,
        predicate,
        output: compileOutput(rule.output),
      });
    } catch {
      // A rule the compiler refuses is the compiler's test's business; the ones below must load.
    }
  }
  return out;
}

test("Falco's stable rules fire on their trigger actions, with Falco's alert text", { skip }, async () => {
  const rules = await compileStable();
  const w = new World();
  w.state.seedProcess({
    pid: 1,
    ppid: 0,
    exe: '/sbin/init',
    exePath: '/sbin/init',
    name: 'systemd',
    args: [],
    cwd: '/',
    uid: 0,
    gid: 0,
  });
  const fired: Array<[string, string]> = [];
  const apply = (e: Event): void => {
    w.apply(e);
    const ctx = { event: e, state: w.state };
    for (const r of rules) {
      if (!r.predicate(ctx)) continue;
      const priority = priorityName(r.priority);
      assert.ok(priority, r.priority);
      const json = falcoAlertJson(
        buildFalcoAlert({ rule: r.name, priority, tags: r.tags, output: r.output, ctx, hostname: 'h' }),
      );
      const parsed = JSON.parse(json) as { output: string };
      fired.push([r.name, parsed.output.slice(parsed.output.indexOf(': ') + 2)]);
    }
  };
  apply(ev('clone', 1, { flags: { names: [] } }, 10));
  apply(ev('execve', 10, { filename: '/usr/bin/python3', argv: ['python3', 'job.py'] }, 0));
  apply(ev('clone', 10, { flags: { names: [] } }, 20));
  apply(ev('execve', 20, { filename: '/usr/bin/cat', argv: ['cat', '/etc/shadow'] }, 0));
  apply(ev('openat', 20, { dirfd: { fd: -100 }, name: '/etc/shadow', flags: { names: ['O_RDONLY'] }, mode: 0 }, 3));
  apply(
    ev(
      'openat',
      20,
      { dirfd: { fd: -100 }, name: '/etc/../etc/../etc/shadow', flags: { names: ['O_RDONLY'] }, mode: 0 },
      4,
    ),
  );
  apply(ev('ptrace', 20, { request: 'PTRACE_ATTACH', pid: 10 }, 0));
  apply(ev('symlinkat', 20, { target: '/etc', linkdirfd: { fd: -100 }, linkpath: '/tmp/etc' }, 0));
  // Opening an ordinary file fires nothing.
  apply(ev('openat', 20, { dirfd: { fd: -100 }, name: '/tmp/notes', flags: { names: ['O_RDONLY'] }, mode: 0 }, 5));

  const who =
    'evt_type=%T user=root user_uid=0 user_loginuid=<NA> process=cat proc_exepath=/usr/bin/cat parent=python3 command=cat /etc/shadow terminal=<NA>';
  const tail = (t: string): string => who.replace('%T', t);
  assert.deepEqual(fired, [
    [
      'Read sensitive file untrusted',
      `Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=systemd ggparent=<NA> gggparent=<NA> ${tail('openat')}`,
    ],
    [
      'Directory traversal monitored file read',
      `Warning Read monitored file via directory traversal | file=/etc/shadow fileraw=/etc/../etc/../etc/shadow gparent=systemd ggparent=<NA> gggparent=<NA> ${tail('openat')}`,
    ],
    [
      'Read sensitive file untrusted',
      `Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=systemd ggparent=<NA> gggparent=<NA> ${tail('openat')}`,
    ],
    [
      'PTRACE attached to process',
      `Warning Detected ptrace PTRACE_ATTACH attempt | proc_pcmdline=python3 job.py ${tail('ptrace')}`,
    ],
    [
      'Create Symlink Over Sensitive Files',
      `Warning Symlinks created over sensitive files | target=/etc linkpath=/tmp/etc ${tail('symlinkat')}`,
    ],
  ]);
});
