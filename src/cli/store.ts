import { resolve } from 'node:path';
import type { Store } from '../store/store.js';

export const DEFAULT_STORE = '.harrier/harrier.duckdb';

/**
 * Opens the store named by --store, or the default one under the working directory. DuckDB is
 * loaded only here: its native module costs ~0.2 s, which `--no-store` runs and `--help` skip.
 */
export async function openStore(path: string | undefined, opts: { readOnly?: boolean } = {}): Promise<Store> {
  const { openDuckDbStore } = await import('../store/duckdb/index.js');
  return openDuckDbStore(resolve(path ?? DEFAULT_STORE), opts);
}
