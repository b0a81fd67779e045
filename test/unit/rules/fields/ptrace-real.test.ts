/**
 * A real program under the real ptrace sensor: its events go through SystemState as the
 * pipeline applies them, and fields are read for each event right after it is applied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../../../src/events/event.js';
import { SystemState } from '../../../../src/events/state/system-state.js';
import { PtraceSensor } from '../../../../src/sensors/ptrace/strace-sensor.js';
import { parseFieldRef } from '../../../../src/rules/fields/field-ref.js';
import { fieldRegistry } from '../../../../src/rules/fields/registry.js';
import type { FieldValue } from '../../../../src/rules/fields/types.js';
import { buildFalcoAlert, falcoAlertJson } from '../../../../src/rules/output/falco-alert.js';
import { compileOutput } from '../../../../src/rules/output/format.js';

const sensor = new PtraceSensor();
const unavailable = await sensor.unavailableReason();
const skip = unavailable === undefined ? false : `ptrace sensor unavailable: ${unavailable}`;

const FIELDS = [
  'proc.name',
  'proc.pname',
  'proc.cmdline',
  'proc.pcmdline',
  'proc.exepath',
  'proc.aname[2]',
  'fd.name',
  'fd.directory',
  'fd.filename',
  'fd.typechar',
  'fd.num',
  'evt.res',
  'evt.is_open_read',
  'evt.is_open_write',
] as const;

test('cat /etc/hostname under strace: proc.name, proc.pname, fd.name of its openat', { skip }, async () => {
  const session = await sensor.start({
    mode: 'command',
    argv: ['/bin/sh', '-c', 'cat /etc/hostname > /dev/null; exit 0'],
    cwd: '/tmp',
    env: { PATH: '/usr/bin:/bin', LANG: 'C' },
  });
  const state = new SystemState();
  const extract = FIELDS.map((f) => {
    const ref = parseFieldRef(fieldRegistry, f);
    assert.ok(ref, f);
    return [f, fieldRegistry.extractor(ref.def, ref.arg)] as const;
  });
  const output = compileOutput('file=%fd.name by %proc.name (parent %proc.pname) user=%user.name');
  let seen: Record<string, FieldValue> | undefined;
  let alertJson: string | undefined;
  let opened: Event | undefined;
  let seeded = false;
  for await (const batch of session.events) {
    if (!seeded) {
      const root = await session.rootPid;
      // Harrier itself is the root's parent, as in the pipeline.
      state.seedProcess({
        pid: process.pid,
        ppid: process.ppid,
        exe: 'node',
        exePath: process.execPath,
        name: 'node',
        args: [],
        cwd: process.cwd(),
      });
      state.seedProcess({
        pid: root,
        ppid: process.pid,
        exe: '/bin/sh',
        exePath: '/bin/sh',
        args: ['-c', '…'],
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
        cwd: '/tmp',
      });
      seeded = true;
    }
    for (const e of batch) {
      state.apply(e);
      if (e.type === 'openat' && e.args.name === '/etc/hostname' && seen === undefined) {
        const ctx = { event: e, state };
        seen = Object.fromEntries(extract.map(([f, x]) => [f, x(ctx)]));
        alertJson = falcoAlertJson(buildFalcoAlert({ rule: 'r', priority: 'Notice', output, ctx, hostname: 'h' }));
        opened = e;
      }
    }
  }
  assert.deepEqual(await session.exit, { kind: 'exited', code: 0 });
  await session.stop();
  assert.ok(seen && opened, 'the openat of /etc/hostname was seen');
  assert.deepEqual(seen, {
    'proc.name': 'cat',
    'proc.pname': 'sh',
    'proc.cmdline': 'cat /etc/hostname',
    'proc.pcmdline': 'sh -c cat /etc/hostname > /dev/null; exit 0',
    'proc.exepath': seen['proc.exepath'] === '/bin/cat' ? '/bin/cat' : '/usr/bin/cat',
    'proc.aname[2]': 'node',
    'fd.name': '/etc/hostname',
    'fd.directory': '/etc',
    'fd.filename': 'hostname',
    'fd.typechar': 'f',
    'fd.num': opened.res,
    'evt.res': 'SUCCESS',
    'evt.is_open_read': true,
    'evt.is_open_write': false,
  });
  assert.match(
    alertJson ?? '',
    /"output":"\d\d:\d\d:\d\d\.\d{9}: Notice file=\/etc\/hostname by cat \(parent sh\) user=\w+"/,
  );
});
