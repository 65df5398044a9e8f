// `pacto serve` as a registry proxy, in front of real docker-registry
// processes (anonymous, htpasswd, token auth; tests/registry/harness.mjs):
// the JS API's `proxy` option pushes and pulls through it byte for byte, and
// every refusal is checked with a real request.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startRegistry } from '../registry/harness.mjs';
import { fullBundle, bundleWithVersion, readTree, workspace } from '../registry/fixtures.mjs';
import { request, startEcho, startServe } from '../registry/serve-harness.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

const PASSWORD = 'Serve-Pa55word-4e1b';
const { dir: ws, env: isolated } = workspace('serve');
const full = readTree(fullBundle(path.join(ws, 'full')));
const v100 = readTree(bundleWithVersion(path.join(ws, 'v100'), '1.0.0'));
const v120 = readTree(bundleWithVersion(path.join(ws, 'v120'), '1.2.0'));

function assertSameBundle(pulled, pushed) {
  const files = (b) => Object.keys(b).filter((k) => !k.endsWith('/')).sort();
  assert.deepEqual(files(pulled), files(pushed));
  for (const key of files(pushed)) assert.ok(Buffer.from(pulled[key]).equals(Buffer.from(pushed[key])), `${key} differs after the round trip`);
}

describe('anonymous registry behind pacto serve', () => {
  let registry;
  let echo;
  let serve;
  const ref = (repo) => `oci://${registry.host}/${repo}`;

  before(async () => {
    registry = await startRegistry();
    echo = await startEcho();
    serve = await startServe(['--registry', registry.url, '--registry', echo.url], { env: isolated });
  });
  after(async () => {
    if (serve) await serve.stop();
    if (echo) await echo.close();
    if (registry) await registry.stop();
  });

  test('push then pull through the proxy is byte-identical, and every request went through it', async () => {
    const proxy = serve.url;
    const pushed = await api.push(ref('acme/full'), full, { proxy });
    assert.equal(pushed.existed, false);
    const pulled = await api.pull(`${ref('acme/full')}:1.8.0`, { proxy });
    assert.equal(pulled.manifestDigest, pushed.digest);
    assertSameBundle(pulled.bundle, full);
    // A line is written once its answer has ended: wait for the last one.
    await serve.logged(/^proxy GET \S+ \/v2\/acme\/full\/blobs\//m);
    const log = serve.stderr();
    assert.match(log, new RegExp(`^proxy PUT ${registry.host.replace(/\./g, '\\.')} /v2/acme/full/manifests/1\\.8\\.0 201 \\d+B [0-9.]+ms$`, 'm'));
    assert.match(log, /^proxy GET \S+ \/v2\/acme\/full\/blobs\/sha256:[0-9a-f]{64} 200 \d+B /m);
    assert.doesNotMatch(log, /_state=|\?/, 'no query strings (upload state) in the log');
  });

  test('a tag-less pull, resolve and listTags resolve through the proxy', async () => {
    const proxy = serve.url;
    await api.push(ref('acme/versions'), v100, { proxy });
    await api.push(ref('acme/versions'), v120, { proxy });
    assert.deepEqual((await api.listTags(ref('acme/versions'), { proxy })).sort(), ['1.0.0', '1.2.0']);
    assert.equal(await api.resolve(ref('acme/versions'), '<1.2.0', { proxy }), `${registry.host}/acme/versions:1.0.0`);
    const pulled = await api.pull(ref('acme/versions'), { proxy });
    assert.equal(pulled.reference, `${registry.host}/acme/versions:1.2.0`);
    assertSameBundle(pulled.bundle, v120);
  });

  test('graph resolves oci:// dependencies through the proxy (source.registry.proxy)', async () => {
    const app = {
      'pacto.yaml': `pactoVersion: "1.0"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ${ref('acme/dep')}\n    required: true\n    compatibility: "^1.0.0"\n`,
    };
    await api.push(ref('acme/dep'), v100, { proxy: serve.url });
    const result = await api.graph(app, { registry: { proxy: serve.url } });
    const [dep] = result.root.dependencies;
    assert.equal(dep.error, undefined, dep.error);
    assert.match(result.tree, /order-service@1\.0\.0/);
    // Its own dependencies are on ghcr.io, which this server does not allowlist: asked through the proxy too.
    assert.match(result.tree, /REGISTRY_NOT_ALLOWED/);

    // diffWithDependencies: the old side depends on 1.0.0, the new on the highest 1.x (1.2.0).
    await api.push(ref('acme/dep'), v120, { proxy: serve.url });
    const oldApp = { 'pacto.yaml': app['pacto.yaml'].replace('"^1.0.0"', '"~1.0.0"') };
    const sources = { old: { registry: { proxy: serve.url } }, new: { registry: { proxy: serve.url } }, siblings: false };
    const diffed = await api.diffWithDependencies(oldApp, app, sources);
    assert.deepEqual(diffed.graphDiff.changes.map((c) => [c.name, c.oldVersion, c.newVersion]), [['order-service', '1.0.0', '1.2.0']]);
  });

  test('200 concurrent pulls through the proxy complete without an error', async () => {
    const proxy = serve.url;
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => api.pull(`${ref('acme/full')}:1.8.0`, { proxy })));
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, failed.slice(0, 3).map((r) => r.reason && r.reason.message).join('\n'));
    assertSameBundle(results[199].value.bundle, full);
  });

  test('a registry that is not allowlisted: 403 naming the host and how to allow it', async () => {
    const response = await request(`${serve.url}registry/ghcr.io/v2/`);
    assert.equal(response.status, 403);
    const error = response.json().errors[0];
    assert.equal(error.code, 'REGISTRY_NOT_ALLOWED');
    assert.match(error.message, /"ghcr\.io" is not allowlisted/);
    assert.match(error.message, /--registry ghcr\.io/);
    await assert.rejects(api.pull('oci://ghcr.io/acme/x:1.0.0', { proxy: serve.url }), /REGISTRY_NOT_ALLOWED/);
    // Nothing else under the server reaches the network either.
    assert.equal((await request(`${serve.url}registry/${registry.host}/etc/passwd`)).status, 404);
    for (const rawPath of [`/registry/${registry.host}/v2/../../x`, `/registry/${registry.host}/v2/%2e%2e/x`, `/registry/${registry.host}/v2//x`]) {
      assert.equal((await request(serve.url, { rawPath })).status, 400, rawPath);
    }
  });

  test('a token realm the registry did not announce: 403, and the client cannot name one', async () => {
    const response = await request(`${serve.url}registry/${registry.host}/token?service=x&realm=${encodeURIComponent(echo.url)}`);
    assert.equal(response.status, 403);
    assert.equal(response.json().errors[0].code, 'TOKEN_REALM_NOT_ANNOUNCED');
    assert.equal(echo.seen.filter((r) => r.url.includes('token')).length, 0);
  });

  test('a wrong Host header (DNS rebinding) is refused', async () => {
    const port = new URL(serve.url).port;
    for (const host of [`evil.example:${port}`, `evil.example`, `127.0.0.1:${Number(port) + 1}`]) {
      const response = await request(`${serve.url}api/config`, { headers: { host } });
      assert.equal(response.status, 421, host);
      assert.equal(response.json().errors[0].code, 'HOST_NOT_SERVED');
    }
    const proxied = await request(`${serve.url}registry/${registry.host}/v2/`, { headers: { host: `rebound.example:${port}` } });
    assert.equal(proxied.status, 421);
    assert.equal((await request(`${serve.url}api/config`, { headers: { host: `localhost:${port}` } })).status, 200);
  });

  test('a cross-origin page is refused; same-origin and non-browser requests are not', async () => {
    const url = `${serve.url}registry/${registry.host}/v2/`;
    const crossOrigin = await request(url, { headers: { origin: 'http://evil.example' } });
    assert.equal(crossOrigin.status, 403);
    assert.equal(crossOrigin.json().errors[0].code, 'CROSS_ORIGIN');
    assert.equal((await request(url, { headers: { 'sec-fetch-site': 'cross-site' } })).status, 403);
    assert.equal((await request(url, { headers: { 'sec-fetch-site': 'same-site' } })).status, 403);
    assert.equal((await request(`${serve.url}api/config`, { headers: { origin: 'null' } })).status, 403);
    assert.equal((await request(url, { headers: { origin: serve.origin, 'sec-fetch-site': 'same-origin' } })).status, 200);
    assert.equal((await request(url)).status, 200);
  });

  test('an oversized request body: 413, declared or streamed', async () => {
    const upload = `${serve.url}registry/${registry.host}/v2/acme/big/blobs/uploads/`;
    const declared = await request(upload, { method: 'POST', headers: { 'content-length': String(64 * 1024 * 1024 + 1) } }).catch((e) => e);
    assert.equal(declared.status, 413, String(declared));
    assert.equal(declared.json().errors[0].code, 'TOO_LARGE');
    // A manifest PUT streamed without a length, past the 4 MiB manifest cap.
    const manifest = `${serve.url}registry/${registry.host}/v2/acme/big/manifests/1.0.0`;
    const streamed = await request(manifest, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(5 * 1024 * 1024, 0x20),
    });
    assert.equal(streamed.status, 413);
    assert.match(streamed.json().errors[0].message, /larger than 4194304 bytes/);
    await assert.rejects(api.listTags(`oci://${registry.host}/acme/big`, { proxy: serve.url }), /NOT_FOUND|not found/i, 'nothing was stored');
  });

  test('Cookie and hop-by-hop headers never reach the upstream; Set-Cookie never comes back', async () => {
    const response = await request(`${serve.url}registry/${echo.host}/v2/echo`, {
      headers: {
        cookie: 'session=secret-cookie',
        connection: 'keep-alive, x-hop-secret',
        'x-hop-secret': 'listed-in-connection',
        'keep-alive': 'timeout=99',
        te: 'trailers',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        'x-forwarded-for': '10.0.0.1',
        referer: `${serve.url}secret-page`,
        authorization: 'Bearer for-the-registry',
        accept: 'application/json',
      },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers['set-cookie'], undefined);
    const seen = echo.seen.at(-1).headers;
    assert.equal(echo.seen.at(-1).url, '/v2/echo');
    for (const name of ['cookie', 'x-hop-secret', 'te', 'proxy-authorization', 'x-forwarded-for', 'referer', 'origin']) {
      assert.equal(seen[name], undefined, `${name} reached the upstream`);
    }
    assert.notEqual(seen['keep-alive'], 'timeout=99');
    assert.equal(seen.authorization, 'Bearer for-the-registry', 'Authorization goes to the registry');
    assert.equal(seen.accept, 'application/json');
    assert.equal(seen.host, echo.host);
  });
});

describe('blob redirects and timeouts', () => {
  let registry;
  let storage;
  let fake;
  let silent;
  let serve;
  const digest = `sha256:${'a'.repeat(64)}`;

  before(async () => {
    registry = await startRegistry();
    // Storage on another loopback origin: echoes the headers it got.
    storage = await startEcho();
    // A registry whose blob GETs redirect wherever the repository name says.
    fake = await startEcho((req, res) => {
      if (req.url.endsWith('/manifests/huge')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(5 * 1024 * 1024) });
        return res.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
      }
      if (req.url.endsWith('/manifests/huge-chunked')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        for (let i = 0; i < 5; i += 1) res.write(Buffer.alloc(1024 * 1024, 0x20));
        return res.end();
      }
      if (req.url.includes('/blobs/') && req.url.startsWith('/v2/huge/')) {
        res.writeHead(200, { 'content-length': String(65 * 1024 * 1024) });
        res.write(Buffer.alloc(1024));
        return setTimeout(() => res.destroy(), 200);
      }
      const target = {
        loopback: `${storage.url}/blob?sig=1`,
        private: 'https://10.1.2.3/blob',
        metadata: 'http://169.254.169.254/latest/meta-data/',
        plainhttp: 'http://example.com/blob',
      }[req.url.split('/')[2]];
      res.writeHead(307, { location: target || '/nowhere' });
      res.end();
    });
    silent = await startEcho(() => {}); // accepts and never answers
    serve = await startServe(['--registry', registry.url, '--registry', fake.url, '--registry', silent.url], { env: { ...isolated, PACTO_SERVE_IDLE_TIMEOUT_MS: '500' } });
  });
  after(async () => {
    if (serve) await serve.stop();
    for (const s of [storage, fake, silent]) if (s) await s.close();
    if (registry) await registry.stop();
  });

  test('a blob redirect to loopback storage (registry on loopback) is followed, without Authorization off the host', async () => {
    const response = await request(`${serve.url}registry/${fake.host}/v2/loopback/blobs/${digest}`, { headers: { authorization: 'Bearer registry-only' } });
    assert.equal(response.status, 200);
    assert.equal(storage.seen.length, 1);
    assert.equal(storage.seen[0].url, '/blob?sig=1');
    assert.equal(storage.seen[0].headers.authorization, undefined);
  });

  test('a blob redirect to a private, link-local or plain-http target is refused', async () => {
    for (const kind of ['private', 'metadata', 'plainhttp']) {
      const response = await request(`${serve.url}registry/${fake.host}/v2/${kind}/blobs/${digest}`);
      assert.equal(response.status, 502, kind);
      const error = response.json().errors[0];
      assert.equal(error.code, 'TARGET_REFUSED', kind);
    }
    const messages = await Promise.all(['private', 'metadata'].map(async (kind) => (await request(`${serve.url}registry/${fake.host}/v2/${kind}/blobs/${digest}`)).json().errors[0].message));
    assert.match(messages[0], /10\.1\.2\.3 is a private address/);
    assert.match(messages[1], /only https/);
  });

  test('a redirect on anything but a blob GET to another host is not followed', async () => {
    const response = await request(`${serve.url}registry/${fake.host}/v2/loopback/manifests/1.0.0`);
    assert.equal(response.status, 502);
    assert.match(response.json().errors[0].message, /only follows for blob downloads/);
    assert.equal(storage.seen.length, 1, 'storage was not contacted again');
  });

  test('a manifest over 4 MiB or a blob over 64 MiB from the registry: 413, or the stream is cut', async () => {
    const manifest = await request(`${serve.url}registry/${fake.host}/v2/acme/x/manifests/huge`);
    assert.equal(manifest.status, 413);
    assert.match(manifest.json().errors[0].message, /the manifest is 5242880 bytes, more than the proxy passes \(4194304 bytes\)/);
    const blob = await request(`${serve.url}registry/${fake.host}/v2/huge/blobs/${digest}`);
    assert.equal(blob.status, 413);
    // Without a length, the answer is cut where it passes the cap: the client never gets 5 MiB.
    const chunked = await request(`${serve.url}registry/${fake.host}/v2/acme/x/manifests/huge-chunked`).catch((error) => error);
    assert.ok(chunked instanceof Error || chunked.body.length <= 4 * 1024 * 1024, 'the oversized manifest was passed whole');
  });

  test('an upstream that never answers: 504', async () => {
    const started = Date.now();
    const response = await request(`${serve.url}registry/${silent.host}/v2/`);
    assert.equal(response.status, 504);
    assert.equal(response.json().errors[0].code, 'UPSTREAM_TIMEOUT');
    assert.ok(Date.now() - started < 5000);
  });
});

for (const mode of ['basic', 'token']) {
  describe(`${mode} authentication through pacto serve`, () => {
    let registry;
    let serve;
    const credentials = { username: 'alice', password: PASSWORD };
    const ref = (repo) => `oci://${registry.host}/${repo}`;

    before(async () => {
      registry = await startRegistry({ auth: mode, users: { alice: { password: PASSWORD } } });
      serve = await startServe(['--registry', registry.url], { env: isolated });
    });
    after(async () => {
      if (serve) await serve.stop();
      if (registry) await registry.stop();
    });

    test('push then pull with credentials is byte-identical; no secret in the log', async () => {
      const proxy = serve.url;
      await api.push(ref('acme/private'), full, { proxy, credentials });
      const pulled = await api.pull(`${ref('acme/private')}:1.8.0`, { proxy, credentials });
      assertSameBundle(pulled.bundle, full);
      await assert.rejects(api.pull(`${ref('acme/private')}:1.8.0`, { proxy }), (e) => e.code === 'AUTH_FAILED');
      await serve.logged(/^proxy GET \S+ \/v2\/acme\/private\/blobs\//m);
      const log = serve.stderr();
      assert.ok(!log.includes(PASSWORD) && !log.includes(Buffer.from(`alice:${PASSWORD}`).toString('base64')));
      assert.doesNotMatch(log, /Bearer|Basic|scope=/);
      if (mode === 'token') {
        assert.ok(registry.tokenRequests.some((r) => r.username === 'alice' && r.status === 200), 'the token came from the realm');
        assert.match(log, /^proxy GET \S+ \/token 200 /m);
      }
    });

    if (mode === 'basic') {
      test('a Basic challenge to a browser request is renamed, so the browser opens no login dialog', async () => {
        const url = `${serve.url}registry/${registry.host}/v2/`;
        const fromBrowser = await request(url, { headers: { 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin' } });
        assert.equal(fromBrowser.status, 401);
        assert.match(fromBrowser.headers['www-authenticate'], /^Pacto-Basic realm="pacto-test-realm"/);
        const fromNode = await request(url);
        assert.match(fromNode.headers['www-authenticate'], /^Basic realm="pacto-test-realm"/);
      });
    }

    if (mode === 'token') {
      test('the realm is rewritten to the proxy; token requests go only to the announced realm', async () => {
        const challenge = await request(`${serve.url}registry/${registry.host}/v2/`);
        assert.equal(challenge.status, 401);
        assert.match(challenge.headers['www-authenticate'], new RegExp(`^Bearer realm="${serve.origin.replace(/\./g, '\\.')}/registry/${registry.host.replace(/\./g, '\\.')}/token"`));
        const before = registry.tokenRequests.length;
        const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
        const token = await request(`${serve.url}registry/${registry.host}/token?service=pacto-test&scope=repository:acme/private:pull&realm=http://10.0.0.1/`, { headers: { authorization: basic } });
        assert.equal(token.status, 200);
        assert.ok(typeof token.json().token === 'string');
        assert.equal(registry.tokenRequests.length, before + 1);
        // The token service itself is not allowlisted: not reachable as a registry.
        const direct = await request(`${serve.url}registry/${new URL(registry.tokenUrl).host}/token`);
        assert.equal(direct.status, 403);
        assert.equal(direct.json().errors[0].code, 'REGISTRY_NOT_ALLOWED');
      });
    }

    test('--use-local-credentials: the CLI credentials are added for the allowlisted registry', async () => {
      const local = await startServe(['--registry', registry.url, '--use-local-credentials'], {
        env: { ...isolated, PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD },
      });
      try {
        await api.push(ref('acme/local-credentials'), full, { proxy: serve.url, credentials });
        const pulled = await api.pull(`${ref('acme/local-credentials')}:1.8.0`, { proxy: local.url });
        assertSameBundle(pulled.bundle, full);
        assert.ok(!local.stderr().includes(PASSWORD));
      } finally {
        await local.stop();
      }
    });
  });
}

test('--use-local-credentials is refused unless bound to loopback', async () => {
  await assert.rejects(startServe(['--host', '0.0.0.0', '--no-local-registry', '--use-local-credentials'], { env: isolated }), /--use-local-credentials is refused when bound to 0\.0\.0\.0/);
});

test('the proxy option: a relative URL needs a page (not Node); anything but an http(s) URL is a TypeError', async () => {
  for (const proxy of ['/', 8080, 'ftp://127.0.0.1/', 'http://127.0.0.1:8080/?x=1']) {
    await assert.rejects(api.pull('oci://127.0.0.1:9/acme/x:1.0.0', { proxy }), (e) => e instanceof TypeError && /options\.proxy/.test(e.message), String(proxy));
  }
});

// The address check on the address actually connected to: a name that is not loopback by
// its spelling but resolves to loopback (an /etc/hosts entry such as the machine's name).
const HOSTS_LOOPBACK_NAME = (() => {
  try {
    for (const line of fs.readFileSync('/etc/hosts', 'utf8').split('\n')) {
      const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (!address || !(/^127\./.test(address) || address === '::1')) continue;
      const name = names.find((n) => n && !/^localhost|\.localhost$|^ip6-/.test(n) && /^[a-z0-9.-]+$/i.test(n));
      if (name) return name;
    }
  } catch {
    // no /etc/hosts
  }
  return undefined;
})();

test('a redirect target whose name resolves to loopback is refused when the registry is not on loopback', { skip: HOSTS_LOOPBACK_NAME ? false : 'no loopback name in /etc/hosts' }, async () => {
  const { send } = require('../../npm/serve/upstream.js');
  const attempt = send({
    url: new URL(`https://${HOSTS_LOOPBACK_NAME}:9/blob`),
    method: 'GET',
    headers: {},
    policy: { checked: true, trustedHost: 'registry.example', allowLoopback: false },
    connectTimeoutMs: 2000,
    idleTimeoutMs: 2000,
  });
  await assert.rejects(attempt, (e) => e.kind === 'refused' && new RegExp(`${HOSTS_LOOPBACK_NAME.replace(/\./g, '\\.')} resolves to .*loopback`).test(e.message));
});
