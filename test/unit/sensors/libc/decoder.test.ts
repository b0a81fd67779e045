import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LibcDecoder } from '../../../../src/sensors/libc/decoder.js';
import type { LibcRecord } from '../../../../src/sensors/libc/protocol.js';
import { counts, drops, hello, modules, risk } from './build-records.js';

const LIBC = {
  start: 0x7f0000001000n,
  end: 0x7f0000150000n,
  offset: 0x26000n,
  path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
};
const EXE = { start: 0x555555555000n, end: 0x555555556000n, offset: 0x1000n, path: '/tmp/prog' };

function goodStream(): Buffer[] {
  return [
    hello(100, 99, 1, '/tmp/prog'),
    modules(100, 1, 0, 2, [EXE]),
    modules(100, 1, 1, 2, [LIBC, { start: 0x7fff0000n, end: 0x7fff2000n, offset: 0n, path: '[vdso]' }]),
    risk(100, 101, {
      riskClass: 5,
      generation: 1,
      callSite: 0x555555555123n,
      func: 'system',
      frames: [0x555555555123n, 0x7f0000029d90n],
      detail: 'rm -rf /tmp/x',
    }),
    counts(100, [{ callSite: 0x555555555123n, riskClass: 5, hits: 7n }]),
    drops(100, 3n, 2n),
  ];
}

function decodeAll(chunks: Buffer[]): { records: LibcRecord[]; malformed: number } {
  const d = new LibcDecoder();
  const records = chunks.flatMap((c) => d.feed(c));
  records.push(...d.end());
  return { records, malformed: d.malformed };
}

test('decodes every record kind with its fields', () => {
  const { records, malformed } = decodeAll([Buffer.concat(goodStream())]);
  assert.equal(malformed, 0);
  assert.deepEqual(records, [
    { kind: 'hello', pid: 100, tid: 100, ppid: 99, flags: 1, secretEnv: true, executable: '/tmp/prog' },
    {
      kind: 'modules',
      pid: 100,
      tid: 100,
      generation: 1,
      part: 0,
      parts: 2,
      mappings: [{ start: EXE.start, end: EXE.end, fileOffset: EXE.offset, path: EXE.path }],
    },
    {
      kind: 'modules',
      pid: 100,
      tid: 100,
      generation: 1,
      part: 1,
      parts: 2,
      mappings: [
        { start: LIBC.start, end: LIBC.end, fileOffset: LIBC.offset, path: LIBC.path },
        { start: 0x7fff0000n, end: 0x7fff2000n, fileOffset: 0n, path: '[vdso]' },
      ],
    },
    {
      kind: 'risk',
      pid: 100,
      tid: 101,
      riskClass: 5,
      generation: 1,
      callSite: 0x555555555123n,
      function: 'system',
      frames: [0x555555555123n, 0x7f0000029d90n],
      detail: 'rm -rf /tmp/x',
    },
    { kind: 'counts', pid: 100, tid: 100, sites: [{ callSite: 0x555555555123n, riskClass: 5, hits: 7 }] },
    { kind: 'drops', pid: 100, tid: 100, records: 3, sites: 2 },
  ]);
});

test('a 32-character function name (no NUL) and u64 addresses above 2^63 survive', () => {
  const name = 'a'.repeat(32);
  const { records } = decodeAll([
    risk(1, 1, { riskClass: 1, generation: 1, callSite: 0xffffffffffffff01n, func: name, frames: [] }),
  ]);
  const r = records[0];
  assert.equal(r?.kind, 'risk');
  if (r?.kind !== 'risk') return;
  assert.equal(r.function, name);
  assert.equal(r.callSite, 0xffffffffffffff01n);
  assert.deepEqual(r.frames, []);
});

test('the same records come out however the stream is split', () => {
  const whole = Buffer.concat(goodStream());
  const expected = decodeAll([whole]).records;
  for (let i = 0; i <= whole.length; i++) {
    const got = decodeAll([whole.subarray(0, i), whole.subarray(i)]);
    assert.equal(got.malformed, 0, `split at ${i}`);
    assert.deepEqual(got.records, expected, `split at ${i}`);
  }
  const bytes = [...whole].map((b) => Buffer.from([b]));
  assert.deepEqual(decodeAll(bytes).records, expected);
});

test('malformed records are counted and skipped, and every good record after them arrives', () => {
  const good = goodStream();
  const badMagic = Buffer.from(hello(1, 0, 0, '/x'));
  badMagic.writeUInt16LE(0x4c49, 0);
  const badVersion = Buffer.from(hello(1, 0, 0, '/x'));
  badVersion.writeUInt8(2, 2);
  const tooLong = Buffer.from(drops(1, 0n, 0n));
  tooLong.writeUInt16LE(4097, 4);
  const tooShort = Buffer.from(risk(1, 1, { riskClass: 1, generation: 1, callSite: 1n, func: 'x', frames: [] }));
  tooShort.writeUInt16LE(40, 4);
  const tooManyFrames = risk(1, 1, {
    riskClass: 1,
    generation: 1,
    callSite: 1n,
    func: 'strcpy',
    frames: new Array<bigint>(65).fill(0x1000n),
  });
  const framesOverrun = risk(1, 1, {
    riskClass: 1,
    generation: 1,
    callSite: 1n,
    func: 'strcpy',
    frames: [1n],
    frameCountField: 3,
  });
  // A record cut short by a broken writer: its header promises more than was written.
  const fullRisk = risk(1, 1, {
    riskClass: 5,
    generation: 1,
    callSite: 1n,
    func: 'system',
    frames: [1n, 2n],
    detail: 'sh',
  });
  const truncated = fullRisk.subarray(0, 50);
  const modulesOverrun = Buffer.from(modules(1, 1, 0, 1, [EXE]));
  modulesOverrun.writeUInt16LE(2, 24);
  const garbage = Buffer.from('not a record at all, just text\n');
  const bad = [
    badMagic,
    badVersion,
    tooLong,
    tooShort,
    tooManyFrames,
    framesOverrun,
    truncated,
    modulesOverrun,
    garbage,
  ];

  const chunks: Buffer[] = [];
  good.forEach((g, i) => {
    chunks.push(bad[i % bad.length] ?? Buffer.alloc(0), g);
  });
  for (const b of bad.slice(good.length)) chunks.push(b, good[0] ?? Buffer.alloc(0));
  const stream = Buffer.concat(chunks);

  const expectedGood = [...good, ...bad.slice(good.length).map(() => good[0] ?? Buffer.alloc(0))];
  const expected = decodeAll(expectedGood).records;
  const whole = decodeAll([stream]);
  assert.equal(whole.malformed, bad.length);
  assert.deepEqual(whole.records, expected);

  const byteByByte = decodeAll([...stream].map((b) => Buffer.from([b])));
  assert.equal(byteByByte.malformed, bad.length);
  assert.deepEqual(byteByByte.records, expected);
  for (let i = 0; i <= stream.length; i += 7) {
    const split = decodeAll([stream.subarray(0, i), stream.subarray(i)]);
    assert.deepEqual(split.records, expected, `split at ${i}`);
    assert.equal(split.malformed, bad.length, `split at ${i}`);
  }
});

test('an incomplete record at the end of the stream is counted, not returned', () => {
  const whole = Buffer.concat(goodStream());
  const d = new LibcDecoder();
  const records = d.feed(whole.subarray(0, whole.length - 5));
  assert.equal(records.length, goodStream().length - 1);
  assert.equal(d.malformed, 0);
  assert.deepEqual(d.end(), []);
  assert.equal(d.malformed, 1);
});

test('random bytes never throw and the records after them still decode', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed & 0xff;
  };
  const expected = decodeAll(goodStream()).records;
  for (let round = 0; round < 200; round++) {
    const noise = Buffer.from(Array.from({ length: 1 + (rnd() % 200) }, rnd));
    // Noise may contain a plausible header prefix by chance; good records must follow regardless.
    const d = new LibcDecoder();
    const out = [...d.feed(noise), ...d.feed(Buffer.concat(goodStream())), ...d.end()];
    const tail = out.slice(out.length - expected.length);
    assert.deepEqual(tail, expected, `round ${round}`);
    assert.ok(d.malformed >= 1);
  }
});
