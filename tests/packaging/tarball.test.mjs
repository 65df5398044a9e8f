// The packed tarball, installed with npm into a temporary project: what it
// holds, what @arethetypeswrong/cli says of its types, and the README's Node
// recipes (ES modules, CommonJS, TypeScript, two bundled Node programs) run
// as written. Run after `make build` and tests/packaging/setup.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  INVALID_CONTRACT,
  TOOLS_BIN,
  installedPackage,
  makeProject,
  readmeRecipes,
  recipeFiles,
  runScript,
  writeService,
} from './lib/project.mjs';

let install;
let recipes;
let expectedCodes;

before(() => {
  install = installedPackage();
  recipes = readmeRecipes(path.join(install.pkgDir, 'README.md'));
  const api = createRequire(path.join(install.dir, 'consumer.js'))('pacto-wasm');
  expectedCodes = api
    .validate({ 'pacto.yaml': INVALID_CONTRACT })
    .errors.map((e) => e.code)
    .join(' ');
});

after(() => install?.remove());

function node(args, cwd) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
}

test('the tarball holds the API .wasm once, exported as pacto-wasm/pacto.wasm (and the playground app its own)', () => {
  // The playground (dist/playground/, served by pacto serve) is a separate Leptos app with its own
  // module; the API's module is in the package exactly once.
  const wasm = install.files.filter((f) => f.endsWith('.wasm'));
  assert.deepEqual(wasm.filter((f) => !f.startsWith('dist/playground/')), ['dist/pacto.wasm']);
  assert.equal(wasm.filter((f) => f.startsWith('dist/playground/')).length, 1, wasm.join(', '));
  assert.ok(install.files.includes('LICENSE'));
  assert.match(fs.readFileSync(path.join(install.pkgDir, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  const pkg = JSON.parse(fs.readFileSync(path.join(install.pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.license, 'Apache-2.0');
  assert.ok(pkg.repository, 'package.json names a repository');
  const real = fs.realpathSync(path.join(install.pkgDir, 'dist', 'pacto.wasm'));
  const viaRequire = createRequire(path.join(install.dir, 'consumer.js')).resolve('pacto-wasm/pacto.wasm');
  assert.equal(fs.realpathSync(viaRequire), real);
  const viaImport = node(['--input-type=module', '-e', "console.log(import.meta.resolve('pacto-wasm/pacto.wasm'))"], install.dir);
  assert.equal(viaImport.status, 0, viaImport.stderr);
  assert.equal(fs.realpathSync(new URL(viaImport.stdout.trim())), real);
  // Both glues load that file; neither mentions another.
  for (const glue of ['dist/node/pacto_wasm.js', 'dist/web/pacto_wasm.js']) {
    const source = fs.readFileSync(path.join(install.pkgDir, glue), 'utf8');
    assert.match(source, /pacto\.wasm/, glue);
    assert.doesNotMatch(source, /_bg\.wasm/, glue);
  }
});

test('@arethetypeswrong/cli finds no problem in the tarball', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(install.pkgDir, 'package.json'), 'utf8'));
  // Every entry point is checked: the dual ones under every resolution (node10,
  // node16 CJS and ESM, bundler); pacto-wasm/web, an ES module, under attw's
  // esm-only profile, and pacto-wasm/widget too. pacto-wasm/pacto.wasm is an asset, not a module.
  const dual = ['.', './node'];
  const esmOnly = ['./web', './widget'];
  assert.deepEqual(
    Object.keys(pkg.exports).sort(),
    [...dual, ...esmOnly, './pacto.wasm', './package.json'].sort(),
    'a new export must be added to one of the attw runs',
  );
  for (const [profile, entrypoints, ignored] of [
    ['strict', dual, []],
    ['esm-only', esmOnly, ['node10', 'node16-cjs']],
  ]) {
    const run = spawnSync(
      path.join(TOOLS_BIN, 'attw'),
      [install.tarball, '--profile', profile, '--entrypoints', ...entrypoints, '--format', 'json'],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, `attw --profile ${profile} ${entrypoints.join(' ')}:\n${run.stdout}${run.stderr}`);
    const { analysis } = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(analysis.entrypoints).sort(), [...entrypoints].sort());
    // attw lists the problems of ignored resolutions too: only those may remain.
    const problems = Object.values(analysis.problems)
      .flat()
      .filter((p) => !ignored.includes(p.resolutionKind));
    assert.deepEqual(problems, [], `attw --profile ${profile}`);
    for (const entry of entrypoints) {
      for (const kind of ['node16-esm', 'bundler']) {
        const resolved = analysis.entrypoints[entry].resolutions[kind].resolution?.fileName ?? '';
        assert.match(resolved, /\.d\.mts$/, `${entry} under ${kind} is typed by a .d.mts`);
      }
    }
  }
});

test('Node ES module and CommonJS recipes run from the installed package', () => {
  for (const [name, file] of [
    ['node-esm', 'app.mjs'],
    ['node-cjs', 'app.cjs'],
  ]) {
    const dir = makeProject(install, name, recipeFiles(recipes, name));
    writeService(dir, INVALID_CONTRACT);
    const run = node([file, 'my-service'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), expectedCodes, name);
  }
});

test('the CLI from the tarball: npx pacto validate', () => {
  const dir = makeProject(install, 'cli', {});
  writeService(dir, INVALID_CONTRACT);
  const run = spawnSync(path.join(install.dir, 'node_modules', '.bin', 'pacto'), ['validate', '--output-format', 'json', 'my-service'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(
    JSON.parse(run.stdout).errors.map((e) => e.code).join(' '),
    expectedCodes,
  );
});

test('TypeScript recipe: type-checks under nodenext and runs', () => {
  const dir = makeProject(install, 'typescript', recipeFiles(recipes, 'typescript'));
  writeService(dir, INVALID_CONTRACT);
  const run = runScript(dir, recipeFiles(recipes, 'typescript')['build.sh']);
  assert.equal(run.stdout.trim(), expectedCodes);
});

test('TypeScript: the types tell the truth about default exports and pacto-wasm/web', () => {
  const dir = makeProject(install, 'types-truth', {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, lib: ['es2022', 'dom'], types: [] },
      files: ['default.mts', 'web.mts', 'cjs.cts'],
    }),
    // No default export exists at run time, so none may type-check.
    'default.mts': "import pacto from 'pacto-wasm';\nexport const v: string = pacto.VERSION;\n",
    'web.mts': `import init, { initialize, initSync, init as scaffold, validate, type ValidationResult } from 'pacto-wasm/web';
await init(new URL('https://example.invalid/pacto.wasm'));
await initialize(fetch('/pacto.wasm'));
initSync(new Uint8Array(0));
const files: Record<string, string> = scaffold('svc');
const result: ValidationResult = validate(files);
export { result };
`,
    'cjs.cts': "import pacto = require('pacto-wasm');\nexport const v: string = pacto.VERSION;\n",
  });
  const run = spawnSync(process.execPath, [path.join(TOOLS_BIN, 'tsc'), '-p', dir], { encoding: 'utf8' });
  const errors = run.stdout.trim().split('\n').filter(Boolean);
  assert.equal(errors.length, 1, run.stdout);
  assert.match(errors[0], /default\.mts\(1,8\): error TS1192: Module '"[^"]*index"' has no default export\./);
  // ... and indeed there is none at run time.
  const runtime = node(['--input-type=module', '-e', "import pacto from 'pacto-wasm';"], dir);
  assert.notEqual(runtime.status, 0);
  assert.match(runtime.stderr, /does not provide an export named 'default'/);
});

// The bundle is moved away from every node_modules before it runs: it must hold all it needs.
function runDetached(buildDir, entry) {
  const away = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-bundle-'));
  try {
    fs.cpSync(buildDir, path.join(away, 'build'), { recursive: true });
    fs.mkdirSync(path.join(away, 'my-service'));
    fs.writeFileSync(path.join(away, 'my-service', 'pacto.yaml'), INVALID_CONTRACT);
    return node([path.join('build', entry), 'my-service'], away);
  } finally {
    fs.rmSync(away, { recursive: true, force: true });
  }
}

test('a Node program bundled with esbuild --platform=node runs, pacto.wasm next to it', () => {
  const files = { ...recipeFiles(recipes, 'node-bundle'), 'app.mjs': recipeFiles(recipes, 'node-esm')['app.mjs'] };
  const dir = makeProject(install, 'node-bundle', files);
  writeService(dir, INVALID_CONTRACT);
  const run = runScript(dir, files['build.sh']);
  assert.equal(run.stdout.trim(), expectedCodes);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'build')).sort(), ['app.cjs', 'pacto.wasm']);
  const detached = runDetached(path.join(dir, 'build'), 'app.cjs');
  assert.equal(detached.status, 0, detached.stderr);
  assert.equal(detached.stdout.trim(), expectedCodes);
  // Without the copied module the bundle says what is missing and what to do.
  fs.rmSync(path.join(dir, 'build', 'pacto.wasm'));
  const missing = node(['build/app.cjs', 'my-service'], dir);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /pacto\.wasm not found .*copied next to the bundle/);
});

test('a single-file Node bundle (esbuild binary loader + initSync) runs anywhere', () => {
  const files = recipeFiles(recipes, 'node-single');
  const dir = makeProject(install, 'node-single', files);
  writeService(dir, INVALID_CONTRACT);
  const run = runScript(dir, files['build.sh']);
  assert.equal(run.stdout.trim(), expectedCodes);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'build')), ['app.cjs']);
  const detached = runDetached(path.join(dir, 'build'), 'app.cjs');
  assert.equal(detached.status, 0, detached.stderr);
  assert.equal(detached.stdout.trim(), expectedCodes);
});

test('pacto-wasm/web in Node: a clear error before init, one shared load, a retry after a failure', async () => {
  const dir = makeProject(install, 'web-init', {});
  const script = `
import init, { initialize, initSync, validate, graph, version } from 'pacto-wasm/web';
const out = {};
try { validate({}); } catch (e) { out.before = e.message; }
out.rejected = await graph({}).then(() => 'resolved', (e) => e.message);
const bytes = (await import('node:fs')).readFileSync(new URL(import.meta.resolve('pacto-wasm/pacto.wasm')));
let instantiations = 0;
const instantiate = WebAssembly.instantiate;
// Compilations: calls with bytes (Node's instantiate(bytes) itself calls instantiate(module)).
WebAssembly.instantiate = (...a) => { if (!(a[0] instanceof WebAssembly.Module)) instantiations++; return instantiate(...a); };
out.failed = await init(new Uint8Array([0, 97, 115, 109])).then(() => 'loaded', (e) => e.constructor.name);
const a = init(bytes), b = initialize(bytes), c = init(Promise.resolve(bytes));
out.shared = a === b && b === c;
await Promise.all([a, b, c]);
await init(new URL('file:///nowhere/pacto.wasm'));
initSync(bytes);
out.instantiations = instantiations;
out.version = version();
console.log(JSON.stringify(out));
`;
  fs.writeFileSync(path.join(dir, 'web-init.mjs'), script);
  const run = node(['web-init.mjs'], dir);
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.match(out.before, /^pacto-wasm: validate\(\) was called before the WebAssembly module was loaded: call init\(\) first/);
  assert.match(out.rejected, /^pacto-wasm: graph\(\) was called before .*call init\(\) first/);
  assert.equal(out.failed, 'CompileError', 'bad bytes reject');
  assert.equal(out.shared, true, 'concurrent init() calls share one promise');
  // One for the bad bytes, one for the shared load; later calls reuse the instance.
  assert.equal(out.instantiations, 2);
  assert.equal(out.version, install.version);
});

test('pacto serve from the installed package serves the playground at / and the widget example at /widget/', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(path.join(install.dir, 'node_modules', '.bin', 'pacto'), ['serve', '--port', '0', '--no-local-registry'], {
    cwd: install.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pacto serve did not start: ${out}`)), 20_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+\/)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`pacto serve exited ${code}: ${out}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Pacto playground<\/title>/);
    const config = await (await fetch(`${url}api/config`)).json();
    assert.equal(config.playground, true);
    const widget = await fetch(`${url}widget/`);
    assert.match(await widget.text(), /<pacto-validator id="catalog"/);
  } finally {
    child.kill('SIGTERM');
  }
});
