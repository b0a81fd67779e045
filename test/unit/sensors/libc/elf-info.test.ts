import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executableKind, isStaticExecutable } from '../../../../src/sensors/libc/elf-info.js';
import { PROGRAM, compile } from './native-programs.js';

const dir = mkdtempSync(join(tmpdir(), 'harrier-elfinfo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The interpreter as readelf reports it. */
function readelfInterpreter(path: string): string {
  const m = /Requesting program interpreter: ([^\]]+)\]/.exec(
    execFileSync('readelf', ['-lW', path], { encoding: 'utf8' }),
  );
  if (m?.[1] === undefined) throw new Error(`no interpreter in ${path}`);
  return m[1];
}

test('dynamic, static and static-pie executables, scripts and other files are told apart', () => {
  const dynamic = compile(dir, 'dyn', PROGRAM, ['-O0']);
  const nonPie = compile(dir, 'nopie', PROGRAM, ['-O0', '-no-pie']);
  const staticExe = compile(dir, 'static', PROGRAM, ['-O0', '-static']);
  const staticPie = compile(dir, 'staticpie', PROGRAM, ['-O0', '-static-pie']);
  const script = join(dir, 'run.sh');
  writeFileSync(script, '#!/usr/bin/env bash\necho hi\n');
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello');

  assert.deepEqual(executableKind(dynamic), { kind: 'dynamic', interpreter: readelfInterpreter(dynamic) });
  assert.deepEqual(executableKind(nonPie), { kind: 'dynamic', interpreter: readelfInterpreter(nonPie) });
  assert.deepEqual(executableKind(staticExe), { kind: 'static' });
  assert.deepEqual(executableKind(staticPie), { kind: 'static' });
  assert.deepEqual(executableKind(script), { kind: 'script', interpreter: '/usr/bin/env' });
  assert.equal(executableKind(text).kind, 'unknown');
  assert.equal(executableKind(join(dir, 'missing')).kind, 'unknown');
  assert.equal(executableKind(dir).kind, 'unknown');

  assert.equal(isStaticExecutable(staticExe), true);
  assert.equal(isStaticExecutable(staticPie), true);
  assert.equal(isStaticExecutable(dynamic), false);
  assert.equal(isStaticExecutable(script), false);
});
