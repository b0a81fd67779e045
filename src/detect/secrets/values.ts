/**
 * Secrets recognised by their value: the published token formats of the services a build
 * talks to, private-key blocks, passwords embedded in URLs, and (for values nothing else
 * explains) a randomness test.
 */

export type SecretFormatId =
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-secret-key'
  | 'google-api-key'
  | 'npm-token'
  | 'pypi-token'
  | 'docker-hub-token'
  | 'openai-api-key'
  | 'anthropic-api-key'
  | 'sendgrid-api-key'
  | 'jwt'
  | 'private-key'
  | 'url-credentials';

interface SecretFormat {
  id: SecretFormatId;
  /** How a message names it: `GITHUB_TOKEN (GitHub token) in …`. */
  label: string;
  /**
   * Cheap substrings, one of which every match contains: the regular expression runs only when
   * one is present, which keeps the common case (no secret at all) to a few `includes`.
   */
  hints: string[];
  /** A substring every match also contains, when the hints alone are common (`://` needs `@`). */
  requires?: string;
  /** Global; group `secret`, when present, is the part to redact (the rest is kept). */
  pattern: RegExp;
}

// Boundaries: a token must not be glued to more token characters, or `xghp_…` in a hash would match.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';

const FORMATS: readonly SecretFormat[] = [
  {
    id: 'private-key',
    label: 'private key',
    hints: ['PRIVATE KEY-----'],
    // Up to the END line, or to the end of the text when it was truncated.
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  {
    id: 'aws-access-key-id',
    label: 'AWS access key',
    hints: ['AKIA', 'ASIA'],
    pattern: new RegExp(`${B}(?:AKIA|ASIA)[A-Z0-9]{16}${E}`, 'g'),
  },
  {
    id: 'github-token',
    label: 'GitHub token',
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})${E}`, 'g'),
  },
  {
    id: 'gitlab-token',
    label: 'GitLab token',
    hints: ['glpat-'],
    pattern: new RegExp(`${B}glpat-[A-Za-z0-9_.-]{20,}`, 'g'),
  },
  {
    id: 'slack-webhook',
    label: 'Slack webhook',
    hints: ['hooks.slack.com/'],
    pattern: /(?<=hooks\.slack\.com\/)(?<secret>(?:services|workflows|triggers)\/[A-Za-z0-9_/]{20,})/g,
  },
  {
    id: 'slack-token',
    label: 'Slack token',
    hints: ['xox'],
    pattern: new RegExp(`${B}xox[baprs]-[A-Za-z0-9-]{10,}`, 'g'),
  },
  {
    id: 'stripe-secret-key',
    label: 'Stripe secret key',
    hints: ['k_live_'],
    pattern: new RegExp(`${B}[sr]k_live_[A-Za-z0-9]{20,}${E}`, 'g'),
  },
  {
    id: 'google-api-key',
    label: 'Google API key',
    hints: ['AIza'],
    pattern: new RegExp(`${B}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`, 'g'),
  },
  {
    id: 'npm-token',
    label: 'npm token',
    hints: ['npm_'],
    pattern: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`, 'g'),
  },
  {
    id: 'pypi-token',
    label: 'PyPI token',
    hints: ['pypi-'],
    pattern: new RegExp(`${B}pypi-AgE[A-Za-z0-9_-]{50,}`, 'g'),
  },
  {
    id: 'docker-hub-token',
    label: 'Docker Hub token',
    hints: ['dckr_pat_'],
    pattern: new RegExp(`${B}dckr_pat_[A-Za-z0-9_-]{27,}`, 'g'),
  },
  {
    id: 'anthropic-api-key',
    label: 'Anthropic API key',
    hints: ['sk-ant-'],
    pattern: new RegExp(`${B}sk-ant-[A-Za-z0-9_-]{32,}`, 'g'),
  },
  {
    id: 'openai-api-key',
    label: 'OpenAI API key',
    hints: ['sk-'],
    // `sk-` plus a long random tail; `sk-ant-` is Anthropic's and matched above.
    pattern: new RegExp(`${B}sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}`, 'g'),
  },
  {
    id: 'sendgrid-api-key',
    label: 'SendGrid API key',
    hints: ['SG.'],
    pattern: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}`, 'g'),
  },
  {
    id: 'jwt',
    label: 'JSON Web Token',
    hints: ['eyJ'],
    // Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`).
    pattern: new RegExp(`${B}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`, 'g'),
  },
  {
    id: 'url-credentials',
    label: 'password in a URL',
    hints: ['://'],
    requires: '@',
    // scheme://user:password@host — only the password is the secret; the user and host stay.
    // Placeholders (`${DB_PASS}`, `***`, `<redacted>`) are not passwords.
    pattern: /(?<=[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@]*:)(?<secret>(?![$*<%{])[^\s/?#@]+)(?=@)/g,
  },
];

/**
 * One pass that says whether any format may be present: most values (paths, flags, LS_COLORS)
 * hold none, and one regular expression over them is far cheaper than a substring test per hint.
 */
const ANY_HINT = new RegExp(FORMATS.flatMap((f) => f.hints.map(escapeRegExp)).join('|'));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function mayMatch(format: SecretFormat, text: string): boolean {
  return hasHint(text, format.hints) && (format.requires === undefined || text.includes(format.requires));
}

const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;

const LABELS = new Map<SecretFormatId, string>(FORMATS.map((f) => [f.id, f.label]));
LABELS.set('aws-secret-access-key', 'AWS secret access key');

/** The human name of a format (`GitHub token`). */
export function formatLabel(id: SecretFormatId): string {
  return LABELS.get(id) ?? id;
}

/**
 * The first known secret format found anywhere in `value` (of variable `name`), or undefined.
 * AWS secret keys have no prefix, so they are recognised only under an AWS-ish name.
 */
export function findSecretFormat(name: string, value: string): SecretFormatId | undefined {
  if (ANY_HINT.test(value)) {
    for (const format of FORMATS) {
      if (!mayMatch(format, value)) continue;
      format.pattern.lastIndex = 0;
      if (format.pattern.test(value)) return format.id;
    }
  }
  if (value.length === 40 && AWS_SECRET_VALUE.test(value) && /AWS/i.test(name) && /SECRET|KEY/i.test(name)) {
    return 'aws-secret-access-key';
  }
  return undefined;
}

/** Replaces every known-format secret in `text` with `replacement`; returns `text` itself when none. */
export function redactFormats(text: string, replacement: string): string {
  let out = text;
  if (ANY_HINT.test(text)) {
    for (const format of FORMATS) {
      if (mayMatch(format, out)) out = out.replace(format.pattern, replacement);
    }
  }
  return redactAwsSecretAssignments(out, replacement);
}

// In free text an AWS secret key is recognisable only next to its name:
// `aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY=…`, `--aws-secret-access-key …`.
const AWS_SECRET_ASSIGNMENT =
  /(?<=aws[_-]?secret[_-]?(?:access[_-]?)?key["']?\s*(?:[=:]|\s)\s*["']?)(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi;

function redactAwsSecretAssignments(text: string, replacement: string): string {
  if (!/aws.?secret/i.test(text)) return text;
  return text.replace(AWS_SECRET_ASSIGNMENT, replacement);
}

function hasHint(text: string, hints: readonly string[]): boolean {
  for (const hint of hints) if (text.includes(hint)) return true;
  return false;
}

/** Characters of a token, key or base64 blob: a value with anything else is not one. */
const TOKEN_CHARSET = /^[A-Za-z0-9+/=_.~-]+$/;
/** Dotted numbers: `22.04`, `20.11.0`, `1.2.3-rc1`. */
const VERSION = /[0-9]\.[0-9]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shortest value the randomness test considers: below this, random strings and words overlap. */
export const MIN_RANDOM_LENGTH = 20;
/** Longest: certificates and blobs beyond this are not credentials in a variable. */
export const MAX_RANDOM_LENGTH = 512;
/**
 * Bits per character a random value reaches: random base62 of 20 characters stays above 3.4 in
 * 99.9 % of draws; English-ish identifiers and paths fall below more often, but not always,
 * hence the class-mixing test below.
 */
export const MIN_ENTROPY_BITS = 3.4;
/**
 * Share of neighbouring characters that change class (upper, lower, digit, other). Random
 * base62 changes class at ~62 % of positions; camelCase words (`MyApplicationName2024`) at
 * ~25 %, because each word is a run of lower-case letters.
 */
export const MIN_CLASS_CHANGES = 0.4;
/**
 * Largest share of a value that may sit in word-like runs (`Config`, `main`): random base62 of
 * 20+ characters stays below it in 95 % of draws, identifiers built of words go above.
 */
export const MAX_WORDY_SHARE = 0.5;
const WORD_RUN = /[A-Z]?[a-z]{3,}/g;

/** The share of `text` in runs of three or more lower-case letters (with a leading capital). */
export function wordyShare(text: string): number {
  let inWords = 0;
  for (const m of text.matchAll(WORD_RUN)) inWords += m[0].length;
  return inWords / text.length;
}

/** Shannon entropy of `text` in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function charClass(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return 1;
  if (c >= 0x41 && c <= 0x5a) return 2;
  if (c >= 0x30 && c <= 0x39) return 3;
  return 4;
}

/** The share of neighbouring character pairs whose classes differ. */
export function classChangeRatio(text: string): number {
  let changes = 0;
  let previous = charClass(text.charCodeAt(0));
  for (let i = 1; i < text.length; i++) {
    const current = charClass(text.charCodeAt(i));
    if (current !== previous) changes++;
    previous = current;
  }
  return changes / (text.length - 1);
}

/**
 * True when `value` looks like a random credential: long, made only of token characters, mixing
 * upper case, lower case and digits (which rules out hex digests, UUIDs, numbers and lower-case
 * words), not a path or a version, changing character class often and not made of words (unlike
 * camelCase identifiers), and with high entropy per character.
 */
export function looksRandom(value: string): boolean {
  const n = value.length;
  if (n < MIN_RANDOM_LENGTH || n > MAX_RANDOM_LENGTH) return false;
  const first = value.charCodeAt(0);
  if (first === 0x2f /* / */ || first === 0x2e /* . */ || first === 0x7e /* ~ */) return false;
  if (!TOKEN_CHARSET.test(value) || UUID.test(value) || VERSION.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return (
    classChangeRatio(value) >= MIN_CLASS_CHANGES &&
    wordyShare(value) <= MAX_WORDY_SHARE &&
    shannonEntropy(value) >= MIN_ENTROPY_BITS
  );
}
