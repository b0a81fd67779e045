/**
 * libsinsp's own filter unit tests (falcosecurity/libs filter_parser.ut.cpp and
 * filter_compiler.ut.cpp, extracted to JSON) run against Harrier's parser and compiler.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseCondition } from '../../src/rules/condition/parser.js';
import { compileConditionText } from '../../src/rules/compile/compiler.js';
import { ctxOf, libsinspTestRegistry } from '../unit/rules/compile/registry.js';

interface Cases {
  parser_cases: Array<{ test: string; input: string; expect: 'accept' | 'reject' }>;
  compiler_run_cases: Array<{ test: string; input: string; expect_result: boolean }>;
  compiler_compile_cases: Array<{
    test: string;
    input: string;
    expect_compile_fail: boolean;
    expected_warnings: number;
  }>;
}

const path = fileURLToPath(
  new URL('../../../../shared/peer-data/falco-filter-tests/libsinsp_filter_cases.json', import.meta.url),
);
const cases: Cases | undefined = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Cases) : undefined;

function report(group: string, failures: string[], total: number): void {
  console.log(`${group}: ${total - failures.length}/${total} pass`);
  assert.deepEqual(failures, [], `${group}: ${failures.length} of ${total} fail`);
}

test('parser cases: accepts and rejects what libsinsp does, whitespace variants included', (t) => {
  if (cases === undefined) return t.skip(`peer data not found at ${path}`);
  const failures: string[] = [];
  let total = 0;
  const accepts = (s: string): boolean => {
    try {
      parseCondition(s);
      return true;
    } catch {
      return false;
    }
  };
  for (const c of cases.parser_cases) {
    const want = c.expect === 'accept';
    // upstream re-runs accepted inputs padded, and with every space replaced by '\n' and by '\t'
    const variants = want
      ? [c.input, ` ${c.input} `, c.input.replaceAll(' ', '\n'), c.input.replaceAll(' ', '\t')]
      : [c.input];
    for (const v of variants) {
      total++;
      if (accepts(v) !== want) failures.push(`${c.expect} ${JSON.stringify(v)}`);
    }
  }
  report(`parser_cases (${cases.parser_cases.length} inputs)`, failures, total);
});

test('compiler run cases: boolean structure and string escapes evaluate as in libsinsp', (t) => {
  if (cases === undefined) return t.skip(`peer data not found at ${path}`);
  const registry = libsinspTestRegistry();
  // the mock fields: c.true always matches `=1`, c.false never (missing), the quote fields hold their one value
  const ctx = ctxOf({ 'c.true': '1', 'c.singlequote': "hello 'quoted'", 'c.doublequote': 'hello "quoted"' });
  const failures: string[] = [];
  for (const c of cases.compiler_run_cases) {
    let got: boolean | string;
    try {
      got = compileConditionText(c.input, { registry }).predicate(ctx);
    } catch (e) {
      got = (e as Error).message;
    }
    if (got !== c.expect_result)
      failures.push(`${JSON.stringify(c.input)}: want ${c.expect_result}, got ${String(got)}`);
  }
  report('compiler_run_cases', failures, cases.compiler_run_cases.length);
});

test('compiler compile cases: the type x operator matrix and warnings match libsinsp', (t) => {
  if (cases === undefined) return t.skip(`peer data not found at ${path}`);
  const registry = libsinspTestRegistry();
  const failures: string[] = [];
  for (const c of cases.compiler_compile_cases) {
    let failed = false;
    let warnings = 0;
    let why = '';
    try {
      warnings = compileConditionText(c.input, { registry }).warnings.length;
    } catch (e) {
      failed = true;
      why = (e as Error).message;
    }
    if (failed !== c.expect_compile_fail || (!failed && warnings !== c.expected_warnings)) {
      failures.push(
        `${JSON.stringify(c.input)}: want fail=${c.expect_compile_fail} warnings=${c.expected_warnings}, got fail=${failed} warnings=${warnings} ${why}`,
      );
    }
  }
  report('compiler_compile_cases', failures, cases.compiler_compile_cases.length);
});
