// `pacto serve` with a real browser (Debian's chromium, headless): a page it
// serves pushes and pulls through the proxy with the browser build of the
// package and `proxy: "/"` (under the server's CSP: module scripts from 'self'
// and 'wasm-unsafe-eval' only); a hostile page on another origin cannot get a
// request through; a DNS-rebinding name is refused; the placeholder page lists
// the registries (screenshot in artifacts/serve/).
//
// Chromium runs with --dump-dom after a virtual-time budget: it prints the
// DOM once the page's scripts (and their network requests) are done, so the
// test reads what a person would see on the page.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, startRegistry } from '../registry/harness.mjs';
import { workspace } from '../registry/fixtures.mjs';
import { startEcho } from '../registry/serve-harness.mjs';

const require = createRequire(import.meta.url);
const { startServe } = require('../../npm/serve/index.js');

const CHROMIUM = process.env.PACTO_TEST_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'artifacts', 'serve');
const { dir: ws } = workspace('serve-browser');

/** Runs headless chromium on `url` with extra flags; resolves with stdout (the DOM with --dump-dom). */
function chromium(url, flags) {
  const profile = fs.mkdtempSync(path.join(ws, 'profile-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--virtual-time-budget=15000',
    ...flags,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** The text of the element with this id in a dumped DOM. */
function textOf(dom, id) {
  const match = new RegExp(`<[a-z]+ id="${id}"[^>]*>([\\s\\S]*?)</`).exec(dom);
  return match ? match[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&') : undefined;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>proxy check</title>
<script type="module" src="check.js"></script></head>
<body><p id="out">pending</p><p id="inline">inline script blocked</p>
<script>document.getElementById('inline').textContent = 'inline script ran';</script>
</body></html>`;

const CHECK = `import { push, pull, listTags } from './browser.mjs';
const out = document.getElementById('out');
try {
  const config = await (await fetch('/api/config')).json();
  const host = config.defaultRegistry;
  const contract = 'pactoVersion: "1.0"\\nservice:\\n  name: from-browser\\n  version: 1.0.0\\n';
  const pushed = await push('oci://' + host + '/browser/svc', { 'pacto.yaml': contract }, { proxy: '/' });
  const pulled = await pull('oci://' + host + '/browser/svc', { proxy: '/' });
  const text = new TextDecoder().decode(pulled.bundle['pacto.yaml']);
  const tags = await listTags('oci://' + host + '/browser/svc', { proxy: '/' });
  out.textContent = 'ok ' + pushed.digest + ' ' + pulled.reference + ' ' + (text === contract) + ' ' + tags.join(',');
} catch (error) {
  out.textContent = 'error ' + error.code + ' ' + error.message;
}`;

describe('pacto serve in a real browser', { skip: fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/ci-deps.sh installs chromium)` }, () => {
  let registry;
  let echo;
  let server;
  let hostile;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    registry = await startRegistry();
    echo = await startEcho();
    // The page and the browser build of the package, laid out as in npm/ (browser.mjs loads ./dist/web/).
    const site = path.join(ws, 'site');
    fs.mkdirSync(path.join(site, 'dist'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'npm', 'dist', 'web'), path.join(site, 'dist', 'web'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'npm', 'browser.mjs'), path.join(site, 'browser.mjs'));
    fs.writeFileSync(path.join(site, 'index.html'), PAGE);
    fs.writeFileSync(path.join(site, 'check.js'), CHECK);
    server = await startServe({ port: 0, localRegistry: false, registries: [registry.url, echo.url], playgroundDir: site });
    // A hostile page on another origin that tries to use the proxy.
    const target = `${server.url}registry/${echo.host}/v2/attack`;
    const hostilePage = `<!doctype html><title>hostile</title><p id="out">pending</p><script>
      const results = [];
      Promise.all([
        fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', body: 'x' }).then(() => results.push('post sent'), (e) => results.push('post failed')),
        fetch(${JSON.stringify(target)}, { mode: 'no-cors' }).then(() => results.push('get sent'), (e) => results.push('get failed')),
        fetch(${JSON.stringify(target)}).then((r) => results.push('read ' + r.status), (e) => results.push('read failed')),
      ]).then(() => { document.getElementById('out').textContent = results.sort().join(', '); });
    </script>`;
    hostile = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(hostilePage);
    });
    await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    if (hostile) hostile.close();
    if (server) await server.close();
    if (echo) await echo.close();
    if (registry) await registry.stop();
  });

  test('a page it serves pushes and pulls through proxy "/" under its CSP', async () => {
    const dom = await chromium(server.url, ['--dump-dom']);
    const out = textOf(dom, 'out');
    assert.match(out, new RegExp(`^ok sha256:[0-9a-f]{64} ${registry.host.replace(/\./g, '\\.')}/browser/svc:1\\.0\\.0 true 1\\.0\\.0$`), out);
    assert.equal(textOf(dom, 'inline'), 'inline script blocked', 'the CSP blocks inline script');
    // Every request went through the proxy: the registry saw them from the proxy, with no browser headers.
    await registry.logSettled();
    assert.ok(registry.requests('PUT', '/v2/browser/svc/manifests/1.0.0').length >= 1);
  });

  test('a hostile page on another origin gets nothing through', async () => {
    const dom = await chromium(`http://127.0.0.1:${hostile.address().port}/`, ['--dump-dom']);
    assert.equal(textOf(dom, 'out'), 'get sent, post sent, read failed', 'no-cors requests leave the page, a read is blocked');
    assert.deepEqual(echo.seen, [], 'no request reached the upstream');
  });

  test('a DNS-rebinding name for the server is refused', async () => {
    const port = new URL(server.url).port;
    const dom = await chromium(`http://rebind.test:${port}/`, ['--dump-dom', '--host-resolver-rules=MAP rebind.test 127.0.0.1']);
    assert.match(dom, /HOST_NOT_SERVED/);
    assert.doesNotMatch(dom, /proxy check/);
  });
});

describe('the placeholder page in a browser', { skip: fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing` }, () => {
  test('lists the proxied registries (screenshot: artifacts/serve/placeholder.png)', async () => {
    const registry = await startRegistry();
    const server = await startServe({ port: 0, localRegistry: false, registries: [registry.url], playgroundDir: path.join(ws, 'no-playground') });
    try {
      assert.equal(server.playground, false);
      const dom = await chromium(server.url, ['--dump-dom']);
      assert.equal(textOf(dom, 'registries-status'), 'pacto serve 0.1.0 proxies 1 registry:'.replace('0.1.0', require('../../npm/package.json').version));
      assert.match(dom, new RegExp(`<li>${registry.host.replace(/\./g, '\\.')} \\(http\\), default</li>`));
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const shot = path.join(ARTIFACTS, 'placeholder.png');
      fs.rmSync(shot, { force: true });
      await chromium(server.url, ['--window-size=1000,700', `--screenshot=${shot}`]);
      assert.ok(fs.statSync(shot).size > 1000);
    } finally {
      await server.close();
      await registry.stop();
    }
  });
});
