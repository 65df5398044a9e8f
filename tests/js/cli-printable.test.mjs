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

test('contract text quoted by explain, doc and diff reaches the terminal escaped; JSON stays JSON', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { main } = require('../../npm/cli/main.js');
  const dir = mkdtempSync(join(tmpdir(), 'pacto-printable-'));
  const hostile = join(dir, 'hostile');
  const plain = join(dir, 'plain');
  const contract = (owner) => `pactoVersion: "1.0"\nservice:\n  name: svc\n  version: 1.0.0\n  owner: "${owner}"\n`;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(hostile);
  mkdirSync(plain);
  writeFileSync(join(hostile, 'pacto.yaml'), contract('team\\e]0;pwned\\a\\e[31mRED\\u202Eevil'));
  writeFileSync(join(plain, 'pacto.yaml'), contract('team'));
  const run = async (args) => {
    let stdout = '';
    const io = { stdout: { write: (t) => (stdout += t) }, stderr: { write() {} }, env: {} };
    const status = await main(args, io);
    return { status, stdout };
  };
  try {
    for (const args of [
      ['explain', hostile],
      ['explain', hostile, '--output-format', 'markdown'],
      ['doc', hostile],
      ['diff', plain, hostile],
      ['diff', plain, hostile, '--output-format', 'markdown'],
    ]) {
      const { status, stdout } = await run(args);
      assert.equal(status, 0, args.join(' '));
      assert.doesNotMatch(stdout, /[\u001b\u0007\u202E]/, args.join(' '));
      assert.match(stdout, /team\\u\{1b\}\]0;pwned\\u\{7\}\\u\{1b\}\[31mRED\\u\{202e\}evil/, args.join(' '));
    }
    // JSON keeps the value itself: the consumer gets the contract's text, escaped as JSON does.
    const json = await run(['explain', hostile, '--output-format', 'json']);
    assert.equal(JSON.parse(json.stdout).owner, 'team\u001b]0;pwned\u0007\u001b[31mRED\u202Eevil');
    const diff = await run(['diff', plain, hostile, '--output-format', 'json']);
    assert.equal(JSON.parse(diff.stdout).changes[0].new, 'team\u001b]0;pwned\u0007\u001b[31mRED\u202Eevil');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
