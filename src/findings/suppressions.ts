/**
 * The project's checked-in ignore file (`.harrier/ignore.yaml`): findings the team has looked at
 * and accepted, each with a reason and optionally an expiry date.
 *
 *   - fingerprint: 3f1c…        # a finding's fingerprint (or a prefix of at least 12 hex digits)
 *     reason: parses trusted build input only
 *     expires: 2025-09-30       # optional: the entry applies up to and including this day
 *   - rule: Shell spawned        # every finding of a rule or risk id
 *     reason: the test harness runs sh on purpose
 *
 * Suppressed findings stay in every report, marked and counted; they only stop failing the gate.
 * An expired entry no longer applies and produces a warning, so an accepted risk comes back to
 * the team instead of staying hidden. Every mistake in the file is an error at its
 * file:line:col: unknown keys, a missing reason, a bad date, neither or both of fingerprint and
 * rule. The file is read with YAML's failsafe schema (as rules files are), so a fingerprint of
 * only digits stays text and a date stays the text the user wrote.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { SourceFile } from '../rules/loader/source.js';
import type { SourcePos } from '../rules/loader/types.js';
import type { AssessedFinding, Suppression } from './assessment.js';
import { FindingsError } from './errors.js';

export const IGNORE_FILE = '.harrier/ignore.yaml';

export interface IgnoreEntry {
  /** Exactly one of fingerprint and rule. */
  fingerprint?: string;
  rule?: string;
  reason: string;
  /** `YYYY-MM-DD`. */
  expires?: string;
  pos: SourcePos;
}

export interface IgnoreFile {
  path: string;
  entries: IgnoreEntry[];
}

const KEYS = ['fingerprint', 'rule', 'reason', 'expires'];
const HINT = `each entry is \`- fingerprint: <hex>\` or \`- rule: <id>\`, with \`reason: <text>\` and optionally \`expires: YYYY-MM-DD\``;

export function parseIgnoreFile(text: string, path: string): IgnoreFile {
  const src = new SourceFile(path, text);
  const errors: { pos: SourcePos; text: string }[] = [];
  const error = (pos: SourcePos, message: string): void => {
    const snippet = src.snippet(pos.line);
    errors.push({
      pos,
      text: `${pos.file}:${pos.line}:${pos.col}: ${message}${snippet === undefined ? '' : `\n  ${snippet}`}`,
    });
  };
  const doc = parseDocument(text, { lineCounter: src.lineCounter, schema: 'failsafe', prettyErrors: false });
  for (const e of doc.errors) error(src.posAt(e.pos[0]), e.message);
  const entries: IgnoreEntry[] = [];
  const root = doc.contents as Node | null;
  if (errors.length === 0 && root !== null && !(isScalar(root) && (root.value === '' || root.value === null))) {
    if (!isSeq(root)) error(src.posOf(root), 'expected a list of entries (`- rule: …`)');
    else {
      for (const item of root.items as (Node | null)[]) {
        const entry = readEntry(item, src, error);
        if (entry !== undefined) entries.push(entry);
      }
    }
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    throw new FindingsError(`invalid ignore file:\n${errors.map((e) => e.text).join('\n')}`, HINT);
  }
  return { path, entries };
}

function readEntry(
  item: Node | null,
  src: SourceFile,
  error: (pos: SourcePos, message: string) => void,
): IgnoreEntry | undefined {
  const pos = src.posOf(item);
  if (!isMap(item)) {
    error(pos, 'expected an entry with `fingerprint` or `rule` and a `reason`');
    return undefined;
  }
  const values = new Map<string, { text: string; pos: SourcePos }>();
  const seen = new Set<string>();
  let ok = true;
  for (const pair of item.items) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keyPos = src.posOf(keyNode);
    if (!KEYS.includes(key)) {
      error(keyPos, `unknown key '${key}' (expected ${KEYS.join(', ')})`);
      ok = false;
      continue;
    }
    seen.add(key);
    const value = pair.value as Node | null;
    if (!isScalar(value) || String(value.value ?? '').trim() === '') {
      error(value === null ? keyPos : src.posOf(value), `'${key}' needs a text value`);
      ok = false;
      continue;
    }
    values.set(key, { text: String(value.value).trim(), pos: src.posOf(value) });
  }
  const fingerprint = values.get('fingerprint');
  const rule = values.get('rule');
  const reason = values.get('reason');
  const expires = values.get('expires');
  if (!seen.has('fingerprint') && !seen.has('rule')) {
    error(pos, 'an entry needs `fingerprint` or `rule`');
    ok = false;
  }
  if (fingerprint !== undefined && rule !== undefined) {
    error(rule.pos, 'an entry has either `fingerprint` or `rule`, not both (write two entries)');
    ok = false;
  }
  if (fingerprint !== undefined && !/^[0-9a-fA-F]{12,64}$/.test(fingerprint.text)) {
    error(fingerprint.pos, `'${fingerprint.text}' is not a fingerprint (12 to 64 hex digits, as reports show them)`);
    ok = false;
  }
  if (!seen.has('reason')) {
    error(pos, 'an entry needs a `reason` (why it is accepted)');
    ok = false;
  }
  if (expires !== undefined && !isCalendarDate(expires.text)) {
    error(expires.pos, `'${expires.text}' is not a date: write YYYY-MM-DD (e.g. 2025-09-30)`);
    ok = false;
  }
  if (!ok || reason === undefined) return undefined;
  const entry: IgnoreEntry = { reason: reason.text, pos };
  if (fingerprint !== undefined) entry.fingerprint = fingerprint.text.toLowerCase();
  if (rule !== undefined) entry.rule = rule.text;
  if (expires !== undefined) entry.expires = expires.text;
  return entry;
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** The ignore file at `path`, or undefined when it does not exist and `optional` (the default location). */
export async function loadIgnoreFile(path: string, optional = false): Promise<IgnoreFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    throw new FindingsError(
      `cannot read ignore file ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      `create it (${HINT}) or leave out the option to use ${IGNORE_FILE} when present`,
    );
  }
  return parseIgnoreFile(text, path);
}

export interface SuppressionOutcome {
  assessed: AssessedFinding[];
  /** One line per expired entry (`file:line:col: …`), to print as warnings. */
  warnings: string[];
}

/**
 * Marks each finding the ignore file covers (a fingerprint entry wins over a rule entry, being
 * more specific). `today` is the date entries' expiry is judged against (UTC for a Date).
 */
export function applySuppressions(
  assessed: readonly AssessedFinding[],
  ignoreFile: IgnoreFile | undefined,
  today: Date | string,
): SuppressionOutcome {
  if (ignoreFile === undefined) return { assessed: [...assessed], warnings: [] };
  const day = typeof today === 'string' ? today : today.toISOString().slice(0, 10);
  const warnings: string[] = [];
  const active: IgnoreEntry[] = [];
  for (const e of ignoreFile.entries) {
    if (e.expires !== undefined && e.expires < day) {
      const what = e.fingerprint !== undefined ? `fingerprint ${e.fingerprint}` : `rule '${e.rule}'`;
      warnings.push(
        `${e.pos.file}:${e.pos.line}:${e.pos.col}: suppression of ${what} expired on ${e.expires}: ` +
          'its findings count again (renew the date or fix them)',
      );
    } else {
      active.push(e);
    }
  }
  const out = assessed.map((a): AssessedFinding => {
    const byFingerprint = active.find(
      (e) => e.fingerprint !== undefined && a.finding.fingerprint.startsWith(e.fingerprint),
    );
    const entry = byFingerprint ?? active.find((e) => e.rule !== undefined && e.rule === a.finding.ruleId);
    if (entry === undefined) return a;
    const suppression: Suppression = { reason: entry.reason, by: byFingerprint !== undefined ? 'fingerprint' : 'rule' };
    if (entry.expires !== undefined) suppression.expires = entry.expires;
    return { ...a, suppression };
  });
  return { assessed: out, warnings };
}
