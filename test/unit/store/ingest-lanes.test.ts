import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { IngestLanes } from '../../../src/store/duckdb/ingest-lanes.js';

test('two tasks run at once on two connections; a third waits for a lane', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const lanes = new IngestLanes(instance, 2);
  let running = 0;
  let most = 0;
  const seen = new Set<DuckDBConnection>();
  await Promise.all(
    [1, 2, 3, 4].map(() =>
      lanes.run(async (conn) => {
        seen.add(conn);
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      }),
    ),
  );
  assert.equal(most, 2);
  assert.equal(seen.size, 2, 'connections are reused');
  lanes.close();
  instance.closeSync();
});

test('a connection whose task failed is not reused: a transaction left open does not break the lane', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const lanes = new IngestLanes(instance, 1);
  let broken: DuckDBConnection | undefined;
  const failing = lanes.run(async (conn) => {
    broken = conn;
    await conn.run('BEGIN TRANSACTION');
    await new Promise((r) => setTimeout(r, 20));
    throw new Error('the task failed before it could roll back');
  });
  // Queued behind the failing task (one lane): it must get a connection it can use.
  const waiter = lanes.run(async (conn) => {
    await conn.run('BEGIN TRANSACTION');
    await conn.run('COMMIT');
    return conn;
  });
  await assert.rejects(failing, /failed before/);
  const served = await waiter;
  assert.ok(broken !== undefined);
  assert.notEqual(served, broken);
  assert.equal(await lanes.run(async (conn) => conn), served, 'the new connection is reused');
  lanes.close();
  instance.closeSync();
});
