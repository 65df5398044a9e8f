// <pacto-validator> served by the real `pacto serve`: the example page at /widget/ (the package
// mounted at /pacto-wasm/), and a widget that pulls its bundle by `ref` through the proxy from
// the local docker-registry that pacto serve starts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

import { startServe } from '../registry/serve-harness.mjs';
import { ROOT } from './server.mjs';

const require = createRequire(import.meta.url);
const api = require(path.join(ROOT, 'npm', 'index.js'));
const ARTIFACTS = path.join(ROOT, 'artifacts', 'widget');

let serve;
let browser;
let dataDir;
let registry;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-widget-serve-'));
  serve = await startServe(['--data-dir', dataDir]);
  const config = await (await fetch(`${serve.url}api/config`)).json();
  registry = config.registries.find((r) => r.local);
  assert.ok(registry, `pacto serve started its local registry: ${JSON.stringify(config)}`);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('pacto serve shows the example page at /widget/: both widgets validate under its CSP', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/status of 404/.test(m.text()) && problems.push(m.text()));
  const response = await page.goto(`${serve.url}widget/`);
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  await page.locator('#catalog [part~="verdict"]').filter({ hasText: /^Valid contract$/ }).waitFor();
  await page.locator('#draft [part~="verdict"]').filter({ hasText: 'Invalid contract: 1 error' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'served-by-pacto-serve.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('ref + proxy: a widget pulls a pushed bundle through pacto serve and validates it', async () => {
  const bundle = {
    'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: ledger\n  version: 3.1.0\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\n    contract: interfaces/openapi.yaml\n',
    'interfaces/openapi.yaml': 'openapi: 3.0.3\ninfo:\n  title: ledger\n  version: 3.1.0\npaths: {}\n',
  };
  const pushed = await api.push(`oci://${registry.host}/acme/ledger`, bundle, { proxy: serve.url });
  assert.equal(pushed.reference, `${registry.host}/acme/ledger:3.1.0`);
  const page = await browser.newPage();
  await page.goto(`${serve.url}widget/`);
  await page.evaluate((ref) => {
    const widget = document.createElement('pacto-validator');
    widget.id = 'pulled';
    widget.setAttribute('ref', ref);
    widget.setAttribute('proxy', '/');
    widget.setAttribute('explain', '');
    document.querySelector('main').prepend(widget);
  }, `oci://${registry.host}/acme/ledger`);
  await page.locator('#pulled [part~="verdict"]').filter({ hasText: /^Valid contract$/ }).waitFor();
  assert.match(await page.locator('#pulled [part~="explain"]').innerText(), /ledger@3\.1\.0/);
  // A ref that is not there: a clear message and a pacto-error event.
  const message = await page.evaluate(
    (ref) =>
      new Promise((resolve) => {
        const widget = document.createElement('pacto-validator');
        widget.id = 'absent';
        widget.addEventListener('pacto-error', (e) => resolve(e.detail.message));
        widget.setAttribute('proxy', '/');
        widget.setAttribute('ref', ref);
        document.querySelector('main').prepend(widget);
      }),
    `oci://${registry.host}/acme/absent:1.0.0`,
  );
  assert.match(message, /not found|NOT_FOUND|unknown/i);
  assert.match(await page.locator('#absent [part~="verdict"]').innerText(), /^Could not load the contract: /);
  await page.close();
});
