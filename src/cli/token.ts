/**
 * The bearer token shared by `harrier serve` and its senders: the first line of `--token-file`,
 * else HARRIER_TOKEN, trimmed the same way on both sides so that a file written with a trailing
 * newline matches the variable. A token goes into an HTTP header, so it is refused up front when
 * it holds a character a header cannot carry, rather than failing at the first request.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/** Visible ASCII: what an `Authorization: Bearer` value can carry unquoted. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

export function readToken(tokenFile: string | undefined): string | undefined {
  let token: string | undefined;
  let source: string;
  if (tokenFile !== undefined) {
    source = `--token-file ${tokenFile}`;
    let text: string;
    try {
      text = readFileSync(tokenFile, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      throw new UsageError(`cannot read ${source}: ${reason}`, 'pass the file that holds the token');
    }
    token = text.split('\n')[0]?.trim();
    if (!token) throw new UsageError(`${source} is empty`, 'put the token on its first line');
  } else {
    source = 'HARRIER_TOKEN';
    token = process.env.HARRIER_TOKEN?.trim() || undefined;
    if (token === undefined) return undefined;
  }
  if (!TOKEN_CHARS.test(token)) {
    throw new UsageError(
      `the token in ${source} has a space, control or non-ASCII character, which an HTTP header cannot carry`,
      'use printable ASCII only, e.g. the output of `openssl rand -hex 32`',
    );
  }
  return token;
}
