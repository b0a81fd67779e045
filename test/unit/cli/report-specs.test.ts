import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkReportSpecs, parseReportSpec } from '../../../src/cli/report-specs.js';
import { UsageError } from '../../../src/cli/errors.js';

describe('--report FORMAT[:PATH]', () => {
  test('a format alone goes to stdout; a path after the first colon is kept whole', () => {
    assert.deepEqual(parseReportSpec('sarif'), { format: 'sarif' });
    assert.deepEqual(parseReportSpec('HTML:out/report.html'), { format: 'html', path: 'out/report.html' });
    assert.deepEqual(parseReportSpec('json:C:/x.json'), { format: 'json', path: 'C:/x.json' });
    assert.deepEqual(parseReportSpec('md:summary.md'), { format: 'markdown', path: 'summary.md' });
  });

  test('an unknown format or an empty path is a usage error naming the accepted forms', () => {
    assert.throws(
      () => parseReportSpec('pdf:x.pdf'),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /unknown report format "pdf"/);
        assert.match(e.hint ?? '', /text, json, sarif, junit, markdown, html/);
        return true;
      },
    );
    assert.throws(() => parseReportSpec('json:'), /empty path/);
  });

  test('two reports on stdout are refused, one is fine', () => {
    checkReportSpecs([{ format: 'sarif' }, { format: 'json', path: 'a.json' }]);
    assert.throws(
      () => checkReportSpecs([{ format: 'sarif' }, { format: 'json' }]),
      /sarif and json reports would both go to standard output/,
    );
  });
});
