/**
 * Pairs `<unfinished ...>` halves with their `<... resumed>` halves, per thread. A thread has at
 * most one call in flight, so the tid is the key.
 */

export interface PendingCall {
  tid: number;
  /** When the call was entered: the event's timestamp. */
  ts: bigint;
  name: string;
  /** `name(args` as printed before the marker. */
  text: string;
}

const UNFINISHED = ' <unfinished ...>';

export class PendingCalls {
  private readonly byTid = new Map<number, PendingCall>();

  /** Records an unfinished call; returns a previous one of that thread that never resumed. */
  begin(call: PendingCall): PendingCall | undefined {
    const previous = this.byTid.get(call.tid);
    this.byTid.set(call.tid, call);
    return previous;
  }

  /**
   * Completes the thread's pending call with the resumed half: returns the joined text
   * (`name(args` + `) = 0`), or undefined when there was no matching unfinished half.
   */
  resume(tid: number, name: string, rest: string): { call: PendingCall; text: string } | undefined {
    const call = this.byTid.get(tid);
    if (call === undefined || call.name !== name) return undefined;
    this.byTid.delete(tid);
    // A call killed while blocked resumes as `<... name resumed> <unfinished ...>) = ?`.
    const tail = rest.startsWith(UNFINISHED) ? rest.slice(UNFINISHED.length) : rest;
    return { call, text: call.text + tail };
  }

  /** Removes and returns the thread's pending call (the thread ended without resuming it). */
  take(tid: number): PendingCall | undefined {
    const call = this.byTid.get(tid);
    if (call !== undefined) this.byTid.delete(tid);
    return call;
  }

  /** Moves a pending call to another tid: after a thread's execve, strace reports it under the leader's tid. */
  move(from: number, to: number): void {
    const call = this.byTid.get(from);
    if (call === undefined) return;
    this.byTid.delete(from);
    this.byTid.set(to, { ...call, tid: to });
  }

  /** Pending calls of other threads, for guessing which clone a new thread came from. */
  values(): IterableIterator<PendingCall> {
    return this.byTid.values();
  }

  /** Removes and returns every pending call (end of the trace). */
  drain(): PendingCall[] {
    const all = [...this.byTid.values()];
    this.byTid.clear();
    return all;
  }

  get size(): number {
    return this.byTid.size;
  }
}
