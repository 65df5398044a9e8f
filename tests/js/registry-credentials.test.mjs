// The CLI's credential chain, blob cache and reference detection, without a
// registry (the registry-*.test.mjs suites use them against a real one).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import { workspace } from '../registry/fixtures.mjs';

const require = createRequire(import.meta.url);
const { credentialsFor, environmentCovers, storeLogin } = require('../../npm/cli/credentials.js');
const { BlobCache, openCache } = require('../../npm/cli/cache.js');
const { looksLikeRegistryRef, registryHost, isLoopback, redact } = require('../../npm/cli/registry.js');

const b64 = (text) => Buffer.from(text).toString('base64');

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
}

describe('credential chain', () => {
  test('token, then username+password from the environment, for every host', () => {
    const { env } = workspace('creds-env');
    const token = credentialsFor('ghcr.io', { ...env, PACTO_REGISTRY_TOKEN: 'tok', PACTO_REGISTRY_USERNAME: 'u', PACTO_REGISTRY_PASSWORD: 'p' });
    assert.deepEqual(token.credentials, { token: 'tok' });
    assert.equal(token.source, 'PACTO_REGISTRY_TOKEN');
    const basic = credentialsFor('example.com:5000', { ...env, PACTO_REGISTRY_USERNAME: 'u', PACTO_REGISTRY_PASSWORD: 'p' });
    assert.deepEqual(basic.credentials, { username: 'u', password: 'p' });
    // A username alone is not credentials.
    assert.equal(credentialsFor('ghcr.io', { ...env, PACTO_REGISTRY_USERNAME: 'u' }).source, 'anonymous');
  });

  test('the environment covers the command-line registries, or only PACTO_REGISTRY_HOST when set', () => {
    assert.ok(environmentCovers('ghcr.io', {}, ['ghcr.io']));
    assert.ok(!environmentCovers('evil.example.com', {}, ['ghcr.io']));
    assert.ok(!environmentCovers('ghcr.io', {}, []));
    assert.ok(environmentCovers('index.docker.io', {}, ['docker.io']), 'Docker Hub under either name');
    const only = { PACTO_REGISTRY_HOST: 'ghcr.io, Registry.Example.com:5000' };
    assert.ok(environmentCovers('registry.example.com:5000', only, []));
    assert.ok(environmentCovers('ghcr.io', only, []));
    assert.ok(!environmentCovers('quay.io', only, ['quay.io']), 'PACTO_REGISTRY_HOST is the whole list');
  });

  test('withheld environment credentials: the per-host ones still apply, and the caller learns why', () => {
    const { env } = workspace('creds-scope');
    const withEnv = { ...env, PACTO_REGISTRY_TOKEN: 'tok' };
    const anonymous = credentialsFor('evil.example.com', withEnv, { environment: false });
    assert.equal(anonymous.source, 'anonymous');
    assert.equal(anonymous.credentials, undefined);
    assert.equal(anonymous.withheld, true);
    storeLogin('mine.example.com', 'me', 'pw', env);
    const own = credentialsFor('mine.example.com', withEnv, { environment: false });
    assert.deepEqual(own.credentials, { username: 'me', password: 'pw' });
    assert.equal(credentialsFor('evil.example.com', env, { environment: false }).withheld, false);
  });

  test('the pacto config before Docker, matched by host; anonymous otherwise', () => {
    const { env } = workspace('creds-files');
    const pactoFile = path.join(env.XDG_CONFIG_HOME, 'pacto', 'config.json');
    const dockerFile = path.join(env.DOCKER_CONFIG, 'config.json');
    writeJson(pactoFile, { auths: { 'ghcr.io': { auth: b64('pacto-user:pw:with:colons') } } });
    writeJson(dockerFile, {
      auths: {
        'https://ghcr.io': { auth: b64('docker-user:x') },
        'https://index.docker.io/v1/': { auth: b64('hub:y') },
        'quay.io': { username: 'q', password: 'z' },
        'token.example.com': { identitytoken: 'refresh' },
      },
    });
    assert.deepEqual(credentialsFor('ghcr.io', env).credentials, { username: 'pacto-user', password: 'pw:with:colons' });
    assert.equal(credentialsFor('ghcr.io', env).source, pactoFile);
    assert.deepEqual(credentialsFor('index.docker.io', env).credentials, { username: 'hub', password: 'y' });
    assert.deepEqual(credentialsFor('quay.io', env).credentials, { username: 'q', password: 'z' });
    const skipped = credentialsFor('token.example.com', env);
    assert.equal(skipped.source, 'anonymous');
    assert.match(skipped.warnings[0], /identity tokens are not supported/);
    assert.equal(credentialsFor('nowhere.example.com', env).source, 'anonymous');
  });

  test('an unreadable or malformed config is skipped with a warning that holds no secret', () => {
    const { env } = workspace('creds-bad');
    writeJson(path.join(env.XDG_CONFIG_HOME, 'pacto', 'config.json'), '{ not json');
    writeJson(path.join(env.DOCKER_CONFIG, 'config.json'), { auths: { 'ghcr.io': { auth: b64('no-colon-secret') } } });
    const result = credentialsFor('ghcr.io', env);
    assert.equal(result.source, 'anonymous');
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings[0], /invalid JSON/);
    assert.match(result.warnings[1], /not base64 of user:password/);
    assert.ok(!result.warnings.join('').includes('no-colon-secret'));
  });

  test('XDG_CONFIG_HOME unset: ~/.config/pacto/config.json', () => {
    const { env } = workspace('creds-home');
    const file = storeLogin('r.example.com', 'me', 'pw', { HOME: env.HOME });
    assert.equal(file, path.join(env.HOME, '.config', 'pacto', 'config.json'));
    assert.deepEqual(credentialsFor('r.example.com', { HOME: env.HOME }).credentials, { username: 'me', password: 'pw' });
  });
});

describe('blob cache', () => {
  const digestOf = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

  test('put then get; entries named by digest, 0644; corrupt entries are misses and removed', () => {
    const { env } = workspace('cache-unit');
    const cache = openCache({ env });
    const bytes = crypto.randomBytes(1000);
    const digest = digestOf(bytes);
    assert.equal(cache.get(digest), undefined);
    cache.put(digest, bytes);
    const file = path.join(env.XDG_CACHE_HOME, 'pacto', 'blobs', 'sha256', digest.slice(7));
    assert.equal(fs.statSync(file).mode & 0o777, 0o644);
    assert.ok(Buffer.from(cache.get(digest)).equals(bytes));
    fs.writeFileSync(file, 'garbage');
    assert.equal(cache.get(digest), undefined);
    assert.ok(!fs.existsSync(file));
    // Bytes that do not match the digest are never stored; odd digests are ignored.
    cache.put(digest, Buffer.from('other'));
    assert.ok(!fs.existsSync(file));
    for (const odd of ['sha256:../../x', 'md5:abc', `sha256:${'A'.repeat(64)}`]) {
      cache.put(odd, bytes);
      assert.equal(cache.get(odd), undefined);
    }
    assert.deepEqual(fs.readdirSync(path.dirname(file)), []);
  });

  test('--no-cache and PACTO_NO_CACHE turn it off', () => {
    const { env } = workspace('cache-off');
    assert.ok(openCache({ env }) instanceof BlobCache);
    assert.equal(openCache({ env, noCache: true }), undefined);
    for (const value of ['1', 'true', 'TRUE', 't']) assert.equal(openCache({ env: { ...env, PACTO_NO_CACHE: value } }), undefined);
    assert.ok(openCache({ env: { ...env, PACTO_NO_CACHE: '0' } }) instanceof BlobCache);
  });
});

describe('references', () => {
  test('a registry host as first segment: a dot or a port', () => {
    for (const yes of ['ghcr.io/acme/svc:1.0.0', 'localhost:5000/svc', '127.0.0.1:5000/a/b', 'registry.example.com/a']) {
      assert.ok(looksLikeRegistryRef(yes), yes);
    }
    for (const no of ['examples/full', './svc', '../svc', 'svc', 'localhost/svc', 'ghcr.io', 'ghcr.io/', '.hidden/x', 'C:/dir']) {
      assert.ok(!looksLikeRegistryRef(no), no);
    }
    assert.equal(registryHost('ghcr.io/acme/svc:1'), 'ghcr.io');
    assert.equal(registryHost('docker.io/library/alpine'), 'index.docker.io');
    assert.equal(registryHost('acme/svc'), 'index.docker.io');
    assert.equal(registryHost('localhost/svc'), 'index.docker.io');
    assert.ok(isLoopback('127.0.0.1:5000') && isLoopback('localhost') && isLoopback('[::1]:80') && !isLoopback('10.0.0.1:5000'));
  });

  test('redact removes secrets and their base64', () => {
    assert.equal(redact(`a hunter22 b ${b64('hunter22')}`, ['hunter22']), 'a *** b ***');
  });
});
