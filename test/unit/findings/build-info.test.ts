import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectBuildInfo, resolveBuildInfo } from '../../../src/findings/build-info.js';

// Each CI's documented variables, with the values such a job would have (plus noise from the runner).
const BASE = { PATH: '/usr/bin', HOME: '/home/ci', CI: 'true' };

test('GitHub Actions: run id, head ref on pull requests, run url', () => {
  const push = {
    ...BASE,
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF_NAME: 'main',
    GITHUB_HEAD_REF: '',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_SERVER_URL: 'https://github.com',
  };
  assert.deepEqual(detectBuildInfo(push), {
    ci: 'github',
    buildId: '9876543210',
    branch: 'main',
    commit: 'ffac537e6cbbf934b08745a378932722df287a53',
    component: 'octo-org/octo-repo',
    url: 'https://github.com/octo-org/octo-repo/actions/runs/9876543210',
  });
  const pr = { ...push, GITHUB_REF_NAME: '42/merge', GITHUB_HEAD_REF: 'feature/parser' };
  assert.equal(detectBuildInfo(pr)?.branch, 'feature/parser');
});

test('GitLab CI: pipeline id, ref name, project path, job url', () => {
  assert.deepEqual(
    detectBuildInfo({
      ...BASE,
      GITLAB_CI: 'true',
      CI_PIPELINE_ID: '1000123',
      CI_JOB_ID: '5000456',
      CI_COMMIT_REF_NAME: 'feature-x',
      CI_COMMIT_SHA: '1ecfd275763eff1d6b4844ea3168962458c9f27a',
      CI_PROJECT_PATH: 'gitlab-org/gitlab-foss',
      CI_JOB_URL: 'https://gitlab.example.com/gitlab-org/gitlab-foss/-/jobs/5000456',
    }),
    {
      ci: 'gitlab',
      buildId: '1000123',
      branch: 'feature-x',
      commit: '1ecfd275763eff1d6b4844ea3168962458c9f27a',
      component: 'gitlab-org/gitlab-foss',
      url: 'https://gitlab.example.com/gitlab-org/gitlab-foss/-/jobs/5000456',
    },
  );
});

test('Jenkins: build number, branch, job without a multibranch branch, build url', () => {
  const multibranch = {
    ...BASE,
    JENKINS_URL: 'https://ci.example.com/',
    BUILD_NUMBER: '57',
    BUILD_TAG: 'jenkins-acme-app-feature%2Fparser-57',
    BRANCH_NAME: 'feature/parser',
    GIT_COMMIT: '3a1b9c0d',
    JOB_NAME: 'acme/app/feature%2Fparser',
    BUILD_URL: 'https://ci.example.com/job/acme/job/app/job/feature%252Fparser/57/',
  };
  assert.deepEqual(detectBuildInfo(multibranch), {
    ci: 'jenkins',
    buildId: '57',
    branch: 'feature/parser',
    commit: '3a1b9c0d',
    component: 'acme/app',
    url: 'https://ci.example.com/job/acme/job/app/job/feature%252Fparser/57/',
  });
  const freestyle = {
    ...BASE,
    JENKINS_HOME: '/var/jenkins_home',
    BUILD_NUMBER: '12',
    GIT_BRANCH: 'origin/main',
    GIT_COMMIT: 'abc',
    JOB_NAME: 'app-nightly',
    BUILD_URL: 'https://ci.example.com/job/app-nightly/12/',
  };
  assert.deepEqual(
    [detectBuildInfo(freestyle)?.branch, detectBuildInfo(freestyle)?.component],
    ['main', 'app-nightly'],
  );
});

test('CircleCI and Buildkite', () => {
  assert.deepEqual(
    detectBuildInfo({
      ...BASE,
      CIRCLECI: 'true',
      CIRCLE_BUILD_NUM: '314',
      CIRCLE_BRANCH: 'develop',
      CIRCLE_SHA1: 'aa11bb22',
      CIRCLE_PROJECT_USERNAME: 'acme',
      CIRCLE_PROJECT_REPONAME: 'app',
      CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/app/314',
    }),
    {
      ci: 'circleci',
      buildId: '314',
      branch: 'develop',
      commit: 'aa11bb22',
      component: 'acme/app',
      url: 'https://circleci.com/gh/acme/app/314',
    },
  );
  assert.deepEqual(
    detectBuildInfo({
      ...BASE,
      BUILDKITE: 'true',
      BUILDKITE_BUILD_NUMBER: '1514',
      BUILDKITE_BRANCH: 'main',
      BUILDKITE_COMMIT: '83a20ec058e2fb00e7fa4558c4c6e81e2dcf253d',
      BUILDKITE_PIPELINE_SLUG: 'my-pipeline',
      BUILDKITE_BUILD_URL: 'https://buildkite.com/acme-inc/my-pipeline/builds/1514',
    }),
    {
      ci: 'buildkite',
      buildId: '1514',
      branch: 'main',
      commit: '83a20ec058e2fb00e7fa4558c4c6e81e2dcf253d',
      component: 'my-pipeline',
      url: 'https://buildkite.com/acme-inc/my-pipeline/builds/1514',
    },
  );
});

test('outside CI nothing is detected; flags override detected values field by field', () => {
  assert.equal(detectBuildInfo(BASE), undefined);
  assert.equal(resolveBuildInfo(BASE), undefined);
  assert.deepEqual(resolveBuildInfo(BASE, { buildId: 'local-1', component: 'app' }), {
    buildId: 'local-1',
    component: 'app',
  });
  const gitlab = { GITLAB_CI: 'true', CI_PIPELINE_ID: '7', CI_COMMIT_REF_NAME: 'main', CI_PROJECT_PATH: 'g/p' };
  assert.deepEqual(resolveBuildInfo(gitlab, { component: 'g/p/backend', branch: '' }), {
    ci: 'gitlab',
    buildId: '7',
    branch: 'main',
    component: 'g/p/backend',
  });
});
