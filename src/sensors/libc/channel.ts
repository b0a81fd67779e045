/**
 * The FIFO through which preloaded processes report, read for the whole run.
 *
 * Harrier holds a write end of its own: without it the reader would see end-of-file whenever no
 * observed process happens to have the FIFO open (between two processes, before the first), and
 * a libuv pipe that saw EOF is finished. close() releases that write end, so the reader drains
 * what the processes wrote and then meets EOF once the last of them is gone.
 */
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { makeFifo, openFifoReader } from '../fifo.js';
import { SensorError } from '../sensor.js';
import { LibcDecoder, type LibcDecoderCounters } from './decoder.js';
import type { LibcRecord } from './protocol.js';

/** What an observed command's environment needs for the interposer to load and report. */
export interface LibcChildEnv {
  LD_PRELOAD: string;
  HARRIER_LIBC_FIFO: string;
}

export interface LibcChannelOptions {
  /** Absolute path of libharrier_preload.so (see preloadLibraryPath). */
  libraryPath: string;
  onRecord: (record: LibcRecord) => void;
  /** How long close() waits for processes still holding the FIFO before giving up on them. */
  closeGraceMs?: number;
}

export interface LibcChannel {
  readonly fifo: string;
  readonly env: LibcChildEnv;
  counters(): LibcDecoderCounters;
  /** Stops accepting new data once every writer is gone, delivers the rest, removes the FIFO. */
  close(): Promise<void>;
}

const FIFO_NAME = 'libc.fifo';

function openReader(fifo: string): Socket {
  try {
    return openFifoReader(fifo);
  } catch (e) {
    void rm(fifo, { force: true });
    throw new SensorError(`cannot open the libc interposer FIFO ${fifo} for reading: ${String(e)}`);
  }
}

/** Creates the FIFO in `dir` (which must exist) and starts reading it. */
export function openLibcChannel(dir: string, opts: LibcChannelOptions): LibcChannel {
  const fifo = resolve(join(dir, FIFO_NAME));
  try {
    makeFifo(fifo);
  } catch (e) {
    throw new SensorError(
      `cannot create the libc interposer FIFO ${fifo}: ${String(e)}`,
      'check that the directory is writable',
    );
  }
  const reader = openReader(fifo);
  let keepAlive: number;
  try {
    // Succeeds at once: a reader exists. Node opens it close-on-exec, so children never inherit it.
    keepAlive = openSync(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    reader.destroy();
    void rm(fifo, { force: true });
    throw new SensorError(`cannot open the libc interposer FIFO ${fifo} for writing: ${String(e)}`);
  }

  const decoder = new LibcDecoder();
  const deliver = (records: LibcRecord[]): void => {
    for (const r of records) opts.onRecord(r);
  };
  let ended = false;
  let onEnded: (() => void) | undefined;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    deliver(decoder.end());
    reader.destroy();
    onEnded?.();
  };
  reader.on('data', (chunk: Buffer) => deliver(decoder.feed(chunk)));
  reader.on('end', finish);
  reader.on('close', finish);
  reader.on('error', finish);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const done = new Promise<void>((res) => {
      if (ended) res();
      else onEnded = res;
    });
    closeSync(keepAlive);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((res) => {
      timer = setTimeout(() => res(true), opts.closeGraceMs ?? 2000);
      timer.unref();
    });
    // A process still running (a daemon the command left behind) keeps its write end open.
    if (await Promise.race([done.then(() => false), timedOut])) finish();
    clearTimeout(timer);
    await rm(fifo, { force: true });
  };

  return {
    fifo,
    env: { LD_PRELOAD: opts.libraryPath, HARRIER_LIBC_FIFO: fifo },
    counters: () => ({ ...decoder.counters }),
    close: () => (closing ??= close()),
  };
}
