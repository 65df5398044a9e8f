// `pacto serve` on its own: the local docker-registry it starts (data kept
// across restarts, nothing left running after SIGTERM, a clear message when
// the binary is missing), /api/config, and the static site (placeholder,
// types, precompressed variants, caching, security headers).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, test } from 'node:test';

import { fullBundle, readTree, workspace } from '../registry/fixtures.mjs';
import { alive, request, startServe } from '../registry/serve-harness.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');
const { startServe: startServeInProcess } = require('../../npm/serve/index.js');

const { dir: ws, env } = workspace('serve-local');
const full = readTree(fullBundle(path.join(ws, 'full')));

function sameBundle(pulled, pushed) {
  const files = (b) => Object.keys(b).filter((k) => !k.endsWith('/')).sort();
  assert.deepEqual(files(pulled), files(pushed));
  for (const key of files(pushed)) assert.ok(Buffer.from(pulled[key]).equals(Buffer.from(pushed[key])), key);
}

describe('the local registry', () => {
  const dataDir = path.join(ws, 'data');

  test('started by default, listed in /api/config, stopped by SIGTERM; what was pushed survives a restart', async () => {
    const first = await startServe(['--data-dir', dataDir], { env });
    const match = /^ {2}local registry: docker-registry on (127\.0\.0\.1:\d+) \(pid (\d+)\), data in (.+)$/m.exec(first.stdout());
    assert.ok(match, first.stdout());
    const [, host, pidText, shownDir] = match;
    assert.equal(shownDir, dataDir);
    const config = (await request(`${first.url}api/config`)).json();
    assert.deepEqual(config.registries, [{ host, scheme: 'http', local: true }]);
    assert.equal(config.defaultRegistry, host);
    assert.equal(config.version, require('../../npm/package.json').version);
    assert.ok(alive(Number(pidText)));

    const pushed = await api.push(`oci://${host}/acme/kept`, full, { proxy: first.url });
    const { code, signal } = await first.stop('SIGTERM');
    assert.equal(code, 0, `exit ${code ?? signal}\n${first.stderr()}`);
    assert.equal(alive(Number(pidText)), false, 'docker-registry outlived pacto serve');
    await assert.rejects(fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2000) }));

    const second = await startServe(['--data-dir', dataDir], { env });
    try {
      const host2 = /docker-registry on (127\.0\.0\.1:\d+)/.exec(second.stdout())[1];
      // The same port as before (it was free): refs and share links naming it keep working.
      assert.equal(host2, host);
      const pulled = await api.pull(`oci://${host2}/acme/kept:1.8.0`, { proxy: second.url });
      assert.equal(pulled.manifestDigest, pushed.digest);
      sameBundle(pulled.bundle, full);
      // In a page the proxy is "/", resolved against the page's location.
      globalThis.location = new URL(`${second.url}some/page.html?x=1`);
      try {
        const tags = await api.listTags(`oci://${host2}/acme/kept`, { proxy: '/' });
        assert.deepEqual(tags, ['1.8.0']);
      } finally {
        delete globalThis.location;
      }
    } finally {
      await second.stop();
    }
  });

  test('the default data directory is $XDG_DATA_HOME/pacto/registry', async () => {
    const xdg = path.join(ws, 'xdg-data');
    const serve = await startServe([], { env: { ...env, XDG_DATA_HOME: xdg } });
    try {
      assert.match(serve.stdout(), new RegExp(`data in ${path.join(xdg, 'pacto', 'registry').replace(/[.]/g, '\\.')}$`, 'm'));
      assert.ok(fs.statSync(path.join(xdg, 'pacto', 'registry')).isDirectory());
    } finally {
      await serve.stop();
    }
  });

  test('without the binary: serve still starts, says how to install it, and proxies only --registry hosts', async () => {
    const serve = await startServe([], { env: { ...env, PACTO_REGISTRY_BIN: path.join(ws, 'no-such-docker-registry') } });
    try {
      assert.match(serve.stdout(), /local registry: not started: docker-registry was not found: install it with `sudo apt-get install docker-registry`/);
      const config = (await request(`${serve.url}api/config`)).json();
      assert.deepEqual(config.registries, []);
      assert.equal(config.defaultRegistry, null);
      assert.equal((await request(serve.url)).status, 200);
    } finally {
      await serve.stop();
    }
  });
});

describe('the static site', () => {
  const servers = [];
  after(async () => {
    for (const server of servers) await server.close();
  });

  test('the placeholder page, with the security headers, until the playground is built', async () => {
    // In process, pointed at a playground directory that has no build (the checkout may have one).
    const serve = await startServeInProcess({
      port: 0,
      localRegistry: false,
      frameAncestors: "'self' https://portal.example.com",
      playgroundDir: path.join(ws, 'no-playground-build'),
    });
    serve.stop = () => serve.close();
    try {
      const page = await request(serve.url);
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'], /^text\/html/);
      assert.match(page.body.toString(), /playground is not built yet/);
      assert.match(page.body.toString(), /<script type="module" src="placeholder\.js"><\/script>/);
      const csp = page.headers['content-security-policy'];
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      assert.doesNotMatch(csp.split(';').find((d) => d.trim().startsWith('script-src')), /unsafe-inline/);
      assert.match(csp, /frame-ancestors 'self' https:\/\/portal\.example\.com/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.equal(page.headers['cache-control'], 'no-cache');
      const script = await request(`${serve.url}placeholder.js`);
      assert.match(script.headers['content-type'], /^text\/javascript/);
      assert.equal((await request(`${serve.url}nothing-here.js`)).status, 404);
    } finally {
      await serve.stop();
    }
  });

  test('a built playground: application/wasm, precompressed variants, ETag, Range, immutable hashed files', async () => {
    const dir = path.join(ws, 'playground');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>playground</title><script type="module" src="app-3f9a1c2e.js"></script>');
    fs.writeFileSync(path.join(dir, 'app-3f9a1c2e.js'), 'export {};\n');
    fs.mkdirSync(path.join(dir, 'assets-7c0ffee1'));
    fs.writeFileSync(path.join(dir, 'assets-7c0ffee1', 'editor.js'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'style.css'), 'body {}\n');
    const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096, 7)]);
    fs.writeFileSync(path.join(dir, 'pacto_bg-5d41402a.wasm'), wasm);
    fs.writeFileSync(path.join(dir, 'pacto_bg-5d41402a.wasm.br'), zlib.brotliCompressSync(wasm));
    fs.writeFileSync(path.join(dir, 'pacto_bg-5d41402a.wasm.gz'), zlib.gzipSync(wasm));
    const widget = path.join(ws, 'widget');
    fs.mkdirSync(widget, { recursive: true });
    fs.writeFileSync(path.join(widget, 'index.html'), '<!doctype html><title>widget</title>');
    // The package as /pacto-wasm/ serves it: its browser modules and wasm only.
    const pkg = path.join(ws, 'package');
    for (const [file, text] of Object.entries({
      'web.mjs': 'export {};\n',
      'widget/index.mjs': 'export {};\n',
      'dist/web/pacto_wasm.js': 'export {};\n',
      'dist/pacto.wasm': wasm,
      'package.json': '{}',
      'cli/main.js': '',
      'node_modules/x/index.js': '',
      'dist/node/pacto_wasm.js': '',
    })) {
      fs.mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
      fs.writeFileSync(path.join(pkg, file), text);
    }
    const server = await startServeInProcess({ port: 0, localRegistry: false, playgroundDir: dir, widgetDir: widget, packageDir: pkg, allowedHosts: ['pacto.example.com'] });
    servers.push(server);
    assert.equal(server.playground, true);

    const index = await request(server.url);
    assert.match(index.body.toString(), /<title>playground<\/title>/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    const url = `${server.url}pacto_bg-5d41402a.wasm`;
    const br = await request(url, { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(br.headers['content-type'], 'application/wasm');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.ok(zlib.brotliDecompressSync(br.body).equals(wasm));
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(br.headers.vary, /accept-encoding/i);
    const gz = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await request(url);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(wasm));
    const etag = plain.headers.etag;
    assert.ok(etag);
    assert.equal((await request(url, { headers: { 'if-none-match': etag } })).status, 304);
    const range = await request(url, { headers: { range: 'bytes=0-3' } });
    assert.equal(range.status, 206);
    assert.deepEqual([...range.body], [0, 0x61, 0x73, 0x6d]);
    assert.equal((await request(`${server.url}app-3f9a1c2e.js`)).headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await request(`${server.url}assets-7c0ffee1/editor.js`)).headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await request(`${server.url}style.css`)).headers['cache-control'], 'no-cache');
    assert.match((await request(`${server.url}app-3f9a1c2e.js`)).headers['content-security-policy'], /wasm-unsafe-eval/);
    for (const file of ['web.mjs', 'widget/index.mjs', 'dist/web/pacto_wasm.js']) {
      const response = await request(`${server.url}pacto-wasm/${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers['content-type'], /^text\/javascript/, file);
    }
    const packageWasm = await request(`${server.url}pacto-wasm/dist/pacto.wasm`);
    assert.equal(packageWasm.headers['content-type'], 'application/wasm');
    assert.ok(packageWasm.body.equals(wasm));
    for (const rawPath of ['/pacto-wasm/package.json', '/pacto-wasm/cli/main.js', '/pacto-wasm/node_modules/x/index.js', '/pacto-wasm/dist/node/pacto_wasm.js', '/pacto-wasm/dist/web/..', '/pacto-wasm/../package.json', '/pacto-wasm/dist/web/%2e%2e%2f%2e%2e%2fpackage.json']) {
      assert.equal((await request(server.url, { rawPath })).status, 404, rawPath);
    }
    const widgetPage = await request(`${server.url}widget/`);
    assert.match(widgetPage.body.toString(), /<title>widget<\/title>/);
    assert.equal((await request(`${server.url}widget`)).status, 308);
    assert.equal((await request(server.url, { method: 'POST' })).status, 405);
    // --allowed-host: a name behind a load balancer (with the server's port unless it names one).
    assert.equal((await request(server.url, { headers: { host: `pacto.example.com:${server.port}` } })).status, 200);
    assert.equal((await request(server.url, { headers: { host: 'pacto.example.com' } })).status, 200);
    assert.equal((await request(server.url, { headers: { host: 'pacto.example.org' } })).status, 421);
    const behindTls = await request(`${server.url}api/config`, { headers: { host: 'pacto.example.com', origin: 'https://pacto.example.com', 'x-forwarded-proto': 'https' } });
    assert.equal(behindTls.status, 200);
    assert.equal((await request(`${server.url}api/config`, { headers: { host: 'pacto.example.com', origin: 'https://pacto.example.com' } })).status, 403);
  });
});

describe('pacto serve usage', () => {
  test('help lists serve and its flags; bad flags exit 2 with what to do', async () => {
    const { pacto } = await import('../registry/harness.mjs');
    const help = await pacto(['--help'], { env });
    assert.match(help.stdout, /^ {2}serve \[--port 8080\].*Serve the playground, a registry proxy and a local registry$/m);
    const serveHelp = await pacto(['serve', '--help'], { env });
    for (const flag of ['--port', '--host', '--registry', '--data-dir', '--no-local-registry', '--use-local-credentials', '--frame-ancestors', '--open']) {
      assert.ok(serveHelp.stdout.includes(flag), flag);
    }
    assert.match(serveHelp.stdout, /\/registry\/<host\[:port\]>\/v2\/\.\.\./);
    for (const [args, message] of [
      [['--port', 'http'], /--port must be a number from 0 to 65535/],
      [['--registry', 'ftp://x.example', '--no-local-registry'], /only http:\/\/ and https:\/\/ registries can be proxied/],
      [['--registry', 'https://ghcr.io/acme', '--no-local-registry'], /give the registry's host \(and port\) only/],
      [['--frame-ancestors', "'self'; script-src *", '--no-local-registry'], /--frame-ancestors/],
      [['extra'], /serve accepts 0 arg\(s\), received 1/],
    ]) {
      const run = await pacto(['serve', '--port', '0', ...args], { env, timeoutMs: 20_000 });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
