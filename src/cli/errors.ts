/**
 * How Harrier reports its own failures: one line saying what went wrong, one saying how to fix
 * it, exit code 2. Stacks only with HARRIER_DEBUG=1, because a stack is not an explanation.
 */
import { FindingsError } from '../findings/errors.js';
import { SensorError } from '../sensors/sensor.js';
import { StoreError } from '../store/store.js';

/** A mistake in how Harrier was invoked. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_HARRIER_ERROR = 2;

export function describeError(e: unknown): { message: string; hint?: string } {
  if (e instanceof UsageError || e instanceof SensorError || e instanceof StoreError || e instanceof FindingsError) {
    return { message: e.message, hint: e.hint };
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string' && typeof err.path === 'string') {
    return { message: `${err.path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}` };
  }
  return {
    message: `internal error: ${err instanceof Error ? err.message : String(e)}`,
    hint: 'this is a bug in Harrier; set HARRIER_DEBUG=1 for details and report it',
  };
}

export function printError(e: unknown, stderr: NodeJS.WritableStream = process.stderr): void {
  const { message, hint } = describeError(e);
  stderr.write(`harrier: ${message}\n`);
  if (hint) stderr.write(`  hint: ${hint}\n`);
  if (process.env.HARRIER_DEBUG && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
}
