/**
 * Where a run came from, read from the CI system's documented environment variables, so a run
 * in CI records its build without flags. A pure function of the environment it is given (the CLI
 * passes process.env); explicit flags override what was detected, field by field.
 *
 * - GitHub Actions (GITHUB_ACTIONS=true): GITHUB_RUN_ID, GITHUB_HEAD_REF on pull requests else
 *   GITHUB_REF_NAME, GITHUB_SHA, GITHUB_REPOSITORY; url GITHUB_SERVER_URL/REPOSITORY/actions/runs/RUN_ID.
 * - GitLab CI (GITLAB_CI=true): CI_PIPELINE_ID (else CI_JOB_ID), CI_COMMIT_REF_NAME, CI_COMMIT_SHA,
 *   CI_PROJECT_PATH, CI_JOB_URL.
 * - Jenkins (JENKINS_URL or JENKINS_HOME): BUILD_NUMBER (else BUILD_TAG), BRANCH_NAME (else
 *   GIT_BRANCH without `origin/`), GIT_COMMIT, JOB_NAME without a multibranch job's branch, BUILD_URL.
 * - CircleCI (CIRCLECI=true): CIRCLE_BUILD_NUM, CIRCLE_BRANCH, CIRCLE_SHA1,
 *   CIRCLE_PROJECT_USERNAME/CIRCLE_PROJECT_REPONAME, CIRCLE_BUILD_URL.
 * - Buildkite (BUILDKITE=true): BUILDKITE_BUILD_NUMBER, BUILDKITE_BRANCH, BUILDKITE_COMMIT,
 *   BUILDKITE_PIPELINE_SLUG, BUILDKITE_BUILD_URL.
 *
 * The build id is what the CI shows users as the build (GitHub's run, GitLab's pipeline,
 * Jenkins' build number), so `--baseline <build id>` takes what they see; numbers that repeat
 * across projects are told apart by the component.
 */
import type { BuildInfo } from './assessment.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The build the environment describes, or undefined outside a recognised CI. */
export function detectBuildInfo(env: Environment): BuildInfo | undefined {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  if (get('GITHUB_ACTIONS') === 'true') {
    const server = get('GITHUB_SERVER_URL') ?? 'https://github.com';
    const repo = get('GITHUB_REPOSITORY');
    const run = get('GITHUB_RUN_ID');
    return build('github', {
      buildId: run,
      // On pull_request events GITHUB_REF_NAME is `123/merge`; the head ref is the branch.
      branch: get('GITHUB_HEAD_REF') ?? get('GITHUB_REF_NAME'),
      commit: get('GITHUB_SHA'),
      component: repo,
      url:
        repo !== undefined && run !== undefined
          ? `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}`
          : undefined,
    });
  }
  if (get('GITLAB_CI') === 'true') {
    return build('gitlab', {
      buildId: get('CI_PIPELINE_ID') ?? get('CI_JOB_ID'),
      branch: get('CI_COMMIT_REF_NAME'),
      commit: get('CI_COMMIT_SHA'),
      component: get('CI_PROJECT_PATH'),
      url: get('CI_JOB_URL'),
    });
  }
  if (get('BUILDKITE') === 'true') {
    const commit = get('BUILDKITE_COMMIT');
    return build('buildkite', {
      buildId: get('BUILDKITE_BUILD_NUMBER'),
      branch: get('BUILDKITE_BRANCH'),
      // Before checkout Buildkite may say `HEAD`, which names no commit.
      commit: commit === 'HEAD' ? undefined : commit,
      component: get('BUILDKITE_PIPELINE_SLUG'),
      url: get('BUILDKITE_BUILD_URL'),
    });
  }
  if (get('CIRCLECI') === 'true') {
    const user = get('CIRCLE_PROJECT_USERNAME');
    const repo = get('CIRCLE_PROJECT_REPONAME');
    return build('circleci', {
      buildId: get('CIRCLE_BUILD_NUM'),
      branch: get('CIRCLE_BRANCH'),
      commit: get('CIRCLE_SHA1'),
      component: repo !== undefined && user !== undefined ? `${user}/${repo}` : repo,
      url: get('CIRCLE_BUILD_URL'),
    });
  }
  // Jenkins sets no CI=true flag of its own; JENKINS_URL (or JENKINS_HOME) is always there.
  if (get('JENKINS_URL') !== undefined || get('JENKINS_HOME') !== undefined) {
    const branchName = get('BRANCH_NAME');
    let job = get('JOB_NAME');
    // A multibranch pipeline's job is `repo/branch`: the component is the repo, on every branch.
    if (job !== undefined && branchName !== undefined && job.endsWith(`/${encodeURIComponent(branchName)}`)) {
      job = job.slice(0, -encodeURIComponent(branchName).length - 1);
    } else if (job !== undefined && branchName !== undefined && job.endsWith(`/${branchName}`)) {
      job = job.slice(0, -branchName.length - 1);
    }
    const gitBranch = get('GIT_BRANCH')?.replace(/^(refs\/heads\/|origin\/)/, '');
    return build('jenkins', {
      buildId: get('BUILD_NUMBER') ?? get('BUILD_TAG'),
      branch: branchName ?? gitBranch,
      commit: get('GIT_COMMIT'),
      component: job,
      url: get('BUILD_URL'),
    });
  }
  return undefined;
}

/** Detected values with the explicit ones (`--build-id`, `--branch`, …) on top. */
export function resolveBuildInfo(env: Environment, flags: BuildInfo = {}): BuildInfo | undefined {
  const merged: BuildInfo = { ...detectBuildInfo(env) };
  for (const [k, v] of Object.entries(flags) as [keyof BuildInfo, string | undefined][]) {
    if (v !== undefined && v !== '') merged[k] = v;
  }
  return Object.keys(merged).length === 0 ? undefined : merged;
}

function build(ci: string, fields: Record<Exclude<keyof BuildInfo, 'ci'>, string | undefined>): BuildInfo {
  const info: BuildInfo = { ci };
  for (const [k, v] of Object.entries(fields) as [keyof BuildInfo, string | undefined][]) {
    if (v !== undefined) info[k] = v;
  }
  return info;
}
