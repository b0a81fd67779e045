/**
 * Secrets in a process's environment, and their redaction before anything is stored or
 * written. Runs on every exec event, so the common case (no secret) costs a cached name lookup
 * and a few substring tests per variable.
 */
import { isIdentifierName, isSecretName } from './names.js';
import { findSecretFormat, looksRandom, redactFormats, type SecretFormatId } from './values.js';

export type EnvSecretReason = 'name' | 'format' | 'entropy';

/** A variable that holds a secret; never its value. */
export interface EnvSecret {
  variable: string;
  /** Why: a known value format (most certain), the variable's name, or a random-looking value. */
  reason: EnvSecretReason;
  /** The value's format, when `reason` is `format`. */
  format?: SecretFormatId;
}

export const REDACTED = '<redacted>';

/** Values that are not secrets whatever the name: unset-ish flags and already-masked values. */
const NOT_A_SECRET = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', 'null', 'none', 'undefined', '0', '1']);

// Only short values can be placeholders: checking length first spares lower-casing every long value.
function isPlaceholder(value: string): boolean {
  if (value.length <= 9 && NOT_A_SECRET.has(value.toLowerCase())) return true;
  return value === REDACTED || (value.charCodeAt(0) === 0x2a /* * */ && /^\*+$/.test(value));
}

/** What makes the variable `name=value` a secret, or undefined when it is not one. */
export function classifyVariable(name: string, value: string): EnvSecret | undefined {
  if (isPlaceholder(value)) return undefined;
  const format = findSecretFormat(name, value);
  if (format !== undefined) return { variable: name, reason: 'format', format };
  if (isSecretName(name)) return { variable: name, reason: 'name' };
  if (!isIdentifierName(name) && looksRandom(value)) return { variable: name, reason: 'entropy' };
  return undefined;
}

// Children inherit their parent's environment, so the same `NAME=value` strings come back on
// nearly every exec of a run: each is classified once. Bounded, and cleared when full, so a
// program generating variables cannot grow it without limit.
const entryCache = new Map<string, EnvSecret | null>();
const ENTRY_CACHE_LIMIT = 8192;

/** The verdict on one `NAME=value` entry (null: not a secret, or not an assignment). */
function classifyEntry(entry: string): EnvSecret | null {
  const cached = entryCache.get(entry);
  if (cached !== undefined) return cached;
  const eq = entry.indexOf('=');
  const verdict = eq <= 0 ? null : (classifyVariable(entry.slice(0, eq), entry.slice(eq + 1)) ?? null);
  if (entryCache.size >= ENTRY_CACHE_LIMIT) entryCache.clear();
  entryCache.set(entry, verdict);
  return verdict;
}

/** The secrets in an environment given as `NAME=value` strings (entries without `=` are skipped). */
export function findEnvSecrets(env: readonly string[]): EnvSecret[] {
  const found: EnvSecret[] = [];
  for (const entry of env) {
    const secret = classifyEntry(entry);
    if (secret) found.push({ ...secret });
  }
  return found;
}

/**
 * The environment with every secret value replaced by `<redacted>` (the name kept). A
 * known-format secret inside an otherwise ordinary value (`OPTS=--token ghp_…`,
 * `DATABASE_URL=postgres://app:pw@db/app`) loses only the secret, so the rest stays readable.
 * When nothing is secret the input array itself is returned (no copy): treat it as read-only.
 */
export function redactEnv(env: string[]): string[] {
  let out: string[] | undefined;
  for (let i = 0; i < env.length; i++) {
    const entry = env[i] as string;
    const secret = classifyEntry(entry);
    if (!secret) continue;
    out ??= env.slice();
    out[i] = `${secret.variable}=${redactValue(secret, entry.slice(secret.variable.length + 1))}`;
  }
  return out ?? env;
}

function redactValue(secret: EnvSecret, value: string): string {
  if (secret.reason !== 'format' || isSecretName(secret.variable)) return REDACTED;
  const partly = redactFormats(value, REDACTED);
  // A format found by name alone (an AWS secret key) has nothing to cut out: hide it all.
  return partly === value ? REDACTED : partly;
}

/**
 * `text` (a command line, a shell command, a log line) with every known-format secret replaced
 * by `<redacted>`. Secrets known only by a variable's name or by randomness cannot be told apart
 * from other words in free text and are left; `text` itself is returned when nothing matched.
 */
export function redactText(text: string): string {
  return redactFormats(text, REDACTED);
}
