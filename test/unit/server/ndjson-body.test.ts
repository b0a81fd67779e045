import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { NdjsonBody } from '../../../src/server/ndjson-body.js';

/** A request body arriving in `chunks`, with a Content-Length header when `declared` is given. */
function payload(chunks: string[], declared?: number): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers: declared === undefined ? {} : { 'content-length': String(declared) } });
  setImmediate(() => {
    for (const c of chunks) stream.write(Buffer.from(c));
    stream.end();
  });
  return stream as unknown as IncomingMessage;
}

test('keeps the chunks as they came and counts lines, a last line without a newline included', async () => {
  const body = await NdjsonBody.read(payload(['{"a":1}\n{"a"', ':2}\n\n{"a":3}']), 1000);
  assert.equal(body.chunks.length, 2);
  assert.equal(body.size, 24);
  assert.equal(body.lines, 4);
  assert.equal(body.text(), '{"a":1}\n{"a":2}\n\n{"a":3}');
  assert.equal((await NdjsonBody.read(payload(['{}\n', '{}\n']), 1000)).lines, 2);
  assert.equal((await NdjsonBody.read(payload([]), 1000)).lines, 0);
});

test('a body over the limit is refused with a 413, whether declared up front or not', async () => {
  for (const declared of [undefined, 11]) {
    await assert.rejects(
      NdjsonBody.read(payload(['12345', '678901'], declared), 10),
      (err: Error & { statusCode?: number }) => {
        assert.equal(err.statusCode, 413);
        return true;
      },
    );
  }
  assert.equal((await NdjsonBody.read(payload(['12345', '67890'], 10), 10)).size, 10);
});
