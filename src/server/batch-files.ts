/**
 * Event batches on their way into the store, as files: DuckDB reads NDJSON from a file, not from
 * memory. They live in one directory of the server's own (mode 0700, under the system temp
 * directory), each file mode 0600 and removed once its batch is stored or refused, so no other
 * local user can read or swap a batch, and none outlives its request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'harrier-ingest-';
const STALE = new RegExp(`^${PREFIX}(\\d+)-`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the directories of servers that died without closing (kill -9): each is named after
 * its server's pid, and only those whose pid no longer runs are touched.
 */
export async function removeStaleBatchDirs(parent = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const m = STALE.exec(name);
    if (m?.[1] === undefined || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    await rm(join(parent, name), { recursive: true, force: true }).then(
      () => removed.push(name),
      () => undefined, // another user's, or already gone: not ours to worry about
    );
  }
  return removed;
}

export class BatchFiles {
  private dir: Promise<string> | undefined;

  constructor(private readonly parent = tmpdir()) {}

  /** Writes `chunks` to a new private file, runs `use` on its path, and removes the file whatever happens. */
  async with<T>(chunks: readonly Buffer[], use: (file: string) => Promise<T>): Promise<T> {
    this.dir ??= this.create().catch((err: unknown) => {
      this.dir = undefined; // the next batch tries again (the temp directory may be back)
      throw err;
    });
    const file = join(await this.dir, `${randomBytes(8).toString('hex')}.ndjson`);
    // 'wx': never follow or reuse something already there.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writev(chunks as Buffer[]);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(file).catch(() => undefined);
      throw err;
    }
    await handle.close();
    try {
      return await use(file);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  private async create(): Promise<string> {
    await removeStaleBatchDirs(this.parent);
    return mkdtemp(join(this.parent, `${PREFIX}${process.pid}-`));
  }

  /** Removes the directory (the server is closing; no batch is in flight). */
  async close(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    if (dir !== undefined) await rm(await dir, { recursive: true, force: true });
  }
}
