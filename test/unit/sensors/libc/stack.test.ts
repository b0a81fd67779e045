import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibcDecoder } from '../../../../src/sensors/libc/decoder.js';
import { ModuleMaps } from '../../../../src/sensors/libc/modules.js';
import type { LibcRecord, RiskRecord } from '../../../../src/sensors/libc/protocol.js';
import { renderStack, symboliseRisk, type StackFrame } from '../../../../src/sensors/libc/stack.js';
import { Symboliser } from '../../../../src/sensors/libc/symbols/symbolise.js';
import { PROGRAM, compile, markerLine, returnAddressOfCall, textOffset } from './native-programs.js';
import { hello, modules, risk } from './build-records.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-stack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const EXE_BASE = 0x555555554000n;
const LIBC_BASE = 0x7f0000000000n;
const PRELOAD_BASE = 0x7f1000000000n;
const PRELOAD = '/opt/harrier/native/preload/libharrier_preload.so';

/** This process's own libc: a real, symbol-stripped system library. */
function systemLibc(): string {
  const line = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .find((l) => /\/libc\.so\.6$/.test(l));
  const path = line?.slice(line.indexOf('/'));
  if (path === undefined) throw new Error('no libc in /proc/self/maps');
  return path;
}

function dynamicSymbolOffset(lib: string, name: string): bigint {
  const out = execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.split(' ')[2]?.split('@')[0] === name);
  if (line === undefined) throw new Error(`${name} not in ${lib}`);
  return textOffset(lib, parseInt(line.split(' ')[0] ?? '', 16));
}

function decode(buffers: Buffer[]): LibcRecord[] {
  const d = new LibcDecoder();
  return buffers.flatMap((b) => d.feed(b));
}

test('a RISK record becomes symbolised frames and one readable line', async () => {
  const binary = compile(dir, 'prog', PROGRAM, ['-g', '-O0']);
  const libc = systemLibc();
  const at = (vaddr: number): bigint => EXE_BASE + textOffset(binary, vaddr);
  const strcpySite = at(returnAddressOfCall(binary, 'parse_header', 'strcpy'));
  const mainSite = at(returnAddressOfCall(binary, 'main', 'parse_header'));
  const libcFrame = LIBC_BASE + dynamicSymbolOffset(libc, '__libc_start_main') + 0x10n;
  const records = decode([
    hello(42, 1, 0, binary),
    modules(42, 1, 0, 1, [
      { start: EXE_BASE, end: EXE_BASE + 0x10000n, offset: 0n, path: binary },
      { start: LIBC_BASE, end: LIBC_BASE + 0x400000n, offset: 0n, path: libc },
      { start: PRELOAD_BASE, end: PRELOAD_BASE + 0x1000n, offset: 0n, path: PRELOAD },
    ]),
    risk(42, 42, {
      riskClass: 1,
      generation: 1,
      callSite: strcpySite,
      func: 'strcpy',
      frames: [PRELOAD_BASE + 0x500n, strcpySite, mainSite, libcFrame],
    }),
  ]);
  const maps = new ModuleMaps();
  for (const r of records) {
    if (r.kind === 'hello') maps.resetProcess(r.pid);
    if (r.kind === 'modules') maps.add(r);
  }
  const record = records.find((r): r is RiskRecord => r.kind === 'risk');
  assert.ok(record !== undefined);
  const frames = await symboliseRisk(record, maps, new Symboliser());

  assert.equal(frames.length, 4);
  assert.deepEqual(frames[1], {
    address: `0x${strcpySite.toString(16)}`,
    module: binary,
    offset: `0x${(strcpySite - EXE_BASE).toString(16)}`,
    function: 'parse_header',
    file: `${binary}.c`,
    line: markerLine(PROGRAM, 'strcpy'),
    inlinedInto: [],
  });
  assert.equal(frames[2]?.function, 'main');
  assert.equal(frames[2]?.line, markerLine(PROGRAM, 'main-call'));
  assert.equal(frames[3]?.module, libc);
  assert.equal(frames[3]?.function, '__libc_start_main');
  assert.equal(frames[0]?.module, PRELOAD);

  assert.equal(
    renderStack(record.function, frames, { sourceRoot: dir }),
    `strcpy ← parse_header (prog.c:${markerLine(PROGRAM, 'strcpy')}) ← main (prog.c:${markerLine(PROGRAM, 'main-call')})`,
  );
});

const INLINED = `#include <string.h>
char out[64];
static inline __attribute__((always_inline)) void copy_in(const char *s) {
  strcpy(out, s); /* MARK:inlined-strcpy */
}
int main(int argc, char **argv) {
  copy_in(argv[argc - 1]); /* MARK:inlined-call */
  return out[0];
}
`;

test('code inlined into its caller shows both functions', async () => {
  const binary = compile(dir, 'inl', INLINED, ['-g', '-O2']);
  const site = EXE_BASE + textOffset(binary, returnAddressOfCall(binary, 'main', 'strcpy'));
  const maps = new ModuleMaps();
  maps.add({
    kind: 'modules',
    pid: 1,
    tid: 1,
    generation: 1,
    part: 0,
    parts: 1,
    mappings: [{ start: EXE_BASE, end: EXE_BASE + 0x10000n, fileOffset: 0n, path: binary }],
  });
  const record: RiskRecord = {
    kind: 'risk',
    pid: 1,
    tid: 1,
    riskClass: 1,
    generation: 1,
    callSite: site,
    function: 'strcpy',
    frames: [site],
    detail: '',
  };
  const frames = await symboliseRisk(record, maps, new Symboliser());
  assert.equal(
    renderStack('strcpy', frames, { sourceRoot: dir }),
    `strcpy ← copy_in (inl.c:${markerLine(INLINED, 'inlined-strcpy')}) ← main (inl.c:${markerLine(INLINED, 'inlined-call')})`,
  );
});

test('frames without symbols render as module+offset or address; start-up frames are dropped', () => {
  const frame = (f: Partial<StackFrame>): StackFrame => ({
    address: '0x1',
    module: undefined,
    offset: undefined,
    function: undefined,
    file: undefined,
    line: undefined,
    inlinedInto: [],
    ...f,
  });
  const frames = [
    frame({ module: '/usr/lib/libharrier_preload.so', offset: '0x10', function: 'strcpy' }),
    frame({ module: '/srv/app/bin/server', offset: '0x1a2b' }),
    frame({ address: '0x7ffd00001234' }),
    frame({ module: '/srv/app/bin/server', function: 'handle', file: '/srv/app/src/h.c', line: 9 }),
    frame({ module: '/lib/x86_64-linux-gnu/libc.so.6', offset: '0x29d90' }),
    frame({ module: '/lib/x86_64-linux-gnu/libc.so.6', function: '__libc_start_main' }),
    frame({ module: '/srv/app/bin/server', function: '_start' }),
  ];
  assert.equal(
    renderStack('system', frames, { sourceRoot: '/srv/app' }),
    'system ← server+0x1a2b ← 0x7ffd00001234 ← handle (src/h.c:9)',
  );
  assert.equal(renderStack('gets', []), 'gets');
});
