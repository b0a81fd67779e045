/**
 * What the sensor needs to know about processes from /proc: which ones strace is tracing (to
 * kill them on stop: strace 6.1 has no --kill-on-exit, and a SIGTERM'd strace detaches and leaves
 * its tracees running) and the thread group of a thread.
 */
import { readFileSync, readdirSync } from 'node:fs';

function statusField(pid: number, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const at = text.indexOf(`\n${name}:`);
  if (at < 0) return undefined;
  const v = Number.parseInt(text.slice(at + name.length + 2, text.indexOf('\n', at + 1)).trim(), 10);
  return Number.isNaN(v) ? undefined : v;
}

/** The thread-group id of a live thread, from /proc. */
export function readTgid(tid: number): number | undefined {
  return statusField(tid, 'Tgid');
}

/** Processes currently traced by `tracer`. */
export function tracedBy(tracer: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(e);
    if (statusField(pid, 'TracerPid') === tracer) out.push(pid);
  }
  return out;
}

/**
 * SIGKILLs everything `tracer` traces, repeating while new ones appear (a tracee may have been
 * forking when the scan ran). Returns how many were signalled.
 */
export function killTracees(tracer: number, rounds = 10): number {
  let killed = 0;
  for (let round = 0; round < rounds; round++) {
    const pids = tracedBy(tracer);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
}
