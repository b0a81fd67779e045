import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root: three levels above dist/src/cli. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Harrier's own rules, used when a command is given no --rules. */
export function defaultRulesFiles(): string[] {
  const path = join(packageRoot, 'rules', 'harrier_rules.yaml');
  return existsSync(path) ? [path] : [];
}
