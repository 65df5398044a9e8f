// The registry client against a registry that lies (tests/registry/lying.mjs,
// a real HTTP server on loopback): bodies that never end, a Content-Length
// from another planet, stalls, a dependency on a registry that collects
// credentials, a token realm on plain http, and archives whose names and
// bytes are made to mess up a terminal. Every case must fail once (no retry),
// quickly, with little memory, and with a short message that is safe to print
// and says what was wrong.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PACTO_BIN, ROOT, missingPrerequisites, pacto } from '../registry/harness.mjs';
import { workspace } from '../registry/fixtures.mjs';
import { ENDLESS_CAP, artifact, selfSignedCert, startLyingRegistry } from '../registry/lying.mjs';
import { gzipGo, header, tar } from '../registry/tar.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

const MiB = 1024 * 1024;
const RSS_PRELOAD = path.join(ROOT, 'tests', 'registry', 'report-rss.cjs');
/** The idle timeout of these tests, in seconds (the default is 30). */
const IDLE_S = 1;
/** Start-up of a pacto process (node + wasm) and slack for a loaded CI machine. */
const SLACK_MS = 5000;

function contract(name, version, deps = []) {
  let text = `pactoVersion: "1.0"\nservice:\n  name: ${name}\n  version: ${version}\n`;
  if (deps.length > 0) {
    text += 'dependencies:\n';
    for (const ref of deps) text += `  - ref: ${ref}\n    required: true\n    compatibility: "^1.0.0"\n`;
  }
  return text;
}

const packed = (text) => Buffer.from(api.pack({ 'pacto.yaml': text }));

/** A layer from tar entries after a valid pacto.yaml. */
const layerWith = (entries) => gzipGo(tar([{ name: 'pacto.yaml', data: contract('app', '1.0.0') }, ...entries]), 6);

/** A PAX extended header entry carrying `path` (the tar writer here has no PAX). */
function paxPath(name) {
  const record = (len) => `${len} path=${name}\n`;
  let len = Buffer.byteLength(record(0));
  while (Buffer.byteLength(record(len)) !== len) len = Buffer.byteLength(record(len));
  const data = Buffer.from(record(len));
  const h = header({ name: 'PaxHeaders.0/long', size: data.length });
  h[156] = 'x'.charCodeAt(0);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}

/** Every line short, and nothing in it that a terminal would act on or reorder. */
function assertPrintable(text, label) {
  for (const line of text.split('\n')) {
    assert.ok(Array.from(line).length <= 600, `${label}: a line of ${line.length} characters: ${line.slice(0, 200)}…`);
    assert.doesNotMatch(line, /[\p{Cc}\p{Cf}\u2028\u2029\uFFFD]/u, `${label}: ${JSON.stringify(line)}`);
  }
}

/** Runs pacto with the peak memory recorded; answers the run, its duration and maxRSS in MiB. */
async function measured(args, { env, cwd }) {
  const rssFile = path.join(cwd, `rss-${process.hrtime.bigint()}`);
  const started = Date.now();
  const run = await pacto(args, {
    cwd,
    env: { ...env, NODE_OPTIONS: `--require ${RSS_PRELOAD}`, PACTO_TEST_RSS_FILE: rssFile },
    timeoutMs: 120_000,
  });
  const ms = Date.now() - started;
  const rssMiB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  return { run, ms, rssMiB };
}

function assertFailed(run, label) {
  assert.equal(run.status, 2, `${label}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.equal(run.stdout, '', label);
  assertPrintable(run.stderr, label);
}

describe('a lying registry', () => {
  const { dir: ws, env: baseEnv } = workspace('lying');
  const env = { ...baseEnv, PACTO_REGISTRY_IDLE_TIMEOUT: String(IDLE_S) };
  let liar;
  const good = artifact(packed(contract('app', '1.0.0')));
  const ref = (repo) => `oci://${liar.host}/${repo}:1.0.0`;
  const blobsOf = (a, layerAnswer) => ({ [JSON.parse(a.manifest).config.digest]: a.config, [a.layerDigest]: layerAnswer });
  /** Serves `layer` under `repo` (as a tagged, honest manifest). */
  const serveLayer = (repo, layer) => {
    const a = artifact(layer);
    liar.serve(repo, { manifest: a.manifest, blobs: blobsOf(a, a.layer), tags: ['1.0.0'] });
  };
  const out = (label) => path.join(ws, label, 'out');

  before(async () => {
    liar = await startLyingRegistry();
    liar.serve('honest/app', { manifest: good.manifest, blobs: blobsOf(good, good.layer), tags: ['1.0.0'] });
    liar.serve('endless/blob', { manifest: good.manifest, blobs: blobsOf(good, { endless: true }) });
    liar.serve('huge/length', { manifest: good.manifest, blobs: blobsOf(good, { declare: 10_000_000_000 }) });
    liar.serve('endless/manifest', { manifest: { endless: true } });
    liar.serve('stall/blob', { manifest: good.manifest, blobs: blobsOf(good, { stallAfter: Math.floor(good.layer.length / 2), body: good.layer }) });
    liar.serve('stall/upload', { upload: 'stall' });
    for (const label of ['endless', 'huge', 'manifest', 'stall', 'deadline', 'bidi', 'notgzip', 'longpath', 'honest']) fs.mkdirSync(path.join(ws, label));
  });
  after(async () => {
    if (liar) await liar.stop();
  });

  test('an honest answer from the same server pulls (the lies below are what fails)', async () => {
    const run = await pacto(['pull', ref('honest/app'), '-o', out('honest'), '--no-cache'], { env, cwd: ws });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `Pulled app@1.0.0 -> ${out('honest')}/\n`);
  });

  test('an endless blob: stopped at the size the manifest declares, once, in little memory', async () => {
    // With the blob cache on: nothing of the lie may land in it.
    const { run, ms, rssMiB } = await measured(['pull', ref('endless/blob'), '-o', out('endless')], { env, cwd: ws });
    assertFailed(run, 'endless blob');
    assert.match(
      run.stderr,
      new RegExp(`^pacto: answer too large from ${liar.host}/endless/blob:1\\.0\\.0: the registry sent more than the ${good.layer.length} bytes the manifest declares for blob ${good.layerDigest}\\n\\(the content was refused: nothing was used or written\\)\\n$`),
    );
    assert.equal(liar.count(`/endless/blob/blobs/${good.layerDigest}`, 'GET'), 1, 'not retried');
    const sent = liar.requests.find((r) => r.path.includes(`/endless/blob/blobs/${good.layerDigest}`)).sent;
    assert.ok(sent < 64 * MiB, `the server got to write ${sent} bytes before the client hung up`);
    // The stream would have gone on to ENDLESS_CAP (1 GiB); the client's peak is that of a small pull.
    assert.ok(rssMiB < 160, `peak memory ${rssMiB.toFixed(1)} MiB`);
    assert.ok(rssMiB * MiB < ENDLESS_CAP / 6);
    assert.ok(!fs.existsSync(out('endless')));
    assert.deepEqual(fs.readdirSync(path.join(ws, 'endless')), []);
    const cached = path.join(env.XDG_CACHE_HOME, 'pacto', 'blobs', 'sha256');
    assert.deepEqual(fs.existsSync(cached) ? fs.readdirSync(cached) : [], [], 'nothing cached');
    console.log(`# endless blob: failed in ${ms} ms, peak RSS ${rssMiB.toFixed(1)} MiB, server wrote ${(sent / MiB).toFixed(2)} MiB`);
  });

  test('an endless blob through the JS API: TOO_LARGE, memory flat', async () => {
    const before = process.memoryUsage().rss;
    await assert.rejects(api.pull(ref('endless/blob')), (error) => {
      assert.equal(error.code, 'TOO_LARGE');
      assert.match(error.message, /the registry sent more than the \d+ bytes the manifest declares for blob sha256:/);
      return true;
    });
    const grown = (process.memoryUsage().rss - before) / MiB;
    assert.ok(grown < 64, `rss grew by ${grown.toFixed(1)} MiB`);
    assert.equal(liar.count(`/endless/blob/blobs/${good.layerDigest}`, 'GET'), 2, 'one more request, no retry');
  });

  test('an oversized Content-Length: refused before reading the body', async () => {
    const { run, ms } = await measured(['pull', ref('huge/length'), '-o', out('huge'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, 'huge Content-Length');
    assert.match(
      run.stderr.split('\n')[0],
      new RegExp(`^pacto: answer too large from ${liar.host}/huge/length:1\\.0\\.0: the registry announced 10000000000 bytes \\(Content-Length\\), more than the ${good.layer.length} bytes the manifest declares for blob sha256:[0-9a-f]{64}$`),
    );
    assert.equal(liar.count('/huge/length/blobs/sha256', 'GET'), 1);
    // The server sends nothing after its headers: waiting for a byte would have taken the idle timeout.
    assert.ok(ms < IDLE_S * 1000 + SLACK_MS, `${ms} ms`);
  });

  test('an endless manifest: stopped at 4 MiB, once', async () => {
    const { run, rssMiB } = await measured(['pull', ref('endless/manifest'), '-o', out('manifest'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, 'endless manifest');
    assert.match(
      run.stderr.split('\n')[0],
      new RegExp(`^pacto: answer too large from ${liar.host}/endless/manifest:1\\.0\\.0: the registry sent more than the 4194304 bytes a manifest may have$`),
    );
    assert.equal(liar.count('/endless/manifest/manifests/', 'GET'), 1);
    assert.ok(rssMiB < 160, `peak memory ${rssMiB.toFixed(1)} MiB`);
  });

  test('a stalled blob: fails after the idle timeout, once, naming the host and the wait', async () => {
    const { run, ms } = await measured(['pull', ref('stall/blob'), '-o', out('stall'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, 'stalled blob');
    const [first, hint] = run.stderr.split('\n');
    assert.match(
      first,
      new RegExp(`^pacto: registry timed out for ${liar.host}/stall/blob:1\\.0\\.0: GET http://${liar.host}/v2/stall/blob/blobs/sha256:[0-9a-f]{64}: no data from ${liar.host} for ${IDLE_S} s \\(the idle timeout\\)$`),
    );
    assert.match(hint, /not retried; .*PACTO_REGISTRY_IDLE_TIMEOUT/);
    assert.equal(liar.count('/stall/blob/blobs/sha256', 'GET'), 1, 'not retried');
    assert.ok(ms >= IDLE_S * 1000 && ms < IDLE_S * 1000 + SLACK_MS, `${ms} ms`);
  });

  test('a stalled blob through the JS API: TIMEOUT after idleTimeoutMs', async () => {
    const started = Date.now();
    await assert.rejects(api.pull(ref('stall/blob'), { idleTimeoutMs: 300 }), (error) => {
      assert.equal(error.code, 'TIMEOUT');
      assert.match(error.message, new RegExp(`no data from ${liar.host} for 0\\.3 s \\(the idle timeout\\)$`));
      return true;
    });
    const ms = Date.now() - started;
    assert.ok(ms >= 300 && ms < 300 + SLACK_MS, `${ms} ms`);
    await assert.rejects(api.pull(ref('stall/blob'), { idleTimeoutMs: -1 }), TypeError);
  });

  test('the overall deadline ends an operation that keeps a request alive', async () => {
    const { run, ms } = await measured(['pull', ref('stall/blob'), '-o', out('deadline'), '--no-cache'], {
      env: { ...env, PACTO_REGISTRY_IDLE_TIMEOUT: '60', PACTO_REGISTRY_TIMEOUT: '1.5' },
      cwd: ws,
    });
    assertFailed(run, 'deadline');
    assert.match(run.stderr.split('\n')[0], new RegExp(`: the operation did not finish within 1\\.5 s \\(its deadline\\), waiting for ${liar.host}$`));
    assert.ok(ms >= 1500 && ms < 1500 + SLACK_MS, `${ms} ms`);
    const bad = await pacto(['pull', ref('honest/app'), '-o', out('deadline')], { env: { ...env, PACTO_REGISTRY_TIMEOUT: 'soon' }, cwd: ws });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^pacto: invalid PACTO_REGISTRY_TIMEOUT "soon": must be a number of seconds above 0/);
  });

  test('a stalled upload: push fails after the idle timeout, once, naming the host', async () => {
    const dir = path.join(ws, 'push-bundle');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pacto.yaml'), contract('uploaded', '2.0.0'));
    const { run, ms } = await measured(['push', `oci://${liar.host}/stall/upload`, '-p', dir], { env, cwd: ws });
    assertFailed(run, 'stalled upload');
    assert.match(
      run.stderr.split('\n')[0],
      new RegExp(`^pacto: registry timed out for ${liar.host}/stall/upload:2\\.0\\.0: PUT http://${liar.host}/upload/[0-9a-f-]+: no answer from ${liar.host} within 1 s of sending \\d+ bytes`),
    );
    assert.equal(liar.count('/upload/', 'PUT'), 1, 'not retried');
    assert.ok(ms >= IDLE_S * 1000 && ms < IDLE_S * 1000 + SLACK_MS, `${ms} ms`);
  });

  test('archive names with U+202E and control characters: escaped, on stderr and in graph output', async () => {
    const name = 'docs/\u202Etxt.exe\u001b[2J\u2066\u200f';
    serveLayer('names/bidi', layerWith([{ name, type: 'symlink', linkname: 'x' }]));
    const run = await pacto(['pull', ref('names/bidi'), '-o', out('bidi'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, 'bidi names');
    assert.match(
      run.stderr.split('\n')[0],
      /: refusing archive entry `docs\/\\u\{202e\}txt\.exe\\u\{1b\}\[2J\\u\{2066\}\\u\{200f\}`: symbolic links are not allowed$/,
    );
    // A root whose dependency is that bundle: the reason is on the edge, on stdout.
    const root = artifact(packed(contract('root', '1.0.0', [`oci://${liar.host}/names/bidi:1.0.0`])));
    liar.serve('names/root', { manifest: root.manifest, blobs: blobsOf(root, root.layer) });
    const graph = await pacto(['graph', ref('names/root'), '--no-cache'], { env, cwd: ws });
    assert.equal(graph.status, 0, graph.stderr);
    assertPrintable(graph.stdout, 'graph stdout');
    assert.match(graph.stdout, /^root@1\.0\.0\n└─ bidi:1\.0\.0 \(error: failed to extract bundle from [0-9.:]+\/names\/bidi:1\.0\.0: refusing archive entry `docs\/\\u\{202e\}txt\.exe\\u\{1b\}\[2J\\u\{2066\}\\u\{200f\}`: symbolic links are not allowed\)\n$/);
  });

  test('a layer that is not gzip: described in a few bytes', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(2000, 0xfe)]);
    serveLayer('names/notgzip', zip);
    const run = await pacto(['pull', ref('names/notgzip'), '-o', out('notgzip'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, 'not gzip');
    assert.equal(
      run.stderr,
      `pacto: failed to extract bundle from ${liar.host}/names/notgzip:1.0.0: not a gzip or tar archive (2004 bytes starting with 50 4b 03 04)\n(the bundle archive was refused: nothing was written)\n`,
    );
  });

  test('a 4 KB path: refused with a short message that names no temporary directory', async () => {
    const long = `${'d/'.repeat(2047)}f`;
    const layer = gzipGo(
      Buffer.concat([
        tar([{ name: 'pacto.yaml', data: contract('app', '1.0.0') }]).subarray(0, -1024),
        paxPath(long),
        tar([{ name: 'placeholder', data: 'x' }]),
      ]),
      6,
    );
    serveLayer('names/longpath', layer);
    const run = await pacto(['pull', ref('names/longpath'), '-o', out('longpath'), '--no-cache'], { env, cwd: ws });
    assertFailed(run, '4 KB path');
    const first = run.stderr.split('\n')[0];
    assert.match(first, /: refusing archive entry `d\/d\/d\/.*…`: the path is 4095 bytes long \(at most 1024 bytes, and 255 per element, are allowed\)$/);
    assert.ok(first.length < 400, `${first.length} characters`);
    assert.doesNotMatch(run.stderr, /pacto-pull-|\/tmp\//);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'longpath')), []);
  });

  // Last in this suite: the requests it makes through the proxy would count in the tests above.
  test('through pacto serve: the proxy streams, the client stops the endless blob and the stall', async () => {
    const { startServe } = require('../../npm/serve/index.js');
    const server = await startServe({ port: 0, localRegistry: false, registries: [`http://${liar.host}`] });
    try {
      const before = process.memoryUsage().rss;
      const gets = liar.count(`/endless/blob/blobs/${good.layerDigest}`, 'GET');
      await assert.rejects(api.pull(ref('endless/blob'), { proxy: server.url }), (error) => {
        assert.equal(error.code, 'TOO_LARGE');
        assert.match(error.message, /the registry sent more than the \d+ bytes the manifest declares for blob sha256:/);
        return true;
      });
      assert.ok((process.memoryUsage().rss - before) / MiB < 64, 'memory flat');
      assert.equal(liar.count(`/endless/blob/blobs/${good.layerDigest}`, 'GET'), gets + 1, 'one request through the proxy, no retry');
      const started = Date.now();
      await assert.rejects(api.pull(ref('stall/blob'), { proxy: server.url, idleTimeoutMs: 500 }), (error) => {
        assert.equal(error.code, 'TIMEOUT');
        return true;
      });
      const ms = Date.now() - started;
      assert.ok(ms >= 500 && ms < 500 + SLACK_MS, `${ms} ms`);
    } finally {
      await server.close();
    }
  });
});

describe('credentials only where they belong', () => {
  const { dir: ws, env } = workspace('lying-creds');
  const USER = 'ci-bot';
  const PASSWORD = 'Pipeline-Secret-9f3a';
  let home;
  let foreign;

  before(async () => {
    home = await startLyingRegistry();
    // Asks every request for credentials, and takes any: it records what arrives.
    foreign = await startLyingRegistry({ challenge: 'Basic realm="collector"' });
    const dep = artifact(packed(contract('dep', '1.0.0')));
    foreign.serve('dep', { manifest: dep.manifest, blobs: { [JSON.parse(dep.manifest).config.digest]: dep.config, [dep.layerDigest]: dep.layer }, tags: ['1.0.0'] });
    const app = artifact(packed(contract('app', '1.0.0', [`oci://${foreign.host}/dep:1.0.0`])));
    home.serve('app', { manifest: app.manifest, blobs: { [JSON.parse(app.manifest).config.digest]: app.config, [app.layerDigest]: app.layer }, tags: ['1.0.0'] });
  });
  after(async () => {
    if (home) await home.stop();
    if (foreign) await foreign.stop();
  });

  const secretsIn = (registry) => registry.requests.filter((r) => r.authorization !== null);
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const reset = () => {
    home.requests.length = 0;
    foreign.requests.length = 0;
  };

  test("a dependency's registry never sees the environment's credentials", async () => {
    reset();
    const run = await pacto(['graph', `oci://${home.host}/app:1.0.0`, '--no-cache'], {
      cwd: ws,
      env: { ...env, PACTO_REGISTRY_USERNAME: USER, PACTO_REGISTRY_PASSWORD: PASSWORD },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(foreign.requests.length > 0, 'the dependency was asked for');
    assert.deepEqual(secretsIn(foreign), [], 'no credentials reached the registry only the contract names');
    assert.ok(secretsIn(home).every((r) => r.authorization === basic) && secretsIn(home).length > 0, 'the registry on the command line got them');
    assert.equal(
      run.stdout,
      `app@1.0.0\n└─ dep:1.0.0 (error: authentication failed for ${foreign.host}: the PACTO_REGISTRY_* credentials are not sent to a registry only a contract names; to give ${foreign.host} credentials, run \`pacto login ${foreign.host}\` or set PACTO_REGISTRY_HOST=${foreign.host})\n`,
    );
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD));
  });

  test('without any credentials, the message says how to give that host some', async () => {
    reset();
    const run = await pacto(['graph', `oci://${home.host}/app:1.0.0`, '--no-cache'], { cwd: ws, env });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      `app@1.0.0\n└─ dep:1.0.0 (error: authentication failed for ${foreign.host}: run \`pacto login ${foreign.host}\`, or set PACTO_REGISTRY_HOST=${foreign.host} with PACTO_REGISTRY_TOKEN (or PACTO_REGISTRY_USERNAME/PACTO_REGISTRY_PASSWORD))\n`,
    );
    assert.deepEqual(secretsIn(foreign), []);
  });

  test('PACTO_REGISTRY_HOST names the hosts the environment is for, and only those', async () => {
    reset();
    const run = await pacto(['graph', `oci://${home.host}/app:1.0.0`, '--no-cache'], {
      cwd: ws,
      env: { ...env, PACTO_REGISTRY_USERNAME: USER, PACTO_REGISTRY_PASSWORD: PASSWORD, PACTO_REGISTRY_HOST: foreign.host },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'app@1.0.0\n└─ dep@1.0.0\n');
    assert.ok(secretsIn(foreign).length > 0 && secretsIn(foreign).every((r) => r.authorization === basic));
    assert.deepEqual(secretsIn(home), [], 'not listed: the command-line registry gets none either');
  });

  test('per-host credentials (pacto login) go to their host', async () => {
    reset();
    const config = path.join(env.XDG_CONFIG_HOME, 'pacto', 'config.json');
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, JSON.stringify({ auths: { [foreign.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    try {
      const run = await pacto(['graph', `oci://${home.host}/app:1.0.0`, '--no-cache'], { cwd: ws, env });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, 'app@1.0.0\n└─ dep@1.0.0\n');
      assert.ok(secretsIn(foreign).length > 0);
      assert.deepEqual(secretsIn(home), []);
    } finally {
      fs.rmSync(config);
    }
  });

  test('a token realm on plain http for an https registry is refused; the realm sees nothing', async (t) => {
    const missing = missingPrerequisites('token');
    if (missing.length > 0) return t.skip(`missing ${missing.join(', ')}`);
    const { dir } = workspace('lying-tls');
    // 127.0.0.2 is loopback but not one of the hosts the client reaches over plain http.
    const tls = selfSignedCert(dir, '127.0.0.2');
    const realm = await startLyingRegistry();
    const secure = await startLyingRegistry({ address: '127.0.0.2', tls, challenge: `Bearer realm="${realm.url}/token",service="lying"` });
    try {
      const script = `
        const api = require(${JSON.stringify(path.join(ROOT, 'npm', 'index.js'))});
        api.pull(process.argv[1], { credentials: { username: ${JSON.stringify(USER)}, password: ${JSON.stringify(PASSWORD)} } })
          .then(() => console.log(JSON.stringify({ ok: true })), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));
      `;
      const child = spawn(process.execPath, ['-e', script, `oci://${secure.host}/app:1.0.0`], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.certFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      await new Promise((resolve) => child.on('close', resolve));
      const answer = JSON.parse(stdout || '{}');
      assert.equal(answer.code, 'REGISTRY_ERROR', `${stdout}\n${stderr}`);
      assert.match(answer.message, new RegExp(`the registry answered with a token realm over plain http for an https registry, refused: ${realm.url}/token$`));
      assert.ok(secure.count('/v2/') >= 1, 'the https registry was reached (TLS works)');
      assert.deepEqual(realm.requests, [], 'nothing, and no credentials, went to the plain-http realm');
    } finally {
      await realm.stop();
      await secure.stop();
    }
  });
});
