/**
 * SQL that stores an NDJSON event batch straight from its file: DuckDB's `json` extension
 * (statically linked in @duckdb/node-api) reads the lines, one statement checks and inserts
 * them, and no JavaScript object is built per event. Measured 8.7 against 13–14 µs of server CPU
 * per event for parsing in JavaScript and appending, with the store's one DuckDB thread
 * (BENCHMARKS.md, Server).
 *
 * Every field is read as JSON text, not as its column type: DuckDB would cast `"pid":"5"` or
 * `"ts":12` silently, where the event codec (events/json.ts) refuses them. The checks accept
 * only the canonical forms Harrier's own clients write (`"ts":"123"`, `"pid":42`); a line in
 * any other form, valid or not, makes the statement fail through `error()`, and the caller
 * hands the batch to the JavaScript codec, which either stores it exactly as before or names
 * the line that is wrong. So this path refuses what the codec refuses (but for DuckDB's one
 * leniency, below), and stores what the codec would have stored (args: the same JSON text up to number spelling, e.g. `1.0` for
 * `1`, which decodes to the same value).
 *
 * One leniency remains, DuckDB's reader's own (yyjson with trailing commas and NaN/Infinity
 * allowed): a trailing comma (`{"a":1,}`), or NaN in a key Harrier ignores, is read as the JSON
 * it evidently meant, where the codec answers 400. What is stored is then exactly what the
 * codec stores for that JSON. NaN or Infinity where Harrier keeps the value (args, res, errno,
 * truncated) fail the statement, so the codec refuses the line: args holding them could not be
 * read back. Finding trailing commas in the raw bytes first was measured at 0.16–0.5 µs per
 * event, a tenth of the whole server's cost, for a leniency that stores nothing wrong.
 */

/** Every column read as JSON text (a JSON null or a missing key is SQL NULL). */
const COLUMNS =
  "{ts: 'JSON', source: 'JSON', type: 'JSON', pid: 'JSON', tid: 'JSON', res: 'JSON', errno: 'JSON', " +
  "path: 'JSON', path2: 'JSON', endpoint: 'JSON', truncated: 'JSON', args: 'JSON'}";

const SOURCES = ['ptrace', 'ebpf', 'libc', 'node', 'inventory'];

/** The value of a JSON string's text; DuckDB writes strings without escapes where none are needed. */
function stringValue(col: string): string {
  return `CASE WHEN contains(${col}, '\\') THEN ${col}->>'$' ELSE ${col}[2:-2] END`;
}

function isString(col: string): string {
  return `starts_with(${col}, '"')`;
}

/** A `$bigint` wrapper the codec's reviver reads as DuckDB writes it: one key, a decimal string. */
const BIGINT_WRAPPER = '\\{"\\$bigint":"-?\\d+"\\}';

/**
 * Inserts the batch in `$1` (the file) as events of run `$2`, numbered from `$3 + 1` in line
 * order (blank lines are not records); fails if any line is not in canonical form or the batch
 * has more than `$4` events. Insertion order follows `ordinality` (the record's place in the
 * file), which a test checks over a 50k-line batch.
 */
export const INSERT_NDJSON_BATCH = `INSERT INTO events
SELECT
  $2,
  $3 + ordinality,
  CASE WHEN ordinality > $4 THEN error('too many events')
       WHEN regexp_full_match(ts, '"\\d{1,19}"') THEN ts[2:-2]::BIGINT
       ELSE error('ts') END,
  CASE WHEN source IN (${SOURCES.map((s) => `'"${s}"'`).join(', ')}) THEN source[2:-2] ELSE error('source') END,
  CASE WHEN ${isString('type')} THEN ${stringValue('type')} ELSE error('type') END,
  CASE WHEN regexp_full_match(pid, '-?\\d{1,10}') THEN TRY_CAST(pid AS INTEGER) END,
  CASE WHEN regexp_full_match(tid, '-?\\d{1,10}') THEN TRY_CAST(tid AS INTEGER) END,
  CASE WHEN res IS NULL THEN NULL
       WHEN regexp_full_match(res, '-?\\d{1,18}') THEN res::BIGINT
       WHEN regexp_matches(res, '^[-0-9]') OR res IN ('NaN', 'Infinity') THEN error('res')
       ELSE NULL END,
  CASE WHEN ${isString('errno')} THEN ${stringValue('errno')}
       WHEN errno IN ('NaN', 'Infinity', '-Infinity') THEN error('errno') END,
  CASE WHEN path IS NULL THEN NULL WHEN ${isString('path')} THEN ${stringValue('path')} ELSE error('path') END,
  CASE WHEN path2 IS NULL THEN NULL WHEN ${isString('path2')} THEN ${stringValue('path2')} ELSE error('path2') END,
  CASE WHEN endpoint IS NULL THEN NULL WHEN ${isString('endpoint')} THEN ${stringValue('endpoint')}
       ELSE error('endpoint') END,
  CASE WHEN truncated = 'true' THEN true
       WHEN truncated IN ('NaN', 'Infinity', '-Infinity') THEN error('truncated') END,
  CASE WHEN NOT starts_with(args, '{') THEN error('args')
       WHEN contains(args, 'NaN') OR contains(args, 'Infinity') THEN error('args: NaN')
       WHEN contains(args, '"$bigint"') AND contains(regexp_replace(args, '${BIGINT_WRAPPER}', '', 'g'), '"$bigint"')
         THEN error('bigint')
       ELSE args END
FROM read_json($1, format = 'newline_delimited', columns = ${COLUMNS}) WITH ORDINALITY`;

/**
 * Events per (type, source) of the batch just inserted for run `$1` as seqs `$2`..`$3`: the
 * rows are in the transaction's own storage, and min/max per row group skips the run's other
 * ones (measured a little cheaper than reading the file's type and source again). The range is
 * the batch's own: a batch inserted beside it may have committed later numbers already.
 */
export const COUNT_INSERTED = `SELECT type, source, count(*)::INTEGER AS events
FROM events WHERE run_id = $1 AND seq BETWEEN $2 AND $3
GROUP BY ALL`;
