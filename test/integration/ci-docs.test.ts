/**
 * docs/ci.md, executed: every `harrier ...` command in its fenced code blocks runs through the
 * real CLI in a temporary git checkout, in the order the page gives them, with the shell variable
 * assignments of the same script before it (`BASELINE=$(...)`). `make test` / `npm test` become a
 * small C program with one high-severity finding; absolute paths become temporary ones. Every
 * option the page names must exist, every command must exit as the page says, and every report it
 * names must be written. The page is not edited to fit: a failure here means the docs are wrong.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import type { JsonReport } from '../../src/findings/json-report.js';
import { harrierBin, repoRoot, runHarrier, tempDir } from '../helpers/harrier.js';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'gcc is not installed: the fixture program cannot be built';

const docPath = join(repoRoot, 'docs/ci.md');
const doc = readFileSync(docPath, 'utf8');

/** The stand-in for the project's tests: one strcpy, a high-severity code-execution risk. */
const FIXTURE = `#include <stdio.h>
#include <string.h>

static void copy_name(char *dst, const char *src) {
  strcpy(dst, src);
}

int main(void) {
  char buf[32];
  copy_name(buf, "fixture");
  puts(buf);
  return 0;
}
`;

/** CI variables of whatever runs this suite must not leak into the commands. */
const CLEAN_ENV: NodeJS.ProcessEnv = {
  GITHUB_ACTIONS: '',
  GITHUB_STEP_SUMMARY: '',
  GITLAB_CI: '',
  BUILDKITE: '',
  CIRCLECI: '',
  JENKINS_URL: '',
  JENKINS_HOME: '',
};

interface DocProblem {
  /** The command as the page writes it, without its comment. */
  command: string;
  exit: number;
  stderr: RegExp;
  why: string;
}

/**
 * Commands on the page that cannot work as written, reported for the page to be fixed. Each is
 * asserted to fail exactly so, and to be on the page: fixing the page fails the test until its
 * entry is removed here, so the list cannot go stale.
 */
const KNOWN_DOC_PROBLEMS: DocProblem[] = [];

interface DocCommand {
  /** The command as the page writes it (continuations joined). */
  text: string;
  /** Variable assignments that precede it in the same script. */
  assignments: string[];
  /** Where it is on the page, for messages. */
  block: number;
}

interface Fence {
  lang: string;
  body: string;
}

function fences(markdown: string): Fence[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
}

/** Every string value (not key) in a parsed YAML document. */
function yamlValues(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(yamlValues);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(yamlValues);
  return [];
}

/** Shell logical lines: backslash-newline continuations joined, blank lines dropped. */
function logicalLines(script: string): string[] {
  return script
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A synopsis (`[--report FORMAT[:PATH]]...`), not a command to run. */
const isSynopsis = (line: string) => /\[--|COMMAND\.\.\./.test(line);

function docCommands(markdown: string): { commands: DocCommand[]; synopses: string[] } {
  const commands: DocCommand[] = [];
  const synopses: string[] = [];
  fences(markdown).forEach((f, block) => {
    // A YAML file's scripts are its string values; keys (`harrier:` the job name) are not commands.
    const scripts = f.lang === 'yaml' || f.lang === 'yml' ? yamlValues(parseYaml(f.body)) : [f.body];
    for (const script of scripts) {
      const assignments: string[] = [];
      for (const line of logicalLines(script)) {
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) assignments.push(line);
        else if (/^harrier\s/.test(line)) {
          if (isSynopsis(line)) synopses.push(line);
          else commands.push({ text: line, assignments: [...assignments], block });
        }
      }
    }
  });
  return { commands, synopses };
}

/** `make test` / `npm test` → the fixture; absolute paths → under DIR. */
function localise(command: string, dir: string): string {
  return command
    .replace(/\b(?:make|npm) test\b/g, './fixture')
    .replace(/(^|\s)(\/[^\s'"]+)/g, (_m, pre: string, path: string) => `${pre}${join(dir, 'abs', basename(path))}`);
}

/** Option values of FLAG in a shell command line (`--report a --report b` → [a, b]). */
function optionValues(words: string[], flag: string): string[] {
  return words.flatMap((w, i) => (w === flag && words[i + 1] !== undefined ? [words[i + 1]!] : []));
}

/** The `--flags` a help text lists. */
async function helpFlags(sub: string): Promise<Set<string>> {
  const r = await runHarrier([sub, '--help']);
  assert.equal(r.code, 0, r.stderr);
  return new Set([...r.stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
}

/** The words bash makes of COMMAND after ASSIGNMENTS (so `$BASELINE` expands as in CI). */
function shellWords(assignments: string[], command: string, cwd: string): string[] {
  const script = `${assignments.join('\n')}\nprintf '%s\\n' ${command}`;
  const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8' });
  return r.stdout.split('\n').filter((w) => w !== '');
}

function assertReportFile(path: string, format: string): void {
  assert.ok(existsSync(path), `the docs' command should have written ${path}`);
  const text = readFileSync(path, 'utf8');
  switch (format) {
    case 'json':
      assert.equal((JSON.parse(text) as JsonReport).schema, 'harrier-report');
      break;
    case 'sarif':
      assert.equal((JSON.parse(text) as { version: string }).version, '2.1.0');
      break;
    case 'junit':
      assert.ok(new XMLParser().parse(text).testsuites, `${path} is not JUnit XML`);
      break;
    case 'html':
      assert.match(text, /^<!doctype html>/i);
      break;
    default:
      assert.ok(text.length > 0, `${path} is empty`);
  }
}

describe('docs/ci.md, run as written', { skip }, () => {
  const { commands, synopses } = docCommands(doc);
  let dir: string;
  let binDir: string;

  before(() => {
    dir = tempDir('harrier-docs-');
    execFileSync('git', ['init', '-q', dir]);
    mkdirSync(join(dir, 'abs'));
    writeFileSync(join(dir, 'fixture.c'), FIXTURE);
    execFileSync('gcc', ['-g', '-O0', '-fno-builtin', '-o', join(dir, 'fixture'), join(dir, 'fixture.c')]);
    // `harrier` on PATH, as an installed one would be.
    binDir = tempDir('harrier-bin-');
    writeFileSync(join(binDir, 'harrier'), `#!/bin/sh\nexec '${process.execPath}' '${harrierBin}' "$@"\n`);
    chmodSync(join(binDir, 'harrier'), 0o755);
  });

  test('the page has the commands this test expects to find (the extraction works)', () => {
    const runs = commands.filter((c) => /^harrier run\s/.test(c.text));
    // GitHub Actions, GitLab CI, Jenkins, the persistent store; and the store's diff.
    assert.ok(runs.length >= 4, JSON.stringify(commands, null, 2));
    assert.ok(commands.some((c) => /^harrier diff\s/.test(c.text)));
    assert.ok(synopses.length >= 1);
    assert.ok(
      commands.every((c) => c.text.includes('harrier')),
      'every extracted line is a harrier command',
    );
  });

  test("every option the page names is one the command's --help lists", async () => {
    const known = new Map<string, Set<string>>();
    const flagsOf = async (sub: string) => known.get(sub) ?? known.set(sub, await helpFlags(sub)).get(sub)!;
    // Commands in fences and in inline code (`harrier report RUN --report ...`).
    const inline = [...doc.matchAll(/`(harrier [^`]+)`/g)].map((m) => m[1]!);
    const lines = [...commands.map((c) => c.text), ...synopses, ...inline];
    // The options table documents `harrier run`.
    const table = [...doc.matchAll(/^\| `(--[^|]+)\|/gm)].map((m) => `harrier run ${m[1]!.replace(/[`,]/g, ' ')}`);
    for (const line of [...lines, ...table]) {
      const sub = /^harrier ([a-z]+)/.exec(line)?.[1];
      assert.ok(sub, line);
      const flags = await flagsOf(sub);
      for (const flag of line.split(' -- ')[0]!.match(/--[a-z][a-z-]*/g) ?? []) {
        assert.ok(
          flags.has(flag),
          `docs/ci.md names \`harrier ${sub} ${flag}\`, which \`harrier ${sub} --help\` does not list: ${line}`,
        );
      }
    }
  });

  test('every command exits as documented and writes the reports it names', async () => {
    // The stores the commands have written runs to (for `--baseline last`).
    const storesWithRuns = new Set<string>();
    const knownSeen = new Set<DocProblem>();
    // The page's commands in order, then the blocks that compare with the store's `last` once
    // more: the next build, which has an earlier run to compare with.
    const rerun = commands.filter((c) => commands.some((o) => o.block === c.block && /--baseline last\b/.test(o.text)));
    for (const [pass, c] of [...commands.map((c) => [1, c] as const), ...rerun.map((c) => [2, c] as const)]) {
      const command = localise(c.text, dir);
      // What the CI step before the script does: the last build's harrier.json is the baseline.
      if (existsSync(join(dir, 'harrier.json'))) {
        mkdirSync(join(dir, 'baseline'), { recursive: true });
        copyFileSync(join(dir, 'harrier.json'), join(dir, 'baseline/harrier.json'));
      }
      const words = shellWords(c.assignments, command, dir);
      const sub = words[1];
      const store = optionValues(words, '--store')[0];
      const baseline = optionValues(words, '--baseline')[0];
      // The fixture's one high finding fails any `new:` gate when there is nothing to compare
      // with: no --baseline, or `last` in a store with no earlier run. That is the documented
      // behaviour, so exit 1 then; otherwise the finding is unchanged and the gate passes.
      const nothingToCompare =
        baseline === undefined || (baseline === 'last' && (store === undefined || !storesWithRuns.has(store)));
      const gated = optionValues(words, '--fail-on').some((p) => p !== 'none');
      const expected = sub === 'run' && gated && nothingToCompare ? 1 : 0;

      const r = spawnSync('bash', ['-c', [...c.assignments, command].join('\n')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...CLEAN_ENV, PATH: `${binDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1' },
        timeout: 60_000,
      });
      const where = `docs/ci.md block ${c.block}, pass ${pass}: ${c.text}\n(as run: ${command})\n${r.stderr}`;
      const known = KNOWN_DOC_PROBLEMS.find((k) => c.text.replace(/\s+#.*$/, '') === k.command);
      if (known !== undefined) {
        // Still broken as reported; once the page is fixed this fails until the entry goes.
        knownSeen.add(known);
        assert.equal(r.status, known.exit, where);
        assert.match(r.stderr, known.stderr, where);
        continue;
      }
      assert.equal(r.status, expected, where);
      if (sub === 'run' && store !== undefined) storesWithRuns.add(store);

      for (const spec of optionValues(words, '--report')) {
        const colon = spec.indexOf(':');
        if (colon >= 0) assertReportFile(join(dir, spec.slice(colon + 1)), spec.slice(0, colon));
        else if (spec === 'markdown') assert.match(r.stdout, /^## Harrier/m, `${where}: markdown on stdout`);
      }
      if (sub === 'diff') assert.match(r.stdout, /\d+ new, \d+ fixed, \d+ unchanged/, where);
    }
    assert.deepEqual(
      KNOWN_DOC_PROBLEMS.filter((k) => !knownSeen.has(k)).map((k) => k.command),
      [],
      'a known doc problem is no longer on the page: remove it from KNOWN_DOC_PROBLEMS',
    );
    assert.ok(storesWithRuns.size > 0, 'the page shows a persistent store');

    // What the broken diff line needs: the store the runs went to. Two runs are in it by now.
    for (const s of storesWithRuns) {
      const r = await runHarrier(['diff', 'last~1', 'last', '--store', s], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /0 new, 0 fixed, 1 unchanged/);
    }
  });
});
