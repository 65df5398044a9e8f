// Section: what a user downloads. The tarball `npm pack` makes of npm/, and the
// bytes a validate-only page transfers: the README's esbuild recipe, minified,
// loaded in Chromium, every response counted raw, gzip -9 and brotli q11. The
// peer in the same run is the same page validating with js-yaml + ajv (the
// schema layer only, compiled in the browser).
//
// Needs the packaging test tools (esbuild, playwright-core, sirv): make bench
// runs tests/packaging/setup.sh; without them the section says SKIPPED.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BENCH_DIR, NPM_DIR, REPO_ROOT, SCHEMA_PATH, rel } from './lib/paths.mjs';
import { fmtBytesExact, fmtInt, fmtRatio } from './lib/format.mjs';

export const id = 'package';
export const title = 'Package and page bytes';

const TOOLS = path.join(REPO_ROOT, 'tests', 'packaging', 'node_modules');

// The page: a contract in the source, validated once the module is loaded, the codes shown.
const CONTRACT = 'pactoVersion: "1.0"\nservice:\n  name: Orders\n  version: 1.0.0\n';
const HTML = '<!doctype html>\n<meta charset="utf-8">\n<title>validate</title>\n<output></output>\n<script type="module" src="./main.js"></script>\n';
const PACTO_PAGE = `import init, { validate } from 'pacto-wasm/web';
import wasmPath from 'pacto-wasm/pacto.wasm';
init(new URL(wasmPath, import.meta.url)).then(() => {
  const { errors } = validate({ 'pacto.yaml': ${JSON.stringify(CONTRACT)} });
  document.querySelector('output').textContent = 'codes: ' + errors.map((e) => e.code).join(' ');
});
`;
const PEER_PAGE = `import { load } from 'js-yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import schema from ${JSON.stringify(SCHEMA_PATH)};
const check = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
check(load(${JSON.stringify(CONTRACT)}));
document.querySelector('output').textContent = 'codes: ' + (check.errors ?? []).map((e) => e.keyword).join(' ');
`;

function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

function sum(files) {
  return files.reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip, brotli: a.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
}

const shown = (s) => `${fmtInt(s.raw)} B raw, ${fmtInt(s.gzip)} B gzip, ${fmtInt(s.brotli)} B brotli`;

async function buildPage(esbuild, dir, source, nodeModules) {
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), source);
  fs.writeFileSync(path.join(dir, 'dist', 'index.html'), HTML);
  await esbuild.build({
    entryPoints: [path.join(dir, 'main.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    loader: { '.wasm': 'file' },
    outdir: path.join(dir, 'dist'),
    nodePaths: [nodeModules],
    logLevel: 'silent',
  });
  return path.join(dir, 'dist');
}

// What the browser fetched, by URL path: the page must have run, and every file counts.
async function transfers(web, browser, dist) {
  const server = await web.serve(dist);
  const tab = await web.openPage(browser);
  const bodies = new Map();
  tab.page.on('response', async (response) => {
    bodies.set(new URL(response.url()).pathname, response.body());
  });
  try {
    await tab.page.goto(`${server.origin}/`);
    await tab.page.getByText(/^codes: \S/).waitFor({ timeout: 20_000 });
    const files = [];
    for (const [name, body] of bodies) files.push({ name, ...compressed(await body) });
    if (tab.problems.length) throw new Error(`the page logged: ${tab.problems.join('; ')}`);
    return files.sort((a, b) => b.raw - a.raw);
  } finally {
    await tab.close();
    await server.close();
  }
}

export async function run(ctx) {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: NPM_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  )[0];
  const wasmFiles = packed.files.filter((f) => f.path.endsWith('.wasm'));
  const wasmBytes = wasmFiles.reduce((a, f) => a + f.size, 0);
  const rows = [
    { metric: `npm pack tarball (${packed.filename})`, measured: fmtBytesExact(packed.size) },
    {
      metric: `unpacked (${fmtInt(packed.entryCount)} files)`,
      measured: `${fmtBytesExact(packed.unpackedSize)}; ${wasmFiles.length} .wasm (${wasmFiles.map((f) => f.path).join(', ')}) = ${Math.round((100 * wasmBytes) / packed.unpackedSize)}%`,
    },
  ];
  const data = { tarball: { file: packed.filename, bytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount, wasmFiles: wasmFiles.length } };

  const missing = ['esbuild', 'playwright-core', 'sirv'].filter((p) => !fs.existsSync(path.join(TOOLS, p)));
  if (missing.length || !fs.existsSync('/usr/bin/chromium')) {
    const why = missing.length ? `${missing.join(', ')} missing: run tests/packaging/setup.sh` : 'no /usr/bin/chromium (scripts/ci-deps.sh)';
    rows.push({ metric: 'validate-only page', measured: 'SKIPPED', by: why });
    return { rows, skipped: why, data };
  }
  const esbuild = await import(path.join(TOOLS, 'esbuild', 'lib', 'main.js'));
  const web = await import(path.join(REPO_ROOT, 'tests', 'packaging', 'lib', 'web.mjs'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-bench-page-'));
  const browser = await web.launchChromium();
  try {
    // pacto-wasm resolved by name, as a project that installed it.
    fs.mkdirSync(path.join(work, 'node_modules'));
    fs.symlinkSync(NPM_DIR, path.join(work, 'node_modules', 'pacto-wasm'), 'dir');
    ctx.log('package: building and loading the validate-only pages');
    const pacto = await transfers(web, browser, await buildPage(esbuild.default ?? esbuild, path.join(work, 'pacto'), PACTO_PAGE, path.join(work, 'node_modules')));
    const peer = await transfers(web, browser, await buildPage(esbuild.default ?? esbuild, path.join(work, 'peer'), PEER_PAGE, path.join(BENCH_DIR, 'node_modules')));
    const pactoTotal = sum(pacto);
    const peerTotal = sum(peer);
    rows.push(
      { metric: `validate-only page, pacto-wasm/web (${pacto.length} responses)`, measured: shown(pactoTotal) },
      ...pacto.map((f) => ({ metric: `  ${f.name.replace(/-[A-Z0-9]{8}\./, '-<hash>.')}`, measured: shown(f) })),
      { metric: `same page, js-yaml + ajv (${peer.length} responses)`, measured: shown(peerTotal) },
      { metric: 'pacto / js-yaml + ajv, brotli', measured: fmtRatio(pactoTotal.brotli / peerTotal.brotli) },
    );
    return {
      rows,
      notes: [
        'pages built with esbuild (bundle, minify, --loader:.wasm=file) and loaded from a loopback server in Chromium; every response body counted, compressed here with node:zlib',
        'the peer checks the JSON Schema layer only (no cross-field or semantic rules, no positions) and compiles the schema in the browser with new Function, so a CSP needs unsafe-eval for it',
      ],
      data: { ...data, page: { pacto: { total: pactoTotal, files: pacto }, peer: { total: peerTotal, files: peer } } },
    };
  } finally {
    await browser.close();
    fs.rmSync(work, { recursive: true, force: true });
    void rel;
  }
}
