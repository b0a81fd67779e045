/**
 * Secret-looking environment variable names. A superset of the interposer's cheap test
 * (native/preload/PROTOCOL.md, "Secret-looking names") minus its obvious false positives: a name
 * that ends in `_FILE`, `_PATH`, `_ID`… names where a secret is kept or which one it is, not the
 * secret itself, and `GPG_KEY` and friends hold public material.
 */

/** Last name words that make the variable hold a secret (after splitting on `_` and camelCase). */
const SECRET_LAST_WORDS = new Set([
  'TOKEN',
  'SECRET',
  'KEY',
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'PASSPHRASE',
  'CREDENTIALS',
  'CREDENTIAL',
  'APIKEY',
  'AUTHTOKEN',
  'ACCESSTOKEN',
  'SECRETKEY',
  'PRIVATEKEY',
  'CLIENTSECRET',
]);

/** Words that make the variable hold a secret wherever they appear in the name. */
const SECRET_ANYWHERE = ['PASSWORD', 'PASSWD', 'SECRET'];

/** Exact names that hold a secret although their words do not say so. */
const SECRET_EXACT = new Set([
  'AWS_SECRET_ACCESS_KEY',
  'GITHUB_TOKEN',
  'NPM_TOKEN',
  'REDISCLI_AUTH',
  'NPM_CONFIG__AUTH',
  'HTPASSWD',
  'NETRC_CONTENTS',
]);

/**
 * Last words of names that point at or describe a secret (a file, a socket, an identifier, a
 * setting) rather than hold it: `AWS_SHARED_CREDENTIALS_FILE`, `VAULT_TOKEN_PATH`,
 * `AWS_ACCESS_KEY_ID`, `PASSWORD_STORE_DIR`, `DB_PASSWORD_FILE` (Docker's convention).
 */
const REFERENCE_LAST_WORDS = new Set([
  'FILE',
  'FILES',
  'PATH',
  'DIR',
  'SOCK',
  'SOCKET',
  'ID',
  'IDS',
  'ARN',
  'NAME',
  'REF',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'USER',
  'USERNAME',
  'LENGTH',
  'LEN',
  'SIZE',
  'TYPE',
  'ALGORITHM',
  'ALG',
  'ENABLED',
  'DISABLED',
  'MODE',
  'VERSION',
  'COMMAND',
  'CMD',
  'PROMPT',
  'HELPER',
  'POLICY',
  'EXPIRY',
  'EXPIRES',
  'TTL',
  'TIMEOUT',
  'HEADER',
  'FORMAT',
  'PROVIDER',
  'STORE',
  'ENV',
]);

/** The word before `KEY` that makes it something other than a secret (`SSH_PUBLIC_KEY`, `CACHE_KEY`). */
const HARMLESS_KEY_QUALIFIERS = new Set([
  'PUBLIC',
  'PUB',
  'CACHE',
  'SORT',
  'PARTITION',
  'PRIMARY',
  'FOREIGN',
  'GPG',
  'HOT',
]);

/** Exact names that look secret but hold a path, a public value or a setting. */
const HARMLESS_EXACT = new Set([
  'GOOGLE_APPLICATION_CREDENTIALS', // a path to the credentials file, by Google's convention
  'SSH_AUTH_SOCK',
  'GPG_AGENT_INFO',
  'GPG_KEY', // Docker's official images: the release signing key's fingerprint
  'PWD',
  'OLDPWD',
  'TOKENIZERS_PARALLELISM',
  'SSH_ASKPASS',
  'GIT_ASKPASS',
  'SUDO_ASKPASS',
]);

/** Splits `npm_config__authToken` into `NPM CONFIG AUTH TOKEN`-like words, upper-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0);
}

function classify(name: string): NameClass {
  const upper = name.toUpperCase();
  const words = nameWords(name);
  const last = words[words.length - 1];
  const identifier =
    last !== undefined && (IDENTIFIER_LAST_WORDS.has(last) || REFERENCE_LAST_WORDS.has(last) || isHarmlessKey(words));
  return { secret: isSecretWords(upper, words), identifier };
}

function isSecretWords(upper: string, words: string[]): boolean {
  if (HARMLESS_EXACT.has(upper)) return false;
  if (SECRET_EXACT.has(upper)) return true;
  const last = words[words.length - 1];
  if (last === undefined || REFERENCE_LAST_WORDS.has(last)) return false;
  if (isHarmlessKey(words)) return false;
  // A lone `KEY`, `PASS` or `PWD` says too little (`PWD` is the working directory).
  if (words.length === 1 && (last === 'KEY' || last === 'PASS' || last === 'PWD')) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  const joined = words.join('_');
  return SECRET_ANYWHERE.some((w) => joined.includes(w));
}

/** `CACHE_KEY`, `SSH_PUBLIC_KEY`: a key that is a label or public, not a secret. */
function isHarmlessKey(words: string[]): boolean {
  return (
    words.length >= 2 &&
    words[words.length - 1] === 'KEY' &&
    HARMLESS_KEY_QUALIFIERS.has(words[words.length - 2] as string)
  );
}

interface NameClass {
  /** The name says the value is a secret. */
  secret: boolean;
  /** The name says the value is an identifier, digest or reference: random-looking but not secret. */
  identifier: boolean;
}

// Names repeat across every exec of a run, so each is classified once. Bounded so a program
// that invents names (`FOO_1`, `FOO_2`, …) cannot grow it without limit.
const cache = new Map<string, NameClass>();
const CACHE_LIMIT = 4096;

function nameClass(name: string): NameClass {
  let found = cache.get(name);
  if (found === undefined) {
    found = classify(name);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, found);
  }
  return found;
}

/** True when the variable's name says it holds a secret (`GITHUB_TOKEN`, `DB_PASSWORD`). */
export function isSecretName(name: string): boolean {
  return nameClass(name).secret;
}

/** True when the name says its value is an identifier, digest or reference (`GITHUB_SHA`, `INVOCATION_ID`). */
export function isIdentifierName(name: string): boolean {
  return nameClass(name).identifier;
}

/** Last words of names that hold identifiers or digests: random-looking but not secret. */
const IDENTIFIER_LAST_WORDS = new Set([
  'ID',
  'IDS',
  'UUID',
  'GUID',
  'SHA',
  'SHA1',
  'SHA256',
  'SHA512',
  'HASH',
  'DIGEST',
  'CHECKSUM',
  'INTEGRITY',
  'COMMIT',
  'REF',
  'REVISION',
  'REV',
  'VERSION',
  'FINGERPRINT',
]);
