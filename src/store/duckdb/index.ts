/** The embedded DuckDB store: Harrier's default, one file per project (`.harrier/harrier.duckdb`). */
export { openDuckDbStore, type OpenOptions } from './open.js';
export { SCHEMA_VERSION } from './schema.js';
