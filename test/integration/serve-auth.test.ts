/**
 * Signing in to a `harrier serve` that listens beyond loopback: a real server on 0.0.0.0 with
 * --token-file, spoken to over real sockets. The token buys a session cookie (HttpOnly,
 * SameSite=Strict, not the token) that opens the query API, live streams and /metrics but not
 * ingest; sign-out ends it; a cookie-authenticated change without the CSRF header is refused;
 * wrong tokens are rate-limited per client address.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '../helpers/harrier.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const TOKEN = 'auth-token-e91d0c';
const dir = tempDir('harrier-serve-auth-');
const store = join(dir, 'runs.duckdb');
const tokenFile = join(dir, 'token');
let server: ServerProcess;
let base: string;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request over its own connection, optionally from a given loopback source address (every
 * 127.x.y.z is this host), so the rate-limit test has a client address of its own.
 */
function call(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; from?: string; firstChunkOnly?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method,
      agent: false,
      headers: opts.headers,
      ...(opts.from !== undefined && { localAddress: opts.from }),
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        // An event stream never ends while its run is running: its first message is enough.
        if (opts.firstChunkOnly === true && text.includes('\n\n')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = { 'content-type': 'application/json' };
const csrf = { 'x-harrier-csrf': '1' };

function signIn(token: string, extra: { headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  return call('POST', '/api/v1/session', {
    headers: { ...json, ...csrf, ...extra.headers },
    body: JSON.stringify({ token }),
    from: extra.from,
  });
}

/** Signs in and returns the `Cookie` header value to send back. */
async function signedInCookie(): Promise<string> {
  const res = await signIn(TOKEN);
  assert.equal(res.status, 200, res.text);
  const setCookie = res.headers['set-cookie']?.[0];
  assert.ok(setCookie !== undefined, 'sign-in sets a cookie');
  return setCookie.split(';')[0] ?? '';
}

before(async () => {
  writeFileSync(tokenFile, `${TOKEN}\n`);
  server = await startServer(['--listen', '0.0.0.0:0', '--store', store, '--create', '--token-file', tokenFile]);
  // Bound to every interface; reached here over loopback.
  assert.match(server.url, /^http:\/\/0\.0\.0\.0:\d+$/, 'the server listens beyond loopback');
  base = server.url.replace('0.0.0.0', '127.0.0.1');
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('without credentials the query API, live streams and /metrics are 401; the dashboard page and /healthz load', async () => {
  for (const path of ['/api/v1/runs', '/api/v1/stats', '/api/v1/runs/x/live', '/metrics']) {
    const res = await call('GET', path);
    assert.equal(res.status, 401, `${path}: ${res.text}`);
    assert.match(res.text, /sign in on the dashboard/);
  }
  // The page must load to show its sign-in form; it holds no data.
  assert.equal((await call('GET', '/')).status, 200);
  assert.equal((await call('GET', '/healthz')).status, 200);
  const session = await call('GET', '/api/v1/session');
  assert.deepEqual(JSON.parse(session.text), { tokenRequired: true, authenticated: false, via: null });
});

test('a wrong token is a 401 and sets no cookie', async () => {
  const res = await signIn('not-the-token');
  assert.equal(res.status, 401);
  assert.equal(res.headers['set-cookie'], undefined);
  assert.equal((JSON.parse(res.text) as { error: { code: string } }).error.code, 'unauthorized');
});

test('the right token sets an HttpOnly, SameSite=Strict session cookie that is not the token', async () => {
  const res = await signIn(TOKEN);
  assert.equal(res.status, 200, res.text);
  const cookies = res.headers['set-cookie'] ?? [];
  assert.equal(cookies.length, 1);
  const [pair = '', ...attributes] = (cookies[0] ?? '').split(';').map((s) => s.trim());
  const [name, value = ''] = pair.split('=');
  assert.equal(name, 'harrier_session');
  assert.match(value, /^[0-9a-f]{64}$/, 'a random id');
  assert.ok(!value.includes(TOKEN) && !(cookies[0] ?? '').includes(TOKEN), 'never the token itself');
  const attrs = attributes.map((a) => a.toLowerCase());
  assert.ok(attrs.includes('httponly'), cookies[0]);
  assert.ok(attrs.includes('samesite=strict'), cookies[0]);
  assert.ok(attrs.includes('path=/'), cookies[0]);
  assert.ok(attrs.includes('max-age=43200'), cookies[0]);
  assert.ok(!attrs.includes('secure'), 'plain HTTP: Secure would make the browser drop it');
  assert.equal(res.headers['cache-control'], 'no-store');
  // Each sign-in gets its own id.
  assert.notEqual(await signedInCookie(), pair);
});

test('the cookie opens the query API, a live stream and /metrics, but not ingest', async () => {
  const cookie = await signedInCookie();
  const runs = await call('GET', '/api/v1/runs', { headers: { cookie } });
  assert.equal(runs.status, 200, runs.text);
  assert.ok(Array.isArray((JSON.parse(runs.text) as { runs: unknown[] }).runs));
  assert.equal((await call('GET', '/metrics', { headers: { cookie } })).status, 200);
  const session = await call('GET', '/api/v1/session', { headers: { cookie } });
  assert.deepEqual(JSON.parse(session.text), { tokenRequired: true, authenticated: true, via: 'cookie' });

  // Ingest is for machines with the token: the cookie does not stand in for it.
  const newRun = JSON.stringify({
    command: ['make'],
    cwd: '/src',
    sensor: 'ebpf',
    hostname: 'h',
    startedAt: String(BigInt(Date.now()) * 1_000_000n),
    harrierVersion: '0.1.0',
  });
  const byCookie = await call('POST', '/api/v1/ingest/runs', { headers: { cookie, ...csrf, ...json }, body: newRun });
  assert.equal(byCookie.status, 401, byCookie.text);
  const byToken = await call('POST', '/api/v1/ingest/runs', {
    headers: { authorization: `Bearer ${TOKEN}`, ...json },
    body: newRun,
  });
  assert.equal(byToken.status, 201, byToken.text);
  const { id } = JSON.parse(byToken.text) as { id: string };

  // The run is running, so its live stream stays open; its first message says so.
  const live = await call('GET', `/api/v1/runs/${id}/live`, { headers: { cookie }, firstChunkOnly: true });
  assert.equal(live.status, 200, live.text);
  assert.equal(live.headers['content-type'], 'text/event-stream');
  assert.match(live.text, /^event: status\ndata: \{"status":"running"\}/);
  assert.equal((await call('GET', `/api/v1/runs/${id}/live`)).status, 401);
});

test('a bearer header still works, and a wrong one is refused even with a good cookie', async () => {
  const cookie = await signedInCookie();
  assert.equal((await call('GET', '/api/v1/runs', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  const wrong = await call('GET', '/api/v1/runs', { headers: { cookie, authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
});

test('a forged or expired-looking cookie is a 401', async () => {
  const forged = `harrier_session=${'ab'.repeat(32)}`;
  assert.equal((await call('GET', '/api/v1/runs', { headers: { cookie: forged } })).status, 401);
  assert.equal((await call('GET', '/api/v1/runs', { headers: { cookie: `harrier_session=${TOKEN}` } })).status, 401);
});

test('CSRF: sign-in and sign-out without the x-harrier-csrf header are 403 and change nothing', async () => {
  const cookie = await signedInCookie();
  const out = await call('DELETE', '/api/v1/session', { headers: { cookie } });
  assert.equal(out.status, 403, out.text);
  assert.equal((JSON.parse(out.text) as { error: { code: string } }).error.code, 'csrf');
  assert.equal(out.headers['set-cookie'], undefined);
  assert.equal((await call('GET', '/api/v1/runs', { headers: { cookie } })).status, 200, 'still signed in');
  // A cross-site form could post the token field too (login CSRF): refused the same way.
  const signInNoHeader = await call('POST', '/api/v1/session', {
    headers: { cookie, ...json },
    body: JSON.stringify({ token: TOKEN }),
  });
  assert.equal(signInNoHeader.status, 403);
  assert.equal(signInNoHeader.headers['set-cookie'], undefined);
});

test('sign-out ends the session on the server and clears the cookie', async () => {
  const cookie = await signedInCookie();
  assert.equal((await call('GET', '/api/v1/runs', { headers: { cookie } })).status, 200);
  const out = await call('DELETE', '/api/v1/session', { headers: { cookie, ...csrf } });
  assert.equal(out.status, 204);
  assert.match(out.headers['set-cookie']?.[0] ?? '', /^harrier_session=; .*Max-Age=0/);
  // Replaying the old cookie (a copy kept elsewhere) no longer works.
  assert.equal((await call('GET', '/api/v1/runs', { headers: { cookie } })).status, 401);
});

test('wrong tokens are rate-limited per client address: 429 with Retry-After, others unaffected', async () => {
  const from = '127.0.0.9';
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await signIn(`guess-${i}`, { from })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  const limited = await signIn(`guess-5`, { from });
  assert.equal(limited.status, 429, limited.text);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  // While limited even the right token waits: guessing must not go on in the background.
  assert.equal((await signIn(TOKEN, { from })).status, 429);
  // Another address signs in as usual.
  assert.equal((await signIn(TOKEN, { from: '127.0.0.10' })).status, 200);
});
