// Compare in a real browser, where it runs: in the compare worker (playground/worker.js, the
// playground's own wasm loaded a second time) under pacto serve, and on the page's thread where a
// policy forbids workers. A diff of hundreds of changes draws the worst first and the rest on
// demand. The old and new sides are .tar.gz archives made by the npm package's pack(), chosen in
// the file pickers as a person does.
// Screenshots: artifacts/playground/compare-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, chooseTemplate, expectProblemCount, launch, openPlayground, replaceText, screenshot } from './helpers.mjs';
import { CSP, startPlayground } from './server.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

const contract = (version) => `pactoVersion: "1.0"
service:
  name: catalogue
  version: ${version}
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.yaml
`;

/** An OpenAPI document with a GET on each of `paths`. */
function openapi(paths) {
  const lines = ['openapi: 3.0.3', 'info:', '  title: catalogue', '  version: 1.0.0', 'paths:'];
  for (const p of paths) {
    lines.push(`  ${p}:`, '    get:', '      responses:', "        '200':", '          description: ok');
  }
  if (paths.length === 0) lines[lines.length - 1] = 'paths: {}';
  return `${lines.join('\n')}\n`;
}

const archive = (version, paths) =>
  Buffer.from(api.pack({ 'pacto.yaml': contract(version), 'interfaces/openapi.yaml': openapi(paths) }));

async function choose(page, button, name, buffer) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button, exact: true }).click()]);
  await chooser.setFiles({ name, mimeType: 'application/gzip', buffer });
}

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

describe('compare', () => {
  let browser;
  let served;
  let noWorkers;
  before(async () => {
    browser = await launch();
    served = await startPlayground();
    // pacto serve's policy, with workers forbidden.
    noWorkers = await startPlayground({ csp: `${CSP}; worker-src 'none'` });
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await noWorkers?.close();
  });

  test('a diff of hundreds of changes runs in the compare worker, draws the worst first and the rest on demand', async () => {
    // Old: 240 paths. New: 20 of them kept, 30 added: 220 removals (BREAKING) after the additions
    // in the core's order, so only sorting puts them first.
    const old = range(240, (i) => `/items/${i}`);
    const kept = old.slice(0, 20);
    const added = range(30, (i) => `/added/${i}`);
    const page = await openPlayground(browser, served.url);
    await choose(page, 'Open…', 'catalogue-2.0.0.tar.gz', archive('2.0.0', [...added, ...kept]));
    await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent.includes('catalogue'));
    await expectProblemCount(page, 0);
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    await choose(page, 'Baseline from .tar.gz…', 'catalogue-1.0.0.tar.gz', archive('1.0.0', old));

    const verdict = page.locator('.verdict');
    await verdict.filter({ hasText: 'against catalogue-1.0.0.tar.gz' }).waitFor();
    const expected = api.diff(
      { 'pacto.yaml': contract('1.0.0'), 'interfaces/openapi.yaml': openapi(old) },
      { 'pacto.yaml': contract('2.0.0'), 'interfaces/openapi.yaml': openapi([...added, ...kept]) },
    );
    const total = expected.changes.length;
    assert.ok(total > 240, `${total} changes`);
    assert.match(await verdict.innerText(), new RegExp(`^BREAKING\\s+${total} changes against catalogue-1\\.0\\.0\\.tar\\.gz$`));
    // The comparison ran in the worker the page started for it.
    assert.deepEqual(
      page.workers().map((w) => new URL(w.url()).pathname.split('/').pop()),
      ['worker.js'],
    );

    const rows = page.locator('li.change');
    assert.equal(await rows.count(), 200);
    const classes = await rows.locator('.badge').allInnerTexts();
    const breaking = expected.changes.filter((c) => c.classification === 'BREAKING').length;
    assert.ok(classes.slice(0, Math.min(breaking, 200)).every((c) => c === 'BREAKING'), 'breaking changes first');
    const more = page.getByRole('button', { name: `Show the other ${total - 200} changes` });
    await more.scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-many');
    await more.click();
    assert.equal(await rows.count(), total);
    assert.equal(await more.count(), 0);
    const shown = (await rows.locator('.change-path').allInnerTexts()).sort();
    assert.deepEqual(shown, expected.changes.map((c) => c.path).sort());

    // The class filters: breaking changes hidden, then listed again.
    const breakingFilter = page.getByRole('button', { name: `Breaking (${breaking})` });
    await breakingFilter.click();
    assert.equal(await breakingFilter.getAttribute('aria-pressed'), 'false');
    assert.equal(await rows.count(), total - breaking);
    assert.ok((await rows.locator('.badge').allInnerTexts()).every((c) => c !== 'BREAKING'));
    await breakingFilter.click();
    assert.equal(await rows.count(), total);

    // Typing goes on while the worker compares; the last edit's result is the one shown.
    await page.getByRole('button', { name: 'pacto.yaml', exact: true }).click();
    await replaceText(page, contract('2.0.0').replace('port: 8080', 'port: 8081'));
    await verdict.filter({ hasText: `${total + 1} changes` }).waitFor();
    assert.equal(await page.locator('li.change').filter({ hasText: '8081' }).count(), 1);

    // A moment where the contract does not parse: the comparison stays, marked out of date;
    // typing back to what was compared leaves the drawn table as it was (not drawn again).
    await rows.first().evaluate((row) => {
      row.dataset.probe = 'kept';
    });
    await replaceText(page, `${contract('2.0.0').replace('port: 8080', 'port: 8081')}  Owner: x\n`);
    await page.getByRole('status').filter({ hasText: /^The editor's bundle does not parse \(.*\): below is the comparison of the last version that did, out of date\.$/ }).waitFor();
    assert.equal(await page.locator('.compare-result.stale').count(), 1);
    assert.match(await verdict.innerText(), new RegExp(`${total + 1} changes`));
    await page.locator('.compare-panel .kept-note').scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-stale');
    await replaceText(page, contract('2.0.0').replace('port: 8080', 'port: 8081'));
    await page.waitForFunction(() => !document.querySelector('.compare-panel .kept-note') && !document.querySelector('.compare-result.stale'));
    assert.equal(await rows.first().getAttribute('data-probe'), 'kept');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('where a policy forbids workers, the comparison runs on the page and still shows', async () => {
    const page = await openPlayground(browser, noWorkers.url);
    await chooseTemplate(page, 'Stateless HTTP API');
    await expectProblemCount(page, 0);
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    await page.getByRole('button', { name: 'Set the current bundle as baseline' }).click();
    await page.locator('.verdict').filter({ hasText: /^NON_BREAKING\s+0 changes against the snapshot of / }).waitFor();
    const stateless = readFileSync(join(ROOT, 'examples', 'stateless-http-api', 'pacto.yaml'), 'utf8');
    assert.match(stateless, /port: 8080/);
    await replaceText(page, stateless.replace('port: 8080', 'port: 9090'));
    await page.locator('.verdict').filter({ hasText: /^BREAKING/ }).waitFor();
    assert.match(await page.locator('li.change').filter({ hasText: '9090' }).innerText(), /BREAKING[\s\S]*port[\s\S]*8080[\s\S]*9090/);
    assert.deepEqual(page.workers(), [], 'no worker runs');
    // The browser reports the refused worker (and this static server's 404 for pacto serve's
    // /api/config); nothing else went wrong.
    assert.deepEqual(
      page.problems.filter((p) => !/^console: Creating a worker from .* violates the following Content Security Policy directive: "worker-src 'none'"/.test(p) && !/status of 404 \(Not Found\)$/.test(p)),
      [],
    );
    assert.ok(page.problems.some((p) => /worker/i.test(p)), 'the refusal is reported by the browser');
    await page.context().close();
  });
});
