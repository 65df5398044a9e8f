#!/usr/bin/env node
// One .wasm for the whole package (`make build` runs this after wasm-bindgen).
//
// wasm-bindgen writes the same module twice, dist/node/pacto_wasm_bg.wasm and
// dist/web/pacto_wasm_bg.wasm, each glue loading the copy next to it. This
// keeps a single dist/pacto.wasm (exported as `pacto-wasm/pacto.wasm`) and
// points both glues at it:
//   node glue  reads <its dir>/pacto.wasm when present (the glue bundled into a
//              Node program, with pacto.wasm copied next to the bundle), else
//              <its dir>/../pacto.wasm (the package layout)
//   web glue   its default URL becomes new URL('../pacto.wasm', import.meta.url),
//              still a static `new URL` that webpack, Vite and Rollup plugins see
// Every rewrite must match exactly once: if wasm-bindgen changes its output,
// the build stops here with the reason instead of shipping a glue that 404s.
//
//   node scripts/wasm-layout.mjs npm/dist
import fs from 'node:fs';
import path from 'node:path';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node scripts/wasm-layout.mjs DIST_DIR');
  process.exit(2);
}

const BG = 'pacto_wasm_bg.wasm';
const WASM = 'pacto.wasm';

function fail(message) {
  console.error(`wasm-layout: ${message}`);
  process.exit(1);
}

function replaceOnce(file, from, to) {
  const source = fs.readFileSync(file, 'utf8');
  const count = source.split(from).length - 1;
  if (count !== 1) {
    fail(`${file}: expected exactly one \`${from}\`, found ${count}; wasm-bindgen's output changed, update scripts/wasm-layout.mjs`);
  }
  const result = source.replace(from, () => to);
  if (result.includes(BG)) fail(`${file}: still mentions ${BG} after the rewrite`);
  fs.writeFileSync(file, result);
}

const nodeDir = path.join(dist, 'node');
const webDir = path.join(dist, 'web');
const nodeWasm = path.join(nodeDir, BG);
const webWasm = path.join(webDir, BG);
for (const file of [nodeWasm, webWasm]) {
  if (!fs.existsSync(file)) fail(`${file} is missing: run wasm-bindgen for both targets first`);
}
if (!fs.readFileSync(nodeWasm).equals(fs.readFileSync(webWasm))) {
  fail(`${nodeWasm} and ${webWasm} differ: the one-copy layout needs the same module for both targets`);
}

replaceOnce(
  path.join(nodeDir, 'pacto_wasm.js'),
  'const wasmPath = `${__dirname}/pacto_wasm_bg.wasm`;',
  `const wasmPath = (() => {
    // Bundled into a Node program, __dirname is the bundle's directory: pacto.wasm goes next to it.
    const candidates = [require('path').join(__dirname, '${WASM}'), require('path').join(__dirname, '..', '${WASM}')];
    const found = candidates.find((file) => require('fs').existsSync(file));
    if (found === undefined) {
        throw new Error(\`pacto-wasm: ${WASM} not found (looked for \${candidates.join(' and ')}); a Node program bundled into one file needs node_modules/pacto-wasm/dist/${WASM} copied next to the bundle\`);
    }
    return found;
})();`,
);
replaceOnce(
  path.join(webDir, 'pacto_wasm.js'),
  "new URL('pacto_wasm_bg.wasm', import.meta.url)",
  `new URL('../${WASM}', import.meta.url)`,
);

fs.renameSync(nodeWasm, path.join(dist, WASM));
fs.rmSync(webWasm);
// Declarations of the raw wasm exports: nothing imports them once the .wasm moved.
for (const dir of [nodeDir, webDir]) fs.rmSync(path.join(dir, `${BG}.d.ts`), { force: true });

// Only the package's own directories: other builds (e.g. dist/playground/) may have theirs.
const wasmFiles = [dist, nodeDir, webDir].flatMap((dir) =>
  fs.readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f) => path.join(dir, f)),
);
if (wasmFiles.length !== 1) fail(`expected one .wasm in ${dist}, ${nodeDir} and ${webDir}, found ${wasmFiles.join(', ')}`);
console.log(`wasm-layout: ${path.join(dist, WASM)} (${fs.statSync(path.join(dist, WASM)).size} bytes), used by the node and web glue`);
