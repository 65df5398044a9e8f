// pacto-wasm/node: loadBundle and locateBundle on real directories.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRequire } from 'node:module';

import * as nodeEsm from '../../npm/node.mjs';
import { validate } from '../../npm/index.mjs';
import { VALID_CONTRACT, bundleFiles, tempDir, writeFiles } from './helpers.mjs';

const require = createRequire(import.meta.url);
const nodeCjs = require('../../npm/node.js');
const { loadBundle, locateBundle, BundleError, MAX_FILE_BYTES, MAX_BUNDLE_BYTES } = nodeEsm;

const decode = (bytes) => new TextDecoder().decode(bytes);
const MiB = 1024 * 1024;

function expectBundleError(fn, code, messagePattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof BundleError, `${error} is a BundleError`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'BundleError');
    assert.equal(error.code, code);
    assert.match(error.message, messagePattern);
    return true;
  });
}

describe('loadBundle', () => {
  test('ESM and CJS expose the same helpers', () => {
    assert.equal(nodeEsm.loadBundle, nodeCjs.loadBundle);
    assert.equal(nodeEsm.BundleError, nodeCjs.BundleError);
    assert.equal(MAX_FILE_BYTES, 10 * MiB);
    assert.equal(MAX_BUNDLE_BYTES, 50 * MiB);
  });

  test('reads every file as a Uint8Array and every directory as a "dir/" key', () => {
    const dir = writeFiles(tempDir('tree'), {
      ...bundleFiles(VALID_CONTRACT),
      'docs/': '',
      'docs/guides/deep/readme.md': '# deep',
      'sbom/': '',
    });
    const bundle = loadBundle(dir);
    assert.deepEqual(Object.keys(bundle).sort(), [
      'configuration/',
      'configuration/schema.json',
      'docs/',
      'docs/guides/',
      'docs/guides/deep/',
      'docs/guides/deep/readme.md',
      'interfaces/',
      'interfaces/openapi.yaml',
      'pacto.yaml',
      'sbom/',
    ]);
    for (const [key, value] of Object.entries(bundle)) {
      if (key.endsWith('/')) continue;
      assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype, `${key} is a plain Uint8Array`);
    }
    assert.equal(decode(bundle['pacto.yaml']), VALID_CONTRACT);
    assert.equal(decode(bundle['docs/guides/deep/readme.md']), '# deep');
    assert.deepEqual(validate(bundle), { valid: true, errors: [], warnings: [] });
  });

  test('an empty directory referenced by the contract counts as existing', () => {
    const contract = VALID_CONTRACT.replace('contract: interfaces/openapi.yaml', 'contract: interfaces');
    const dir = writeFiles(tempDir('empty-dir'), {
      'pacto.yaml': contract,
      'configuration/schema.json': '{}',
      'interfaces/': '',
    });
    assert.equal(loadBundle(dir)['interfaces/'], '');
    assert.deepEqual(validate(loadBundle(dir)), { valid: true, errors: [], warnings: [] });
    fs.rmdirSync(path.join(dir, 'interfaces'));
    assert.deepEqual(
      validate(loadBundle(dir)).errors.map((d) => [d.code, d.path]),
      [['FILE_NOT_FOUND', 'interfaces[0].contract']],
    );
  });

  test('a contract file path: its directory is the root, its content is pacto.yaml', () => {
    const dir = writeFiles(tempDir('file-arg'), {
      ...bundleFiles('not: the contract\n'),
      'staging.yaml': VALID_CONTRACT,
    });
    const viaPacto = loadBundle(path.join(dir, 'pacto.yaml'));
    assert.equal(decode(viaPacto['pacto.yaml']), 'not: the contract\n');
    assert.ok('interfaces/openapi.yaml' in viaPacto);
    const viaOther = loadBundle(path.join(dir, 'staging.yaml'));
    assert.equal(decode(viaOther['pacto.yaml']), VALID_CONTRACT);
    assert.deepEqual(validate(viaOther), { valid: true, errors: [], warnings: [] });
    assert.deepEqual(locateBundle(path.join(dir, 'staging.yaml')), {
      root: dir,
      contractPath: path.join(dir, 'staging.yaml'),
    });
    assert.deepEqual(locateBundle(dir), { root: dir, contractPath: path.join(dir, 'pacto.yaml') });
  });

  test('skips .git and node_modules at any depth', () => {
    const dir = writeFiles(tempDir('skips'), {
      ...bundleFiles(VALID_CONTRACT),
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/x/index.js': '',
      'docs/node_modules/y.js': '',
      'docs/.git': 'gitdir: elsewhere\n',
      'docs/.gitignore': 'kept\n',
    });
    const keys = Object.keys(loadBundle(dir));
    assert.ok(keys.includes('docs/.gitignore'));
    assert.deepEqual(
      keys.filter((k) => k.includes('.git/') || k.includes('node_modules') || k === 'docs/.git'),
      [],
    );
  });

  test('follows symlinks to files and directories, and stops at a loop', () => {
    const outside = writeFiles(tempDir('outside'), { 'shared/openapi.yaml': 'openapi: "3.0.0"\n' });
    const dir = writeFiles(tempDir('links'), { 'pacto.yaml': VALID_CONTRACT, 'configuration/schema.json': '{}' });
    fs.symlinkSync(path.join(outside, 'shared'), path.join(dir, 'interfaces'));
    fs.symlinkSync(path.join(dir, 'pacto.yaml'), path.join(dir, 'alias.yaml'));
    fs.symlinkSync('..', path.join(dir, 'configuration', 'up')); // a loop back to the root
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    fs.symlinkSync('self', path.join(dir, 'self'));
    const bundle = loadBundle(dir);
    assert.equal(decode(bundle['interfaces/openapi.yaml']), 'openapi: "3.0.0"\n');
    assert.equal(decode(bundle['alias.yaml']), VALID_CONTRACT);
    assert.equal(bundle['configuration/up/'], '', 'the loop is listed as a directory');
    assert.ok(!Object.keys(bundle).some((k) => k.startsWith('configuration/up/') && k !== 'configuration/up/'));
    assert.ok(!('dangling' in bundle) && !('self' in bundle));
    assert.deepEqual(validate(bundle), { valid: true, errors: [], warnings: [] });
  });

  test('file names that are Object.prototype members are plain entries', () => {
    const dir = writeFiles(tempDir('proto'), {
      'pacto.yaml': VALID_CONTRACT,
      ['__proto__']: 'x',
      constructor: 'y',
    });
    const bundle = loadBundle(dir);
    assert.ok(Object.hasOwn(bundle, '__proto__'));
    assert.equal(decode(bundle.constructor), 'y');
    assert.equal(Object.getPrototypeOf(bundle), Object.prototype);
  });

  test('missing path: ENOENT_BUNDLE', () => {
    const missing = path.join(tempDir('missing'), 'nope');
    expectBundleError(() => loadBundle(missing), 'ENOENT_BUNDLE', /nope: no such file or directory/);
  });

  test('directory without pacto.yaml: NO_CONTRACT', () => {
    const dir = writeFiles(tempDir('no-contract'), { 'README.md': '# x' });
    expectBundleError(() => loadBundle(dir), 'NO_CONTRACT', /no pacto\.yaml found in /);
    fs.mkdirSync(path.join(dir, 'pacto.yaml'));
    expectBundleError(() => loadBundle(dir), 'NO_CONTRACT', /pacto\.yaml is not a regular file/);
  });

  test('neither a directory nor a file: NOT_A_BUNDLE', { skip: !fs.existsSync('/dev/null') }, () => {
    expectBundleError(() => loadBundle('/dev/null'), 'NOT_A_BUNDLE', /neither a directory nor a regular file/);
  });

  test('a file over 10 MiB: TOO_LARGE', () => {
    const dir = writeFiles(tempDir('big-file'), { 'pacto.yaml': VALID_CONTRACT });
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(10 * MiB + 1));
    expectBundleError(() => loadBundle(dir), 'TOO_LARGE', /big\.bin is too large \(10485761 bytes; the limit is 10 MiB per file\)/);
    fs.truncateSync(path.join(dir, 'big.bin'), 10 * MiB);
    assert.equal(loadBundle(dir)['big.bin'].byteLength, 10 * MiB, 'exactly 10 MiB is allowed');
  });

  test('a bundle over 50 MiB in total: TOO_LARGE', () => {
    const dir = writeFiles(tempDir('big-bundle'), { 'pacto.yaml': VALID_CONTRACT });
    for (let i = 0; i < 6; i += 1) fs.writeFileSync(path.join(dir, `part-${i}.bin`), Buffer.alloc(9 * MiB));
    expectBundleError(() => loadBundle(dir), 'TOO_LARGE', /bundle is too large: more than 50 MiB in total \(reached at .*part-5\.bin\)/);
  });

  test('an unreadable file: UNREADABLE', { skip: process.getuid?.() === 0 && 'root reads everything' }, () => {
    const dir = writeFiles(tempDir('unreadable'), { 'pacto.yaml': VALID_CONTRACT, 'secret.txt': 'x' });
    fs.chmodSync(path.join(dir, 'secret.txt'), 0o000);
    expectBundleError(() => loadBundle(dir), 'UNREADABLE', /secret\.txt: permission denied/);
  });

  test('a path that is not a string is a TypeError', () => {
    assert.throws(() => loadBundle(undefined), TypeError);
  });
});
