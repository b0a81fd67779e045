import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIdentifierName, isSecretName } from '../../../../src/detect/secrets/names.js';

test('names PROTOCOL.md lists as secret-looking are secret here too', () => {
  for (const name of [
    'GITHUB_TOKEN',
    'NPM_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'STRIPE_SECRET',
    'API_KEY',
    'SSH_PRIVATE_KEY',
    'DB_PASSWORD',
    'LDAP_PASSWD',
    'DOCKER_CREDENTIALS',
    'PGPASSWORD',
    'MY_PASSWORD_VALUE',
    'SECRET_KEY_BASE',
    'client_secret',
  ]) {
    assert.equal(isSecretName(name), true, name);
  }
});

test('extensions: camelCase, short password words, npm auth, CI runtime tokens', () => {
  for (const name of [
    'npm_config__authToken',
    'apiKey',
    'MYSQL_PWD',
    'SMTP_PASS',
    'GPG_PASSPHRASE',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'REDISCLI_AUTH',
    'NPM_CONFIG__AUTH',
  ]) {
    assert.equal(isSecretName(name), true, name);
  }
});

test('names that only point at, describe or resemble a secret are not secret', () => {
  for (const name of [
    'KEYBOARD',
    'TOKENIZERS_PARALLELISM',
    'AWS_ACCESS_KEY_ID',
    'SSH_AUTH_SOCK',
    'GPG_AGENT_INFO',
    'GPG_KEY',
    'SSH_PUBLIC_KEY',
    'DEPLOY_PUBLIC_KEY',
    'TLS_KEY_FILE',
    'SIGNING_KEY_PATH',
    'AWS_SHARED_CREDENTIALS_FILE',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'MYSQL_ROOT_PASSWORD_FILE',
    'PASSWORD_STORE_DIR',
    'VAULT_TOKEN_PATH',
    'DB_SECRET_ARN',
    'CACHE_KEY',
    'PWD',
    'OLDPWD',
    'KEY',
    'GIT_ASKPASS',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'PATH',
    'HOME',
  ]) {
    assert.equal(isSecretName(name), false, name);
  }
});

test('identifier names exempt a value from the randomness test', () => {
  for (const name of ['GITHUB_SHA', 'INVOCATION_ID', 'PYTHON_SHA256', 'BUILD_UUID', 'NODE_VERSION', 'CACHE_KEY']) {
    assert.equal(isIdentifierName(name), true, name);
  }
  for (const name of ['SESSION', 'BUILDKITE_AGENT_SESSION', 'GITHUB_TOKEN']) {
    assert.equal(isIdentifierName(name), false, name);
  }
});
