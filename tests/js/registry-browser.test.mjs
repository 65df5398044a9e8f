// The browser transport's bounds, in a real browser: Debian's chromium (driven
// by playwright-core) loads the package's browser entry from a loopback page
// and pulls from the lying registry (tests/registry/lying.mjs, with CORS). The
// same limits and timers as in Node: an endless blob stops at its declared
// size, a gigantic Content-Length is refused before reading, a stalled body
// times out after idleTimeoutMs; each after one request.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT } from '../registry/harness.mjs';
import { artifact, startLyingRegistry } from '../registry/lying.mjs';

// playwright-core and sirv are the registry suites' own dev dependencies (tests/registry/package.json).
const requireTools = createRequire(path.join(ROOT, 'tests', 'registry', 'package.json'));
const { chromium } = requireTools('playwright-core');
const sirv = requireTools('sirv');
const api = createRequire(import.meta.url)('../../npm/index.js');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pacto registry bounds</title></head><body><h1>pacto</h1></body></html>';

describe('the browser transport against a lying registry', () => {
  let liar;
  let site;
  let browser;
  let page;
  const layer = Buffer.from(api.pack({ 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: app\n  version: 1.0.0\n' }));
  const good = artifact(layer);
  const configDigest = JSON.parse(good.manifest).config.digest;
  const blobs = (answer) => ({ [configDigest]: good.config, [good.layerDigest]: answer });
  const ref = (repo) => `oci://${liar.host}/${repo}:1.0.0`;

  /** Runs pull in the page; answers { ok, files } or { code, message }, and the time it took. */
  const pullInPage = (reference, options) =>
    page.evaluate(
      async ([reference, options]) => {
        const { pull } = await import('/browser.mjs');
        const started = performance.now();
        try {
          const result = await pull(reference, options);
          return { ok: true, files: Object.keys(result.bundle), ms: performance.now() - started };
        } catch (error) {
          return { code: error.code, message: error.message, ms: performance.now() - started };
        }
      },
      [reference, options],
    );

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (scripts/ci-deps.sh)`);
    liar = await startLyingRegistry({ cors: true });
    liar.serve('honest/app', { manifest: good.manifest, blobs: blobs(good.layer) });
    liar.serve('endless/blob', { manifest: good.manifest, blobs: blobs({ endless: true }) });
    liar.serve('huge/length', { manifest: good.manifest, blobs: blobs({ declare: 10_000_000_000 }) });
    liar.serve('stall/blob', { manifest: good.manifest, blobs: blobs({ stallAfter: Math.floor(layer.length / 2), body: layer }) });
    // The package directory (browser.mjs and dist/web), and a blank page to run it in.
    const files = sirv(path.join(ROOT, 'npm'), { dev: true });
    site = http.createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(PAGE);
      }
      return files(req, res, () => {
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.problems = [];
    page.on('pageerror', (e) => page.problems.push(e.message));
    await page.goto(`http://127.0.0.1:${site.address().port}/`);
    assert.equal(await page.getByRole('heading').innerText(), 'pacto');
  });
  after(async () => {
    if (browser) await browser.close();
    if (site) {
      site.closeAllConnections();
      site.close();
    }
    if (liar) await liar.stop();
  });

  test('an honest answer pulls in the browser', async () => {
    const result = await pullInPage(ref('honest/app'));
    assert.deepEqual(result.files, ['pacto.yaml'], JSON.stringify(result));
  });

  test('an endless blob stops at the size the manifest declares, after one request', async () => {
    const result = await pullInPage(ref('endless/blob'));
    assert.equal(result.code, 'TOO_LARGE', JSON.stringify(result));
    assert.match(result.message, new RegExp(`the registry sent more than the ${layer.length} bytes the manifest declares for blob ${good.layerDigest}$`));
    assert.equal(liar.count(`/endless/blob/blobs/${good.layerDigest}`, 'GET'), 1);
    const sent = liar.requests.find((r) => r.method === 'GET' && r.path.includes('/endless/blob/blobs/sha256:')).sent;
    assert.ok(sent < 64 * 1024 * 1024, `the server wrote ${sent} bytes`);
  });

  test('a gigantic Content-Length is refused before reading', async () => {
    const result = await pullInPage(ref('huge/length'));
    assert.equal(result.code, 'TOO_LARGE', JSON.stringify(result));
    assert.match(result.message, /the registry announced 10000000000 bytes \(Content-Length\), more than the \d+ bytes the manifest declares/);
    assert.equal(liar.count('/huge/length/blobs/sha256', 'GET'), 1);
  });

  test('a stalled blob times out after idleTimeoutMs, once, naming the host', async () => {
    const result = await pullInPage(ref('stall/blob'), { idleTimeoutMs: 400 });
    assert.equal(result.code, 'TIMEOUT', JSON.stringify(result));
    assert.match(result.message, new RegExp(`: no data from ${liar.host} for 0\\.4 s \\(the idle timeout\\)$`));
    assert.ok(result.ms >= 400 && result.ms < 5000, `${result.ms} ms`);
    assert.equal(liar.count('/stall/blob/blobs/sha256', 'GET'), 1);
    assert.deepEqual(page.problems, []);
  });
});
