/**
 * FIFOs through which helper processes (strace, the libc interposer) report to Harrier.
 *
 * The read end is opened non-blocking, so opening never waits for a writer, and wrapped in a
 * pipe handle (epoll): fs.createReadStream would hold a libuv pool thread in read(2).
 */
import { execFileSync } from 'node:child_process';
import { constants as fsConstants, openSync } from 'node:fs';
import { Socket } from 'node:net';

/** Creates a FIFO only the current user can open. */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', ['-m', '600', path]);
}

/** Opens a FIFO's read end without blocking the event loop; data arrives as 'data' events. */
export function openFifoReader(path: string): Socket {
  const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  return new Socket({ fd, readable: true, writable: false });
}
