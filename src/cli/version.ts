import { readFileSync } from 'node:fs';

/** Harrier's version, from package.json (three levels above dist/src/cli). */
export const version: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    if (pkg.version) return pkg.version;
  } catch {
    // fall through: running from an unusual layout
  }
  return '0.0.0';
})();
