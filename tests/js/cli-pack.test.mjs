// `pacto pack`: a reproducible bundle archive, refused for an invalid
// contract; and the archives it writes as input to validate, explain and diff.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';

import { INVALID_CONTRACT, ROOT, VALID_CONTRACT, pacto, tempDir, workspaceWith } from './helpers.mjs';
import { tar } from '../registry/tar.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');
const { loadBundle } = require('../../npm/node.js');

const sha256 = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
const asBuffer = (value) => (typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

// Files only: directory keys ("dir/") are not compared.
function assertSameBundle(actual, expected) {
  const files = (bundle) => Object.keys(bundle).filter((k) => !k.endsWith('/')).sort();
  assert.deepEqual(files(actual), files(expected));
  for (const key of files(expected)) {
    assert.ok(asBuffer(actual[key]).equals(asBuffer(expected[key])), key);
  }
}

describe('pack', () => {
  const { cwd, dir } = workspaceWith('orders', VALID_CONTRACT, {
    'docs/logo.bin': Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    'docs/empty/': '',
  });

  test('default output <name>-<version>.tar.gz in the working directory', () => {
    const run = pacto(['pack', 'orders'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'Packed orders@1.2.0 -> orders-1.2.0.tar.gz\n');
    assert.equal(run.stderr, '');
    const file = path.join(cwd, 'orders-1.2.0.tar.gz');
    assert.equal(fs.statSync(file).mode & 0o777, 0o644);
    assert.deepEqual([...fs.readFileSync(file).subarray(0, 2)], [0x1f, 0x8b]);
    assert.deepEqual(fs.readdirSync(cwd).sort(), ['orders', 'orders-1.2.0.tar.gz'], 'no temporary file left');
  });

  test('the same bundle gives the same bytes, whatever the file times', () => {
    const a = path.join(cwd, 'a.tar.gz');
    const b = path.join(cwd, 'b.tar.gz');
    assert.equal(pacto(['pack', dir, '-o', a], { cwd }).status, 0);
    const later = new Date(Date.now() + 3_600_000);
    fs.utimesSync(path.join(dir, 'pacto.yaml'), later, later);
    assert.equal(pacto(['pack', dir, '--output', b], { cwd }).status, 0);
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
  });

  test('json: output, name, version and the sha256 of the archive', () => {
    const out = path.join(cwd, 'c.tar.gz');
    const run = pacto(['pack', dir, '-o', out, '--output-format', 'json'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { output: out, name: 'orders', version: '1.2.0', digest: sha256(fs.readFileSync(out)) });
  });

  test('unpack of the archive is the directory (binary files too)', () => {
    const out = path.join(cwd, 'd.tar.gz');
    assert.equal(pacto(['pack', dir, '-o', out], { cwd }).status, 0);
    assertSameBundle(api.unpack(new Uint8Array(fs.readFileSync(out))), loadBundle(dir));
    // A tar.gz any tool can read: the first entry is a ustar header.
    const tarBytes = zlib.gunzipSync(fs.readFileSync(out));
    assert.equal(tarBytes.subarray(257, 262).toString(), 'ustar');
  });

  test('examples/full packs and reads back', () => {
    const out = path.join(tempDir('full-pack'), 'full.tar.gz');
    const run = pacto(['pack', path.join(ROOT, 'examples', 'full'), '-o', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `Packed order-service@1.8.0 -> ${out}\n`);
    assertSameBundle(api.unpack(new Uint8Array(fs.readFileSync(out))), loadBundle(path.join(ROOT, 'examples', 'full')));
  });

  test('packing into the bundle leaves the archive out of it', () => {
    const { dir: inside } = workspaceWith('inside', VALID_CONTRACT);
    assert.equal(pacto(['pack'], { cwd: inside }).status, 0);
    const first = fs.readFileSync(path.join(inside, 'orders-1.2.0.tar.gz'));
    assert.equal(pacto(['pack'], { cwd: inside }).status, 0);
    const second = fs.readFileSync(path.join(inside, 'orders-1.2.0.tar.gz'));
    assert.ok(first.equals(second), 'the previous archive is not packed into the next one');
    assert.ok(!Object.keys(api.unpack(new Uint8Array(second))).some((k) => k.endsWith('.tar.gz')));
  });

  test('an invalid contract is not packed: diagnostics on stderr, exit 1', () => {
    const { cwd: bad } = workspaceWith('orders', INVALID_CONTRACT);
    const run = pacto(['pack', 'orders'], { cwd: bad });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^orders is invalid$/m);
    assert.match(run.stderr, /^orders\/pacto\.yaml:9:\d+: error \w+ interfaces\[0\]\.port: /m);
    assert.match(run.stderr, /^pacto: contract validation failed with 2 errors: nothing was packed$/m);
    assert.deepEqual(fs.readdirSync(bad), ['orders']);
  });

  test('usage and I/O errors exit 2', () => {
    const missing = pacto(['pack', 'nowhere'], { cwd });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pacto: nowhere: no such file or directory\n/);
    const noDir = pacto(['pack', dir, '-o', path.join(cwd, 'no', 'such', 'dir.tar.gz')], { cwd });
    assert.equal(noDir.status, 2);
    assert.match(noDir.stderr, /^pacto: cannot write .*dir\.tar\.gz: no such directory\n/);
    assert.equal(pacto(['pack', 'a', 'b'], { cwd }).status, 2);
  });
});

describe('archives as input', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);
  const archive = path.join(cwd, 'orders.tar.gz');
  pacto(['pack', 'orders', '-o', archive], { cwd });

  test('validate and explain read a .tar.gz', () => {
    const validate = pacto(['validate', archive], { cwd });
    assert.equal(validate.status, 0, validate.stderr);
    assert.equal(validate.stdout, `${archive} is valid\n`);
    const explain = pacto(['explain', archive, '--output-format', 'json'], { cwd });
    assert.equal(explain.status, 0, explain.stderr);
    assert.equal(JSON.parse(explain.stdout).name, 'orders');
  });

  test('an invalid archive: its diagnostics point into the archive, exit 1', () => {
    // pack refuses invalid bundles: this archive is written by the test's own tar writer.
    const file = path.join(cwd, 'bad.tar.gz');
    fs.writeFileSync(file, zlib.gzipSync(tar([{ name: 'pacto.yaml', data: INVALID_CONTRACT }])));
    const run = pacto(['validate', file], { cwd });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}!/pacto\\.yaml:9:\\d+: error \\w+ interfaces\\[0\\]\\.port: `, 'm'));
  });

  test('a corrupt archive exits 2', () => {
    const file = path.join(cwd, 'corrupt.tar.gz');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), crypto.randomBytes(100)]));
    const run = pacto(['validate', file], { cwd });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pacto: .*corrupt\.tar\.gz: /);
  });
});
