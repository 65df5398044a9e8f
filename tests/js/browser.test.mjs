// The browser entry (npm/browser.mjs) and the raw `web` glue, run in Node.
// A browser fetches the .wasm over HTTP; Node's fetch has no file: URLs, so
// this suite serves file: URLs from disk the way a web server would.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { INVALID_CONTRACT, NPM_DIR, VALID_CONTRACT, bundleFiles, lineOf } from './helpers.mjs';

const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = input instanceof URL ? input : new URL(String(input));
  if (url.protocol !== 'file:') return realFetch(input, init);
  fetched.push(url.href);
  const body = fs.readFileSync(fileURLToPath(url));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
};

const browser = await import('../../npm/browser.mjs');

test('the browser entry fetches the one dist/pacto.wasm, once', () => {
  assert.deepEqual(fetched, [new URL('../../npm/dist/pacto.wasm', import.meta.url).href]);
});

test('the browser entry exports the same API, ready to use', () => {
  assert.deepEqual(Object.keys(browser).sort(), [
    'VERSION',
    'diff',
    'diffWithDependencies',
    'doc',
    'explain',
    'graph',
    'init',
    'listTags',
    'pack',
    'pull',
    'push',
    'resolve',
    'schema',
    'unpack',
    'validate',
    'version',
  ]);
  const pkg = JSON.parse(fs.readFileSync(path.join(NPM_DIR, 'package.json'), 'utf8'));
  assert.equal(browser.VERSION, pkg.version);
  assert.deepEqual(browser.validate(bundleFiles(VALID_CONTRACT)), { valid: true, errors: [], warnings: [] });
  const result = browser.validate(bundleFiles(INVALID_CONTRACT));
  assert.equal(result.valid, false);
  const port = result.errors.find((d) => d.path === 'interfaces[0].port');
  assert.equal(port.code, 'SCHEMA_VIOLATION');
  assert.equal(port.range.start.line, lineOf(INVALID_CONTRACT, 'port: 0'));
  assert.match(browser.explain(bundleFiles(VALID_CONTRACT), 'text'), /^Service: orders@1\.2\.0$/m);
  assert.deepEqual(Object.keys(browser.init('web-svc')).length, 3);
  assert.deepEqual(browser.diff(bundleFiles(VALID_CONTRACT), bundleFiles(VALID_CONTRACT)), {
    classification: 'NON_BREAKING',
    changes: [],
    warnings: [],
    dependencyDiffs: [],
  });
  assert.equal(
    browser.diff(bundleFiles(VALID_CONTRACT), bundleFiles(VALID_CONTRACT.replace('port: 8080', 'port: 9090'))).classification,
    'BREAKING',
  );
  assert.equal(JSON.parse(browser.schema()).type, 'object');
});

test('the raw web glue exports default (async init) and initSync', async () => {
  const web = await import('../../npm/dist/web/pacto_wasm.js');
  assert.equal(typeof web.default, 'function');
  assert.equal(typeof web.initSync, 'function');
  // Already initialised by browser.mjs: same module instance, works at once.
  assert.equal(web.version(), browser.VERSION);
});

test('pacto-wasm/web shares the instance browser.mjs loaded: init() resolves at once, no new fetch', async () => {
  const entry = await import('../../npm/web.mjs');
  const before = fetched.length;
  await Promise.all([entry.default(), entry.initialize(), entry.default(new URL('file:///nowhere.wasm'))]);
  assert.equal(fetched.length, before);
  assert.equal(entry.version(), browser.VERSION);
});
