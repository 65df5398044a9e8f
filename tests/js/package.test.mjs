// The package as consumers get it: what `npm pack` ships, and how the
// `exports` map resolves by name for require, import, the browser condition
// and pacto-wasm/node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { NPM_DIR, VALID_CONTRACT, tempDir } from './helpers.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(NPM_DIR, 'package.json'), 'utf8'));

// A project with pacto-wasm installed (as a symlink to npm/).
function consumerProject() {
  const dir = tempDir('consumer');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(NPM_DIR, path.join(dir, 'node_modules', 'pacto-wasm'), 'dir');
  return dir;
}

function node(args, cwd) {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, `node ${args.join(' ')}\n${run.stderr}`);
  return run.stdout;
}

test('package.json: name, version of the crate, bin, exports typed per condition', () => {
  assert.equal(pkg.name, 'pacto-wasm');
  const cargo = fs.readFileSync(path.join(NPM_DIR, '..', 'Cargo.toml'), 'utf8');
  assert.equal(pkg.version, /^version = "([^"]+)"/m.exec(cargo)[1], 'npm version = workspace crate version');
  assert.deepEqual(pkg.bin, { pacto: 'bin/pacto.js' });
  // Each condition carries its own types, first: .d.mts for ES modules, .d.ts for CommonJS.
  assert.deepEqual(Object.keys(pkg.exports['.']), ['browser', 'import', 'require', 'default']);
  for (const [entry, condition, types] of [
    ['.', 'browser', './index.d.mts'],
    ['.', 'import', './index.d.mts'],
    ['.', 'require', './index.d.ts'],
    ['./node', 'import', './node.d.mts'],
    ['./node', 'require', './node.d.ts'],
  ]) {
    assert.deepEqual(Object.entries(pkg.exports[entry][condition])[0], ['types', types], `${entry} ${condition}`);
  }
  assert.deepEqual(pkg.exports['./web'], { types: './web.d.mts', default: './web.mjs' });
  assert.deepEqual(pkg.exports['./widget'], { types: './widget/index.d.mts', default: './widget/index.mjs' });
  assert.equal(pkg.exports['./pacto.wasm'], './dist/pacto.wasm');
  assert.equal(pkg.license, 'Apache-2.0');
  assert.ok(fs.existsSync(path.join(NPM_DIR, 'LICENSE')));
  assert.ok(fs.readFileSync(path.join(NPM_DIR, 'bin', 'pacto.js'), 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('npm pack ships the entry points, the CLI, both glues and one .wasm, nothing else', () => {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: NPM_DIR, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const files = JSON.parse(run.stdout)[0].files.map((f) => f.path).sort();
  for (const required of [
    'package.json',
    'index.js',
    'index.mjs',
    'index.d.ts',
    'index.d.mts',
    'browser.mjs',
    'web.mjs',
    'web.d.mts',
    'node.js',
    'node.mjs',
    'node.d.ts',
    'node.d.mts',
    'LICENSE',
    'README.md',
    'bin/pacto.js',
    'cli/main.js',
    'cli/commands/validate.js',
    'dist/pacto.wasm',
    'serve/index.js',
    'serve/placeholder/index.html',
    'dist/node/pacto_wasm.js',
    'dist/node/pacto_wasm.d.ts',
    'dist/node/package.json',
    'dist/web/pacto_wasm.js',
    'dist/web/pacto_wasm.d.ts',
    'dist/web/package.json',
    'widget/index.mjs',
    'widget/index.d.mts',
    'widget/editor.mjs',
    'widget/example/index.html',
  ]) {
    assert.ok(files.includes(required), `${required} is packed`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['dist/pacto.wasm']);
  const unexpected = files.filter(
    (f) =>
      !/^(package\.json|README\.md|LICENSE|index\.(js|mjs|d\.ts|d\.mts)|browser\.mjs|web\.(mjs|d\.mts)|node\.(js|mjs|d\.ts|d\.mts)|bin\/|cli\/|serve\/|dist\/pacto\.wasm$|dist\/(node|web)\/|widget\/)/.test(f),
  );
  assert.deepEqual(unexpected, []);
});

test('resolution by name: require, import and pacto-wasm/node', () => {
  const cwd = consumerProject();
  const cjs = node(
    ['-e', "const p = require('pacto-wasm'); const n = require('pacto-wasm/node'); console.log(p.VERSION, typeof p.validate, typeof n.loadBundle, require.resolve('pacto-wasm'))"],
    cwd,
  );
  assert.match(cjs, new RegExp(`^${pkg.version} function function \\S*/index\\.js\\n$`));
  const esm = node(
    [
      '--input-type=module',
      '-e',
      "import { VERSION, validate } from 'pacto-wasm'; import { loadBundle } from 'pacto-wasm/node'; console.log(VERSION, typeof validate, typeof loadBundle, import.meta.resolve('pacto-wasm'))",
    ],
    cwd,
  );
  assert.match(esm, new RegExp(`^${pkg.version} function function \\S*/index\\.mjs\\n$`));
});

test('resolution by name under the browser condition picks browser.mjs', () => {
  const cwd = consumerProject();
  // A browser fetches the .wasm over HTTP; here fetch serves file: URLs from disk.
  fs.writeFileSync(
    path.join(cwd, 'file-fetch.mjs'),
    `import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(String(input));
  if (url.protocol !== 'file:') return realFetch(input, init);
  return new Response(fs.readFileSync(fileURLToPath(url)), { headers: { 'Content-Type': 'application/wasm' } });
};
`,
  );
  fs.writeFileSync(
    path.join(cwd, 'main.mjs'),
    `import { validate, VERSION } from 'pacto-wasm';
console.log(import.meta.resolve('pacto-wasm'));
console.log(VERSION, JSON.stringify(validate({ 'pacto.yaml': ${JSON.stringify(VALID_CONTRACT)}, 'interfaces/openapi.yaml': '', 'configuration/schema.json': '{}' })));
`,
  );
  const out = node(['--conditions=browser', '--import', './file-fetch.mjs', 'main.mjs'], cwd);
  const [resolved, result] = out.trimEnd().split('\n');
  assert.match(resolved, /\/browser\.mjs$/);
  assert.equal(result, `${pkg.version} {"valid":true,"errors":[],"warnings":[]}`);
});
