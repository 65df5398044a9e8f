// The CLI's report renderers on hand-made results: escaping rules of the
// GitHub and Markdown formats, ranges absent, empty paths, ordering.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const { renderReport } = require('../../npm/cli/report.js');

const context = { target: 'svc', contractFile: 'svc/pacto.yaml' };
const range = (line, column, endColumn) => ({ start: { line, column }, end: { line, column: endColumn } });

const result = {
  valid: false,
  // Deliberately in an unusual key order: the output order is fixed.
  errors: [
    { message: 'contract has `a|b` and 100% <b>*bold*</b>\nsecond line', path: 'interfaces[0].contract', severity: 'error', code: 'FILE_NOT_FOUND', range: range(7, 15, 22) },
    { code: 'PARSE_ERROR', severity: 'error', path: '', message: 'no position, root path' },
  ],
  warnings: [{ code: 'TAG_NOT_DIGEST', severity: 'warning', path: 'dependencies[0].ref', message: 'uses a tag: pin, a digest', range: range(12, 10, 40) }],
};

test('text: errors then warnings, (root) for an empty path, no range means no line', () => {
  assert.equal(
    renderReport(result, 'text', context),
    [
      'svc is invalid',
      'svc/pacto.yaml:7:15: error FILE_NOT_FOUND interfaces[0].contract: contract has `a|b` and 100% <b>*bold*</b> second line',
      'svc/pacto.yaml: error PARSE_ERROR (root): no position, root path',
      'svc/pacto.yaml:12:10: warning TAG_NOT_DIGEST dependencies[0].ref: uses a tag: pin, a digest',
      '2 errors, 1 warning',
      '',
    ].join('\n'),
  );
});

test('json: fixed key order, the range only when there is one', () => {
  const json = JSON.parse(renderReport(result, 'json', context));
  assert.deepEqual(Object.keys(json.errors[0]), ['code', 'severity', 'path', 'message', 'range']);
  assert.deepEqual(Object.keys(json.errors[1]), ['code', 'severity', 'path', 'message']);
  assert.equal(json.errors[1].path, '');
});

test('github: data and property escaping, no line/col without a range', () => {
  const lines = renderReport(result, 'github', { target: 'svc', contractFile: 'a,b:c%/pacto.yaml' }).split('\n');
  assert.equal(
    lines[0],
    '::error file=a%2Cb%3Ac%25/pacto.yaml,line=7,col=15,endLine=7,endColumn=22,title=FILE_NOT_FOUND::interfaces[0].contract: contract has `a|b` and 100%25 <b>*bold*</b>%0Asecond line',
  );
  assert.equal(lines[1], '::error file=a%2Cb%3Ac%25/pacto.yaml,title=PARSE_ERROR::(root): no position, root path');
  assert.equal(
    lines[2],
    '::warning file=a%2Cb%3Ac%25/pacto.yaml,line=12,col=10,endLine=12,endColumn=40,title=TAG_NOT_DIGEST::dependencies[0].ref: uses a tag: pin, a digest',
  );
  assert.equal(lines[3], 'svc is invalid');
  assert.equal(lines.length, 5);
});

test('markdown: pipes escaped, quoted code kept as code, HTML and emphasis neutralised', () => {
  const lines = renderReport(result, 'markdown', context).split('\n');
  assert.equal(lines[0], '## ❌ `svc` is invalid');
  assert.equal(lines[2], '| Severity | Code | Path | Location | Message |');
  assert.equal(
    lines[4],
    '| error | `FILE_NOT_FOUND` | `interfaces[0].contract` | `svc/pacto.yaml:7:15` | contract has `a\\|b` and 100% \\<b\\>\\*bold\\*\\</b\\><br>second line |',
  );
  assert.equal(lines[5], '| error | `PARSE_ERROR` | `(root)` | `svc/pacto.yaml` | no position, root path |');
  assert.equal(lines[6], '| warning | `TAG_NOT_DIGEST` | `dependencies[0].ref` | `svc/pacto.yaml:12:10` | uses a tag: pin, a digest |');
  assert.equal(lines[8], '**2 errors, 1 warning**');
});

test('singular counts', () => {
  const one = { valid: true, errors: [], warnings: [result.warnings[0]] };
  assert.match(renderReport(one, 'text', context), /\n1 warning\n$/);
});
