/** The dashboard sign-in's parts on a controlled clock: session expiry and bound, the failure window, the cookie. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCookie, sessionCookie } from '../../../src/server/cookies.js';
import { SessionStore } from '../../../src/server/sessions.js';
import { SignInLimiter } from '../../../src/server/sign-in-limiter.js';

test('a session lasts its TTL, then is gone; revoked ones at once', () => {
  let now = 1_000;
  const sessions = new SessionStore(100, 10, () => now);
  const a = sessions.create();
  const b = sessions.create();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
  now += 99;
  assert.equal(sessions.isValid(a), true);
  sessions.revoke(b);
  assert.equal(sessions.isValid(b), false);
  now += 1;
  assert.equal(sessions.isValid(a), false);
  assert.equal(sessions.isValid(undefined), false);
  assert.equal(sessions.isValid('not-hex'), false);
});

test('sessions are bounded: past the limit the oldest goes first', () => {
  const sessions = new SessionStore(60_000, 3, () => 0);
  const ids = [sessions.create(), sessions.create(), sessions.create(), sessions.create()];
  assert.equal(sessions.size, 3);
  assert.deepEqual(
    ids.map((id) => sessions.isValid(id)),
    [false, true, true, true],
  );
});

test('failures are limited per client in a fixed window', () => {
  let now = 0;
  const limiter = new SignInLimiter({ maxFailures: 2, windowMs: 10_000, maxClients: 2 }, () => now);
  limiter.recordFailure('a');
  assert.equal(limiter.retryAfterSeconds('a'), 0);
  limiter.recordFailure('a');
  now = 2_500;
  assert.equal(limiter.retryAfterSeconds('a'), 8, 'the rest of the window, rounded up');
  assert.equal(limiter.retryAfterSeconds('b'), 0, 'other clients are not limited');
  now = 10_000;
  assert.equal(limiter.retryAfterSeconds('a'), 0, 'a new window');
});

test('the limiter forgets the oldest client past its bound', () => {
  const limiter = new SignInLimiter({ maxFailures: 1, windowMs: 10_000, maxClients: 2 }, () => 0);
  for (const c of ['a', 'b', 'c']) limiter.recordFailure(c);
  assert.deepEqual(
    ['a', 'b', 'c'].map((c) => limiter.retryAfterSeconds(c)),
    [0, 10, 10],
  );
});

test('the session cookie carries its attributes; Secure only when asked', () => {
  assert.equal(
    sessionCookie('s', 'v', { maxAgeSeconds: 60, secure: false }),
    's=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60',
  );
  assert.match(sessionCookie('s', 'v', { maxAgeSeconds: 60, secure: true }), /; Secure$/);
  assert.equal(readCookie('a=1; s=two; s=3', 's'), 'two');
  assert.equal(readCookie('as=1', 's'), undefined);
  assert.equal(readCookie('s="q"', 's'), 'q');
  assert.equal(readCookie(undefined, 's'), undefined);
});
