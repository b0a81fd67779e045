import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  findEnvSecrets,
  redactEnv,
  redactText,
  REDACTED,
  type EnvSecret,
} from '../../../../src/detect/secrets/detector.js';
import { HARMLESS_ENV, pseudoRandom, SECRET_VALUES } from './envs.js';

test('a real developer and CI environment has no secret in it', () => {
  assert.ok(HARMLESS_ENV.length >= 40);
  assert.deepEqual(findEnvSecrets(HARMLESS_ENV), []);
  assert.equal(redactEnv(HARMLESS_ENV), HARMLESS_ENV, 'nothing to redact: the same array comes back');
});

test('the real process.env of this test has no false positive from harmless CI/shell variables', () => {
  // Whatever this machine's environment holds, a finding must name a variable whose name or
  // value is secret-like; print them so a false positive is easy to see.
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
  for (const s of findEnvSecrets(env)) {
    assert.ok(s.reason !== 'entropy' || !/^(PATH|LS_COLORS|HOME|SHELL|LANG|TERM|PWD)$/.test(s.variable), s.variable);
  }
});

test('each known format is found by value, whatever the variable is called', () => {
  for (const [format, value] of Object.entries(SECRET_VALUES)) {
    const name = format === 'aws-secret-access-key' ? 'AWS_SECRET_ACCESS_KEY' : 'SOME_SETTING';
    const env = [...HARMLESS_ENV, `${name}=${value}`];
    assert.deepEqual(findEnvSecrets(env), [{ variable: name, reason: 'format', format }], format);
  }
});

test('a format inside a larger value is found too', () => {
  const env = [`GIT_CONFIG_PARAMETERS='http.extraheader=AUTHORIZATION: bearer ${SECRET_VALUES['github-token']}'`];
  assert.deepEqual(findEnvSecrets(env), [
    { variable: 'GIT_CONFIG_PARAMETERS', reason: 'format', format: 'github-token' },
  ]);
});

test('an AWS-looking 40-character value is a secret only under an AWS name', () => {
  const value = SECRET_VALUES['aws-secret-access-key'];
  assert.deepEqual(findEnvSecrets([`AWS_SECRET_KEY=${value}`]), [
    { variable: 'AWS_SECRET_KEY', reason: 'format', format: 'aws-secret-access-key' },
  ]);
  const other = findEnvSecrets([`BUILD_BLOB=${value}`]);
  assert.notEqual(other[0]?.format, 'aws-secret-access-key');
});

test('secret-looking names with opaque values are found by name', () => {
  const env = ['NPM_TOKEN=abc123', 'DB_PASSWORD=hunter2', 'MYSQL_PWD=changeme', 'npm_config__authToken=xyz-1'];
  assert.deepEqual(
    findEnvSecrets(env),
    ['NPM_TOKEN', 'DB_PASSWORD', 'MYSQL_PWD', 'npm_config__authToken'].map((variable): EnvSecret => ({
      variable,
      reason: 'name',
    })),
  );
});

test('a long random value under a neutral name is found by entropy', () => {
  const value = pseudoRandom(40, 99);
  assert.deepEqual(findEnvSecrets([`BUILDKITE_AGENT_SESSION=${value}`]), [
    { variable: 'BUILDKITE_AGENT_SESSION', reason: 'entropy' },
  ]);
  // The same value under a name that says it is an identifier is not.
  assert.deepEqual(findEnvSecrets([`DEPLOYMENT_ID=${value}`]), []);
});

test('redactEnv keeps every name and no secret value', () => {
  const secrets = Object.entries(SECRET_VALUES).map(([format, value], i) =>
    format === 'aws-secret-access-key' ? `AWS_SECRET_ACCESS_KEY=${value}` : `VAR_${i}=${value}`,
  );
  const env = [...HARMLESS_ENV, ...secrets, 'DB_PASSWORD=hunter2', `SESSION_BLOB=${pseudoRandom(40, 7)}`];
  const out = redactEnv(env);
  assert.equal(out.length, env.length);
  assert.deepEqual(out.slice(0, HARMLESS_ENV.length), HARMLESS_ENV, 'harmless variables untouched');
  const joined = out.join('\n');
  for (const value of [...Object.values(SECRET_VALUES), 'hunter2', pseudoRandom(40, 7)]) {
    const secretPart = value.includes('postgres://') ? value.split(':')[2]!.split('@')[0]! : value;
    assert.ok(!joined.includes(secretPart.trim()), `value of format leaked: ${secretPart.slice(0, 8)}…`);
  }
  assert.ok(out.includes(`DB_PASSWORD=${REDACTED}`));
  assert.ok(out.includes(`AWS_SECRET_ACCESS_KEY=${REDACTED}`));
  // A URL under a neutral name keeps its user and host; only the password goes.
  assert.ok(out.some((e) => e.endsWith(`=postgres://app:${REDACTED}@db.internal:5432/app`)));
  assert.deepEqual(findEnvSecrets(out), [], 'the redacted environment has nothing left to find');
});

test('redactText removes known-format secrets from command lines and keeps the rest', () => {
  const token = SECRET_VALUES['github-token'];
  const cmd = `git clone https://x-access-token:${token}@github.com/acme/app.git && curl -H "Authorization: Bearer ${SECRET_VALUES.jwt}" https://api`;
  const out = redactText(cmd);
  assert.ok(!out.includes(token) && !out.includes(SECRET_VALUES.jwt));
  assert.equal(
    out,
    `git clone https://x-access-token:${REDACTED}@github.com/acme/app.git && curl -H "Authorization: Bearer ${REDACTED}" https://api`,
  );
  const aws = SECRET_VALUES['aws-secret-access-key'];
  assert.equal(
    redactText(`aws configure set aws_secret_access_key ${aws} --profile ci`),
    `aws configure set aws_secret_access_key ${REDACTED} --profile ci`,
  );
  assert.equal(redactText(`echo "${SECRET_VALUES['private-key']}" > id`), `echo "${REDACTED}\n" > id`);
  const plain = 'make -j4 CFLAGS="-O2 -g" && ./configure --prefix=/usr';
  assert.equal(redactText(plain), plain);
  assert.equal(redactText('psql postgres://app:${DB_PASS}@db/app'), 'psql postgres://app:${DB_PASS}@db/app');
});

test('every format is redacted from text wherever it appears', () => {
  for (const [format, value] of Object.entries(SECRET_VALUES)) {
    if (format === 'aws-secret-access-key') continue; // recognisable in text only next to its name (above)
    const out = redactText(`run --secret=${value} now`);
    assert.ok(out.includes(REDACTED), format);
    const secretPart = format === 'url-credentials' ? value.split(':')[2]!.split('@')[0]! : value.trim();
    assert.ok(!out.includes(secretPart), `${format} leaked: ${out}`);
  }
});
