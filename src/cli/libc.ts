/**
 * Setting up the libc interposer for `harrier run`: its channel, the environment the command
 * needs, and the clean-up. Missing (not built) is a warning, not a failure: the run still
 * observes everything else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibcCollector } from '../pipeline/libc-collector.js';
import type { LibcSide } from '../pipeline/observe.js';
import { openLibcChannel, preloadLibraryPath, preloadLibraryProblem } from '../sensors/libc/index.js';
import { packageRoot } from './paths.js';

export interface LibcSetup {
  side: LibcSide;
  /** The command's environment with the interposer added (after any LD_PRELOAD of the user's). */
  env: NodeJS.ProcessEnv;
}

export function startLibc(env: NodeJS.ProcessEnv, warn: (line: string) => void): LibcSetup | undefined {
  const libraryPath = preloadLibraryPath(packageRoot);
  const problem = preloadLibraryProblem(libraryPath);
  if (problem !== undefined) {
    warn(`harrier: ${problem.message}; code-execution risks are not checked in this run`);
    if (problem.hint !== undefined) warn(`  hint: ${problem.hint}, or pass --no-libc to silence this`);
    return undefined;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'harrier-libc-'));
  const collector = new LibcCollector();
  const channel = openLibcChannel(workDir, { libraryPath, onRecord: collector.onRecord });
  let closing: Promise<void> | undefined;
  const preload = [env.LD_PRELOAD, channel.env.LD_PRELOAD].filter((p) => p !== undefined && p !== '').join(':');
  return {
    env: { ...env, LD_PRELOAD: preload, HARRIER_LIBC_FIFO: channel.env.HARRIER_LIBC_FIFO },
    side: {
      collector,
      interposerPath: libraryPath,
      workDir,
      close: () => (closing ??= closeChannel()),
    },
  };

  async function closeChannel(): Promise<void> {
    try {
      await channel.close();
      const malformed = channel.counters().malformed;
      if (malformed > 0) warn(`harrier: ${malformed} malformed record(s) from the libc interposer were skipped`);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}
