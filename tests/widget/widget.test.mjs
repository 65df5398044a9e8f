// <pacto-validator> in Debian's Chromium, driven by playwright-core: the example page as a
// person sees and uses it (under a strict CSP), events, mount(), themes, accessibility.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { gzipGo, tar } from '../registry/tar.mjs';
import { ROOT, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = path.join(ROOT, 'artifacts', 'widget');
fs.mkdirSync(ARTIFACTS, { recursive: true });

// An invalid bundle as an archive (pack() refuses invalid bundles, so it is written by hand).
const archive = gzipGo(
  tar([{ name: 'pacto.yaml', data: 'pactoVersion: "1.0"\nservice:\n  name: packed\n  version: 1.2.3\ninterfaces:\n  - name: api\n    type: http\n    port: 70000\n' }]),
);

let server;
let browser;

before(async () => {
  server = await startServer({
    extra: {
      '/fixtures/packed-1.2.3.tar.gz': Buffer.from(archive),
      // A host that serves the .wasm from elsewhere (a CDN) says where with wasm-url.
      '/fixtures/wasm-url.html':
        '<!doctype html><html lang="en"><head><title>wasm-url</title><script type="module" src="/pacto-wasm/widget/index.mjs"></script></head>' +
        '<body><main><pacto-validator id="w" compact wasm-url="/pacto-wasm/dist/pacto.wasm?from=attribute"></pacto-validator></main></body></html>',
    },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the example, collecting console errors, page errors and CSP violations. */
async function openExample(colorScheme = 'light') {
  const context = await browser.newContext({ colorScheme, viewport: { width: 900, height: 1100 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${server.url}/widget/`);
  return { page, problems, context };
}

const verdict = (page, id) => page.locator(`#${id} [part~="verdict"]`);
const rows = (page, id) => page.locator(`#${id} [part~="problems"] > li`);

describe('the example page at /widget/', () => {
  test('the src widget is valid with its referenced files; the draft shows its codes at their lines; one wasm load; no errors under the CSP', async () => {
    const before = server.requests.length;
    const { page, problems, context } = await openExample();
    await assert.doesNotReject(verdict(page, 'catalog').filter({ hasText: /^Valid contract$/ }).waitFor());
    await verdict(page, 'draft').filter({ hasText: 'Invalid contract: 1 error' }).waitFor();
    // The explain summary of the src widget.
    assert.match(await page.locator('#catalog [part~="explain"]').innerText(), /product-catalog@2\.4\.1[\s\S]*team\/catalog[\s\S]*api \(http :8080\)/);
    // Referenced files were fetched next to pacto.yaml: no FILE_NOT_FOUND for the catalog.
    assert.equal(await rows(page, 'catalog').count(), 0);
    // A parse error hides the file checks (as in the Go tool): one problem for now.
    const texts = await rows(page, 'draft').allInnerTexts();
    assert.equal(texts.length, 1);
    assert.match(texts[0], /PARSE_ERROR[\s\S]*12:11[\s\S]*interfaces\[0\]\.port[\s\S]*remove the quotes/);
    // Rows have accessible names that say everything.
    assert.equal(await page.getByRole('button', { name: /^error PARSE_ERROR 12:11 interfaces\[0\]\.port `/ }).count(), 1);
    assert.equal(await page.getByRole('group', { name: /^Error|^Warning/ }).count(), 0, 'the catalog has no rows');
    const wasm = server.requests.slice(before).filter((p) => /\.wasm(\?|$)/.test(p));
    assert.deepEqual(wasm, ['/pacto-wasm/dist/pacto.wasm'], 'two widgets, one wasm fetch');
    await page.screenshot({ path: path.join(ARTIFACTS, 'example-light.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('editing fixes the draft: a click selects the problem, typing replaces it, pacto-validated fires with valid: true', async () => {
    const { page, problems, context } = await openExample();
    await verdict(page, 'draft').filter({ hasText: 'Invalid contract: 1 error' }).waitFor();
    await page.evaluate(() => {
      window.validations = [];
      document.getElementById('draft').addEventListener('pacto-validated', (e) => window.validations.push(e.detail));
    });
    // Click the PARSE_ERROR row: the editor selects "8080" with its quotes; type over it.
    await page.getByRole('button', { name: /PARSE_ERROR/ }).click();
    const editor = page.getByRole('textbox', { name: 'pacto.yaml' });
    assert.equal(await editor.evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd)), '"8080"');
    await page.keyboard.type('8080');
    // Now the file check runs: the referenced file is looked for next to pacto.yaml (404 there).
    await rows(page, 'draft').filter({ hasText: /FILE_NOT_FOUND[\s\S]*13:15[\s\S]*interfaces\[0\]\.contract/ }).waitFor();
    assert.equal(await rows(page, 'draft').count(), 1);
    assert.match(await verdict(page, 'draft').innerText(), /Invalid contract: 1 error/);
    // Keyboard only: Shift+Tab back to the list is not needed; focus the remaining row and press Enter.
    await page.getByRole('button', { name: /FILE_NOT_FOUND/ }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await editor.evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd)), 'interfaces/openapi.yaml');
    // Remove the whole `contract:` line.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await verdict(page, 'draft').filter({ hasText: /^Valid contract$/ }).waitFor();
    assert.equal(await rows(page, 'draft').count(), 0);
    const last = await page.evaluate(() => window.validations.at(-1));
    assert.deepEqual(last, { valid: true, errors: [], warnings: [] });
    assert.ok((await page.evaluate(() => window.validations.length)) >= 3, 'one event per validation');
    assert.doesNotMatch(await editor.inputValue(), /contract:/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'example-fixed.png'), fullPage: true });
    // The referenced interfaces/openapi.yaml was looked for next to pacto.yaml and is not there.
    assert.deepEqual(problems.filter((m) => !/status of 404/.test(m)), []);
    await context.close();
  });

  test('an axe-core scan finds no serious or critical violation, in both themes', async () => {
    for (const scheme of ['light', 'dark']) {
      const { page, context } = await openExample(scheme);
      await verdict(page, 'draft').filter({ hasText: 'Invalid contract' }).waitFor();
      await verdict(page, 'catalog').filter({ hasText: 'Valid contract' }).waitFor();
      await page.waitForFunction(() => document.querySelector('#draft').shadowRoot.querySelector('textarea'));
      // axe is injected through the DevTools protocol: the page's CSP forbids inline scripts.
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], scheme);
      if (scheme === 'dark') await page.screenshot({ path: path.join(ARTIFACTS, 'example-dark.png'), fullPage: true });
      await context.close();
    }
  });
});

describe('the widget API', () => {
  test('a missing src fires pacto-error and shows the message', async () => {
    const { page, context } = await openExample();
    await verdict(page, 'catalog').filter({ hasText: 'Valid contract' }).waitFor();
    const detail = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const widget = document.createElement('pacto-validator');
          widget.id = 'missing';
          widget.addEventListener('pacto-error', (e) => resolve(e.detail.message));
          widget.src = './contracts/nowhere/pacto.yaml';
          document.querySelector('main').append(widget);
        }),
    );
    assert.match(detail, /contracts\/nowhere\/pacto\.yaml: HTTP 404/);
    assert.match(await verdict(page, 'missing').innerText(), /^Could not load the contract: .*HTTP 404/);
    await context.close();
  });

  test('a .tar.gz src, compact and theme="dark" attributes, reflected properties', async () => {
    const { page, context } = await openExample();
    await verdict(page, 'catalog').filter({ hasText: 'Valid contract' }).waitFor();
    await page.evaluate(() => {
      const widget = document.createElement('pacto-validator');
      widget.id = 'packed';
      widget.setAttribute('src', '/fixtures/packed-1.2.3.tar.gz');
      widget.setAttribute('theme', 'dark');
      document.querySelector('main').prepend(widget);
    });
    await verdict(page, 'packed').filter({ hasText: 'Invalid contract: 1 error' }).waitFor();
    assert.equal(await page.getByRole('group', { name: /^Error SCHEMA_VIOLATION at line 8, column 11, interfaces\[0\]\.port: / }).count(), 1);
    assert.match(await rows(page, 'packed').first().innerText(), /error[\s\S]*SCHEMA_VIOLATION[\s\S]*8:11[\s\S]*interfaces\[0\]\.port/i);
    const props = await page.evaluate(() => {
      const w = document.getElementById('packed');
      w.compact = true;
      return { theme: w.theme, compact: w.getAttribute('compact'), src: w.src, editable: w.editable };
    });
    assert.deepEqual(props, { theme: 'dark', compact: '', src: '/fixtures/packed-1.2.3.tar.gz', editable: false });
    assert.equal(await page.locator('#packed [part~="problems"]').isVisible(), false, 'compact: verdict only');
    assert.match(await verdict(page, 'packed').innerText(), /Invalid contract: 1 error/);
    const colors = await page.locator('#packed [part~="container"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(colors, 'rgb(13, 17, 23)');
    await page.locator('#packed').screenshot({ path: path.join(ARTIFACTS, 'compact-dark.png') });
    await context.close();
  });

  test('mount(): renders from script, setBundle revalidates, validate() resolves, destroy() removes it', async () => {
    const { page, context } = await openExample();
    await verdict(page, 'catalog').filter({ hasText: 'Valid contract' }).waitFor();
    const outcome = await page.evaluate(async () => {
      const { mount } = await import('/pacto-wasm/widget/index.mjs');
      const host = document.createElement('div');
      host.id = 'mounted-host';
      document.querySelector('main').append(host);
      const seen = [];
      const handle = mount(host, {
        bundle: { 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: Bad Name\n  version: 1.0.0\n' },
        onValidated: (r) => seen.push(r.valid),
      });
      const first = await handle.validate();
      handle.setBundle({ 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: good\n  version: 1.0.0\n' });
      const second = await handle.validate();
      const text = handle.element.shadowRoot.querySelector('[part~="verdict"]').textContent;
      handle.destroy();
      return { first: first.errors.map((d) => d.code), second: second.valid, seen, text, left: host.children.length };
    });
    assert.ok(outcome.first.length > 0, JSON.stringify(outcome));
    assert.equal(outcome.second, true);
    assert.equal(outcome.text, 'Valid contract');
    assert.ok(outcome.seen.includes(false) && outcome.seen.at(-1) === true, JSON.stringify(outcome.seen));
    assert.equal(outcome.left, 0);
    await context.close();
  });
});

test('wasm-url: the module is fetched from where the attribute says', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const before = server.requests.length;
  await page.goto(`${server.url}/fixtures/wasm-url.html`);
  await page.evaluate(() => {
    document.getElementById('w').bundle = { 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: w\n  version: 1.0.0\n' };
  });
  await verdict(page, 'w').filter({ hasText: /^Valid contract$/ }).waitFor();
  const wasm = server.requests.slice(before).filter((p) => /\.wasm(\?|$)/.test(p));
  assert.deepEqual(wasm, ['/pacto-wasm/dist/pacto.wasm?from=attribute']);
  await context.close();
});
