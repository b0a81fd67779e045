/** Where the libc interposer library lives and whether it has been built. */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { SensorError } from '../sensor.js';

/** The built interposer inside a Harrier checkout or package. */
export function preloadLibraryPath(packageRoot: string): string {
  return join(packageRoot, 'native', 'preload', 'libharrier_preload.so');
}

/** Why the interposer at `path` cannot be preloaded, or undefined when it can. */
export function preloadLibraryProblem(path: string): SensorError | undefined {
  if (!isAbsolute(path)) {
    // The dynamic loader resolves a relative LD_PRELOAD against each program's own cwd.
    return new SensorError(`the libc interposer path is not absolute: ${path}`, 'pass an absolute path');
  }
  try {
    if (!statSync(path).isFile()) {
      return new SensorError(`the libc interposer is not a file: ${path}`, 'run `make -C native/preload`');
    }
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? new SensorError(`the libc interposer is not built (${path} is missing)`, 'run `make -C native/preload`')
      : new SensorError(`cannot read the libc interposer ${path} (${code ?? String(e)})`, 'check its permissions');
  }
}

export function preloadLibraryExists(path: string): boolean {
  return preloadLibraryProblem(path) === undefined;
}
