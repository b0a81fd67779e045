import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLibcChannel } from '../../../../src/sensors/libc/channel.js';
import { preloadLibraryPath, preloadLibraryProblem } from '../../../../src/sensors/libc/preload-library.js';
import type { LibcRecord } from '../../../../src/sensors/libc/protocol.js';
import { drops, hello, risk } from './build-records.js';

/** A writer like the interposer: O_WRONLY|O_NONBLOCK, one write() per record, reopened per batch. */
const WRITER = `
import os, sys, time
fifo = sys.argv[1]
for batch in sys.argv[2:]:
    if batch == 'pause':
        time.sleep(0.2)
        continue
    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    for rec in batch.split(','):
        os.write(fd, bytes.fromhex(rec))
    os.close(fd)
`;

function runWriter(fifo: string, batches: string[]): Promise<number | null> {
  return new Promise((res, rej) => {
    const child = spawn('python3', ['-c', WRITER, fifo, ...batches], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', rej);
    child.on('exit', res);
  });
}

const batch = (records: Buffer[]): string => records.map((r) => r.toString('hex')).join(',');

test('records written by other processes arrive decoded, across writers that close and reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-libc-'));
  try {
    const got: LibcRecord[] = [];
    const channel = openLibcChannel(dir, { libraryPath: '/opt/x/libharrier_preload.so', onRecord: (r) => got.push(r) });
    assert.equal(channel.env.LD_PRELOAD, '/opt/x/libharrier_preload.so');
    assert.equal(channel.env.HARRIER_LIBC_FIFO, channel.fifo);
    assert.ok(statSync(channel.fifo).isFIFO());

    const first = [
      hello(10, 1, 0, '/bin/a'),
      risk(10, 10, { riskClass: 4, generation: 1, callSite: 0x1234n, func: 'rand', frames: [0x1234n] }),
    ];
    const second = [hello(11, 10, 0, '/bin/b'), drops(11, 1n, 0n)];
    // Between the two batches no writer has the FIFO open: the channel must not see EOF.
    assert.equal(await runWriter(channel.fifo, [batch(first), 'pause', batch(second)]), 0);
    assert.equal(await runWriter(channel.fifo, [batch([hello(12, 1, 0, '/bin/c')])]), 0);
    await channel.close();
    assert.deepEqual(
      got.map((r) => [r.kind, r.pid]),
      [
        ['hello', 10],
        ['risk', 10],
        ['hello', 11],
        ['drops', 11],
        ['hello', 12],
      ],
    );
    assert.equal(channel.counters().malformed, 0);
    assert.equal(channel.counters().records, 5);
    assert.equal(existsSync(channel.fifo), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('close() resolves even while a process still holds the FIFO open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-libc-'));
  const got: LibcRecord[] = [];
  const channel = openLibcChannel(dir, { libraryPath: '/x.so', onRecord: (r) => got.push(r), closeGraceMs: 300 });
  const lingering = spawn(
    'python3',
    [
      '-c',
      'import os,sys,time\nfd=os.open(sys.argv[1],os.O_WRONLY)\nos.write(fd,bytes.fromhex(sys.argv[2]))\nprint("ok",flush=True)\ntime.sleep(30)',
      channel.fifo,
      hello(20, 1, 0, '/bin/d').toString('hex'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((res) => lingering.stdout.once('data', () => res()));
    const t0 = Date.now();
    await channel.close();
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(
      got.map((r) => r.kind),
      ['hello'],
    );
  } finally {
    lingering.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or relative interposer library is explained with the build command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-libc-'));
  try {
    const missing = preloadLibraryProblem(preloadLibraryPath(dir));
    assert.match(missing?.message ?? '', /not built/);
    assert.match(missing?.hint ?? '', /make -C native\/preload/);
    assert.match(preloadLibraryProblem('native/preload/libharrier_preload.so')?.message ?? '', /not absolute/);
    const lib = join(dir, 'lib.so');
    writeFileSync(lib, '');
    assert.equal(preloadLibraryProblem(lib), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
