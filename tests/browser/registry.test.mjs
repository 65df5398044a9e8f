// The playground's Registry, Compare and Graph tabs in a real browser (Debian's chromium via playwright-core)
// against `pacto serve` (npm/serve) in front of real docker-registry processes
// (tests/registry/harness.mjs): an anonymous one and an htpasswd one. Push, tag-less pull into a
// fresh page, the overwrite confirmation, wrong credentials, compare with a pulled version, the
// dependency graph with a cycle, a share-by-reference link, compare with a .tar.gz baseline, and
// a registry that lies about a blob's bytes (tests/registry/lying.mjs). What the registry holds is checked with the JS API talking to the registry directly, not
// through the page.
// Screenshots: artifacts/playground/registry-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, editor, expectProblemCount, launch, openPlayground, screenshot, cursorLine, chooseTemplate } from './helpers.mjs';
import { freePort, missingPrerequisites, startRegistry } from '../registry/harness.mjs';
import { artifact, startLyingRegistry } from '../registry/lying.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { startServe } = require('../../npm/serve/index.js');

const PASSWORD = 'Play2-Pa55word-9c1d';
const EXAMPLE = join(ROOT, 'examples', 'stateless-http-api');
const CONTRACT = readFileSync(join(EXAMPLE, 'pacto.yaml'), 'utf8');
const FILES = ['pacto.yaml', 'interfaces/openapi.yaml', 'configuration/schema.json'];

/** The stateless example as a bundle object, its contract edited. */
function exampleBundle(edit = (t) => t) {
  const bundle = {};
  for (const f of FILES) bundle[f] = new Uint8Array(readFileSync(join(EXAMPLE, f)));
  bundle['pacto.yaml'] = new TextEncoder().encode(edit(CONTRACT));
  return bundle;
}

const withService = (name, version) => (text) =>
  text.replace(/^ {2}name: .*$/m, `  name: ${name}`).replace(/^ {2}version: .*$/m, `  version: ${version}`);

const dependencies = (...refs) => (text) =>
  `${text.trimEnd()}\n\ndependencies:\n${refs.map((r) => `  - ref: ${r}\n    required: true\n    compatibility: "^1.0.0"\n`).join('')}`;

const missing = missingPrerequisites('basic');
/**
 * Replaces the open file's text as a paste does. The editor is focused rather than clicked: with
 * the drawer open the editor is short, and a click at the centre of a long document's content
 * lands outside its visible part.
 */
async function replaceText(page, text) {
  await editor(page).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

describe('the registry tabs against pacto serve', { skip }, () => {
  let registry;
  let secured;
  let serve;
  let browser;
  let silent; // allowlisted, but nothing listens there
  const ref = (repo) => `oci://${registry.host}/${repo}`;

  before(async () => {
    registry = await startRegistry();
    secured = await startRegistry({ auth: 'basic', users: { alice: { password: PASSWORD } } });
    silent = `127.0.0.1:${await freePort()}`;
    serve = await startServe({ port: 0, localRegistry: false, registries: [registry.url, secured.url, `http://${silent}`] });
    assert.equal(serve.playground, true, 'npm/dist/playground is missing: run `make build`');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await serve?.close();
    await secured?.stop();
    await registry?.stop();
  });

  /** Shows a tab of the views panel (Registry, Compare, Graph) as a person clicks it. */
  async function showTab(page, name) {
    await page.getByRole('tab', { name, exact: true }).click();
  }

  async function openRegistry(page) {
    await showTab(page, 'Registry');
    await page.getByText(/^Through pacto serve/).waitFor();
  }

  /**
   * The page's problems (console errors, CSP) must stay empty. Chromium logs every 404 and 401
   * answer to fetch as a console error; the registry protocol has expected ones (a blob or tag
   * that is not there yet, the challenge before credentials), so those are not problems.
   */
  function assertClean(page) {
    const expected = /^console: Failed to load resource: the server responded with a status of (404 \(Not Found\)|401 \(Unauthorized\))$/;
    assert.deepEqual(page.problems.filter((p) => !expected.test(p)), []);
  }

  /** The open file's text from its start (the editor renders only what is in view). */
  async function editorTop(page) {
    await editor(page).focus();
    await page.keyboard.press('Control+Home');
    return editor(page).innerText();
  }

  let pushedDigest;
  let shareLink;

  test('push the edited bundle: its digest and exact ref are shown; a second push needs confirmation', async () => {
    const page = await openPlayground(browser, serve.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await replaceText(page, withService('catalog', '2.0.0')(CONTRACT));
    await expectProblemCount(page, 0);
    await openRegistry(page);
    // The repository defaults to the default registry and service.name.
    await page.waitForFunction((expected) => document.querySelector('input[name="push-repo"]')?.value === expected, ref('catalog'));
    await page.getByLabel('Repository', { exact: true }).fill(ref('acme/catalog'));
    // The tag defaults to service.version (shown once edits pause).
    await page.locator('input[name="push-tag"][placeholder="2.0.0"]').waitFor();
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByText(`Pushed ${registry.host}/acme/catalog:2.0.0 (sha256:`).waitFor();
    await page.locator('.transferred code.digest').waitFor();
    pushedDigest = await page.locator('.transferred code.digest').innerText();
    const inRegistry = await api.pull(`${ref('acme/catalog')}:2.0.0`);
    assert.equal(pushedDigest, inRegistry.manifestDigest);
    assert.equal(await page.getByLabel('Exact reference').inputValue(), `${ref('acme/catalog')}@${pushedDigest}`);
    shareLink = await page.getByRole('link', { name: 'Share link by reference' }).getAttribute('href');
    await screenshot(page, 'registry-pushed');

    // The same tag again, after an edit: refused until confirmed, and nothing changes meanwhile.
    await replaceText(page, withService('catalog', '2.0.0')(CONTRACT).replace('owner: team/catalog', 'owner: team/shop'));
    await expectProblemCount(page, 0);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByText(`${registry.host}/acme/catalog:2.0.0 already exists (${pushedDigest}): nothing was pushed. Overwrite it?`).waitFor();
    assert.equal((await api.pull(`${ref('acme/catalog')}:2.0.0`)).manifestDigest, pushedDigest);
    await screenshot(page, 'registry-overwrite');
    await page.getByRole('button', { name: 'Overwrite the tag' }).click();
    await page.getByText(`Pushed ${registry.host}/acme/catalog:2.0.0 (sha256:`).waitFor();
    await page.locator('.transferred code.digest').filter({ hasNotText: pushedDigest }).waitFor();
    const overwritten = await page.locator('.transferred code.digest').innerText();
    assert.notEqual(overwritten, pushedDigest);
    assert.equal((await api.pull(`${ref('acme/catalog')}:2.0.0`)).manifestDigest, overwritten);
    assertClean(page);
    await page.context().close();
  });

  test('a contract with errors is not pushed and its problems are listed', async () => {
    const page = await openPlayground(browser, serve.url);
    await replaceText(page, 'pactoVersion: "1.0"\nservice:\n  name: Broken Name\n  version: 1.0.0\n');
    await page.getByRole('heading', { name: /^Problems \([1-9]/ }).waitFor();
    await openRegistry(page);
    await page.getByLabel('Repository', { exact: true }).fill(ref('acme/broken'));
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByText(/^Not pushed, nothing was sent: the contract has \d+ errors? \(see Problems\)\.$/).waitFor();
    assert.ok((await page.locator('.registry-details li').count()) > 0);
    await assert.rejects(api.listTags(ref('acme/broken')), (e) => e.code === 'NOT_FOUND');
    await page.context().close();
  });

  test('a tag-less pull in a fresh page opens the newest version with the same files', async () => {
    await api.push(`${ref('acme/catalog')}:1.5.0`, exampleBundle(withService('catalog', '1.5.0')));
    const page = await openPlayground(browser, serve.url);
    await openRegistry(page);
    await page.getByLabel('Reference', { exact: true }).fill(ref('acme/catalog'));
    await page.getByRole('button', { name: 'List tags' }).click();
    const tags = page.getByRole('list', { name: 'Tags, newest first' });
    await tags.waitFor();
    assert.deepEqual(await tags.getByRole('button').allInnerTexts(), ['2.0.0', '1.5.0']);
    await page.getByRole('button', { name: 'Pull and open' }).click();
    await page.getByText(`Pulled ${registry.host}/acme/catalog:2.0.0 into the editor.`).waitFor();
    const expected = await api.pull(ref('acme/catalog'));
    for (const f of Object.keys(expected.bundle).filter((k) => !k.endsWith('/'))) {
      const name = f.split('/').pop();
      await page.getByRole('button', { name, exact: true }).waitFor();
    }
    assert.match(await editorTop(page), /name: catalog[\s\S]*owner: team\/shop/);
    await expectProblemCount(page, 0);
    await screenshot(page, 'registry-pulled');
    // "Open beside": the same ref in a new tab, which pulls it there.
    await page.getByLabel('Reference', { exact: true }).fill(`${ref('acme/catalog')}:1.5.0`);
    const [beside] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Open beside' }).click()]);
    await beside.getByText(`Pulled ${registry.host}/acme/catalog:1.5.0 into the editor.`).waitFor({ timeout: 20_000 });
    assert.match(await editor(page).innerText(), /version: 2\.0\.0/, 'this tab keeps its bundle');
    assertClean(page);
    await page.context().close();
  });

  test('every failure is a message in the page: not found, refused by the proxy, unreachable', async () => {
    const page = await openPlayground(browser, serve.url);
    await openRegistry(page);
    const pull = async (reference, expected) => {
      await page.getByLabel('Reference', { exact: true }).fill(reference);
      await page.getByRole('button', { name: 'Pull and open' }).click();
      await page.getByRole('alert').filter({ hasText: expected }).waitFor();
    };
    await pull(`${ref('acme/nothing-here')}:1.0.0`, /^Not found: artifact not found: /);
    await pull(ref('acme/nothing-here'), /^Not found: /);
    await pull('oci://127.0.0.2:9/acme/x:1.0.0', /^Refused by the pacto serve proxy: .*REGISTRY_NOT_ALLOWED/);
    await pull(`oci://${silent}/acme/x:1.0.0`, /^Unreachable: /);
    await pull('oci://', /^Not a valid reference: /);
    await screenshot(page, 'registry-unreachable');
    await page.context().close();
  });

  test('wrong credentials against an htpasswd registry: unauthorised, and nothing is pushed', async () => {
    const page = await openPlayground(browser, serve.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await expectProblemCount(page, 0);
    await openRegistry(page);
    await page.getByLabel('Repository', { exact: true }).fill(`oci://${secured.host}/acme/private`);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /^Unauthorised: / }).waitFor();
    await page.getByText(`${secured.host} asks who you are`).waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password or token').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in and retry' }).click();
    await page.getByRole('alert').filter({ hasText: /^Unauthorised: authentication failed/ }).waitFor();
    await screenshot(page, 'registry-unauthorised');
    const credentials = { username: 'alice', password: PASSWORD };
    await assert.rejects(api.listTags(`oci://${secured.host}/acme/private`, { credentials }), (e) => e.code === 'NOT_FOUND');
    // The password is nowhere the page keeps things.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + location.href);
    assert.doesNotMatch(stored, /not-the-password/);
    await page.context().close();
  });

  test('credentials typed in the page reach the compare worker: a dependency on the htpasswd registry resolves', async () => {
    const credentials = { username: 'alice', password: PASSWORD };
    await api.push(`oci://${secured.host}/acme/vault:1.0.0`, exampleBundle(withService('vault', '1.0.0')), { credentials });
    const page = await openPlayground(browser, serve.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await expectProblemCount(page, 0);
    await openRegistry(page);
    await page.getByLabel('Reference', { exact: true }).fill(`oci://${secured.host}/acme/vault`);
    await page.getByRole('button', { name: 'List tags' }).click();
    await page.getByText(`${secured.host} asks who you are`).waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password or token').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in and retry' }).click();
    await page.getByRole('list', { name: 'Tags, newest first' }).getByText('1.0.0').waitFor();

    await showTab(page, 'Compare');
    await page.getByRole('button', { name: 'Set the current bundle as baseline' }).click();
    await page.locator('.verdict').filter({ hasText: /^NON_BREAKING/ }).waitFor();
    await replaceText(page, dependencies(`oci://${secured.host}/acme/vault`)(CONTRACT));
    // Resolved with the page's credentials in the worker: the new dependency is a graph change.
    await page.getByRole('heading', { name: 'Graph changes' }).waitFor();
    assert.match(await page.locator('.graph-changes').innerText(), /vault added 1\.0\.0/);
    assert.equal(page.workers().length, 1, 'the compare worker');
    assertClean(page);
    await page.context().close();
  });

  test('compare a pulled 1.0.0 with an edited bundle whose port changed: BREAKING, linked to its line', async () => {
    const v100 = withService('shop', '1.0.0')(CONTRACT);
    await api.push(`${ref('acme/shop')}:1.0.0`, exampleBundle(() => v100));
    const page = await openPlayground(browser, serve.url);
    await openRegistry(page);
    await page.getByLabel('Reference', { exact: true }).fill(`${ref('acme/shop')}:1.0.0`);
    await page.getByRole('button', { name: 'Pull and open' }).click();
    await page.getByText(`Pulled ${registry.host}/acme/shop:1.0.0 into the editor.`).waitFor();
    await page.getByRole('button', { name: 'Use the pulled bundle as the compare baseline' }).click();
    await page.locator('.verdict').filter({ hasText: 'NON_BREAKING' }).waitFor();

    await replaceText(page, v100.replace('port: 8080', 'port: 9090'));
    const verdict = page.locator('.verdict');
    await verdict.filter({ hasText: /^BREAKING/ }).waitFor();
    const row = page.locator('li.change').filter({ hasText: '9090' });
    assert.match(await row.innerText(), /BREAKING[\s\S]*interfaces[\s\S]*port[\s\S]*8080[\s\S]*9090/);
    await verdict.scrollIntoViewIfNeeded();
    await screenshot(page, 'registry-compare');
    // The change's link puts the cursor on the port's line.
    const portLine = v100.split('\n').findIndex((l) => l.includes('port: 8080')) + 1;
    await row.getByRole('button').first().click();
    assert.equal(await cursorLine(page), portLine);

    // A new dependency, resolved through the proxy, shows as a graph change.
    await api.push(`${ref('acme/rates')}:1.2.0`, exampleBundle(withService('rates', '1.2.0')));
    await replaceText(page, dependencies(ref('acme/rates'))(v100.replace('port: 8080', 'port: 9090')));
    await page.getByRole('heading', { name: 'Graph changes' }).waitFor();
    assert.match(await page.locator('.graph-changes').innerText(), /rates added 1\.2\.0/);
    await screenshot(page, 'registry-compare-graph');
    assertClean(page);
    await page.context().close();
  });

  test('compare with the old side from a .tar.gz against an edited bundle: BREAKING, the port change listed', async () => {
    const v100 = withService('shop', '1.0.0')(CONTRACT);
    // The archive as `pacto pack` makes it (the npm package's pack), chosen in the file picker.
    const archive = Buffer.from(api.pack(exampleBundle(() => v100)));
    assert.deepEqual(Object.keys(api.unpack(archive)).filter((k) => !k.endsWith('/')).sort(), [...FILES].sort());
    const page = await openPlayground(browser, serve.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await replaceText(page, v100.replace('port: 8080', 'port: 9090'));
    await expectProblemCount(page, 0);
    await openRegistry(page);
    await showTab(page, 'Compare');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Baseline from .tar.gz…' }).click()]);
    assert.equal(chooser.isMultiple(), false);
    await chooser.setFiles({ name: 'shop-1.0.0.tar.gz', mimeType: 'application/gzip', buffer: archive });
    await page.getByText('Old side: shop-1.0.0.tar.gz').waitFor();
    const verdict = page.locator('.verdict');
    await verdict.filter({ hasText: /^BREAKING/ }).waitFor();
    const row = page.locator('li.change').filter({ hasText: '9090' });
    assert.match(await row.innerText(), /BREAKING[\s\S]*interfaces[\s\S]*port[\s\S]*8080[\s\S]*9090/);
    // The template's other files are the example's: the port is the one change.
    assert.match(await verdict.innerText(), /^BREAKING\s+1 change against shop-1\.0\.0\.tar\.gz$/);
    await verdict.scrollIntoViewIfNeeded();
    await screenshot(page, 'registry-compare-tarball');

    // Back to the archive's port: nothing breaks any more.
    await replaceText(page, v100);
    await verdict.filter({ hasText: /^NON_BREAKING/ }).waitFor();
    assert.equal(await page.locator('li.change').filter({ hasText: '9090' }).count(), 0);

    // A file that is not a bundle archive: a message, and the old side stays.
    const [again] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Baseline from .tar.gz…' }).click()]);
    await again.setFiles({ name: 'notes.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('not a gzip stream') });
    await page.getByRole('alert').filter({ hasText: /^notes\.tar\.gz is not a bundle archive: / }).waitFor();
    await page.getByText('Old side: shop-1.0.0.tar.gz').waitFor();
    assertClean(page);
    await page.context().close();
  });

  test('the dependency graph: both dependencies, their edges, and the cycle highlighted', async () => {
    // checkout -> payments, ledger; ledger -> audit -> ledger: a cycle, resolved through the proxy.
    await api.push(`${ref('acme/payments')}:1.0.0`, exampleBundle(withService('payments', '1.0.0')));
    await api.push(`${ref('acme/ledger')}:1.0.0`, exampleBundle((t) => dependencies(ref('acme/audit'))(withService('ledger', '1.0.0')(t))));
    await api.push(`${ref('acme/audit')}:1.0.0`, exampleBundle((t) => dependencies(ref('acme/ledger'))(withService('audit', '1.0.0')(t))));
    const page = await openPlayground(browser, serve.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await replaceText(page, dependencies(ref('acme/payments'), ref('acme/ledger'))(withService('checkout', '1.0.0')(CONTRACT)));
    await expectProblemCount(page, 0);
    await showTab(page, 'Graph');
    await page.getByRole('button', { name: 'Draw the dependency graph' }).click();
    const svg = page.locator('.graph-svg svg');
    await svg.waitFor();
    const nodes = await svg.locator('[data-node]').allTextContents();
    assert.ok(nodes.some((t) => t.includes('payments')), `payments is drawn: ${nodes}`);
    assert.ok(nodes.some((t) => t.includes('ledger')), `ledger is drawn: ${nodes}`);
    // Edges from the root to both, and the cycle's edges marked.
    assert.equal(await svg.locator('g.pacto-edge[data-from="0"]').count(), 2);
    assert.ok((await svg.locator('g.pacto-cycle').count()) >= 1, 'a cycle edge is highlighted');
    await svg.scrollIntoViewIfNeeded();
    await screenshot(page, 'registry-graph');
    // The picture follows the contract: dropping a dependency redraws it, no click needed.
    await replaceText(page, dependencies(ref('acme/ledger'))(withService('checkout', '1.0.0')(CONTRACT)));
    await page.waitForFunction(() => {
      const drawn = [...document.querySelectorAll('.graph-svg [data-node]')].map((n) => n.textContent);
      return drawn.some((t) => t.includes('ledger')) && !drawn.some((t) => t.includes('payments'));
    });
    assert.equal(await svg.locator('g.pacto-edge[data-from="0"]').count(), 1);
    // A node's summary, then it opens in the editor.
    await svg.locator('[data-node]').filter({ hasText: 'ledger' }).first().click();
    const summary = page.getByRole('region', { name: 'Selected service' });
    await summary.getByText('ledger 1.0.0').waitFor();
    await summary.getByRole('button', { name: 'Open in the editor' }).click();
    await page.getByText('Opened ledger 1.0.0 from the graph.').waitFor();
    assert.match(await editorTop(page), /name: ledger/);
    // The SVG downloads as a file.
    await page.getByRole('button', { name: 'Draw the dependency graph' }).click();
    await svg.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download SVG' }).click()]);
    assert.match(readFileSync(await download.path(), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
    assertClean(page);
    await page.context().close();
  });

  test('the registry tabs (tags, a pushed digest, a compare, a graph) has no serious or critical axe violation', async () => {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
      const page = await openPlayground(browser, serve.url, { context });
      await page.getByLabel('Theme').selectOption(theme);
      await openRegistry(page);
      await page.getByLabel('Reference', { exact: true }).fill(`${ref('acme/shop')}:1.0.0`);
      await page.getByRole('button', { name: 'List tags' }).click();
      await page.getByRole('list', { name: 'Tags, newest first' }).waitFor();
      await page.getByRole('button', { name: 'Pull and open' }).click();
      await page.getByRole('button', { name: 'Use the pulled bundle as the compare baseline' }).click();
      await page.locator('.verdict').waitFor();
      await replaceText(page, withService('shop', '1.0.0')(CONTRACT).replace('port: 8080', 'port: 9091'));
      await page.locator('.verdict').filter({ hasText: /^BREAKING/ }).waitFor();
      await screenshot(page, `registry-compare-${theme}`);
      await showTab(page, 'Graph');
      await page.getByRole('button', { name: 'Draw the dependency graph' }).click();
      await page.locator('.graph-svg svg').waitFor();
      await page.addScriptTag({ content: AXE_SOURCE });
      const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      assert.deepEqual(bad, [], `${theme} theme`);
      await screenshot(page, `registry-tabs-${theme}`);
      await context.close();
    }
  });

  test('a share-by-reference link opened in a new page pulls the bundle', async () => {
    assert.ok(shareLink, 'the push test made a link');
    assert.match(shareLink, /\?ref=oci%3A%2F%2F.*%40sha256%3A[0-9a-f]{64}$/);
    const page = await openPlayground(browser, shareLink);
    await page.getByText(`Pulled ${registry.host}/acme/catalog@${pushedDigest} into the editor.`).waitFor();
    assert.match(await editorTop(page), /name: catalog/);
    assert.doesNotMatch(page.url(), /\?ref=/, 'the ref is dropped from the address once followed');
    await screenshot(page, 'registry-share-ref');
    assertClean(page);
    await page.context().close();
  });

  test('a registry that sends other bytes for a layer: "Digest mismatch", and nothing is opened', async () => {
    // The manifest names the honest layer's digest; the blob served under it has one byte changed
    // (same length, so only the digest can tell).
    const honest = Buffer.from(api.pack(exampleBundle(withService('forged', '1.0.0'))));
    const good = artifact(honest);
    const forged = Buffer.from(honest);
    forged[forged.length - 1] ^= 0xff;
    const configDigest = JSON.parse(good.manifest).config.digest;
    const liar = await startLyingRegistry();
    liar.serve('acme/forged', { manifest: good.manifest, blobs: { [configDigest]: good.config, [good.layerDigest]: forged }, tags: ['1.0.0'] });
    const lyingServe = await startServe({ port: 0, localRegistry: false, registries: [liar.url] });
    try {
      const page = await openPlayground(browser, lyingServe.url);
      const before = await editorTop(page);
      const filesBefore = await page.locator('nav.files').innerText();
      await openRegistry(page);
      await page.getByLabel('Reference', { exact: true }).fill(`oci://${liar.host}/acme/forged:1.0.0`);
      await page.getByRole('button', { name: 'Pull and open' }).click();
      const alert = page.getByRole('alert').filter({ hasText: /^Digest mismatch \(the registry sent other bytes\): / });
      await alert.waitFor();
      assert.ok((await alert.innerText()).includes(good.layerDigest), 'the message names the layer');
      await screenshot(page, 'registry-digest-mismatch');
      // The page really asked the registry for that layer, through the proxy.
      assert.ok(liar.count(`/blobs/${good.layerDigest}`, 'GET') >= 1, 'the layer was fetched');
      // Nothing opened: the editor keeps its text and its files, nothing to use as a baseline.
      assert.equal(await editorTop(page), before);
      assert.doesNotMatch(before, /forged/);
      assert.equal(await page.locator('nav.files').innerText(), filesBefore);
      assert.equal(await page.getByText(/^Pulled /).count(), 0);
      assert.equal(await page.getByRole('heading', { name: /forged/ }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Use the pulled bundle as the compare baseline' }).count(), 0);
      assertClean(page);
      await page.context().close();
    } finally {
      await lyingServe.close();
      await liar.stop();
    }
  });
});
