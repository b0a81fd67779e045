/**
 * NDJSON batches stored by DuckDB's own JSON reader (appendNdjsonBatch) against the JavaScript
 * codec's path (parseEventBatch + appendBatch), on a real store: the same rows, line order kept,
 * odd-but-valid lines handed to the codec, bad lines storing nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventToJson } from '../../../src/events/json.js';
import { parseEventBatch } from '../../../src/server/ingest-codec.js';
import { openDuckDbStore } from '../../../src/store/duckdb/index.js';
import type { EventRow, Store, StoredEvent } from '../../../src/store/store.js';
import { newRun, sampleEvents, tempDir } from './fixtures.js';

const tmp = tempDir();
let store: Store;
let fileNo = 0;

function batchFile(body: string): string {
  const file = join(tmp.dir, `batch-${fileNo++}.ndjson`);
  writeFileSync(file, body);
  return file;
}

function line(e: StoredEvent): string {
  return JSON.stringify({ ...eventToJson(e.event), path: e.path, path2: e.path2, endpoint: e.endpoint });
}

async function rows(runId: string): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for await (const r of store.searchEvents({ runId, limit: 1_000_000 })) out.push(r);
  return out;
}

/** Stores `body` through the DuckDB path (failing the test if it falls back) and through the codec's. */
async function bothWays(body: string, fallbackExpected = false): Promise<{ fast: EventRow[]; js: EventRow[] }> {
  const fast = await store.beginRun(newRun(1n));
  let parsed = false;
  const result = await fast.appendNdjsonBatch('b', batchFile(body), {
    lines: body.split('\n').length,
    maxEvents: 200_000,
    parse: () => {
      parsed = true;
      return parseEventBatch(body);
    },
  });
  assert.equal(parsed, fallbackExpected, fallbackExpected ? 'the codec should have decided' : 'DuckDB refused it');
  const js = await store.beginRun(newRun(2n));
  const events = parseEventBatch(body);
  await js.appendBatch('b', events);
  assert.equal(result.stored, events.length);
  await fast.flush();
  await js.flush();
  return { fast: await rows(fast.runId), js: await rows(js.runId) };
}

before(async () => {
  store = await openDuckDbStore(join(tmp.dir, 'ndjson.duckdb'));
});

after(async () => {
  await store.close();
  tmp.cleanup();
});

describe('NDJSON batches read by DuckDB', () => {
  test('store exactly what the codec path stores: every field, bigint args, unicode, blank lines', async () => {
    const odd = [
      // A bigint arg, a negative one, unicode and escapes in args and context, an errno, truncated.
      '{"ts":"1700000000000000001","source":"ebpf","type":"read","pid":7,"tid":8,"res":-11,"errno":"EAGAIN",' +
        '"args":{"fd":{"fd":3},"size":{"$bigint":"18446744073709551615"},"neg":{"$bigint":"-5"},' +
        '"s":"é 日本 \\u2028 \\"q\\" \\\\ \\n\\t \\u0001 \\ud83d\\ude00 \\/","deep":{"a":[1,{"b":[true,null]}]}},' +
        '"path":"/tmp/é \\"x\\"","truncated":true}',
      // Key order kept, numbers in other spellings, truncated false (not stored), path2/endpoint.
      '{"ts":"2","source":"libc","type":"rename","pid":1,"tid":1,"args":{"z":1.0,"a":1e3,"m":0.1,"n":12345678901234567890},' +
        '"path":"/a","path2":"/b","endpoint":"10.0.0.1:443","truncated":false,"res":0}',
      // Not-string errno and non-number res are ignored by the codec; unknown keys too.
      '{"ts":"3","source":"ptrace","type":"close","pid":-1,"tid":2147483647,"errno":5,"res":"x","extra":{"a":1},"args":{}}',
    ];
    const body = [...sampleEvents().map(line), '', ...odd, '   ', ''].join('\n');
    const { fast, js } = await bothWays(body);
    assert.equal(fast.length, sampleEvents().length + odd.length);
    assert.deepEqual(fast, js);
    // The bigint came back as one, not as its wrapper.
    const read = fast.find((r) => r.event.type === 'read');
    assert.equal(read?.event.args.size, 18446744073709551615n);
    assert.equal(read?.event.args.neg, -5n);
  });

  test('keeps line order over a 50,000-line batch', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 50_000; i++) {
      // Lines of varying length, so the reader's buffers split them at different places.
      lines.push(
        JSON.stringify({
          ts: String(i),
          source: 'ebpf',
          type: i % 2 ? 'openat' : 'close',
          pid: i,
          tid: i,
          args: { pad: 'x'.repeat(i % 301) },
        }),
      );
      if (i % 997 === 0) lines.push('');
    }
    const writer = await store.beginRun(newRun(3n));
    await writer.appendBatch('first', parseEventBatch(lines.slice(0, 3).join('\n')));
    const result = await writer.appendNdjsonBatch('big', batchFile(lines.join('\n')), {
      lines: lines.length,
      maxEvents: 200_000,
      parse: () => assert.fail('DuckDB refused the batch'),
    });
    assert.deepEqual(
      { stored: result.stored, total: result.total, duplicate: result.duplicate },
      { stored: 50_000, total: 50_003, duplicate: false },
    );
    assert.deepEqual(
      result.counts.sort((a, b) => a.type.localeCompare(b.type)),
      [
        { type: 'close', source: 'ebpf', events: 25_000 },
        { type: 'openat', source: 'ebpf', events: 25_000 },
      ],
    );
    const stored = await rows(writer.runId);
    assert.equal(stored.length, 50_003);
    stored.slice(3).forEach((r, i) => {
      if (r.seq !== i + 4 || r.event.ts !== BigInt(i + 1)) {
        assert.fail(`seq ${r.seq} holds line ${r.event.ts}, expected line ${i + 1}`);
      }
    });
    // The same batch id again stores nothing.
    const again = await writer.appendNdjsonBatch('big', batchFile(lines.join('\n')), {
      lines: lines.length,
      maxEvents: 200_000,
      parse: () => assert.fail('a duplicate is not parsed'),
    });
    assert.deepEqual(again, { duplicate: true, stored: 0, total: 50_003, counts: [] });
  });

  test('lines valid for the codec but not in canonical form go to the codec, stored as it stores them', async () => {
    for (const variant of [
      // Only the args' bigint wrapper with a second key (the codec's reviver takes the bigint).
      '"pid":1,"tid":2',
      '"pid":1.0,"tid":2',
      '"pid":1,"tid":2,"res":1e2',
      '"pid":1,"tid":2,"ts":"5","ts":"6"',
      '"pid":1,"tid":2,"type":"\\u006fpen"',
    ]) {
      const body = [
        line(sampleEvents()[0] as StoredEvent),
        `{"ts":"9","source":"ebpf","type":"x",${variant},"args":{"a":{"$bigint":"7","other":1}}}`,
      ].join('\n');
      const { fast, js } = await bothWays(body, true);
      assert.deepEqual(fast, js, variant);
    }
  });

  test('a batch with a bad line stores nothing and is not remembered', async () => {
    const writer = await store.beginRun(newRun(4n));
    const good = line(sampleEvents()[0] as StoredEvent);
    const bad = [good, good, '{"ts":12,"source":"ebpf","type":"x","pid":1,"tid":1,"args":{}}', good].join('\n');
    await assert.rejects(
      writer.appendNdjsonBatch('b', batchFile(bad), {
        lines: 4,
        maxEvents: 200_000,
        parse: () => parseEventBatch(bad),
      }),
      /line 3: "ts" must be a decimal string/,
    );
    assert.deepEqual(await rows(writer.runId), []);
    const ok = await writer.appendNdjsonBatch('b', batchFile(good), {
      lines: 1,
      maxEvents: 200_000,
      parse: () => assert.fail('DuckDB refused a good line'),
    });
    assert.equal(ok.stored, 1);
    assert.deepEqual(
      (await rows(writer.runId)).map((r) => r.seq),
      [1],
    );
  });

  test('more lines than maxEvents go to the codec', async () => {
    const writer = await store.beginRun(newRun(5n));
    const good = line(sampleEvents()[0] as StoredEvent);
    let parsed = false;
    await assert.rejects(
      writer.appendNdjsonBatch('b', batchFile([good, good, good].join('\n')), {
        lines: 3,
        maxEvents: 2,
        parse: () => {
          parsed = true;
          throw new Error('batch has more than 2 events');
        },
      }),
      /more than 2/,
    );
    assert.ok(parsed);
    assert.deepEqual(await rows(writer.runId), []);
  });
});

describe('NDJSON batches side by side (the ingest lanes)', () => {
  /** `n` lines whose ts is `from`, `from + 1`, …: a batch's place in the run shows in its events. */
  function numbered(from: number, n: number, pad = 0): string {
    return Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ts: String(from + i),
        source: 'ebpf',
        type: 'openat',
        pid: 1,
        tid: 1,
        args: { pad: 'x'.repeat(pad) },
      }),
    ).join('\n');
  }

  function send(writer: Awaited<ReturnType<Store['beginRun']>>, id: string, body: string) {
    return writer.appendNdjsonBatch(id, batchFile(body), {
      lines: body.split('\n').length,
      maxEvents: 200_000,
      parse: () => parseEventBatch(body),
    });
  }

  test('batches sent together keep their arrival order, however their inserts finish', async () => {
    const writer = await store.beginRun(newRun(20n));
    // A big first batch and small ones after it: the small ones' inserts finish first.
    const sizes = [40_000, 10, 20, 30, 5_000, 1];
    let from = 1;
    const sends = sizes.map((n, i) => {
      const p = send(writer, `b${i}`, numbered(from, n, i === 0 ? 200 : 0));
      from += n;
      return p;
    });
    const results = await Promise.all(sends);
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.deepEqual(
      results.map((r) => r.stored),
      sizes,
    );
    assert.equal(Math.max(...results.map((r) => r.total)), total);
    const stored = await rows(writer.runId);
    assert.equal(stored.length, total);
    stored.forEach((r, i) => {
      if (r.seq !== i + 1 || r.event.ts !== BigInt(i + 1)) {
        assert.fail(`seq ${r.seq} holds event ${r.event.ts}, expected event ${i + 1} at seq ${i + 1}`);
      }
    });
    await writer.finish({ endedAt: 21n, summary: null, partial: false });
    assert.equal((await store.getRun(writer.runId))?.eventCount, total);
  });

  test('the same batch sent twice at once is stored once', async () => {
    const writer = await store.beginRun(newRun(22n));
    const body = numbered(1, 3_000);
    const [a, b] = await Promise.all([send(writer, 'same', body), send(writer, 'same', body)]);
    assert.deepEqual([a.duplicate, b.duplicate].sort(), [false, true]);
    assert.equal(a.stored + b.stored, 3_000);
    assert.equal((await rows(writer.runId)).length, 3_000);
  });

  test('a refused batch among others stores nothing; the count stays exact and a resumed run carries on', async () => {
    const path = join(tmp.dir, 'lanes-resume.duckdb');
    let own = await openDuckDbStore(path);
    const writer = await own.beginRun(newRun(24n));
    const runId = writer.runId;
    const bad = `${numbered(3, 1)}\n{"ts":3,"source":"ebpf","type":"x","pid":1,"tid":1,"args":{}}`;
    const sends = [
      writer.appendNdjsonBatch('a', batchFile(numbered(1, 2)), {
        lines: 2,
        maxEvents: 200_000,
        parse: () => assert.fail('a good batch is not parsed'),
      }),
      writer.appendNdjsonBatch('bad', batchFile(bad), {
        lines: 2,
        maxEvents: 200_000,
        parse: () => parseEventBatch(bad),
      }),
      writer.appendNdjsonBatch('c', batchFile(numbered(10, 3)), {
        lines: 3,
        maxEvents: 200_000,
        parse: () => assert.fail('a good batch is not parsed'),
      }),
    ];
    const settled = await Promise.allSettled(sends);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((settled[1] as PromiseRejectedResult).reason), /line 2: "ts" must be a decimal string/);
    // Closed unfinished, as a collector that dies leaves it; the refused batch's numbers stay unused.
    await own.close();
    own = await openDuckDbStore(path);
    try {
      const resumed = await own.resumeRun(runId);
      const more = await resumed.appendNdjsonBatch('d', batchFile(numbered(20, 1)), {
        lines: 1,
        maxEvents: 200_000,
        parse: () => assert.fail('a good batch is not parsed'),
      });
      assert.equal(more.total, 6);
      await resumed.finish({ endedAt: 25n, summary: null, partial: false });
      assert.equal((await own.getRun(runId))?.eventCount, 6);
      const stored: EventRow[] = [];
      for await (const r of own.searchEvents({ runId })) stored.push(r);
      assert.deepEqual(
        stored.map((r) => [r.seq, Number(r.event.ts)]),
        [
          [1, 1],
          [2, 2],
          [5, 10],
          [6, 11],
          [7, 12],
          [8, 20],
        ],
      );
    } finally {
      await own.close();
    }
  });
});

describe('JSON only DuckDB reads', () => {
  const line = (fields: string) => `{"ts":"1","source":"ebpf","type":"x","pid":1,"tid":1,${fields}}`;

  test('NaN or Infinity where Harrier keeps the value is never stored from DuckDB’s reading', async () => {
    for (const fields of [
      '"args":{"n":NaN}',
      '"args":{"a":[1,{"b":-Infinity}]}',
      '"res":NaN,"args":{}',
      '"errno":Infinity,"args":{}',
      '"truncated":NaN,"args":{}',
    ]) {
      const body = line(fields);
      const writer = await store.beginRun(newRun(31n));
      let parsed = 0;
      await assert.rejects(
        writer.appendNdjsonBatch('b', batchFile(body), {
          lines: 1,
          maxEvents: 10,
          parse: () => {
            parsed++;
            return parseEventBatch(body);
          },
        }),
        /line 1: not JSON/,
        fields,
      );
      assert.equal(parsed, 1, `${fields}: DuckDB refused it and the codec decided`);
      assert.deepEqual(await rows(writer.runId), [], fields);
    }
  });

  test('a trailing comma is read as the JSON it meant, and stored as the codec stores that', async () => {
    const lenient = line('"args":{"a":[1,2,],"b":"x",},');
    const strict = line('"args":{"a":[1,2],"b":"x"}');
    const writer = await store.beginRun(newRun(32n));
    await writer.appendNdjsonBatch('b', batchFile(lenient), {
      lines: 1,
      maxEvents: 10,
      parse: () => assert.fail('DuckDB refused it'),
    });
    const js = await store.beginRun(newRun(33n));
    await js.appendBatch('b', parseEventBatch(strict));
    assert.deepEqual(await rows(writer.runId), await rows(js.runId));
  });
});
