#!/usr/bin/env node
// Entry point installed as `harrier`. The TypeScript build lives in dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'harrier: not built yet\n  hint: run `npm run setup` (or `npm run build`) in the harrier directory\n',
  );
  process.exit(2);
}
await import(main.href);
