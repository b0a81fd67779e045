/**
 * Real programs for the symboliser tests: compiled with gcc, inspected with binutils (nm,
 * readelf, objdump) so the expected answers never come from the code under test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buffer[64];

__attribute__((noinline)) int parse_header(const char *src) { /* MARK:parse_header */
  strcpy(buffer, src); /* MARK:strcpy */
  int r = rand(); /* MARK:rand */
  return r + buffer[0];
}

int main(int argc, char **argv) {
  int r = parse_header(argc > 1 ? argv[1] : "x"); /* MARK:main-call */
  printf("%d\\n", r);
  return 0;
}
`;

export const LIBRARY = `#include <stdlib.h>
int exported_function(int x) { /* MARK:exported */
  return rand() + x;
}
`;

/** The 1-based line holding `MARK:<name>`. */
export function markerLine(source: string, name: string): number {
  const idx = source.split('\n').findIndex((l) => l.includes(`MARK:${name} `));
  if (idx < 0) throw new Error(`no marker ${name}`);
  return idx + 1;
}

export function compile(dir: string, name: string, source: string, flags: string[]): string {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const out = join(dir, name);
  execFileSync('gcc', [...flags, '-o', out, src]);
  return out;
}

export function stripped(path: string): string {
  const out = `${path}.stripped`;
  execFileSync('strip', ['-o', out, path]);
  return out;
}

/** A defined symbol's address, from nm. */
export function nmAddress(binary: string, symbol: string, dynamic = false): number {
  const out = execFileSync('nm', dynamic ? ['-D', binary] : [binary], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.endsWith(` ${symbol}`) && / [TtWi] /.test(l));
  if (line === undefined) throw new Error(`${symbol} not in ${binary}`);
  return parseInt(line.split(' ')[0] ?? '', 16);
}

/** File offset of a virtual address in .text, from readelf's section table. */
export function textOffset(binary: string, vaddr: number): bigint {
  const out = execFileSync('readelf', ['-SW', binary], { encoding: 'utf8' });
  const m = /\]\s+\.text\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(out);
  if (m === null) throw new Error(`no .text in ${binary}`);
  const [addr, off, size] = [m[1], m[2], m[3]].map((h) => parseInt(h ?? '', 16)) as [number, number, number];
  if (vaddr < addr || vaddr >= addr + size) throw new Error(`0x${vaddr.toString(16)} is not in .text`);
  return BigInt(vaddr - addr + off);
}

/** The return address of the call from `caller` to `callee` (the instruction after the call). */
export function returnAddressOfCall(binary: string, caller: string, callee: string): number {
  const out = execFileSync('objdump', ['-d', '--no-show-raw-insn', binary], { encoding: 'utf8' });
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.endsWith(`<${caller}>:`));
  for (let i = start + 1; i > 0 && i < lines.length && lines[i] !== ''; i++) {
    if (/\scall\s/.test(lines[i] ?? '') && (lines[i] ?? '').includes(`<${callee}`)) {
      const next = /^\s*([0-9a-f]+):/.exec(lines[i + 1] ?? '');
      if (next?.[1] !== undefined) return parseInt(next[1], 16);
    }
  }
  throw new Error(`no call from ${caller} to ${callee} in ${binary}`);
}

export function sourceOf(binary: string): string {
  return readFileSync(`${binary}.c`, 'utf8');
}
