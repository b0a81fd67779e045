/**
 * Environments for the secret tests. The harmless one is what a developer shell and a GitHub
 * Actions runner really carry. Secret values are assembled at run time so no token-shaped
 * literal sits in the repository (secret scanners would flag the test file itself).
 */

export const LS_COLORS =
  'rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01:cd=40;33;01:or=40;31;01:mi=00:su=37;41:sg=30;43:ca=00:tw=30;42:ow=34;42:st=37;44:ex=01;32:*.tar=01;31:*.tgz=01;31:*.arc=01;31:*.zip=01;31:*.gz=01;31:*.bz2=01;31:*.jpg=01;35:*.png=01;35:*.mp4=01;35:*.flac=00;36:*.mp3=00;36';

export const HARMLESS_ENV: string[] = [
  'PATH=/home/runner/.local/bin:/opt/pipx_bin:/home/runner/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  `LS_COLORS=${LS_COLORS}`,
  'HOME=/home/runner',
  'SHELL=/bin/bash',
  'USER=runner',
  'LOGNAME=runner',
  'LANG=C.UTF-8',
  'LC_ALL=en_US.UTF-8',
  'TERM=xterm-256color',
  'PWD=/home/runner/work/harrier/harrier',
  'OLDPWD=/home/runner',
  'SHLVL=1',
  'XDG_RUNTIME_DIR=/run/user/1001',
  'XDG_CONFIG_HOME=/home/runner/.config',
  'XDG_SESSION_ID=3',
  'DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1001/bus',
  'SSH_AUTH_SOCK=/tmp/ssh-XXXXq8Zr1b/agent.2841',
  'GPG_AGENT_INFO=/run/user/1001/gnupg/S.gpg-agent:0:1',
  'GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305',
  'EDITOR=vim',
  'LESSOPEN=| /usr/bin/lesspipe %s',
  'TOKENIZERS_PARALLELISM=false',
  'KEYBOARD_LAYOUT=us',
  'INVOCATION_ID=4f1c2b9e0d8a4c6fb3e2a1d0c9b8a7f6',
  'SYSTEMD_EXEC_PID=2841',
  'HOSTNAME=fv-az1234-567',
  'NODE_OPTIONS=--max-old-space-size=4096',
  'NODE_VERSION=20.11.1',
  'npm_config_user_agent=npm/10.2.4 node/v20.11.1 linux x64 workspaces/false',
  'npm_config_cache=/home/runner/.npm',
  'npm_config_prefix=/usr/local',
  'npm_config_registry=https://registry.npmjs.org/',
  'npm_package_name=harrier',
  'npm_package_version=0.1.0',
  'npm_lifecycle_event=test',
  'npm_lifecycle_script=bash scripts/test.sh',
  'npm_execpath=/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  'npm_node_execpath=/usr/local/bin/node',
  'CI=true',
  'GITHUB_ACTIONS=true',
  'GITHUB_SHA=3a5e5c9d1f0b7e2c4a6d8f0e1b3c5a7d9e2f4b6c',
  'GITHUB_REF=refs/heads/main',
  'GITHUB_RUN_ID=8123456789',
  'GITHUB_RUN_NUMBER=412',
  'GITHUB_REPOSITORY=acme/harrier',
  'GITHUB_REPOSITORY_OWNER_ID=1234567',
  'GITHUB_WORKSPACE=/home/runner/work/harrier/harrier',
  'GITHUB_WORKFLOW_REF=acme/harrier/.github/workflows/ci.yml@refs/heads/main',
  'GITHUB_ENV=/home/runner/work/_temp/_runner_file_commands/set_env_8c9d0e1f-2a3b-4c5d-6e7f-8a9b0c1d2e3f',
  'GITHUB_SERVER_URL=https://github.com',
  'ACTIONS_ID_TOKEN_REQUEST_URL=https://pipelines.actions.githubusercontent.com/abc/idtoken',
  'RUNNER_OS=Linux',
  'RUNNER_ARCH=X64',
  'RUNNER_NAME=GitHub Actions 12',
  'RUNNER_TEMP=/home/runner/work/_temp',
  'RUNNER_TOOL_CACHE=/opt/hostedtoolcache',
  'RUNNER_TRACKING_ID=github_b2d5ab5b-8c1c-4b9e-8d79-0f3c6a2e1d44',
  'ImageOS=ubuntu22',
  'ImageVersion=20240310.1.0',
  'JAVA_HOME_17_X64=/usr/lib/jvm/temurin-17-jdk-amd64',
  'GOOGLE_APPLICATION_CREDENTIALS=/home/runner/work/_temp/gcp-sa.json',
  'AWS_SHARED_CREDENTIALS_FILE=/home/runner/.aws/credentials',
  'AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws_key_id',
  'AWS_REGION=eu-west-1',
  'MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db_root_password',
  'PASSWORD_STORE_DIR=/home/runner/.password-store',
  'SSH_PUBLIC_KEY=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ci@acme',
  'CACHE_KEY=Linux-node-20-3a5e5c9d',
  'PYTHON_SHA256=07a4356e912900e61a15cb0949a06c4a05012e213ecd6b4e84d0f67aabbee372',
  'WT_SESSION=0d9c5f1e-3b7a-4e2c-9a8d-6f1b2c3d4e5f',
  'COMPOSE_PROJECT_NAME=harrier_ci',
  'JAVA_TOOL_OPTIONS=-Xmx2g -Dfile.encoding=UTF-8',
  'DEBIAN_FRONTEND=noninteractive',
  'FORCE_COLOR=1',
  'APP_BUILD_LABEL=MyApplicationName2024Release',
  'EMPTY_TOKEN=',
  'NPM_TOKEN=***',
  'GIT_ASKPASS=/usr/lib/git-core/git-gui--askpass',
];

/** A random-looking but fixed string of `n` characters from `alphabet` (deterministic). */
export function pseudoRandom(n: number, seed: number, alphabet = BASE62): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Secret values of every known format, keyed by format id. */
export const SECRET_VALUES = {
  'aws-access-key-id': 'AKIA' + pseudoRandom(16, 1, UPPER_DIGITS),
  'aws-secret-access-key': pseudoRandom(38, 2) + '/+',
  'github-token': 'ghp_' + pseudoRandom(36, 3),
  'gitlab-token': 'glpat-' + pseudoRandom(20, 4),
  'slack-token': 'xoxb-' + '1234567890-' + pseudoRandom(24, 5),
  'slack-webhook':
    'https://hooks.slack.com/services/T' + pseudoRandom(8, 6) + '/B' + pseudoRandom(8, 7) + '/' + pseudoRandom(24, 8),
  'stripe-secret-key': 'sk_' + 'live_' + pseudoRandom(24, 9),
  'google-api-key': 'AIza' + pseudoRandom(35, 10),
  'npm-token': 'npm_' + pseudoRandom(36, 11),
  'pypi-token': 'pypi-' + 'AgEIcHlwaS5vcmc' + pseudoRandom(60, 12),
  'docker-hub-token': 'dckr_pat_' + pseudoRandom(27, 13),
  'openai-api-key': 'sk-' + 'proj-' + pseudoRandom(48, 14),
  'anthropic-api-key': 'sk-' + 'ant-api03-' + pseudoRandom(80, 15),
  'sendgrid-api-key': 'SG.' + pseudoRandom(22, 16) + '.' + pseudoRandom(43, 17),
  jwt:
    Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url') +
    '.' +
    Buffer.from('{"sub":"ci","iat":1700000000}').toString('base64url') +
    '.' +
    pseudoRandom(43, 18),
  'private-key': `-----BEGIN OPENSSH PRIVATE KEY-----\n${pseudoRandom(64, 19)}\n${pseudoRandom(64, 20)}\n-----END OPENSSH PRIVATE KEY-----\n`,
  'url-credentials': `postgres://app:${pseudoRandom(16, 21)}@db.internal:5432/app`,
} as const;
