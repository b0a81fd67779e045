/**
 * proc.tty, thread.cap_effective/cap_permitted and user.loginuid from the real /proc of a
 * spawned process, checked against what ps and capsh report for it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SystemState } from '../../../src/events/state/system-state.js';
import { fieldRegistry } from '../../../src/rules/fields/registry.js';
import { parseFieldRef } from '../../../src/rules/fields/field-ref.js';
import type { FieldValue } from '../../../src/rules/fields/types.js';
import { ev, FORK } from './events.js';

function field(ref: string, state: SystemState, pid: number): FieldValue {
  const r = parseFieldRef(fieldRegistry, ref);
  assert.ok(r, ref);
  return fieldRegistry.extractor(r.def, r.arg)({ event: ev('getpid', pid), state });
}

const ps = (pid: number, column: string): string =>
  execFileSync('ps', ['-o', `${column}=`, '-p', String(pid)], { encoding: 'utf8' }).trim();

/** capsh's own decoding of a mask, upper-cased like Falco's names. */
function capshNames(hex: string): string {
  const out = execFileSync('capsh', [`--decode=${hex}`], { encoding: 'utf8' }).trim();
  const names = out.slice(out.indexOf('=') + 1);
  return names === '' ? '' : names.toUpperCase().split(',').join(' ');
}

test('a process found in /proc has its tty, capabilities and login uid; its forks inherit them', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid;
  assert.ok(pid !== undefined);
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hex = (key: string) => new RegExp(`^${key}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? 'missing';
    const s = new SystemState();
    assert.equal(s.bootstrapFromProc([pid]).length, 1);

    const tty = field('proc.tty', s, pid);
    if (ps(pid, 'tty') === '?') assert.equal(tty, 0);
    else assert.ok(typeof tty === 'number' && tty > 0, `tty ${String(tty)}`);

    assert.equal(field('thread.cap_effective', s, pid), capshNames(hex('CapEff')));
    assert.equal(field('thread.cap_permitted', s, pid), capshNames(hex('CapPrm')));

    const luid = ps(pid, 'luid');
    assert.equal(field('user.loginuid', s, pid), luid === '-' ? -1 : Number(luid));

    s.apply(ev('clone', pid, { flags: FORK }, { res: 999_999 }));
    for (const f of ['proc.tty', 'thread.cap_effective', 'thread.cap_permitted', 'user.loginuid']) {
      assert.deepEqual(field(f, s, 999_999), field(f, s, pid), f);
    }
  } finally {
    child.kill();
  }
});

test('a process that already exited has none of them: it is not in /proc any more', async () => {
  const child = spawn('true', [], { stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  await once(child, 'exit');
  const s = new SystemState({ procFallback: true });
  assert.deepEqual(s.bootstrapFromProc([pid]), []);
  s.apply(ev('getpid', pid));
  for (const f of ['proc.tty', 'thread.cap_effective', 'thread.cap_permitted', 'user.loginuid']) {
    assert.equal(field(f, s, pid), undefined, f);
  }
});
