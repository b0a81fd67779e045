/** `harrier serve`: the collector and query API over a store (see src/server and docs/api.md). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildServer } from '../../server/app.js';
import { isLoopback, parseListen } from '../../server/listen.js';
import { NO_RULES, rulesCatalogue, type RulesCatalogue } from '../../server/rules-catalogue.js';
import { UsageError } from '../errors.js';
import { readToken } from '../token.js';
import { loadCheckedRuleset } from '../rules.js';
import { DEFAULT_STORE, openStore } from '../store.js';

export interface ServeOptions {
  store?: string;
  listen: string;
  tokenFile?: string;
  create?: boolean;
  /** Rules files to list; undefined → Harrier's defaults; false → none. */
  rules?: string[] | false;
}

/** The rules to list, loaded and compiled as `harrier run` would (so a listed rule is one a run can use). */
async function servedRules(files: string[] | false | undefined): Promise<RulesCatalogue> {
  if (files === false) return NO_RULES;
  const ruleset = await loadCheckedRuleset(files);
  return rulesCatalogue(ruleset.files, ruleset.all);
}

/** Resolves when the server has stopped (SIGINT/SIGTERM); startup problems throw before it listens. */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  let address;
  try {
    address = parseListen(opts.listen);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const token = readToken(opts.tokenFile);
  const loopback = isLoopback(address.host);
  if (!loopback && token === undefined) {
    throw new UsageError(
      `refusing to listen on ${opts.listen} without a token: anyone who can reach it could read and write runs`,
      'set HARRIER_TOKEN or pass --token-file FILE, or listen on 127.0.0.1',
    );
  }
  const storePath = resolve(opts.store ?? DEFAULT_STORE);
  if (!opts.create && !existsSync(storePath)) {
    throw new UsageError(
      `no store at ${opts.store ?? DEFAULT_STORE}`,
      'pass --store with an existing store (from `harrier run`), or --create to start an empty one',
    );
  }
  const rules = await servedRules(opts.rules);
  const store = await openStore(storePath);
  const app = buildServer({
    store,
    rules,
    token,
    queryNeedsToken: !loopback,
    logError: (m) => process.stderr.write(`harrier serve: ${m}\n`),
  });
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (e) {
    await app.close();
    await store.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new UsageError(`${opts.listen} is already in use`, 'pick another --listen port');
    if (err.code === 'EADDRNOTAVAIL') throw new UsageError(`${address.host} is not an address of this host`);
    throw e;
  }
  const bound = app.server.address();
  const url =
    typeof bound === 'object' && bound !== null
      ? `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
      : String(bound);
  process.stdout.write(
    `harrier serve: listening on ${url} (store ${storePath}${token === undefined ? '' : ', token required'})\n`,
  );

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Runs still being ingested are left incomplete; their clients can resume them after a restart.
  await app.close();
  await store.close();
  return 0;
}
