/**
 * Event batches on their way into the store, as files: DuckDB reads NDJSON from a file, not from
 * memory. They live in one directory of the server's own (mode 0700, under the system temp
 * directory), each file mode 0600 and removed once its batch is stored or refused, so no other
 * local user can read or swap a batch, and none outlives its request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class BatchFiles {
  private dir: Promise<string> | undefined;

  /** Writes `body` to a new private file, runs `use` on its path, and removes the file whatever happens. */
  async with<T>(body: Buffer, use: (file: string) => Promise<T>): Promise<T> {
    this.dir ??= mkdtemp(join(tmpdir(), 'harrier-ingest-')).catch((err: unknown) => {
      this.dir = undefined; // the next batch tries again (the temp directory may be back)
      throw err;
    });
    const file = join(await this.dir, `${randomBytes(8).toString('hex')}.ndjson`);
    // 'wx': never follow or reuse something already there.
    await writeFile(file, body, { mode: 0o600, flag: 'wx' });
    try {
      return await use(file);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  /** Removes the directory (the server is closing; no batch is in flight). */
  async close(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    if (dir !== undefined) await rm(await dir, { recursive: true, force: true });
  }
}
