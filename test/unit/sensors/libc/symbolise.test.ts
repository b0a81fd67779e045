import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Symboliser, type SymbolRequest } from '../../../../src/sensors/libc/symbols/symbolise.js';
import {
  LIBRARY,
  PROGRAM,
  compile,
  markerLine,
  nmAddress,
  returnAddressOfCall,
  stripped,
  textOffset,
} from './native-programs.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-sym-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function requestsFor(binary: string): SymbolRequest[] {
  const at = (vaddr: number, returnAddress: boolean): SymbolRequest => ({
    module: binary,
    fileOffset: textOffset(binary, vaddr),
    returnAddress,
  });
  return [
    at(nmAddress(binary, 'parse_header'), false),
    at(returnAddressOfCall(binary, 'parse_header', 'strcpy'), true),
    at(returnAddressOfCall(binary, 'parse_header', 'rand'), true),
    at(returnAddressOfCall(binary, 'main', 'parse_header'), true),
  ];
}

for (const flags of [
  ['-g', '-O0'],
  ['-g', '-O2', '-fomit-frame-pointer'],
]) {
  test(`function, file and line of real code (gcc ${flags.join(' ')})`, async () => {
    const binary = compile(dir, `prog${flags.join('')}`, PROGRAM, flags);
    const got = await new Symboliser().symbolise(requestsFor(binary));
    const expected = [
      ['parse_header', markerLine(PROGRAM, 'parse_header')],
      ['parse_header', markerLine(PROGRAM, 'strcpy')],
      ['parse_header', markerLine(PROGRAM, 'rand')],
      ['main', markerLine(PROGRAM, 'main-call')],
    ];
    assert.deepEqual(
      got.map((s) => [s.function, s.line]),
      expected,
    );
    for (const s of got) assert.equal(s.file, `${binary}.c`);
  });
}

test('a stripped executable: no names, no lines, just module and offset', async () => {
  const full = compile(dir, 'progstrip', PROGRAM, ['-g', '-O2']);
  const requests = requestsFor(full).map((r) => ({ ...r, module: stripped(full) }));
  const got = await new Symboliser().symbolise(requests);
  for (const [i, s] of got.entries()) {
    assert.equal(s.module, `${full}.stripped`);
    assert.equal(s.fileOffset, requests[i]?.fileOffset);
    assert.equal(s.file, undefined);
    assert.equal(s.line, undefined);
    assert.equal(s.function, undefined);
  }
});

test('a stripped shared library still names its exported functions from .dynsym', async () => {
  const full = compile(dir, 'libx.so', LIBRARY, ['-g', '-O2', '-shared', '-fPIC']);
  const lib = stripped(full);
  // Strip keeps addresses; binutils reads them from the unstripped twin.
  const got = await new Symboliser().symbolise([
    { module: lib, fileOffset: textOffset(full, nmAddress(lib, 'exported_function', true)), returnAddress: false },
    {
      module: lib,
      fileOffset: textOffset(full, returnAddressOfCall(full, 'exported_function', 'rand')),
      returnAddress: true,
    },
  ]);
  assert.deepEqual(
    got.map((s) => [s.function, s.file, s.line]),
    [
      ['exported_function', undefined, undefined],
      ['exported_function', undefined, undefined],
    ],
  );
});

test('missing, non-ELF and pseudo modules give module and offset, never an exception', async () => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not an ELF file at all, just some text that is long enough to read a header from');
  const truncated = join(dir, 'truncated.so');
  writeFileSync(truncated, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
  const got = await new Symboliser().symbolise(
    [join(dir, 'gone.so'), text, truncated, '[vdso]', dir].map((module) => ({
      module,
      fileOffset: 0x1234n,
      returnAddress: true,
    })),
  );
  for (const s of got) {
    assert.equal(s.fileOffset, 0x1234n);
    assert.deepEqual([s.function, s.file, s.line], [undefined, undefined, undefined]);
  }
  assert.deepEqual(
    got.map((s) => s.module),
    [join(dir, 'gone.so'), text, truncated, '[vdso]', dir],
  );
});

test('a module rebuilt in place is read again (the cache is keyed by mtime and size)', async () => {
  const binary = compile(dir, 'rebuilt', PROGRAM, ['-g', '-O0']);
  const symboliser = new Symboliser();
  const first = await symboliser.symboliseOne(requestsFor(binary)[0] as SymbolRequest);
  assert.equal(first.function, 'parse_header');
  const shifted = PROGRAM.replace(
    'char buffer[64];',
    'char buffer[64];\n\nint padding_function(int x) { return x * 3 + 1; }\n',
  );
  compile(dir, 'rebuilt', shifted, ['-g', '-O0']);
  const second = await symboliser.symboliseOne(requestsFor(binary)[0] as SymbolRequest);
  assert.equal(second.function, 'parse_header');
  assert.equal(second.line, markerLine(shifted, 'parse_header'));
  assert.notEqual(second.line, first.line);
});
