// push, pull, validate/explain/diff of oci:// references, tags and the blob
// cache, against a real registry (CNCF distribution, no authentication). See
// tests/registry/harness.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { freePort, pacto, startRegistry } from '../registry/harness.mjs';
import { CONFIG_TYPE, LAYER_TYPE, MANIFEST_TYPE, TestClient, goArtifact, goConfig, goManifest, sha256 } from '../registry/oci.mjs';
import { gzipGo, tar } from '../registry/tar.mjs';
import { FULL_NAME, FULL_VERSION, bundleWithVersion, fullBundle, listing, readTree, workspace } from '../registry/fixtures.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

let registry;
let client;
const { dir: ws, env } = workspace('registry');
const ref = (repo, tag) => `oci://${registry.host}/${repo}${tag ? `:${tag}` : ''}`;

before(async () => {
  registry = await startRegistry();
  client = new TestClient(registry);
});
after(async () => {
  if (registry) await registry.stop();
});

function assertOk(run, what) {
  assert.equal(run.status, 0, `${what}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

describe('push then pull', () => {
  const source = fullBundle(path.join(ws, 'full'));
  let pushed;

  test('push prints the reference (tagged with the contract version) and the manifest digest', async () => {
    const run = await pacto(['push', ref('acme/order-service-pacto'), '-p', source], { env });
    assertOk(run, 'push');
    const match = /^Pushed order-service@1\.8\.0 -> (\S+)\nDigest: (sha256:[0-9a-f]{64})\n$/.exec(run.stdout);
    assert.ok(match, run.stdout);
    assert.equal(match[1], `${registry.host}/acme/order-service-pacto:${FULL_VERSION}`);
    assert.equal(run.stderr, '', 'no progress or noise when stderr is not a terminal');
    pushed = { digest: match[2] };
    assert.deepEqual(await client.tags('acme/order-service-pacto'), [FULL_VERSION]);
  });

  test('the manifest and config are exactly the Go tool format (§1.2, §1.3)', async () => {
    const manifest = await client.getManifest('acme/order-service-pacto', FULL_VERSION);
    assert.equal(manifest.contentType, MANIFEST_TYPE);
    assert.equal(sha256(manifest.bytes), pushed.digest, 'the printed digest is the sha256 of the manifest bytes');
    assert.equal(manifest.digest, pushed.digest);
    const m = manifest.json;
    assert.deepEqual(Object.keys(m), ['schemaVersion', 'mediaType', 'config', 'layers']);
    assert.equal(m.schemaVersion, 2);
    assert.equal(m.mediaType, MANIFEST_TYPE);
    assert.deepEqual(Object.keys(m.config), ['mediaType', 'size', 'digest']);
    assert.equal(m.config.mediaType, CONFIG_TYPE);
    assert.equal(m.layers.length, 1);
    assert.deepEqual(Object.keys(m.layers[0]), ['mediaType', 'size', 'digest']);
    assert.equal(m.layers[0].mediaType, LAYER_TYPE);

    const config = await client.getBlob('acme/order-service-pacto', m.config.digest);
    const layer = await client.getBlob('acme/order-service-pacto', m.layers[0].digest);
    assert.equal(sha256(config), m.config.digest);
    assert.equal(config.length, m.config.size);
    assert.equal(sha256(layer), m.layers[0].digest);
    assert.equal(layer.length, m.layers[0].size);
    assert.deepEqual([...layer.subarray(0, 2)], [0x1f, 0x8b], 'the layer is gzip');

    const diffId = sha256(zlib.gunzipSync(layer));
    const expectedConfig = goConfig({ diffId, name: FULL_NAME, version: FULL_VERSION, pactoVersion: '1.0' });
    assert.equal(config.toString('utf8'), expectedConfig.toString('utf8'), 'config blob byte for byte');
    assert.equal(manifest.bytes.toString('utf8'), goManifest({ config, layer }).toString('utf8'), 'manifest byte for byte');
    const labels = JSON.parse(config).config.Labels;
    assert.deepEqual(labels, { 'io.pacto.name': FULL_NAME, 'io.pacto.pactoVersion': '1.0', 'io.pacto.version': FULL_VERSION });
  });

  test('pull writes every file byte for byte (binary too)', async () => {
    const out = path.join(ws, 'pulled');
    const run = await pacto(['pull', ref('acme/order-service-pacto', FULL_VERSION), '-o', out], { env });
    assertOk(run, 'pull');
    assert.equal(run.stdout, `Pulled ${FULL_NAME}@${FULL_VERSION} -> ${out}/\n`);
    assert.equal(run.stderr, '');
    const want = readTree(source);
    const got = readTree(out);
    assert.deepEqual(Object.keys(got), Object.keys(want));
    for (const key of Object.keys(want)) assert.ok(want[key].equals(got[key]), key);
    assert.equal(fs.statSync(path.join(out, 'pacto.yaml')).mode & 0o777, 0o644);
  });

  test('pull without -o writes a directory named after the service; json output', async () => {
    const cwd = path.join(ws, 'default-dir');
    fs.mkdirSync(cwd);
    const run = await pacto(['pull', ref('acme/order-service-pacto', FULL_VERSION), '--output-format', 'json'], { env, cwd });
    assertOk(run, 'pull');
    const json = JSON.parse(run.stdout);
    assert.deepEqual(json, {
      reference: `${registry.host}/acme/order-service-pacto:${FULL_VERSION}`,
      output: FULL_NAME,
      name: FULL_NAME,
      version: FULL_VERSION,
      digest: pushed.digest,
    });
    assert.ok(readTree(path.join(cwd, FULL_NAME))['docs/logo.bin'].equals(readTree(source)['docs/logo.bin']));
  });

  test('validate, explain and diff read oci:// references', async () => {
    const reference = ref('acme/order-service-pacto', FULL_VERSION);
    const validate = await pacto(['validate', reference], { env });
    assertOk(validate, 'validate');
    assert.equal(validate.stdout.split('\n')[0], `${reference} is valid`);

    // Without oci://: a registry host as first segment, and no such path.
    const implicit = `${registry.host}/acme/order-service-pacto:${FULL_VERSION}`;
    const validateImplicit = await pacto(['validate', implicit, '--output-format', 'json'], { env, cwd: ws });
    assertOk(validateImplicit, 'validate (implicit)');
    assert.equal(JSON.parse(validateImplicit.stdout).valid, true);

    const explain = await pacto(['explain', reference, '--output-format', 'json'], { env });
    assertOk(explain, 'explain');
    assert.equal(JSON.parse(explain.stdout).name, FULL_NAME);

    const same = await pacto(['diff', reference, source], { env });
    assertOk(same, 'diff');
    assert.match(same.stdout, /^Classification: NON_BREAKING\nNo changes detected\.\n/);

    const changed = path.join(ws, 'changed');
    fs.cpSync(source, changed, { recursive: true });
    const contract = path.join(changed, 'pacto.yaml');
    fs.writeFileSync(contract, fs.readFileSync(contract, 'utf8').replace('port: 8080', 'port: 9090'));
    const breaking = await pacto(['diff', reference, changed], { env });
    assert.equal(breaking.status, 1, breaking.stderr);
    assert.match(breaking.stdout, /^Classification: BREAKING$/m);
    assert.match(breaking.stdout, /8080 -> 9090/);
  });

  test('a bundle pushed by the CLI is what the API pulls; pull by digest', async () => {
    const pulled = await api.pull(ref('acme/order-service-pacto', FULL_VERSION), { plainHttp: true });
    assert.equal(pulled.manifestDigest, pushed.digest);
    assert.ok(Buffer.from(pulled.bundle['docs/logo.bin']).equals(readTree(source)['docs/logo.bin']));

    const byDigest = `oci://${registry.host}/acme/order-service-pacto@${pushed.digest}`;
    const out = path.join(ws, 'by-digest');
    const run = await pacto(['pull', byDigest, '-o', out, '--output-format', 'json'], { env });
    assertOk(run, 'pull by digest');
    assert.equal(JSON.parse(run.stdout).reference, byDigest.slice('oci://'.length));
    assert.deepEqual(Object.keys(readTree(out)), Object.keys(readTree(source)));
  });
});

describe('an artifact in the Go tool format', () => {
  test('pulls, validates and diffs as its directory', async () => {
    const dir = fullBundle(path.join(ws, 'go-made'));
    const artifact = goArtifact(dir, { name: FULL_NAME, version: FULL_VERSION });
    const pushed = await client.pushArtifact('acme/go-made', FULL_VERSION, artifact);
    assert.equal(pushed.digest, sha256(artifact.manifest));

    const out = path.join(ws, 'go-made-pulled');
    const run = await pacto(['pull', ref('acme/go-made', FULL_VERSION), '-o', out], { env });
    assertOk(run, 'pull');
    const want = readTree(dir);
    const got = readTree(out);
    assert.deepEqual(Object.keys(got), Object.keys(want));
    for (const key of Object.keys(want)) assert.ok(want[key].equals(got[key]), key);

    const validate = await pacto(['validate', ref('acme/go-made', FULL_VERSION)], { env });
    assertOk(validate, 'validate');
    const diff = await pacto(['diff', ref('acme/go-made', FULL_VERSION), dir], { env });
    assertOk(diff, 'diff');
    assert.match(diff.stdout, /No changes detected\./);
  });
});

describe('a pulled bundle whose pacto.yaml does not parse', () => {
  test('validate and explain report its parse errors (exit 1); pull refuses it (exit 2)', async () => {
    const contract = 'pactoVersion: "1.0"\nservice:\n  name: broken\n  version: 1.0.0\n  colour: blue\n';
    const layer = gzipGo(tar([{ name: 'pacto.yaml', data: contract }]), 1);
    await client.pushArtifact('acme/unparseable', '1.0.0', { layer, config: goConfig({ diffId: sha256(zlib.gunzipSync(layer)) }) });
    const reference = ref('acme/unparseable', '1.0.0');

    const validate = await pacto(['validate', reference], { env });
    assert.equal(validate.status, 1, validate.stderr);
    assert.equal(validate.stdout.split('\n')[0], `${reference} is invalid`);
    assert.match(validate.stdout, new RegExp(`^${reference.replace(/[.]/g, '\\.')}!/pacto\\.yaml:5:\\d+: error PARSE_ERROR service\\.colour: `, 'm'));
    const json = await pacto(['explain', reference, '--output-format', 'json'], { env });
    assert.equal(json.status, 1);
    assert.equal(JSON.parse(json.stdout).errors[0].code, 'PARSE_ERROR');

    const out = path.join(ws, 'unparseable');
    const pull = await pacto(['pull', reference, '-o', out], { env });
    assert.equal(pull.status, 2);
    assert.match(pull.stderr, /^pacto: 127\.0\.0\.1:\d+\/acme\/unparseable:1\.0\.0: failed to parse contract from bundle: /);
    assert.ok(!fs.existsSync(out));
  });
});

describe('push refusals and overwrites', () => {
  test('an existing tag is kept without --force (warning, exit 0) and replaced with it', async () => {
    const dir = bundleWithVersion(path.join(ws, 'exists'), '1.0.0');
    const first = await pacto(['push', ref('acme/exists', '1.0.0'), '-p', dir], { env });
    assertOk(first, 'first push');
    const before = (await client.getManifest('acme/exists', '1.0.0')).digest;

    fs.appendFileSync(path.join(dir, 'docs', 'README.md'), '\nAn edit after the first push.\n');
    const again = await pacto(['push', ref('acme/exists', '1.0.0'), '-p', dir], { env });
    assertOk(again, 'second push');
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^pacto: warning: .*acme\/exists:1\.0\.0 already exists \(use --force to overwrite\)/);
    assert.equal((await client.getManifest('acme/exists', '1.0.0')).digest, before, 'the tag is unchanged');

    const json = await pacto(['push', ref('acme/exists', '1.0.0'), '-p', dir, '--output-format', 'json'], { env });
    assertOk(json, 'json push');
    assert.equal(JSON.parse(json.stdout).existed, true);
    assert.equal(JSON.parse(json.stdout).digest, before);

    const forced = await pacto(['push', ref('acme/exists', '1.0.0'), '-p', dir, '--force'], { env });
    assertOk(forced, 'forced push');
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(forced.stdout)[1];
    assert.notEqual(digest, before);
    assert.equal((await client.getManifest('acme/exists', '1.0.0')).digest, digest);
  });

  test('an invalid contract is refused before any upload: diagnostics, exit 1', async () => {
    const dir = bundleWithVersion(path.join(ws, 'invalid'), '1.0.0', (text) => text.replace('port: 8080', 'port: 0'));
    const run = await pacto(['push', ref('acme/invalid'), '-p', dir], { env });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /pacto\.yaml:\d+:\d+: error \w+ interfaces\[0\]\.port: /);
    assert.match(run.stderr, /^pacto: contract validation failed with \d+ errors?: nothing was pushed$/m);
    assert.deepEqual(await client.tags('acme/invalid'), []);
  });

  test('a local dependency is refused, exit 1', async () => {
    const dir = bundleWithVersion(path.join(ws, 'local-dep'), '1.0.0', (text) =>
      text.replace(/^dependencies:\n/m, 'dependencies:\n  - ref: ../inventory\n    required: true\n    compatibility: "^1.0.0"\n'),
    );
    const run = await pacto(['push', ref('acme/local-dep'), '-p', dir], { env });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /local dependency detected: \.\.\/inventory/);
    assert.match(run.stderr, /All dependencies must use OCI references \(oci:\/\/\.\.\.\)/);
    assert.deepEqual(await client.tags('acme/local-dep'), []);
  });
});

describe('tag resolution', () => {
  test('no tag: the highest semver tag, pre-releases included; a constraint narrows it', async () => {
    for (const version of ['1.0.0', '1.2.0', '2.0.0-rc.1']) {
      const dir = bundleWithVersion(path.join(ws, `tags-${version}`), version);
      assertOk(await pacto(['push', ref('acme/tags'), '-p', dir], { env }), `push ${version}`);
    }
    const latest = bundleWithVersion(path.join(ws, 'tags-latest'), '0.9.0');
    assertOk(await pacto(['push', ref('acme/tags', 'latest'), '-p', latest], { env }), 'push latest');
    assert.deepEqual((await client.tags('acme/tags')).sort(), ['1.0.0', '1.2.0', '2.0.0-rc.1', 'latest']);

    const out = path.join(ws, 'tags-pulled');
    const run = await pacto(['pull', ref('acme/tags'), '-o', out], { env });
    assertOk(run, 'pull');
    assert.equal(run.stdout, `Pulled ${FULL_NAME}@2.0.0-rc.1 -> ${out}/\n`);

    const options = { plainHttp: true };
    assert.match(await api.resolve(ref('acme/tags'), '^1.0.0', options), /(^|:)1\.2\.0$/);
    assert.match(await api.resolve(ref('acme/tags'), undefined, options), /(^|:)2\.0\.0-rc\.1$/);
    assert.deepEqual((await api.listTags(ref('acme/tags'), options)).sort(), ['1.0.0', '1.2.0', '2.0.0-rc.1', 'latest']);
  });
});

describe('pull safety', () => {
  test('a tampered blob is refused: exit 2, nothing written', async () => {
    const dir = bundleWithVersion(path.join(ws, 'tamper'), '1.0.0');
    assertOk(await pacto(['push', ref('acme/tamper'), '-p', dir], { env }), 'push');
    const { json } = await client.getManifest('acme/tamper', '1.0.0');
    const blob = registry.blobPath(json.layers[0].digest);
    const bytes = fs.readFileSync(blob);
    // Same length, other bytes: only the digest can tell.
    bytes[bytes.length >> 1] ^= 0xff;
    bytes[bytes.length - 9] ^= 0x01;
    fs.writeFileSync(blob, bytes);

    const parent = path.join(ws, 'tamper-out');
    fs.mkdirSync(parent);
    const run = await pacto(['pull', ref('acme/tamper', '1.0.0'), '-o', path.join(parent, 'out'), '--no-cache'], { env });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /digest/i);
    assert.deepEqual(listing(parent), [], 'no output directory, no temporary directory');

    const validate = await pacto(['validate', ref('acme/tamper', '1.0.0'), '--no-cache'], { env });
    assert.equal(validate.status, 2);
    await assert.rejects(api.pull(ref('acme/tamper', '1.0.0'), { plainHttp: true }), (error) => error.code === 'DIGEST_MISMATCH');
  });

  test('pull into an existing path: empty directory ok, non-empty refused unless --force, a file refused', async () => {
    const reference = ref('acme/order-service-pacto', FULL_VERSION);
    const empty = path.join(ws, 'into-empty');
    fs.mkdirSync(empty);
    assertOk(await pacto(['pull', reference, '-o', empty], { env }), 'pull into an empty directory');
    assert.ok(fs.existsSync(path.join(empty, 'pacto.yaml')));

    const busy = path.join(ws, 'into-busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    const refused = await pacto(['pull', reference, '-o', busy], { env });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /already exists and is not empty.*--force/);
    assert.deepEqual(listing(busy), ['keep.txt']);
    assert.deepEqual(listing(ws).filter((n) => n.includes('pacto-pull') || n.includes('pacto-old')), []);

    const forced = await pacto(['pull', reference, '-o', busy, '--force'], { env });
    assertOk(forced, 'pull --force');
    assert.ok(!fs.existsSync(path.join(busy, 'keep.txt')), '--force replaces the directory');
    assert.ok(fs.existsSync(path.join(busy, 'pacto.yaml')));
    assert.deepEqual(listing(ws).filter((n) => n.includes('pacto-pull') || n.includes('pacto-old')), []);

    const file = path.join(ws, 'a-file');
    fs.writeFileSync(file, 'x');
    const onFile = await pacto(['pull', reference, '-o', file, '--force'], { env });
    assert.equal(onFile.status, 2);
    assert.match(onFile.stderr, /not a directory/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  });

  test('not found and unreachable registries exit 2 with a clear message', async () => {
    const missing = await pacto(['pull', ref('acme/nothing-here', '1.0.0'), '-o', path.join(ws, 'nothing')], { env });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pacto: artifact not found: .*acme\/nothing-here/);
    assert.ok(!fs.existsSync(path.join(ws, 'nothing')));

    const port = await freePort(); // free a moment ago: nothing listens there
    const closed = `oci://127.0.0.1:${port}/acme/x:1.0.0`;
    const pull = await pacto(['pull', closed, '-o', path.join(ws, 'closed')], { env });
    assert.equal(pull.status, 2);
    assert.match(pull.stderr, new RegExp(`^pacto: registry unreachable for 127\\.0\\.0\\.1:${port}/acme/x:1\\.0\\.0: `));
    const push = await pacto(['push', closed, '-p', path.join(ws, 'full')], { env });
    assert.equal(push.status, 2);
    assert.match(push.stderr, /^pacto: registry unreachable for /);
    const validate = await pacto(['validate', closed], { env });
    assert.equal(validate.status, 2);
  });
});

describe('blob cache', () => {
  test('the second pull takes the layer from the cache; --no-cache and PACTO_NO_CACHE bypass it', async () => {
    const { env: cacheEnv } = workspace('cache');
    const dir = bundleWithVersion(path.join(ws, 'cached'), '3.0.0');
    assertOk(await pacto(['push', ref('acme/cached'), '-p', dir], { env: cacheEnv }), 'push');
    const { json } = await client.getManifest('acme/cached', '3.0.0');
    const layerDigest = json.layers[0].digest;
    const entry = path.join(cacheEnv.XDG_CACHE_HOME, 'pacto', 'blobs', 'sha256', layerDigest.slice('sha256:'.length));

    assertOk(await pacto(['pull', ref('acme/cached', '3.0.0'), '-o', path.join(ws, 'cached-1')], { env: cacheEnv }), 'first pull');
    assert.equal(sha256(fs.readFileSync(entry)), layerDigest, 'the layer is cached under its digest');
    assert.equal(fs.statSync(entry).mode & 0o777, 0o644);
    const blobGets = async () => {
      await registry.logSettled();
      return registry.requests('GET', `/blobs/${layerDigest}`).length;
    };
    const gets = await blobGets();

    // A corrupt entry is ignored: the layer comes from the registry again and the entry is repaired.
    fs.writeFileSync(entry, 'not the layer');
    assertOk(await pacto(['pull', ref('acme/cached', '3.0.0'), '-o', path.join(ws, 'cached-2')], { env: cacheEnv }), 'pull over a corrupt entry');
    assert.equal(sha256(fs.readFileSync(entry)), layerDigest);
    assert.ok((await blobGets()) > gets, 'the corrupt entry was not used');

    // The registry loses the layer; the manifest still resolves, the cache serves the layer.
    fs.rmSync(registry.blobPath(layerDigest));
    const before = await blobGets();
    const cached = await pacto(['pull', ref('acme/cached', '3.0.0'), '-o', path.join(ws, 'cached-3')], { env: cacheEnv });
    assertOk(cached, 'pull from the cache');
    assert.equal(await blobGets(), before, 'no blob GET on a cache hit');
    assert.deepEqual(readTree(path.join(ws, 'cached-3')), readTree(dir));
    assertOk(await pacto(['validate', ref('acme/cached', '3.0.0')], { env: cacheEnv }), 'validate from the cache');

    const noCache = await pacto(['pull', ref('acme/cached', '3.0.0'), '-o', path.join(ws, 'cached-4'), '--no-cache'], { env: cacheEnv });
    assert.equal(noCache.status, 2, 'without the cache the lost layer cannot be read');
    assert.ok(!fs.existsSync(path.join(ws, 'cached-4')));
    const envOff = await pacto(['pull', ref('acme/cached', '3.0.0'), '-o', path.join(ws, 'cached-5')], {
      env: { ...cacheEnv, PACTO_NO_CACHE: '1' },
    });
    assert.equal(envOff.status, 2);
  });
});
