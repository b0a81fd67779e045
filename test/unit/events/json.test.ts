import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../../../src/events/event.js';
import { EventJsonError, eventFromJsonLine, eventToJson, parseArgs, stringifyArgs } from '../../../src/events/json.js';

const ev: Event = {
  ts: 1795471917695030192n,
  source: 'ptrace',
  type: 'connect',
  pid: 10,
  tid: 11,
  res: -111,
  errno: 'ECONNREFUSED',
  args: {
    fd: { fd: 3, path: 'TCP:[6599]' },
    addr: { family: 'inet', ip: '127.0.0.1', port: 9 },
    flags: { names: ['O_RDONLY'], value: 0 },
    argv: ['a', 'b c'],
    big: 18446744073709551615n,
    none: null,
  },
  truncated: true,
};

test('an event survives the NDJSON round trip exactly, nanoseconds and bigints included', () => {
  const line = JSON.stringify(eventToJson(ev));
  assert.match(line, /"ts":"1795471917695030192"/);
  assert.deepEqual(eventFromJsonLine(line), ev);
});

test('args round-trip through their string form', () => {
  assert.deepEqual(parseArgs(stringifyArgs(ev.args)), ev.args);
});

test('optional fields are omitted when absent', () => {
  const j = eventToJson({ ts: 1n, source: 'ebpf', type: 'exit_group', pid: 1, tid: 1, args: {} });
  assert.deepEqual(Object.keys(j), ['ts', 'source', 'type', 'pid', 'tid', 'args']);
});

test('malformed lines are rejected with the field that is wrong', () => {
  assert.throws(
    () => eventFromJsonLine('{'),
    (e: unknown) => e instanceof EventJsonError && /not JSON/.test(e.message),
  );
  assert.throws(() => eventFromJsonLine('[1]'), /"ts" must be a decimal string/);
  assert.throws(() => eventFromJsonLine('{"ts":"1","source":"x","type":"a","pid":1,"tid":1,"args":{}}'), /"source"/);
  assert.throws(() => eventFromJsonLine('{"ts":"1","source":"ebpf","type":"a","pid":1.5,"tid":1,"args":{}}'), /"pid"/);
  assert.throws(() => eventFromJsonLine('{"ts":"1","source":"ebpf","type":"a","pid":1,"tid":1}'), /"args"/);
});
