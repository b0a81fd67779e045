/**
 * Alert deduplication for long-running monitoring: the first alert of a kind goes out at once;
 * identical ones (same rule, same rendered output) within the window are counted, and when the
 * window closes one more alert goes out carrying the count in `output_fields`
 * (`harrier.repeats`). Nothing is dropped silently: every alert is either emitted or counted
 * into one that is.
 */
import type { FalcoAlert } from '../../rules/output/index.js';

/** The output without Falco's `HH:MM:SS.nnnnnnnnn: Priority ` prefix, which differs every time. */
const keyOf = (a: FalcoAlert): string => `${a.rule}\0${a.output.replace(/^\S+: \S+ /, '')}`;

interface Pending {
  openedAt: number;
  last: FalcoAlert;
  repeats: number;
}

export class AlertDeduplicator {
  private readonly open = new Map<string, Pending>();

  constructor(
    private readonly windowMs: number,
    private readonly emit: (alert: FalcoAlert) => void,
  ) {}

  add(alert: FalcoAlert, nowMs: number): void {
    if (this.windowMs <= 0) return this.emit(alert);
    const key = keyOf(alert);
    const p = this.open.get(key);
    if (p === undefined) {
      this.open.set(key, { openedAt: nowMs, last: alert, repeats: 0 });
      this.emit(alert);
      return;
    }
    p.repeats++;
    p.last = alert;
  }

  /** Closes windows older than the window length; call periodically. */
  sweep(nowMs: number): void {
    for (const [key, p] of this.open) {
      if (nowMs - p.openedAt < this.windowMs) continue;
      this.open.delete(key);
      this.emitRepeats(p);
    }
  }

  /** Closes every window (on shutdown). */
  flush(): void {
    for (const p of this.open.values()) this.emitRepeats(p);
    this.open.clear();
  }

  private emitRepeats(p: Pending): void {
    if (p.repeats === 0) return;
    const fields = [...p.last.output_fields, ['harrier.repeats', p.repeats] as [string, number]];
    fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.emit({ ...p.last, output_fields: fields });
  }
}
