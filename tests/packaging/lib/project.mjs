// The package as a user gets it: `npm pack` of npm/, installed with npm into a
// temporary project, and the README's recipes written out as small projects
// beside it.
//
// Everything lives under tests/packaging/.work/run-*/ (git-ignored), so that
// Node's resolution from a recipe walks up to tests/packaging/node_modules and
// finds the bundlers there, as it would find them in the user's own
// node_modules. Each recipe gets its own copy of the installed package in its
// node_modules/pacto-wasm, as `npm install` would leave it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(HERE, '..', '..');
export const NPM_DIR = path.join(ROOT, 'npm');
export const TOOLS_BIN = path.join(HERE, 'node_modules', '.bin');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'packaging');
const WORK = path.join(HERE, '.work');

// Valid YAML, with three findings of two kinds (a duplicate interface name;
// two contract files that the bundle does not hold).
export const INVALID_CONTRACT = `pactoVersion: "1.0"
service:
  name: orders
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml
  - name: api
    type: grpc
    port: 9090
    contract: interfaces/api.proto
`;
export const VALID_CONTRACT = `pactoVersion: "1.0"
service:
  name: orders
  version: 1.0.0
`;

export function checkTools() {
  for (const tool of ['esbuild', 'rollup', 'vite', 'webpack', 'tsc', 'attw']) {
    if (!fs.existsSync(path.join(TOOLS_BIN, tool))) {
      throw new Error(`tests/packaging/node_modules lacks ${tool}: run tests/packaging/setup.sh`);
    }
  }
  if (!fs.existsSync(path.join(NPM_DIR, 'dist', 'pacto.wasm'))) {
    throw new Error('npm/dist is missing: run `make build` first');
  }
}

/**
 * Packs npm/ and installs the tarball into a fresh project.
 * @returns {{ dir: string, tarball: string, files: string[], pkgDir: string, version: string, remove(): void }}
 */
export function installedPackage() {
  checkTools();
  fs.mkdirSync(WORK, { recursive: true });
  const dir = fs.mkdtempSync(path.join(WORK, 'run-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: NPM_DIR, encoding: 'utf8' }),
  )[0];
  const tarball = path.join(dir, packed.filename);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true }, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', tarball], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return {
    dir,
    tarball,
    files: packed.files.map((f) => f.path).sort(),
    packedSize: packed.size,
    pkgDir: path.join(dir, 'node_modules', 'pacto-wasm'),
    version: packed.version,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The README's tested files: a fenced block right after `<!-- test: recipe/file -->`.
 * @returns {Map<string, string>} "recipe/file" -> content
 */
export function readmeRecipes(readmePath) {
  const text = fs.readFileSync(readmePath, 'utf8');
  const recipes = new Map();
  const block = /<!-- test: (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(block)) recipes.set(m[1], `${m[2]}\n`);
  return recipes;
}

/** The files of one recipe, keyed by file name. */
export function recipeFiles(recipes, name) {
  const files = {};
  for (const [key, content] of recipes) {
    if (key.startsWith(`${name}/`)) files[key.slice(name.length + 1)] = content;
  }
  if (Object.keys(files).length === 0) throw new Error(`README.md has no recipe "${name}"`);
  return files;
}

/**
 * A project directory with its own copy of the installed package and the given files.
 * @param {{ dir: string, pkgDir: string }} install
 */
export function makeProject(install, name, files) {
  const dir = path.join(install.dir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.cpSync(install.pkgDir, path.join(dir, 'node_modules', 'pacto-wasm'), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** A bundle directory `my-service/` holding `contract` as its pacto.yaml. */
export function writeService(dir, contract, name = 'my-service') {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'pacto.yaml'), contract);
}

/**
 * Runs a README shell block in `dir`. `npx tool` runs the tool installed in
 * tests/packaging/node_modules (npx would do the same from the user's
 * node_modules); `bins` puts other directories first on PATH (Vite 5).
 */
export function runScript(dir, script, { bins = [], env = {} } = {}) {
  const shell = script.replace(/\bnpx /g, '');
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', shell], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env, PATH: [...bins, TOOLS_BIN, process.env.PATH].join(path.delimiter) },
    timeout: 180_000,
  });
  if (run.status !== 0) {
    throw new Error(`in ${dir}:\n${shell}\nexit ${run.status ?? run.signal}\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}

/** A bin directory whose `vite` is Vite 5 (installed as the npm alias `vite5`). */
export function vite5Bin(install) {
  const bin = path.join(install.dir, 'bin-vite5');
  fs.mkdirSync(bin, { recursive: true });
  const target = path.join(HERE, 'node_modules', 'vite5', 'bin', 'vite.js');
  if (!fs.existsSync(target)) throw new Error('tests/packaging/node_modules/vite5 is missing: run tests/packaging/setup.sh');
  fs.rmSync(path.join(bin, 'vite'), { force: true });
  fs.symlinkSync(target, path.join(bin, 'vite'));
  return bin;
}
