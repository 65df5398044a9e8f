// Assembles the served playground from the build outputs (see `make build-playground`):
//   OUT/index.html                  no-cache: names the assets directory below
//   OUT/assets-<hash>/main.js       bootstrap; pacto-playground.js(+_bg.wasm) from wasm-bindgen,
//   OUT/assets-<hash>/snippets/...  its glue.js snippet, editor.js (CodeMirror, esbuild), style.css
// <hash> is the content hash of everything in the directory, so a server can cache it forever;
// the files inside keep their names because the wasm-bindgen glue refers to them by name.
// Usage: node playground/build.mjs BINDGEN_DIR EDITOR_BUNDLE OUT
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [bindgenDir, editorBundle, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node playground/build.mjs BINDGEN_DIR EDITOR_BUNDLE OUT');
  process.exit(2);
}

const staging = join(out, '.staging');
rmSync(out, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
cpSync(bindgenDir, staging, { recursive: true });
rmSync(join(staging, 'package.json'), { force: true });
for (const f of readdirSync(staging)) if (f.endsWith('.d.ts')) rmSync(join(staging, f));
cpSync(editorBundle, join(staging, 'editor.js'));
cpSync(join(here, 'main.js'), join(staging, 'main.js'));
cpSync(join(here, 'worker.js'), join(staging, 'worker.js'));
cpSync(join(here, 'style.css'), join(staging, 'style.css'));
cpSync(join(here, 'registry.css'), join(staging, 'registry.css'));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const hash = createHash('sha256');
for (const f of files(staging).sort()) {
  hash.update(relative(staging, f));
  hash.update(readFileSync(f));
}
const assets = `assets-${hash.digest('hex').slice(0, 12)}`;
cpSync(staging, join(out, assets), { recursive: true });
rmSync(staging, { recursive: true });
const html = readFileSync(join(here, 'index.html'), 'utf8').replaceAll('__ASSETS__', assets);
writeFileSync(join(out, 'index.html'), html);
console.log(`playground: ${out}/index.html + ${out}/${assets}/`);
