/** Hand-made event sequences applied to a real SystemState, and a field reader over them. */
import type { Event, EventArgs } from '../../../../src/events/event.js';
import { SystemState } from '../../../../src/events/state/system-state.js';
import { fieldRegistry } from '../../../../src/rules/fields/registry.js';
import { parseFieldRef } from '../../../../src/rules/fields/field-ref.js';
import type { FieldValue } from '../../../../src/rules/fields/types.js';

export const T0 = 1_795_990_317_695_030_192n;

let clock = T0;

export function ev(type: string, pid: number, args: EventArgs, res?: number, extra: Partial<Event> = {}): Event {
  clock += 1000n;
  const e: Event = { ts: clock, source: 'ebpf', type, pid, tid: pid, args, ...extra };
  if (res !== undefined) {
    e.res = res;
    if (res < 0 && e.errno === undefined) e.errno = undefined;
  }
  return e;
}

/** A state with the events applied, and `field(name, event)` reading a field for an event. */
export class World {
  readonly state = new SystemState();

  apply(e: Event): Event {
    this.state.apply(e);
    return e;
  }

  field(ref: string, e: Event): FieldValue {
    const r = parseFieldRef(fieldRegistry, ref);
    if (r === undefined) throw new Error(`unknown field ${ref}`);
    return fieldRegistry.extractor(r.def, r.arg)({ event: e, state: this.state });
  }
}

/** init(1) → bash(100) → python3(200) → sh(300): a lineage to read ancestors from. */
export function lineage(): { w: World; sh: number } {
  const w = new World();
  w.state.seedProcess({
    pid: 1,
    ppid: 0,
    exe: '/sbin/init',
    exePath: '/usr/lib/systemd/systemd',
    name: 'systemd',
    args: [],
    cwd: '/',
    uid: 0,
    gid: 0,
    euid: 0,
    egid: 0,
  });
  w.apply(ev('clone', 1, { flags: { names: ['SIGCHLD'] } }, 100));
  w.apply(
    ev(
      'execve',
      100,
      { filename: '/usr/bin/bash', argv: ['bash', '-l'], envp: ['HOME=/root', 'TERM=xterm', 'EMPTY='] },
      0,
    ),
  );
  w.apply(ev('clone', 100, { flags: { names: ['SIGCHLD'] } }, 200));
  w.apply(ev('execve', 200, { filename: '/usr/bin/python3', argv: ['python3', 'app.py', '--port', '8080'] }, 0));
  w.apply(ev('clone', 200, { flags: { names: ['SIGCHLD'] } }, 300));
  w.apply(ev('execve', 300, { filename: '/bin/sh', argv: ['sh', '-c', 'id'], envp: ['HOME=/home/app'] }, 0));
  return { w, sh: 300 };
}
