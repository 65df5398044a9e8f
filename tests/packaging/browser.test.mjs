// The README's browser recipes, built with the real tools from the packed
// tarball and loaded in Debian's Chromium: a person types a contract into the
// page, presses Validate and reads the codes. Vite (current major and 5),
// webpack 5, esbuild, Rollup, no bundler (path and import map), a CDN URL, a
// Content-Security-Policy, and a Web Worker that answers its first message.
// Screenshots: artifacts/packaging/. Run after `make build` and
// tests/packaging/setup.sh.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  INVALID_CONTRACT,
  TOOLS_BIN,
  VALID_CONTRACT,
  installedPackage,
  makeProject,
  readmeRecipes,
  recipeFiles,
  runScript,
  vite5Bin,
} from './lib/project.mjs';
import { launchChromium, openPage, screenshot, serve, validateInPage } from './lib/web.mjs';

let install;
let recipes;
let page;
let browser;
let expectedCodes;

before(async () => {
  install = installedPackage();
  recipes = readmeRecipes(path.join(install.pkgDir, 'README.md'));
  page = recipeFiles(recipes, 'page');
  const api = createRequire(path.join(install.dir, 'consumer.js'))('pacto-wasm');
  expectedCodes = api
    .validate({ 'pacto.yaml': INVALID_CONTRACT })
    .errors.map((e) => e.code)
    .join(' ');
  assert.equal(expectedCodes, 'DUPLICATE_INTERFACE_NAME FILE_NOT_FOUND FILE_NOT_FOUND');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  install?.remove();
});

/** The page's files plus the recipe's own (a recipe may replace the page's). */
function project(name, files = recipeFiles(recipes, name)) {
  return makeProject(install, name, { ...page, ...files });
}

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Opens `url`, validates an invalid then a valid contract as a person would,
 * and checks that the page loaded the module once and logged no error.
 */
async function checkPage(name, server, url = `${server.origin}/`, { wasmRequests = 1 } = {}) {
  const tab = await openPage(browser);
  try {
    await tab.page.goto(url);
    assert.equal(await validateInPage(tab.page, INVALID_CONTRACT), expectedCodes, `${name}: the codes of the invalid contract`);
    await screenshot(tab.page, name);
    assert.equal(await validateInPage(tab.page, VALID_CONTRACT), 'valid', `${name}: a valid contract`);
    assert.deepEqual(tab.problems, [], `${name}: console errors`);
    const wasm = server.requests.filter((r) => /\.wasm(\?|$)/.test(r));
    assert.equal(wasm.length, wasmRequests, `${name}: .wasm requests ${wasm.join(', ')}`);
  } finally {
    await tab.close();
  }
}

function onlyWasm(dir) {
  const found = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
  assert.equal(found.length, 1, `one .wasm in ${dir}: ${found.join(', ')}`);
  return found[0];
}

async function buildAndCheck(name, { bins = [], files } = {}) {
  const dir = project(name, files ?? recipeFiles(recipes, name));
  runScript(dir, (files ?? recipeFiles(recipes, name))['build.sh'], { bins });
  const dist = path.join(dir, 'dist');
  onlyWasm(dist);
  const server = await serve(dist);
  try {
    await checkPage(name, server);
  } finally {
    await server.close();
  }
}

test('Vite (current major): vite build, ?url for the .wasm', async () => {
  await buildAndCheck('vite');
});

test('Vite 5: the same recipe', async () => {
  await buildAndCheck('vite5', { bins: [vite5Bin(install)], files: recipeFiles(recipes, 'vite') });
});

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('Vite (current major): the dev server serves the recipe as is', async () => {
  const dir = project('vite-dev', recipeFiles(recipes, 'vite'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(TOOLS_BIN, 'vite'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Plain text: with colours the port is wrapped in escape codes (as under CI=true).
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite dev did not start:\n${log}`)), 30_000);
      child.stdout.on('data', () => {
        // eslint-disable-next-line no-control-regex
        if (log.replace(/\x1b\[[0-9;]*m/g, '').includes(`:${port}/`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`vite dev exited ${code}:\n${log}`)));
    });
    const tab = await openPage(browser);
    try {
      await tab.page.goto(`http://127.0.0.1:${port}/`);
      assert.equal(await validateInPage(tab.page, INVALID_CONTRACT), expectedCodes, log);
      await screenshot(tab.page, 'vite-dev');
      assert.deepEqual(
        tab.problems.filter((p) => !/\[vite\]/.test(p)),
        [],
        'vite dev: console errors',
      );
    } finally {
      await tab.close();
    }
  } finally {
    child.kill();
  }
});

test('webpack 5: the zero-configuration entry', async () => {
  await buildAndCheck('webpack');
});

test('esbuild: pacto-wasm/web and the file loader', async () => {
  await buildAndCheck('esbuild');
});

test('Rollup: node-resolve and import-meta-assets, init() without argument', async () => {
  await buildAndCheck('rollup');
});

test('no bundler: a module script naming the entry by path', async () => {
  const dir = project('plain');
  const server = await serve(dir);
  try {
    await checkPage('plain', server);
  } finally {
    await server.close();
  }
});

test('no bundler: the zero-configuration entry (top-level await) by path', async () => {
  const main = "import { validate } from './node_modules/pacto-wasm/browser.mjs';\nimport { attach } from './form.js';\n\nattach(validate);\n";
  const dir = project('plain-browser-entry', { 'main.js': main });
  const server = await serve(dir);
  try {
    await checkPage('plain-browser-entry', server);
  } finally {
    await server.close();
  }
});

test('no bundler: an import map', async () => {
  const scripts = recipeFiles(recipes, 'importmap')['scripts.html'];
  const scriptLine = '<script type="module" src="./main.js"></script>\n';
  assert.ok(page['index.html'].includes(scriptLine));
  const dir = project('importmap', { 'index.html': page['index.html'].replace(scriptLine, scripts) });
  const server = await serve(dir);
  try {
    await checkPage('importmap', server);
  } finally {
    await server.close();
  }
});

test('a CDN URL: module and .wasm from another origin', async () => {
  const { 'main.js': main } = recipeFiles(recipes, 'cdn');
  const cdnUrl = `https://cdn.jsdelivr.net/npm/pacto-wasm@${install.version}/web.mjs`;
  assert.ok(main.includes(cdnUrl), `the CDN recipe names the package's version: ${cdnUrl}`);
  // The CDN is not reachable here: the same files are served from another
  // loopback origin at the CDN's path, with the CORS header CDNs send.
  const cdn = await serve(install.pkgDir, {
    prefix: `/npm/pacto-wasm@${install.version}`,
    headers: { 'Access-Control-Allow-Origin': '*' },
  });
  const dir = project('cdn', { 'main.js': main.replace('https://cdn.jsdelivr.net', cdn.origin) });
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true });
  const site = await serve(dir);
  try {
    await checkPage('cdn', site, undefined, { wasmRequests: 0 });
    assert.deepEqual(
      cdn.requests.filter((r) => r.endsWith('.wasm')),
      [`/npm/pacto-wasm@${install.version}/dist/pacto.wasm`],
    );
  } finally {
    await site.close();
    await cdn.close();
  }
});

test("Content-Security-Policy: 'wasm-unsafe-eval' is what the page needs", async () => {
  const header = recipeFiles(recipes, 'csp')['header.txt'].trim();
  const [, name, policy] = /^([\w-]+): (.*)$/.exec(header);
  assert.match(policy, /script-src [^;]*'wasm-unsafe-eval'/);
  assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
  const dir = project('csp', recipeFiles(recipes, 'plain'));
  const server = await serve(dir, { headers: { [name]: policy } });
  try {
    await checkPage('csp', server);
  } finally {
    await server.close();
  }
  // The same page without 'wasm-unsafe-eval': the module cannot be compiled.
  const strict = await serve(dir, { headers: { [name]: policy.replace(" 'wasm-unsafe-eval'", '') } });
  const tab = await openPage(browser);
  try {
    await tab.page.goto(`${strict.origin}/`);
    const refused = (p) => /WebAssembly module violates the following Content Security policy/.test(p);
    const deadline = Date.now() + 10_000;
    while (!tab.problems.some(refused) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(tab.problems.some(refused), tab.problems.join('\n'));
    assert.equal(await tab.page.getByRole('button', { name: 'Validate' }).isDisabled(), true);
  } finally {
    await tab.close();
    await strict.close();
  }
});

/** Checks that the worker answered the message posted right after new Worker(). */
async function checkWorkerPage(name, server) {
  const tab = await openPage(browser);
  try {
    await tab.page.goto(`${server.origin}/`);
    const output = tab.page.getByRole('status');
    await output.filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 });
    assert.equal((await output.textContent()).trim(), expectedCodes, `${name}: the answer to the first message`);
    await screenshot(tab.page, name);
    assert.equal(await validateInPage(tab.page, VALID_CONTRACT), 'valid');
    assert.deepEqual(tab.problems, [], `${name}: console errors`);
  } finally {
    await tab.close();
  }
}

function workerPage() {
  // The first message is the textarea's initial content: the invalid contract.
  return page['index.html'].replace('></textarea>', `>${escapeHtml(INVALID_CONTRACT)}</textarea>`);
}

test('a Web Worker (Vite) answers the message posted right after new Worker()', async () => {
  const files = { ...recipeFiles(recipes, 'worker'), ...recipeFiles(recipes, 'vite'), 'index.html': workerPage() };
  files['main.js'] = recipeFiles(recipes, 'worker')['main.js'];
  const dir = project('worker', files);
  runScript(dir, files['build.sh']);
  onlyWasm(path.join(dir, 'dist'));
  const server = await serve(path.join(dir, 'dist'));
  try {
    await checkWorkerPage('worker-vite', server);
  } finally {
    await server.close();
  }
});

test('a Web Worker without a bundler: web.mjs by path, init() without argument', async () => {
  const worker = recipeFiles(recipes, 'worker');
  const workerJs = worker['worker.js']
    .replace("from 'pacto-wasm/web'", "from './node_modules/pacto-wasm/web.mjs'")
    .replace(/^import wasmUrl from .*\n/m, '')
    .replace('init(wasmUrl)', 'init()');
  assert.doesNotMatch(workerJs, /wasmUrl/);
  const dir = project('worker-plain', { 'index.html': workerPage(), 'main.js': worker['main.js'], 'worker.js': workerJs });
  const server = await serve(dir);
  try {
    await checkWorkerPage('worker-plain', server);
  } finally {
    await server.close();
  }
});

/**
 * The widget recipes: an empty editable <pacto-validator>; a person types a contract into its
 * editor and reads the codes in its problem list.
 */
async function checkWidget(name, { bins = [] } = {}) {
  const files = { ...recipeFiles(recipes, 'widget-page'), ...recipeFiles(recipes, name) };
  const dir = makeProject(install, name, files);
  runScript(dir, files['build.sh'], { bins });
  const dist = path.join(dir, 'dist');
  onlyWasm(dist);
  const server = await serve(dist);
  const tab = await openPage(browser);
  try {
    await tab.page.goto(`${server.origin}/`);
    const editor = tab.page.getByRole('textbox', { name: 'pacto.yaml' });
    await editor.fill(INVALID_CONTRACT);
    const codes = tab.page.locator('pacto-validator [part~="code"]');
    await tab.page.waitForFunction(() => document.querySelector('pacto-validator').shadowRoot.querySelectorAll('[part~="code"]').length === 3);
    // The widget lists problems by position in the file; the API by check.
    assert.deepEqual((await codes.allTextContents()).sort(), expectedCodes.split(' ').sort());
    await screenshot(tab.page, name);
    await editor.fill(VALID_CONTRACT);
    await tab.page.locator('pacto-validator [part~="verdict"]').filter({ hasText: /^Valid contract$/ }).waitFor();
    assert.deepEqual(tab.problems, [], `${name}: console errors`);
    assert.equal(server.requests.filter((r) => /\.wasm(\?|$)/.test(r)).length, 1, `${name}: one .wasm request`);
  } finally {
    await tab.close();
    await server.close();
  }
}

test('the widget with esbuild: configure() with the file loader', async () => {
  await checkWidget('widget-esbuild');
});

test('the widget with Vite (current major and 5): configure() with ?url', async () => {
  await checkWidget('widget-vite');
  await checkWidget('widget-vite', { bins: [vite5Bin(install)] });
});
