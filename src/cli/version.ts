import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root: two levels above dist/src/cli or src/cli. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/dist\/$/, '/');

export const version: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    // fall through: running from an unusual layout
  }
  return '0.0.0';
})();
