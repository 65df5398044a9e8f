// The benchmark's own dependencies (bench/node_modules), and the pacto-wasm package under test.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, NPM_DIR, NPM_DIST, rel } from './paths.mjs';

const REQUIRED = ['js-yaml', 'ajv'];

/**
 * { ok, missing: [names], stale: [names] }. `stale` lists the packages whose
 * installed version differs from bench/package-lock.json (re-run bench/setup.sh).
 */
export function checkBenchDeps() {
  const req = createRequire(path.join(BENCH_DIR, 'package.json'));
  let locked = {};
  try {
    locked = JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    /* no lock file: nothing to compare against */
  }
  const missing = [];
  const stale = [];
  for (const name of REQUIRED) {
    let installed;
    try {
      installed = req(`${name}/package.json`).version;
    } catch {
      missing.push(name);
      continue;
    }
    const want = locked[`node_modules/${name}`]?.version;
    if (want && want !== installed) stale.push(`${name} ${installed} (locked ${want})`);
  }
  return { ok: missing.length === 0, missing, stale };
}

/** js-yaml and ajv (draft 2020-12 build), resolved from bench/node_modules. */
export function loadBenchDeps() {
  const req = createRequire(path.join(BENCH_DIR, 'package.json'));
  const yaml = req('js-yaml');
  const Ajv2020 = req('ajv/dist/2020').default;
  return {
    yaml,
    Ajv2020,
    versions: {
      'js-yaml': req('js-yaml/package.json').version,
      ajv: req('ajv/package.json').version,
    },
  };
}

function packageCandidates() {
  const candidates = [];
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(NPM_DIR, 'package.json'), 'utf8'));
    const dot = pkg.exports?.['.'];
    const entry = typeof dot === 'string' ? dot : dot?.import ?? dot?.default ?? pkg.module ?? pkg.main;
    if (entry) candidates.push(path.join(NPM_DIR, entry));
  } catch {
    /* no package.json yet */
  }
  candidates.push(path.join(NPM_DIST, 'node', 'pacto_wasm.js'));
  return candidates;
}

/**
 * Loads pacto-wasm the way an ESM consumer would: through the `import` entry of
 * npm/package.json `exports["."]`. Falls back to the raw wasm-bindgen build in
 * npm/dist/node when the package entry is not there yet.
 * `override` (run.mjs --pacto) loads that file instead, and nothing else.
 * Returns { api, entry, overridden } or { error } when nothing can be loaded.
 */
export async function loadPacto(override) {
  const candidates = override ? [path.resolve(override)] : packageCandidates();

  const problems = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      problems.push(`${rel(file)} does not exist`);
      continue;
    }
    try {
      const mod = await import(pathToFileURL(file).href);
      const api = typeof mod.validate === 'function' ? mod : mod.default;
      if (typeof api?.validate !== 'function') {
        problems.push(`${rel(file)} has no validate()`);
        continue;
      }
      return { api, entry: rel(file), overridden: Boolean(override) };
    } catch (error) {
      problems.push(`${rel(file)}: ${error.message.split('\n')[0]}`);
    }
  }
  return { error: `pacto-wasm could not be loaded (${problems.join('; ')}); run \`make build\`` };
}
