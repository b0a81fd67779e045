import { resolve } from 'node:path';
import { openDuckDbStore } from '../store/duckdb/index.js';
import type { Store } from '../store/store.js';

export const DEFAULT_STORE = '.harrier/harrier.duckdb';

/** Opens the store named by --store, or the default one under the working directory. */
export function openStore(path: string | undefined, opts: { readOnly?: boolean } = {}): Promise<Store> {
  return openDuckDbStore(resolve(path ?? DEFAULT_STORE), opts);
}
