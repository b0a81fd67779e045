/**
 * Writes every normalised event as NDJSON (`--events FILE`), honouring backpressure so a slow
 * disk slows the pipeline rather than growing memory without bound.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Event } from '../events/event.js';
import { eventToJson } from '../events/json.js';

export interface EventSink {
  write(batch: Event[]): Promise<void>;
  close(): Promise<void>;
}

export class NdjsonEventSink implements EventSink {
  private constructor(private readonly out: WriteStream) {}

  /** Opens the file before the observed command starts, so an unwritable path fails early. */
  static async open(path: string): Promise<NdjsonEventSink> {
    const out = createWriteStream(path, { flags: 'w' });
    await Promise.race([
      once(out, 'open'),
      once(out, 'error').then(([e]) => {
        throw e as Error;
      }),
    ]);
    return new NdjsonEventSink(out);
  }

  async write(batch: Event[]): Promise<void> {
    if (batch.length === 0) return;
    let chunk = '';
    for (const ev of batch) chunk += JSON.stringify(eventToJson(ev)) + '\n';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out.closed) return;
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
