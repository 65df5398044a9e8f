// The CLI's printable(): what reaches the terminal from paths, refs and Node
// error messages, escaped and cut the way pacto-core's safe_text does it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const { printable, printableLines } = require('../../npm/cli/printable.js');

test('control and format characters are escaped; ordinary text is kept', () => {
  assert.equal(printable('a\u202Eb\u001b[2J\u2066c\u200F\u2028'), 'a\\u{202e}b\\u{1b}[2J\\u{2066}c\\u{200f}\\u{2028}');
  assert.equal(printable('tab\tline\nret\r'), 'tab\\tline\\nret\\r');
  assert.equal(printable('Grüße 日本語 🚀 docs/openapi.yaml'), 'Grüße 日本語 🚀 docs/openapi.yaml');
  assert.equal(printable('\uFEFFbom\u00AD'), '\\u{feff}bom\\u{ad}');
});

test('long values are cut with an ellipsis, never inside an escape', () => {
  assert.equal(printable('x'.repeat(10), 5), 'xxxx…');
  assert.equal(printable('x'.repeat(5), 5), 'xxxxx');
  assert.equal(printable('\u202E'.repeat(5), 12), '\\u{202e}…');
  assert.equal(Array.from(printable('🚀'.repeat(100), 10)).length, 10);
});

test('multiline messages keep their own line breaks and tabs, line by line', () => {
  assert.equal(printableLines('first\u202E\n\tsecond\u001b'), 'first\\u{202e}\n\tsecond\\u{1b}');
});

test('the CLI prints errors through it', async () => {
  const { main } = require('../../npm/cli/main.js');
  let stderr = '';
  const io = { stdout: { write() {} }, stderr: { write: (t) => (stderr += t) }, env: {} };
  const status = main(['validate', '/nonexistent/\u202Eevil\u001b[2J'], io);
  assert.equal(await status, 2);
  assert.match(stderr, /\\u\{202e\}evil\\u\{1b\}\[2J/);
  assert.doesNotMatch(stderr, /[\u202E\u001b]/);
});
