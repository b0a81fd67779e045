/**
 * `harrier run --server`: a run recorded on a real `harrier serve` collector, alone or beside the
 * local store, through a collector restart, and refused before the command runs when the
 * collector is unreachable or refuses the token.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarrier } from '../helpers/harrier.js';
import { getJson, startServer, type ServerProcess } from '../helpers/server.js';

const TOKEN = 'test-token-0123456789';

interface RunsBody {
  runs: Array<{ id: string; status: string; events: number; command: string[] }>;
}

describe('harrier run --server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-run-server-'));
  const tokenFile = join(dir, 'token');
  let server: ServerProcess;
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

  before(async () => {
    writeFileSync(tokenFile, `${TOKEN}\n`);
    server = await startServer(['--store', join(dir, 'collector.duckdb'), '--create', '--token-file', tokenFile]);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a run goes to the collector and the local store alike: same events, same findings', async () => {
    const local = join(dir, 'local.duckdb');
    const r = await runHarrier(
      [
        'run',
        '--store',
        local,
        '--server',
        server.url,
        '--token-file',
        tokenFile,
        '--no-libc',
        '-q',
        '--json',
        join(dir, 'summary.json'),
        '--',
        'cat',
        '/etc/shadow',
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
      runId: string;
      totals: { events: number };
    };
    const runs = (await getJson<RunsBody>(`${server.url}/api/v1/runs`, auth)).body.runs;
    const remote = runs.find((x) => x.command.join(' ') === 'cat /etc/shadow');
    assert.ok(remote, JSON.stringify(runs));
    assert.equal(remote.status, 'complete');
    assert.equal(remote.events, summary.totals.events);
    const findings = (
      await getJson<{ findings: Array<{ ruleId: string }> }>(`${server.url}/api/v1/runs/${remote.id}/findings`, auth)
    ).body.findings;
    const shown = await runHarrier(['report', summary.runId, '--store', local, '--report', 'json'], { cwd: dir });
    const localFindings = (JSON.parse(shown.stdout) as { findings: Array<{ ruleId: string }> }).findings;
    assert.ok(localFindings.length > 0);
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), localFindings.map((f) => f.ruleId).sort());

    // The run reported its rule evaluation with its batches: every event it recorded was evaluated.
    const metrics = await (await fetch(`${server.url}/metrics`, auth)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.equal(value('harrier_rule_evaluated_events_total'), summary.totals.events, metrics);
    assert.ok(value('harrier_rule_evaluation_seconds_total') > 0);
  });

  test('a collector restarted mid-run loses nothing it acknowledged and stores nothing twice', async () => {
    const store = join(dir, 'restart.duckdb');
    let own = await startServer(['--store', store, '--create']);
    const port = new URL(own.url).port;
    // 40 reads a tenth of a second apart: batches go out every second while the run goes on.
    const script = 'for i in $(seq 1 40); do cat /etc/hostname >/dev/null; sleep 0.1; done';
    const run = runHarrier(
      ['run', '--no-store', '--server', own.url, '--no-libc', '-q', '--json', '--', 'sh', '-c', script],
      { cwd: dir },
    );
    // Kill it once the run is there and its first batches are stored: mid-run, not before it.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const runs = (await getJson<RunsBody>(`${own.url}/api/v1/runs`)).body.runs;
      if ((runs[0]?.events ?? 0) > 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await own.stop('SIGKILL');
    own = await startServer(['--store', store, '--listen', `127.0.0.1:${port}`], {}, 30_000).catch(async () =>
      // The port can linger for a moment after a kill; the client keeps retrying meanwhile.
      startServer(['--store', store, '--listen', `127.0.0.1:${port}`]),
    );
    try {
      const r = await run;
      assert.equal(r.code, 0, r.stderr);
      const events = (JSON.parse(r.stdout) as { totals: { events: number } }).totals.events;
      const runs = (await getJson<RunsBody>(`${own.url}/api/v1/runs`)).body.runs;
      assert.equal(runs.length, 1, JSON.stringify(runs));
      assert.equal(runs[0]?.status, 'complete');
      assert.equal(runs[0]?.events, events, 'every event exactly once');
    } finally {
      await own.stop();
    }
  });

  test('an unreachable collector or a wrong token fails before the command runs (exit 2)', async () => {
    const marker = join(dir, 'ran');
    const down = await runHarrier(['run', '--no-store', '--server', 'http://127.0.0.1:9', '--', 'touch', marker], {
      cwd: dir,
    });
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot reach the collector at http:\/\/127\.0\.0\.1:9/);
    assert.equal(existsSync(marker), false);

    const wrong = join(dir, 'wrong-token');
    writeFileSync(wrong, 'not-the-token\n');
    const refused = await runHarrier(
      ['run', '--no-store', '--server', server.url, '--token-file', wrong, '--', 'touch', marker],
      { cwd: dir },
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refused the token/);
    assert.equal(existsSync(marker), false);

    for (const url of ['collector:7777', 'ftp://127.0.0.1:9']) {
      const bad = await runHarrier(['run', '--no-store', '--server', url, '--', 'touch', marker], { cwd: dir });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /is not an http:\/\/ or https:\/\/ URL/);
      assert.doesNotMatch(bad.stderr, /internal error|\n\s+at /);
      assert.equal(existsSync(marker), false);
    }
  });
});
