/**
 * The rules commands end to end: validating files (errors located at file:line:col, exit 1),
 * alerts from `harrier run --rules`, offline `harrier replay`, and `harrier monitor` reloading
 * rules on SIGHUP while keeping the old ones when the new file is broken.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../src/report/summary.js';
import { harrierBin, readJson, repoRoot, runHarrier, tempDir } from '../helpers/harrier.js';
import { sensorsUnderTest } from '../helpers/sensors.js';

const falcoRules = join(repoRoot, '../shared/peer-data/falco-rules/falco_rules.yaml');

const READ_HOSTNAME_RULE = `
- rule: Hostname read
  desc: a test rule
  condition: evt.type in (open, openat) and fd.name = /etc/hostname and evt.is_open_read = true
  output: "hostname read by %proc.name (parent %proc.pname, fd %fd.name)"
  priority: NOTICE
  tags: [test, mitre_discovery]
`;

function rulesFile(text: string): string {
  const path = join(tempDir(), 'rules.yaml');
  writeFileSync(path, text);
  return path;
}

describe('harrier rules validate', () => {
  test("Falco's stable rules load and compile with no errors", async (t) => {
    if (!existsSync(falcoRules)) return t.skip(`peer data not found at ${falcoRules}`);
    const r = await runHarrier(['rules', 'validate', '--json', falcoRules]);
    assert.equal(r.code, 0, r.stdout);
    const out = JSON.parse(r.stdout) as { ok: boolean; rules: number; errors: unknown[] };
    assert.equal(out.ok, true);
    assert.equal(out.rules, 25);
    assert.deepEqual(out.errors, []);
  });

  test('a bad condition is an error at its file:line:col, exit 1', async () => {
    const file = rulesFile(`- rule: Broken
  desc: d
  condition: evt.type = open and proc.name === bash
  output: "x"
  priority: WARNING
`);
    const r = await runHarrier(['rules', 'validate', file]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      new RegExp(`^${file}:3:\\d+: error: rule 'Broken': .*\\[LOAD_ERR_COMPILE_CONDITION\\]`, 'm'),
    );
    assert.match(r.stdout, /1 error\(s\)/);
  });

  test('an unknown field and an unknown macro are errors naming them', async () => {
    const file = rulesFile(`- rule: Unknown field
  desc: d
  condition: evt.type = open and proc.nosuchfield = x
  output: "x"
  priority: WARNING
- rule: Unknown macro
  desc: d
  condition: evt.type = open and no_such_macro
  output: "x"
  priority: WARNING
`);
    const r = await runHarrier(['rules', 'validate', file]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`${file}:3:\\d+: error: .*proc\\.nosuchfield`));
    assert.match(r.stdout, new RegExp(`${file}:8:\\d+: error: .*no_such_macro`));
  });

  test('malformed YAML is located, and a missing file is a clear error', async () => {
    const file = rulesFile('- rule: x\n  desc: [unclosed\n');
    const bad = await runHarrier(['rules', 'validate', file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, new RegExp(`^${file}:\\d+:\\d+: error: .*\\[LOAD_ERR_YAML_PARSE\\]`, 'm'));
    const missing = await runHarrier(['rules', 'validate', '/nonexistent/rules.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^harrier: cannot read rules file \/nonexistent\/rules\.yaml/);
    assert.doesNotMatch(missing.stderr, /at .*\.js:\d+/);
  });
});

describe('alerts from rules', () => {
  test('harrier run --rules: the alert is in the summary as Falco JSON, every matching rule fires', async () => {
    const file = rulesFile(
      READ_HOSTNAME_RULE +
        `
- rule: Any open of hostname
  desc: a second rule matching the same event
  condition: evt.type = openat and fd.name = /etc/hostname
  output: "opened %fd.name"
  priority: INFO
`,
    );
    const out = join(tempDir(), 's.json');
    const r = await runHarrier([
      'run',
      '--rules',
      file,
      '--no-store',
      '--json',
      out,
      '--',
      'sh',
      '-c',
      'cat /etc/hostname; cat /etc/hostname',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = readJson<RunSummary>(out);
    assert.deepEqual(
      s.alerts.map((a) => [a.rule, a.priority, a.count]),
      [
        ['Hostname read', 'Notice', 2],
        ['Any open of hostname', 'Informational', 2],
      ],
    );
    const first = s.alerts[0]?.first as {
      time: string;
      output: string;
      output_fields: Record<string, unknown>;
      tags: string[];
      rule: string;
    };
    assert.equal(first.rule, 'Hostname read');
    assert.deepEqual(first.tags, ['mitre_discovery', 'test']);
    assert.equal(first.output_fields['proc.name'], 'cat');
    assert.equal(first.output_fields['proc.pname'], 'sh');
    assert.equal(first.output_fields['fd.name'], '/etc/hostname');
    // evt.time is nanoseconds beyond 2^53: kept exact as a decimal string, not a rounded number.
    const evtTime = first.output_fields['evt.time'];
    assert.equal(typeof evtTime, 'string');
    assert.ok(Math.abs(Number(BigInt(evtTime as string) / 1_000_000n) - Date.now()) < 120_000);
    assert.equal(
      first.time,
      new Date(Number(BigInt(evtTime as string) / 1_000_000n)).toISOString().slice(0, 23) + first.time.slice(23),
    );
    assert.match(
      first.output,
      /^\d\d:\d\d:\d\d\.\d{9}: Notice hostname read by cat \(parent sh, fd \/etc\/hostname\)$/,
    );
    assert.match(r.stderr, /Alerts \(4 from 2 rules\)/);

    // The same alerts land in the store's findings table.
    const store = join(tempDir(), 'h.duckdb');
    const stored = await runHarrier(['run', '--rules', file, '--store', store, '-q', '--', 'cat', '/etc/hostname']);
    assert.equal(stored.code, 0, stored.stderr);
    const { openDuckDbStore } = await import('../../src/store/duckdb/index.js');
    const db = await openDuckDbStore(store, { readOnly: true });
    try {
      const run = await db.getRun('last');
      assert.ok(run);
      const findings = await db.findings(run.id);
      assert.deepEqual(
        findings.map((f) => [f.kind, f.ruleId, f.severity, f.count]),
        [
          ['rule', 'Hostname read', 'low', 1],
          ['rule', 'Any open of hostname', 'info', 1],
        ],
      );
      assert.match(findings[0]?.message ?? '', /^hostname read by cat/);
    } finally {
      await db.close();
    }

    const firstOnly = await runHarrier([
      'run',
      '--rules',
      file,
      '--rule-matching',
      'first',
      '--no-store',
      '--json',
      out,
      '--',
      'cat',
      '/etc/hostname',
    ]);
    assert.equal(firstOnly.code, 0, firstOnly.stderr);
    assert.deepEqual(
      readJson<RunSummary>(out).alerts.map((a) => a.rule),
      ['Hostname read'],
    );
  });

  test('rules that do not load stop harrier run before the command starts', async () => {
    const file = rulesFile('- rule: x\n  desc: d\n  condition: evt.type = open and (\n  output: o\n  priority: INFO\n');
    const marker = join(tempDir(), 'ran');
    const r = await runHarrier(['run', '--rules', file, '--no-store', '--', 'touch', marker]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^harrier: the rules do not load \(1 error\):\n {2}.*rules\.yaml:3:\d+: error:/);
    assert.equal(existsSync(marker), false);
  });

  test('harrier replay evaluates recorded events offline and skips malformed lines', async () => {
    const dir = tempDir();
    const events = join(dir, 'e.ndjson');
    const r = await runHarrier([
      'run',
      '--no-rules',
      '--no-store',
      '-q',
      '--events',
      events,
      '--',
      'cat',
      '/etc/hostname',
    ]);
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(events, readFileSync(events, 'utf8') + 'not json\n');
    const file = rulesFile(READ_HOSTNAME_RULE);
    const replay = await runHarrier(['replay', events, '--rules', file, '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    const alerts = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule: string; priority: string; source: string });
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.priority, a.source]),
      [['Hostname read', 'Notice', 'syscall']],
    );
    assert.match(replay.stderr, /e\.ndjson:\d+: skipped a malformed event: not JSON/);
    assert.match(replay.stderr, /1 alerts from 1 rules · 1 malformed line\(s\) skipped/);
  });
});

describe('harrier monitor with rules', () => {
  test('alerts as Falco JSON lines; SIGHUP reloads; a broken file keeps the old rules', async (t) => {
    if (!sensorsUnderTest().includes('ebpf'))
      return t.skip('the eBPF sensor cannot run here (needs root and a built probe)');
    const dir = tempDir();
    const rules = join(dir, 'rules.yaml');
    const alertsFile = join(dir, 'alerts.json');
    const marker = join(dir, 'marker-file');
    writeFileSync(marker, 'x');
    const ruleFor = (name: string) => `
- rule: ${name}
  desc: d
  condition: evt.type in (open, openat) and fd.name = ${marker}
  output: "${name} %fd.name by %proc.name"
  priority: WARNING
`;
    writeFileSync(rules, ruleFor('First version'));
    const child = spawn(
      process.execPath,
      [harrierBin, 'monitor', '--no-store', '--rules', rules, '--alerts-file', alertsFile, '--dedup-window', '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const waitFor = async (what: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(what(), stderr);
    };
    const alerts = () =>
      existsSync(alertsFile)
        ? readFileSync(alertsFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { rule: string })
        : [];
    const touch = () => spawn('cat', [marker], { stdio: 'ignore' });

    // Touches the marker until the alert shows: on a loaded machine the probe may attach late.
    const touchUntil = async (what: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!what() && Date.now() < deadline) {
        touch();
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(what(), stderr);
    };

    try {
      await waitFor(() => stderr.includes('watching the host'));
      await touchUntil(() => alerts().some((a) => a.rule === 'First version'));

      writeFileSync(rules, ruleFor('Second version'));
      child.kill('SIGHUP');
      await waitFor(() => stderr.includes('rules reloaded'));
      await touchUntil(() => alerts().some((a) => a.rule === 'Second version'));

      writeFileSync(rules, '- rule: broken\n  condition: (\n');
      child.kill('SIGHUP');
      await waitFor(() => stderr.includes('rules not reloaded, keeping the previous ones'));
      const before = alerts().filter((a) => a.rule === 'Second version').length;
      await touchUntil(() => alerts().filter((a) => a.rule === 'Second version').length > before);

      child.kill('SIGINT');
      assert.equal(await closed, 0, stderr);
    } finally {
      // A failed assertion must not leave a host monitor (and its probe) running.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
