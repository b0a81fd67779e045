/**
 * `harrier serve --rules` and `GET /api/v1/rules` over a store filled by real `harrier run`s:
 * the listed rules are the files' rules (checked against `harrier rules list --json` and the
 * YAML itself), hit counts are the store's rule findings summed, filters filter, a rule seen in
 * the store but not loaded is still listed, and a broken rules file stops serve at startup.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot, runHarrier, tempDir } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

interface ListedRuleJson {
  name: string;
  loaded: boolean;
  description?: string;
  priority?: string;
  severity: string;
  tags: string[];
  enabled?: boolean;
  source?: string;
  file?: string;
  line?: number;
  condition?: string;
  output?: string;
  hits: number;
  runs: number;
  lastHit: string | null;
}
interface RulesJson {
  rulesFiles: string[];
  counts: { loaded: number; enabled: number; loadedWithHits: number; notLoaded: number; shown: number };
  rules: ListedRuleJson[];
}
interface RulesListRow {
  rule: string;
  priority: string;
  enabled: boolean;
  source: string;
  tags: string[];
  file: string;
  desc: string;
}
interface RunJson {
  id: string;
}
interface FindingJson {
  ruleId: string;
  kind: string;
  count: number;
  lastTsNs: string;
}
interface YamlRule {
  rule: string;
  condition: string;
  tags?: string[];
  enabled?: boolean;
}

const dir = tempDir('harrier-serve-rules-');
const store = join(dir, 'runs.duckdb');
const marker = join(dir, 'marker.txt');
const defaultRules = join(repoRoot, 'rules/harrier_rules.yaml');
const customRules = join(dir, 'custom.yaml');
const MARKER_RULE = 'Test Marker Read By Cat';
const CUSTOM_TAG = 'test_marker';
/** How often each run's cat opens the marker: the marker rule's hits per run. */
const CATS_PER_RUN = [2, 1, 0];

writeFileSync(marker, 'marker\n');
writeFileSync(
  customRules,
  `- rule: ${MARKER_RULE}
  desc: cat opened the serve-rules test's marker file
  condition: evt.type in (open, openat, openat2) and evt.rawres >= 0 and proc.name = cat and fd.name = ${marker}
  output: "marker read (file=%fd.name proc=%proc.name)"
  priority: NOTICE
  tags: [${CUSTOM_TAG}, filesystem]

- rule: Test Rule Left Disabled
  desc: a rule the files define but switch off
  condition: evt.type = execve and proc.name = harrier_no_such_program
  output: "never (proc=%proc.name)"
  priority: DEBUG
  enabled: false
  tags: [${CUSTOM_TAG}]
`,
);
const customYaml = parse(readFileSync(customRules, 'utf8')) as YamlRule[];

let runIds: string[] = [];

async function rulesList(files: string[]): Promise<RulesListRow[]> {
  const r = await runHarrier(['rules', 'list', '--json', ...files]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RulesListRow[];
}

/** Every rule finding of `rule` in every stored run, through the findings API. */
async function storedFindings(server: ServerProcess, rule: string): Promise<Array<FindingJson & { runId: string }>> {
  const out: Array<FindingJson & { runId: string }> = [];
  for (const id of runIds) {
    const res = await getJson<{ findings: FindingJson[] }>(
      `${server.url}/api/v1/runs/${id}/findings?kind=rule&rule=${encodeURIComponent(rule)}`,
    );
    assert.equal(res.status, 200);
    out.push(...res.body.findings.map((f) => ({ ...f, runId: id })));
  }
  return out;
}

function rulesQuery(server: ServerProcess, query = '') {
  return getJson<RulesJson>(`${server.url}/api/v1/rules${query}`);
}

before(async () => {
  // Run 1 also reads the shadow file: a hit of a default rule, for the not-loaded case below.
  const scripts = CATS_PER_RUN.map((n, i) =>
    [
      ...Array.from({ length: n }, () => `cat ${marker} > /dev/null`),
      i === 0 ? 'cat /etc/shadow > /dev/null 2>&1' : '',
      'true',
    ]
      .filter((s) => s !== '')
      .join('; '),
  );
  for (const script of scripts) {
    const r = await runHarrier([
      'run',
      '--store',
      store,
      '--no-libc',
      '-q',
      '--rules',
      defaultRules,
      customRules,
      '--',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  const server = await startServer(['--store', store, '--no-rules']);
  try {
    const runs = await getJson<{ runs: RunJson[] }>(`${server.url}/api/v1/runs`);
    runIds = runs.body.runs.map((r) => r.id);
    assert.equal(runIds.length, CATS_PER_RUN.length);
  } finally {
    await server.stop();
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('serve --rules DEFAULT CUSTOM: the loaded rules with their hits', () => {
  let server: ServerProcess;
  let listed: RulesListRow[];
  before(async () => {
    server = await startServer(['--store', store, '--rules', defaultRules, customRules]);
    listed = await rulesList([defaultRules, customRules]);
  });
  after(async () => server?.stop());

  test('the rules are the files’ rules, as `harrier rules list` lists them', async () => {
    const res = await rulesQuery(server);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.rulesFiles, [defaultRules, customRules]);
    assert.equal(res.body.counts.loaded, listed.length);
    assert.equal(res.body.counts.enabled, listed.filter((r) => r.enabled).length);
    assert.equal(res.body.counts.notLoaded, 0, 'every rule with hits was loaded');
    assert.deepEqual(
      res.body.rules.map((r) => ({
        rule: r.name,
        priority: r.priority,
        enabled: r.enabled,
        source: r.source,
        tags: r.tags,
        file: r.file,
        line: r.line,
        desc: r.description,
      })),
      listed.map((r) => {
        const [file, line] = r.file.split(':');
        return {
          rule: r.rule,
          priority: r.priority,
          enabled: r.enabled,
          source: r.source,
          tags: r.tags,
          file,
          line: Number(line),
          desc: r.desc,
        };
      }),
    );
    assert.ok(res.body.rules.every((r) => r.loaded));
  });

  test('a custom rule carries its condition and output as written in the YAML', async () => {
    const { rules } = (await rulesQuery(server)).body;
    for (const y of customYaml) {
      const r = rules.find((x) => x.name === y.rule);
      assert.ok(r !== undefined, y.rule);
      assert.equal(r.condition, y.condition.trim());
      assert.equal(r.enabled, y.enabled ?? true);
      assert.deepEqual(r.tags, y.tags);
      assert.equal(r.file, customRules);
      const line = readFileSync(customRules, 'utf8').split('\n').indexOf(`- rule: ${y.rule}`) + 1;
      assert.equal(r.line, line);
    }
  });

  test('hits, runs and last hit are the sums of the store’s rule findings', async () => {
    const { rules } = (await rulesQuery(server)).body;
    const findings = await storedFindings(server, MARKER_RULE);
    const marked = rules.find((r) => r.name === MARKER_RULE);
    assert.ok(marked !== undefined);
    const expected = CATS_PER_RUN.reduce((a, b) => a + b, 0);
    assert.equal(
      findings.reduce((n, f) => n + f.count, 0),
      expected,
      'one alert per cat',
    );
    assert.equal(marked.hits, expected);
    assert.equal(marked.runs, CATS_PER_RUN.filter((n) => n > 0).length);
    const newest = findings.map((f) => BigInt(f.lastTsNs)).reduce((a, b) => (a > b ? a : b));
    assert.equal(marked.lastHit, newest.toString());

    // Every rule: its hits are its stored findings' counts (0 and a null last hit when none).
    for (const r of rules) {
      const own = await storedFindings(server, r.name);
      assert.equal(
        r.hits,
        own.reduce((n, f) => n + f.count, 0),
        r.name,
      );
      assert.equal(r.runs, new Set(own.map((f) => f.runId)).size, r.name);
      if (own.length === 0) assert.equal(r.lastHit, null, r.name);
    }
    const withHits = rules.filter((r) => r.hits > 0);
    assert.ok(withHits.length >= 2, 'the marker rule and the shadow read');
    assert.equal((await rulesQuery(server)).body.counts.loadedWithHits, withHits.length);
  });

  test('filters: tag, priority, enabled, q, source, hit', async () => {
    const names = async (q: string) => {
      const res = await rulesQuery(server, q);
      assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.counts.shown, res.body.rules.length);
      return res.body.rules.map((r) => r.name);
    };
    const all = listed.map((r) => r.rule);
    assert.deepEqual(
      await names(`?tag=${CUSTOM_TAG}`),
      customYaml.filter((y) => y.tags?.includes(CUSTOM_TAG)).map((y) => y.rule),
    );
    assert.deepEqual(await names(`?tag=${CUSTOM_TAG.toUpperCase()}`), await names(`?tag=${CUSTOM_TAG}`));
    const someTag = listed[0]?.tags[0] ?? '';
    assert.deepEqual(
      await names(`?tag=${encodeURIComponent(someTag)}`),
      listed.filter((r) => r.tags.includes(someTag)).map((r) => r.rule),
    );
    assert.deepEqual(
      await names('?priority=notice,debug'),
      listed.filter((r) => r.priority === 'Notice' || r.priority === 'Debug').map((r) => r.rule),
    );
    assert.deepEqual(
      await names('?priority=WARNING'),
      listed.filter((r) => r.priority === 'Warning').map((r) => r.rule),
    );
    assert.deepEqual(
      await names('?enabled=false'),
      listed.filter((r) => !r.enabled).map((r) => r.rule),
    );
    assert.deepEqual(
      await names('?enabled=true'),
      listed.filter((r) => r.enabled).map((r) => r.rule),
    );
    assert.deepEqual(await names('?q=MARKER%20READ'), [MARKER_RULE]);
    assert.deepEqual(await names('?q=switch%20off'), ['Test Rule Left Disabled'], 'q searches descriptions');
    assert.deepEqual(await names('?source=syscall'), all);
    assert.deepEqual(await names('?source=k8s_audit'), []);
    const hit = await rulesQuery(server, '?hit=true');
    assert.ok(hit.body.rules.length > 0 && hit.body.rules.every((r) => r.hits > 0));
    assert.ok(hit.body.rules.some((r) => r.name === MARKER_RULE));
    assert.equal((await names('?hit=false')).length, all.length - hit.body.rules.length);
    assert.deepEqual(await names(`?tag=${CUSTOM_TAG}&enabled=true&hit=true`), [MARKER_RULE]);
  });

  test('bad filters are JSON 400s naming the parameter', async () => {
    for (const [q, re] of [
      ['?priority=urgent', /priority=urgent: expected one or more of Emergency/],
      ['?enabled=maybe', /enabled must be boolean/],
      ['?hit=2', /hit must be boolean/],
      ['?tags=x', /must NOT have additional properties|tags/],
    ] as const) {
      const res = await getJson<{ error: { code: string; message: string } }>(`${server.url}/api/v1/rules${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.body.error.message, re, q);
    }
  });

  test('/metrics counts the loaded rules by state', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      text,
      new RegExp(`^harrier_rules_loaded\\{state="enabled"\\} ${listed.filter((r) => r.enabled).length}$`, 'm'),
    );
    assert.match(
      text,
      new RegExp(`^harrier_rules_loaded\\{state="disabled"\\} ${listed.filter((r) => !r.enabled).length}$`, 'm'),
    );
  });
});

describe('rules with hits that this server did not load', () => {
  test('serve --rules CUSTOM: the default rule that fired is listed as loaded: false', async () => {
    const server = await startServer(['--store', store, '--rules', customRules]);
    try {
      const res = await rulesQuery(server);
      assert.equal(res.body.counts.loaded, customYaml.length);
      const missing = res.body.rules.filter((r) => !r.loaded);
      assert.ok(missing.length > 0, 'the shadow read fired a default rule');
      assert.equal(res.body.counts.notLoaded, missing.length);
      const defaultNames = new Set((await rulesList([defaultRules])).map((r) => r.rule));
      for (const r of missing) {
        assert.ok(defaultNames.has(r.name), `${r.name} comes from the default rules`);
        const own = await storedFindings(server, r.name);
        assert.equal(
          r.hits,
          own.reduce((n, f) => n + f.count, 0),
        );
        assert.equal(r.runs, new Set(own.map((f) => f.runId)).size);
        assert.ok(r.hits > 0);
        assert.equal(r.enabled, undefined, 'what only the rules file could say is left out');
        assert.equal(r.condition, undefined);
      }
      // Filters only a loaded rule can match leave them out; q and hit still find them.
      const first = missing[0]?.name ?? '';
      assert.ok(!(await rulesQuery(server, '?enabled=true')).body.rules.some((r) => r.name === first));
      assert.ok((await rulesQuery(server, `?q=${encodeURIComponent(first)}`)).body.rules.some((r) => r.name === first));
    } finally {
      await server.stop();
    }
  });

  test('serve --no-rules: no rules files, and every rule with hits still listed', async () => {
    const server = await startServer(['--store', store, '--no-rules']);
    try {
      const res = await rulesQuery(server);
      assert.deepEqual(res.body.rulesFiles, []);
      assert.equal(res.body.counts.loaded, 0);
      assert.ok(res.body.rules.some((r) => r.name === MARKER_RULE && !r.loaded && r.hits > 0));
      assert.ok(res.body.rules.every((r) => !r.loaded && r.hits > 0));
    } finally {
      await server.stop();
    }
  });
});

describe('serve --rules with a broken file', () => {
  test('exit 2 at startup with the file:line:col of the error, no stack', async () => {
    const broken = join(dir, 'broken.yaml');
    const text = `- rule: Broken
  desc: d
  output: "x"
  condition: evt.type = open and proc.name === bash
  priority: WARNING
`;
    writeFileSync(broken, text);
    const line = text.split('\n').findIndex((l) => l.includes('condition:')) + 1;
    const r = await runHarrier(['serve', '--store', store, '--listen', '127.0.0.1:0', '--rules', broken]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${broken}:${line}:\\d+: error: rule 'Broken'`));
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    assert.doesNotMatch(r.stdout, /listening/);

    const unreadable = await runHarrier([
      'serve',
      '--store',
      store,
      '--listen',
      '127.0.0.1:0',
      '--rules',
      join(dir, 'nope.yaml'),
    ]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /cannot read rules file .*nope\.yaml/);
  });
});
