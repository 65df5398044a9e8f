// Where things are, relative to this file (so `node bench/run.mjs` works from any cwd).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const NPM_DIR = path.join(REPO_ROOT, 'npm');
export const NPM_DIST = path.join(NPM_DIR, 'dist');
export const NPM_BIN = path.join(NPM_DIR, 'bin', 'pacto.js');
export const SCHEMA_PATH = path.join(REPO_ROOT, 'core', 'schema', 'pacto-v1.0.schema.json');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
export const OUT_DIR = path.join(BENCH_DIR, 'out');

/** `p` relative to the repository root for printing; absolute when outside it. */
export function rel(p) {
  const r = path.relative(REPO_ROOT, p);
  return r.startsWith('..') || path.isAbsolute(r) ? p : r || '.';
}
