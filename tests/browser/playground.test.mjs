// The playground in a real browser (Debian's chromium, driven by playwright-core), served with
// the CSP `pacto serve` uses. Each test does what a person does — types, clicks, presses keys —
// and checks what a person sees: text, roles, the cursor, files, downloads.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  ARTIFACTS,
  ROOT,
  chooseTemplate,
  cursorLine,
  editor,
  expectProblemCount,
  launch,
  openPlayground,
  replaceText,
  screenshot,
  selectedText,
} from './helpers.mjs';
import { startPlayground } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;
before(async () => {
  server = await startPlayground();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function assertClean(page) {
  assert.deepEqual(page.problems, [], 'no console errors, page errors or CSP violations');
}

const INVALID = `pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
  Owner: team/x
`;

const MISSING_FILE = `pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/orders-openapi.yaml
`;

describe('the playground', () => {
  test('loads a valid starting bundle under the strict CSP', async () => {
    const page = await openPlayground(browser, server.url);
    assert.equal(await page.title(), 'Pacto playground');
    await expectProblemCount(page, 0);
    await page.getByText('No problems: the contract is valid.', { exact: false }).first().waitFor();
    assert.match(await page.getByRole('status').filter({ hasText: 'contract' }).first().innerText(), /valid/);
    assert.equal(await page.getByRole('button', { name: 'pacto.yaml', exact: true }).count(), 1);
    await screenshot(page, 'start-light');
    assertClean(page);
    await page.context().close();
  });

  test('works under a stricter CSP too: nothing from other origins', async () => {
    // Everything comes from the page's origin. Styles need 'unsafe-inline' (or a nonce given to
    // CodeMirror's cspNonce): CodeMirror writes its base theme into a <style> at run time.
    const strict = await startPlayground({
      csp: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; connect-src 'self'",
    });
    try {
      const page = await openPlayground(browser, strict.url);
      await replaceText(page, INVALID);
      await expectProblemCount(page, 1);
      assert.equal(await page.locator('.cm-lintRange-error').count(), 1);
      // The editor is styled: its gutter is laid out beside the text, not above it.
      const gutter = await page.locator('.cm-gutters').boundingBox();
      const content = await page.locator('.cm-content').boundingBox();
      assert.ok(gutter.x + gutter.width <= content.x + 1, 'gutter left of the text');
      await page.getByRole('button', { name: 'Share' }).click();
      await page.getByText(/^Link (copied|ready)/).waitFor();
      assertClean(page);
      await page.context().close();
    } finally {
      await strict.close();
    }
  });

  test('an invalid contract shows a marker and a panel row at the right line and column; the row moves the cursor; fixing it makes it valid', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, INVALID);
    await expectProblemCount(page, 1);
    const row = page.getByRole('button', { name: /^error PARSE_ERROR 5:3 / });
    await row.waitFor();
    assert.match(await row.innerText(), /service\.Owner/);
    // The squiggle covers the key on line 5, and the gutter marks that line.
    const marked = page.locator('.cm-lintRange-error');
    assert.equal(await marked.count(), 1);
    assert.equal(await marked.innerText(), 'Owner');
    assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count(), 1);
    // Hovering the squiggle shows the message.
    await marked.hover();
    await page.locator('.cm-tooltip-lint').waitFor();
    assert.match(await page.locator('.cm-tooltip-lint').innerText(), /unknown field `Owner`/);
    await screenshot(page, 'invalid-contract');

    // Move the cursor away, then click the row: the cursor lands on the range, selected.
    await editor(page).click();
    await page.keyboard.press('Control+Home');
    assert.equal(await cursorLine(page), 1);
    await row.click();
    assert.equal(await cursorLine(page), 5);
    assert.equal(await selectedText(page), 'Owner');

    // Typing over the selection fixes it.
    await page.keyboard.type('owner');
    await expectProblemCount(page, 0);
    await page.getByText('No problems: the contract is valid.').first().waitFor();
    assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
    assertClean(page);
    await page.context().close();
  });

  test('F8 goes to the next problem and Enter on a row jumps too', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, `pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
  Owner: team/x
scaling:
  min: 3
  mx: 1
`);
    await expectProblemCount(page, 2);
    const rows = page.locator('.problem-row');
    assert.match(await rows.nth(0).innerText(), /\b5:3\b/);
    assert.match(await rows.nth(1).innerText(), /\b8:3\b/);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    assert.equal(await cursorLine(page), 5);
    await page.keyboard.press('F8');
    assert.equal(await cursorLine(page), 8);
    assert.equal(await selectedText(page), 'mx');
    await page.keyboard.press('F8');
    assert.equal(await cursorLine(page), 5, 'wraps around');
    // Keyboard on the panel: focus the second row, press Enter.
    await page.locator('.problem-row').nth(1).focus();
    await page.keyboard.press('Enter');
    assert.equal(await cursorLine(page), 8);
    assertClean(page);
    await page.context().close();
  });

  test('a missing referenced file is reported at the contract line that names it, and one click creates it', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, `pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/orders-openapi.yaml
`);
    await expectProblemCount(page, 1);
    const row = page.getByRole('button', { name: /^error FILE_NOT_FOUND 9:15 / });
    await row.waitFor();
    assert.match(await row.innerText(), /interfaces\[0\]\.contract/);
    // The files panel lists it as missing.
    await page.getByRole('button', { name: 'Create interfaces/orders-openapi.yaml' }).first().waitFor();
    await screenshot(page, 'missing-file');
    await editor(page).click();
    await page.keyboard.press('Control+Home');
    await row.click();
    assert.equal(await cursorLine(page), 9);
    assert.equal(await selectedText(page), 'interfaces/orders-openapi.yaml');

    // The missing entry in the files panel jumps to the same line.
    await page.keyboard.press('Control+Home');
    await page.getByRole('button', { name: 'Show where the contract names interfaces/orders-openapi.yaml' }).click();
    assert.equal(await cursorLine(page), 9);
    await page.locator('.problems').getByRole('button', { name: 'Create interfaces/orders-openapi.yaml' }).click();
    await expectProblemCount(page, 0);
    await page.getByRole('button', { name: 'orders-openapi.yaml', exact: true }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'interfaces/orders-openapi.yaml' }).count(), 1, 'the new file is open');
    assert.match(await editor(page).innerText(), /openapi: 3\.1\.0/);
    assertClean(page);
    await page.context().close();
  });

  test('every template loads valid; the init scaffold asks for a name', async () => {
    const page = await openPlayground(browser, server.url);
    for (const [label, name] of [
      ['Stateless HTTP API', 'product-catalog'],
      ['Stateful service', null],
      ['Scheduled job', null],
      ['Full example', 'order-service'],
    ]) {
      await chooseTemplate(page, label);
      await page.getByText(`Loaded the template “${label}”.`).waitFor();
      await expectProblemCount(page, 0);
      if (name) await page.locator('.explain .service').filter({ hasText: name }).waitFor();
    }
    await chooseTemplate(page, 'New service (init scaffold)…');
    const dialog = page.getByRole('dialog', { name: 'New bundle from the init scaffold' });
    await dialog.waitFor();
    await dialog.getByLabel('Service name').fill('billing-api');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expectProblemCount(page, 0);
    await page.locator('.explain .service').filter({ hasText: 'billing-api' }).waitFor();
    assert.match(await editor(page).innerText(), /name: billing-api/);
    // Undo brings back the bundle before.
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.locator('.explain .service').filter({ hasText: 'order-service' }).waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('explain and doc render; contract text stays text', async () => {
    const page = await openPlayground(browser, server.url);
    await chooseTemplate(page, 'Full example');
    await expectProblemCount(page, 0);
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('heading', { name: /order-service/ }).waitFor();
    assert.ok(await panel.getByRole('table').count() >= 2, 'interfaces and dependencies tables');
    await page.getByRole('tab', { name: 'Doc' }).click();
    assert.equal(await page.getByRole('tab', { name: 'Doc' }).getAttribute('aria-selected'), 'true');
    await panel.locator('article h2').filter({ hasText: 'order-service' }).waitFor();
    assert.ok(await panel.locator('article h3').count() >= 3);
    await screenshot(page, 'doc-view');
    // The table of contents scrolls to its heading and leaves the URL (the share link) alone.
    const hashBefore = await page.evaluate(() => location.hash);
    const interfacesLink = panel.locator('article a[href^="#doc-"]').filter({ hasText: /Interfaces/ }).first();
    const target = await interfacesLink.getAttribute('href');
    await interfacesLink.click();
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      const p = document.querySelector('#panel-doc').getBoundingClientRect();
      return r.top >= p.top - 1 && r.top < p.top + 60;
    }, target.slice(1));
    assert.equal(await page.evaluate(() => location.hash), hashBefore);

    await replaceText(page, `pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
  owner: "<b>team</b>"
metadata:
  note: "<img src=x onerror=alert(1)>"
`);
    await panel.locator('article h2').filter({ hasText: 'svc' }).waitFor();
    assert.equal(await panel.locator('article b, article img, article script').count(), 0);
    assert.match(await panel.innerText(), /<b>team<\/b>/);
    // Every link left in the document goes to http(s) or to one of its own headings.
    const hrefs = await panel.locator('article a').evaluateAll((as) =>
      as.map((a) => [a.getAttribute('href'), a.getAttribute('href').startsWith('#') && !!document.getElementById(a.getAttribute('href').slice(1))]),
    );
    assert.ok(hrefs.every(([h, inDoc]) => /^https?:\/\//.test(h) || (h.startsWith('#doc-') && inDoc)), JSON.stringify(hrefs));
    // A contract that stops parsing mid-edit: the last document stays, marked out of date.
    await replaceText(page, 'service: [\n');
    await panel.getByRole('status').filter({ hasText: /^pacto\.yaml does not parse \(\d+ problems?\): this document is of the last version that did, and out of date\.$/ }).waitFor();
    await panel.locator('.stale article h2').filter({ hasText: 'svc' }).waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('explain keeps the last contract that parsed, marked out of date, and notes errors', async () => {
    const page = await openPlayground(browser, server.url);
    await chooseTemplate(page, 'Full example');
    await expectProblemCount(page, 0);
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('heading', { name: /order-service/ }).waitFor();
    assert.equal(await panel.getByRole('status').count(), 0, 'a valid contract has no note');

    // Parses, but is not valid: rendered as written, with a note.
    const badVersion = 'pactoVersion: "1.0"\nservice:\n  name: svc\n  version: banana\n';
    await replaceText(page, badVersion);
    await expectProblemCount(page, 1);
    await panel.getByRole('status').filter({ hasText: 'The bundle has 1 error (see Problems): this is the contract as written, not a valid one.' }).waitFor();
    await panel.getByRole('heading', { name: 'svc banana' }).waitFor();
    await screenshot(page, 'explain-invalid');

    // Does not parse (an unknown field): the last explanation stays, marked.
    await replaceText(page, INVALID);
    await panel.getByRole('status').filter({ hasText: /^pacto\.yaml does not parse \(1 problem\): this explanation is of the last version that did, and out of date\.$/ }).waitFor();
    assert.equal(await panel.locator('.stale').getByRole('heading', { name: 'svc banana' }).count(), 1);
    await screenshot(page, 'explain-stale');

    // Fixed: the current contract, no note.
    await replaceText(page, INVALID.replace('Owner', 'owner'));
    await expectProblemCount(page, 0);
    await page.waitForFunction(() => !document.querySelector('[role="tabpanel"] .kept-note'));
    assert.equal(await panel.locator('.stale').count(), 0);
    assertClean(page);
    await page.context().close();
  });

  test('a page that never parsed has nothing to keep: it says what to fix', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, 'service: [\n');
    // Kept in this browser: the reload starts from it, with nothing that parsed before.
    await page.waitForFunction(() => localStorage.getItem('pacto.playground.workspace')?.includes('service: ['));
    await page.reload();
    await page.locator('.cm-content').waitFor();
    await page.getByRole('tabpanel').getByText(/^The contract does not parse yet \(\d+ problems?\): fix what the Problems panel lists and the explanation appears here\.$/).waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('files: add, rename, delete with undo, folders; the contract cannot be deleted', async () => {
    const page = await openPlayground(browser, server.url);
    assert.equal(await page.getByRole('button', { name: 'Delete pacto.yaml' }).count(), 0);
    await page.getByRole('button', { name: '+ Folder' }).click();
    let dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByRole('textbox').fill('schemas');
    await page.keyboard.press('Enter');
    await page.getByText('schemas/').waitFor();

    await page.getByRole('button', { name: '+ File' }).click();
    dialog = page.getByRole('dialog', { name: 'New file' });
    await dialog.getByRole('textbox').fill('../escape.yaml');
    await page.keyboard.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: 'not a bundle path' }).waitFor();
    await dialog.getByRole('textbox').fill('schemas/extra.json');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'schemas/extra.json' }).waitFor();
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n');

    await page.getByRole('button', { name: 'Rename schemas/extra.json' }).click();
    dialog = page.getByRole('dialog', { name: 'Rename schemas/extra.json' });
    await dialog.getByRole('textbox').fill('schemas/renamed.json');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.getByRole('heading', { name: 'schemas/renamed.json' }).waitFor();
    await page.getByRole('button', { name: 'renamed.json', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Delete schemas/renamed.json' }).click();
    await page.getByText('Deleted schemas/renamed.json.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'renamed.json', exact: true }).count(), 0);
    await page.getByRole('heading', { name: 'pacto.yaml' }).waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'renamed.json', exact: true }).waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('a share link opened in a new page restores every file; the URL follows edits', async () => {
    const page = await openPlayground(browser, server.url);
    await chooseTemplate(page, 'Full example');
    await expectProblemCount(page, 0);
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByLabel(/Share link/).inputValue();
    assert.match(link, /#v1\.[A-Za-z0-9_-]+$/);
    await page.getByText(/^Link (copied|ready)/).waitFor();
    const [original] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .tar.gz' }).click()]);
    const originalBytes = readFileSync(await original.path());

    const other = await openPlayground(browser, link);
    await expectProblemCount(other, 0);
    await other.locator('.explain .service').filter({ hasText: 'order-service' }).waitFor();
    for (const name of ['openapi.yaml', 'events.yaml', 'orders.proto', 'schema.json', 'README.md', 'order-service.spdx.json']) {
      await other.getByRole('button', { name, exact: true }).waitFor();
    }
    const [restored] = await Promise.all([other.waitForEvent('download'), other.getByRole('button', { name: 'Download .tar.gz' }).click()]);
    assert.deepEqual(readFileSync(await restored.path()), originalBytes, 'the same bundle, byte for byte');

    // Edits after sharing reach the URL (at most once a second).
    await replaceText(other, INVALID);
    await expectProblemCount(other, 1);
    await other.waitForFunction((old) => location.hash !== old, new URL(link).hash, { timeout: 5000 });
    const third = await openPlayground(browser, other.url());
    await expectProblemCount(third, 1);
    // A link pasted into the address bar of an open page opens without a reload.
    await third.evaluate((hash) => {
      location.hash = hash;
    }, new URL(link).hash);
    await third.getByText('Opened the bundle from the link.').waitFor();
    await expectProblemCount(third, 0);
    await third.getByRole('button', { name: 'orders.proto', exact: true }).waitFor();
    assertClean(third);
    assertClean(page);
    assertClean(other);
    for (const p of [page, other, third]) await p.context().close();
  });

  test('a long share link warns; a damaged one says so', async () => {
    const page = await openPlayground(browser, server.url);
    await page.getByRole('button', { name: '+ File' }).click();
    await page.getByRole('dialog', { name: 'New file' }).getByRole('textbox').fill('data.txt');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'data.txt' }).waitFor();
    // Text that does not compress.
    const noise = randomBytes(9000).toString('base64');
    await editor(page).click();
    await page.keyboard.insertText(noise);
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByText(/longer than 8000 characters/).waitFor();

    const broken = await openPlayground(browser, `${server.url}#v1.AAAA`);
    await broken.getByText(/The link could not be opened/).waitFor();
    await expectProblemCount(broken, 0);
    broken.problems = [];
    await page.context().close();
    await broken.context().close();
  });

  test('download then reopen the .tar.gz gives the same files; a folder and a pacto.yaml open too', async () => {
    const page = await openPlayground(browser, server.url);
    await chooseTemplate(page, 'Stateful service');
    await expectProblemCount(page, 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .tar.gz' }).click()]);
    assert.match(download.suggestedFilename(), /\.tar\.gz$/);
    const archive = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(archive);
    const bytes = readFileSync(archive);

    await chooseTemplate(page, 'Scheduled job');
    await page.locator('input[type=file]:not([webkitdirectory])').setInputFiles(archive);
    await page.getByText(/^Opened a bundle of 4 files/).waitFor();
    await page.getByRole('button', { name: 'ledger.proto', exact: true }).waitFor();
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .tar.gz' }).click()]);
    assert.deepEqual(readFileSync(await again.path()), bytes);

    await page.locator('input[type=file][webkitdirectory]').setInputFiles(join(ROOT, 'examples', 'full'));
    await page.getByText(/^Opened a bundle of/).filter({ hasText: '7 files' }).waitFor();
    await page.locator('.explain .service').filter({ hasText: 'order-service' }).waitFor();

    await page.locator('input[type=file]:not([webkitdirectory])').setInputFiles(join(ROOT, 'examples', 'scheduled-job', 'pacto.yaml'));
    await page.getByText(/^Opened a bundle of 1 file/).waitFor();
    // The scheduled job alone lacks its referenced files.
    await page.getByRole('button', { name: /^error FILE_NOT_FOUND/ }).first().waitFor();

    // Drag and drop a pacto.yaml onto the page.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'pacto.yaml', { type: 'application/yaml' }));
      return dt;
    }, INVALID);
    await page.dispatchEvent('.app', 'drop', { dataTransfer });
    await expectProblemCount(page, 1);
    assertClean(page);
    await page.context().close();
  });

  test('it remembers the workspace and the theme across reloads', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, INVALID);
    await expectProblemCount(page, 1);
    await page.getByLabel('Theme').selectOption('dark');
    // Panel sizes: the separators move by keyboard and are remembered.
    const separator = page.getByRole('separator', { name: 'Resize the files panel' });
    const before = Number(await separator.getAttribute('aria-valuenow'));
    await separator.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(Number(await separator.getAttribute('aria-valuenow')), before + 48);
    await page.waitForTimeout(600);
    await page.reload();
    await page.locator('.cm-content').waitFor();
    await expectProblemCount(page, 1);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.getByLabel('Theme').inputValue(), 'dark');
    assert.equal(Number(await page.getByRole('separator', { name: 'Resize the files panel' }).getAttribute('aria-valuenow')), before + 48);
    const filesWidth = await page.locator('.files').evaluate((e) => e.getBoundingClientRect().width);
    assert.equal(Math.round(filesWidth), before + 48);
    assertClean(page);
    await page.context().close();
  });

  test('when the browser refuses to store, it says so and keeps working', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // What a full quota looks like to the page: setItem throws QuotaExceededError.
    await context.addInitScript(() => {
      Storage.prototype.setItem = function () {
        throw new DOMException('quota', 'QuotaExceededError');
      };
    });
    const page = await openPlayground(browser, server.url, { context });
    await replaceText(page, INVALID);
    await expectProblemCount(page, 1);
    await page.getByText(/Your work is not being saved in this browser/).waitFor();
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByText(/^Link (copied|ready)/).waitFor();
    assertClean(page);
    await context.close();
  });

  test('JSON files get their syntax errors marked', async () => {
    const page = await openPlayground(browser, server.url);
    await page.getByRole('button', { name: 'schema.json', exact: true }).click();
    await page.getByRole('heading', { name: 'configuration/schema.json' }).waitFor();
    await replaceText(page, '{ "type": "object", }');
    await page.locator('.cm-gutter-lint .cm-lint-marker-error').first().waitFor();
    // The contract is unaffected: its problems stay its own.
    await expectProblemCount(page, 0);
    await page.getByRole('button', { name: 'pacto.yaml', exact: true }).click();
    await page.getByRole('heading', { name: 'pacto.yaml', exact: true }).waitFor();
    assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count(), 0);
    assertClean(page);
    await page.context().close();
  });

  test('dark theme renders with dark colours in the page and the editor', async () => {
    const page = await openPlayground(browser, server.url);
    await chooseTemplate(page, 'Full example');
    await page.getByLabel('Theme').selectOption('dark');
    await replaceText(page, INVALID);
    await expectProblemCount(page, 1);
    const [bg, editorBg] = await page.evaluate(() => [
      getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.querySelector('.cm-editor')).backgroundColor,
    ]);
    assert.equal(bg, 'rgb(13, 17, 23)');
    assert.equal(editorBg, 'rgb(13, 17, 23)');
    await screenshot(page, 'dark-invalid');
    assertClean(page);
    await page.context().close();
  });

  test('usable by keyboard alone', async () => {
    const page = await openPlayground(browser, server.url);
    // Tab from the top reaches the editor.
    let inEditor = false;
    for (let i = 0; i < 30 && !inEditor; i++) {
      await page.keyboard.press('Tab');
      inEditor = await page.evaluate(() => document.activeElement?.classList.contains('cm-content'));
    }
    assert.ok(inEditor, 'Tab reaches the editor');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(INVALID);
    await expectProblemCount(page, 1);
    // Escape then Tab leaves the editor (Tab indents inside it).
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('cm-content')), false);
    // Onward to the problem row; Enter jumps into the contract.
    let onRow = false;
    for (let i = 0; i < 10 && !onRow; i++) {
      onRow = await page.evaluate(() => document.activeElement?.classList.contains('problem-row'));
      if (!onRow) await page.keyboard.press('Tab');
    }
    assert.ok(onRow, 'Tab reaches the problem row');
    await page.keyboard.press('Enter');
    assert.equal(await cursorLine(page), 5);
    assert.equal(await selectedText(page), 'Owner');
    assertClean(page);
    await page.context().close();
  });

  test('the editor searches, undoes and matches brackets; tabs and problem rows follow the arrow keys', async () => {
    const page = await openPlayground(browser, server.url);
    await replaceText(page, 'pactoVersion: "1.0"\nservice: {name: svc, version: 1.0.0}\n');
    await expectProblemCount(page, 0);
    // Undo brings back the text before the paste, with its problems state.
    await page.keyboard.press('Control+z');
    await page.getByText('name: my-service').first().waitFor();
    await page.keyboard.press('Control+Shift+z');
    await editor(page).getByText('service: {name: svc, version: 1.0.0}').waitFor();
    // Bracket matching: the cursor after "{" marks the pair.
    await editor(page).getByText('service: {name: svc, version: 1.0.0}').click();
    await page.keyboard.press('Home');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('.cm-matchingBracket').count(), 2);
    // Search.
    await page.keyboard.press('Control+f');
    const find = page.getByRole('textbox', { name: 'Find' });
    await find.waitFor();
    await find.fill('version');
    await page.keyboard.press('Enter');
    assert.ok((await page.locator('.cm-searchMatch').count()) >= 2);
    await page.keyboard.press('Escape');

    // Problems: Up/Down between rows.
    await replaceText(page, 'pactoVersion: "1.0"\nservice:\n  name: svc\n  version: 1.0.0\n  Owner: x\nscaling:\n  mx: 1\n');
    await expectProblemCount(page, 2);
    await page.locator('.problem-row').first().focus();
    await page.keyboard.press('ArrowDown');
    assert.match(await page.evaluate(() => document.activeElement.innerText), /7:3/);
    await page.keyboard.press('ArrowUp');
    assert.match(await page.evaluate(() => document.activeElement.innerText), /5:3/);

    // Tabs: one tab stop, arrows switch.
    await page.getByRole('tab', { name: 'Explain' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Doc' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-doc');
    await page.keyboard.press('End');
    assert.equal(await page.getByRole('tab', { name: 'Registry' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-registry');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Explain' }).getAttribute('aria-selected'), 'true', 'the arrows wrap around');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    assert.equal(await page.getByRole('tab', { name: 'Explain' }).getAttribute('aria-selected'), 'true');
    assertClean(page);
    await page.context().close();
  });

  test('fast typing into a big contract keeps every character, and the last check wins', async () => {
    const page = await openPlayground(browser, server.url);
    const interfaces = Array.from(
      { length: 500 },
      (_, i) => `  - name: api-${i}\n    type: http\n    port: ${8000 + i}\n    visibility: internal\n`,
    ).join('');
    const big = `pactoVersion: "1.0"\nservice:\n  name: svc\n  version: 1.0.0\ninterfaces:\n${interfaces}`;
    assert.ok(big.length > 30_000);
    // Opened as a file (inserting 35 KB through synthetic keyboard input is slow in any editor).
    await page
      .locator('input[type=file]:not([webkitdirectory])')
      .setInputFiles({ name: 'pacto.yaml', mimeType: 'application/yaml', buffer: Buffer.from(big) });
    await page.getByText(/^Opened a bundle of 1 file/).waitFor();
    await expectProblemCount(page, 0);
    await page.keyboard.press('Control+Home');
    await page.locator('.cm-line').filter({ hasText: /^\s*version: 1\.0\.0$/ }).click();
    await page.keyboard.press('End');
    // Typed without pauses: the checks may lag behind the keys, never the other way round.
    await page.keyboard.type('-rc.1+build.7x', { delay: 0 });
    await editor(page).getByText('version: 1.0.0-rc.1+build.7x').waitFor();
    await expectProblemCount(page, 0);
    await page.keyboard.type('..', { delay: 0 });
    await expectProblemCount(page, 1);
    await page.getByRole('button', { name: /^error INVALID_SEMVER 4:12 / }).waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('works at 390 px wide', async () => {
    const page = await openPlayground(browser, server.url, { viewport: { width: 390, height: 844 } });
    await replaceText(page, INVALID);
    await expectProblemCount(page, 1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    await page.getByRole('button', { name: /^error PARSE_ERROR 5:3 / }).click();
    assert.equal(await cursorLine(page), 5);
    await screenshot(page, 'narrow-390');
    await page.screenshot({ path: join(ARTIFACTS, 'narrow-390-full.png'), fullPage: true });
    assertClean(page);
    await page.context().close();
  });

  test('an accessibility scan (axe-core) finds no serious or critical violation', async () => {
    // axe is injected through a CSP-bypassing context: the page's own CSP forbids injected scripts.
    for (const [theme, viewport] of [
      ['light', { width: 1400, height: 900 }],
      ['dark', { width: 1400, height: 900 }],
      ['light', { width: 390, height: 844 }],
    ]) {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await openPlayground(browser, server.url, { context });
      await page.getByLabel('Theme').selectOption(theme);
      await page.addScriptTag({ content: AXE_SOURCE });
      const scan = async (state) => {
        const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        const bad = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        assert.deepEqual(bad, [], `${theme} ${viewport.width}px, ${state}`);
      };
      // A long bundle (the editor and the document scroll) in the Doc view...
      await chooseTemplate(page, 'Full example');
      await expectProblemCount(page, 0);
      await page.getByRole('tab', { name: 'Doc' }).click();
      await page.locator('article h2').filter({ hasText: 'order-service' }).waitFor();
      await scan('full example, doc');
      // ...and an invalid one (problem rows, a missing file, a message) in the Explain view.
      await replaceText(page, MISSING_FILE);
      await expectProblemCount(page, 1);
      await page.getByRole('tab', { name: 'Explain' }).click();
      await page.locator('.explain .service').filter({ hasText: 'svc' }).waitFor();
      await scan('invalid, explain');
      await context.close();
    }
  });
});
