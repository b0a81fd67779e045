/** Build metadata recorded with runs, and runs found by component, branch and build id (baselines). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import { migrate } from '../../../src/store/duckdb/migrations.js';
import { MIGRATIONS } from '../../../src/store/duckdb/schema.js';
import { newRun, tempDir } from './fixtures.js';

describe('build metadata on runs', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('build fields round-trip, and filters select by component, branch, build id and status', async () => {
    const store = await openDuckDbStore(join(tmp.dir, 'builds.duckdb'));
    try {
      const plain = await store.beginRun(newRun(1n));
      await plain.finish({ endedAt: 2n, summary: {}, partial: false });
      const mainApi = await store.beginRun({
        ...newRun(3n),
        build: {
          buildId: '101',
          branch: 'main',
          commit: 'abc123',
          component: 'api',
          ci: 'github',
          url: 'https://ci/101',
        },
      });
      await mainApi.finish({ endedAt: 4n, summary: {}, partial: false });
      const featureApi = await store.beginRun({
        ...newRun(5n),
        build: { buildId: '102', branch: 'feature', component: 'api' },
      });
      await featureApi.finish({ endedAt: 6n, summary: {}, partial: false });
      const crashed = await store.beginRun({
        ...newRun(7n),
        build: { buildId: '103', branch: 'main', component: 'api' },
      });
      await crashed.finish({ endedAt: 8n, summary: {}, partial: true });

      const got = await store.getRun(mainApi.runId);
      assert.deepEqual(got?.build, {
        buildId: '101',
        branch: 'main',
        commit: 'abc123',
        component: 'api',
        ci: 'github',
        url: 'https://ci/101',
      });
      assert.equal((await store.getRun(plain.runId))?.build, undefined);

      const ids = async (filter: Parameters<typeof store.listRuns>[0]): Promise<string[]> =>
        (await store.listRuns(filter)).map((r) => r.id);
      assert.deepEqual(await ids({ component: 'api', branch: 'main' }), [crashed.runId, mainApi.runId]);
      assert.deepEqual(await ids({ component: 'api', branch: 'main', completeOnly: true }), [mainApi.runId]);
      assert.deepEqual(await ids({ buildId: '102' }), [featureApi.runId]);
      assert.deepEqual(await ids({ component: 'api', excludeId: crashed.runId, limit: 1 }), [featureApi.runId]);
      assert.equal((await ids({})).length, 4);
    } finally {
      await store.close();
    }
  });

  test('a store written at schema 1 is migrated and its runs read back without build metadata', async () => {
    const path = join(tmp.dir, 'v1.duckdb');
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await migrate(conn, path, MIGRATIONS.slice(0, 1), false);
    await conn.run(
      "INSERT INTO runs (id, command, cwd, sensor, hostname, started_at, status, harrier_version, owner_pid) VALUES ('r1', ['x'], '/', 'ptrace', 'h', 1, 'complete', 'v', 1)",
    );
    conn.closeSync();
    instance.closeSync();

    const store = await openDuckDbStore(path);
    try {
      const run = await store.getRun('r1');
      assert.equal(run?.id, 'r1');
      assert.equal(run?.build, undefined);
      const next = await store.beginRun({ ...newRun(2n), build: { component: 'web' } });
      await next.finish({ endedAt: 3n, summary: {}, partial: false });
      assert.deepEqual(
        (await store.listRuns({ component: 'web' })).map((r) => r.id),
        [next.runId],
      );
    } finally {
      await store.close();
    }
  });
});
