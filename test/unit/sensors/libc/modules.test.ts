import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LibcDecoder } from '../../../../src/sensors/libc/decoder.js';
import { ModuleMaps } from '../../../../src/sensors/libc/modules.js';
import type { ModulesRecord } from '../../../../src/sensors/libc/protocol.js';
import { modules } from './build-records.js';

const EXE = { start: 0x555555555000n, end: 0x555555556000n, offset: 0x1000n, path: '/tmp/prog' };
const LIBC = { start: 0x7f0000028000n, end: 0x7f000017d000n, offset: 0x28000n, path: '/lib/libc.so.6' };
const PLUGIN = { start: 0x7f1000001000n, end: 0x7f1000002000n, offset: 0x1000n, path: '/tmp/plugin.so' };

/** Through the decoder, so the maps are tested on what the wire really produces. */
function rec(pid: number, gen: number, part: number, parts: number, maps: (typeof EXE)[]): ModulesRecord {
  const [r] = new LibcDecoder().feed(modules(pid, gen, part, parts, maps));
  assert.equal(r?.kind, 'modules');
  return r as ModulesRecord;
}

test('an address resolves to its module and file offset, across the parts of a generation', () => {
  const maps = new ModuleMaps();
  maps.add(rec(7, 1, 0, 2, [LIBC]));
  assert.equal(maps.complete(7, 1), false);
  maps.add(rec(7, 1, 1, 2, [EXE]));
  assert.equal(maps.complete(7, 1), true);
  assert.deepEqual(maps.resolve(7, 1, 0x555555555123n), { path: '/tmp/prog', fileOffset: 0x1123n });
  assert.deepEqual(maps.resolve(7, 1, 0x7f0000029d90n), { path: '/lib/libc.so.6', fileOffset: 0x29d90n });
  assert.equal(maps.resolve(7, 1, EXE.end), undefined, 'end is exclusive');
  assert.deepEqual(maps.resolve(7, 1, EXE.start), { path: '/tmp/prog', fileOffset: 0x1000n });
  assert.equal(maps.resolve(7, 1, 0x1000n), undefined);
  assert.equal(maps.resolve(8, 1, 0x555555555123n), undefined, 'another pid knows nothing');
});

test('a later generation (dlopen) adds modules; older generations still resolve their own frames', () => {
  const maps = new ModuleMaps();
  maps.add(rec(7, 1, 0, 1, [EXE, LIBC]));
  maps.add(rec(7, 2, 0, 1, [EXE, LIBC, PLUGIN]));
  assert.deepEqual(maps.resolve(7, 2, 0x7f1000001010n), { path: '/tmp/plugin.so', fileOffset: 0x1010n });
  assert.deepEqual(maps.resolve(7, 1, 0x555555555010n), { path: '/tmp/prog', fileOffset: 0x1010n });
  // A generation the reader never received falls back to one that has the address.
  assert.deepEqual(maps.resolve(7, 3, 0x7f1000001010n), { path: '/tmp/plugin.so', fileOffset: 0x1010n });
});

test('a HELLO (exec) resets the pid, and a forked child inherits its parent until it sends its own', () => {
  const maps = new ModuleMaps();
  maps.add(rec(7, 1, 0, 1, [EXE, LIBC]));
  maps.inherit(9, 7);
  assert.deepEqual(maps.resolve(9, 1, 0x555555555010n), { path: '/tmp/prog', fileOffset: 0x1010n });
  maps.add(rec(9, 1, 0, 1, [PLUGIN]));
  assert.equal(
    maps.resolve(9, 1, 0x555555555010n),
    undefined,
    "the child's own generation 1 replaced the inherited one",
  );
  assert.deepEqual(maps.resolve(7, 1, 0x555555555010n), { path: '/tmp/prog', fileOffset: 0x1010n }, 'parent untouched');
  maps.resetProcess(7);
  assert.equal(maps.resolve(7, 1, 0x555555555010n), undefined);
});
