// Credentials against real registries: htpasswd Basic auth, and Bearer
// tokens from a token endpoint (tests/registry/harness.mjs). Wrong or missing
// credentials exit 2 with a message that says what to do; right ones work
// from the environment, from `pacto login`, and from Docker's config.json;
// no secret is ever printed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { pacto, startRegistry } from '../registry/harness.mjs';
import { TestClient } from '../registry/oci.mjs';
import { FULL_NAME, bundleWithVersion, workspace } from '../registry/fixtures.mjs';

const PASSWORD = 'Right-Pa55word-7f3a';
const WRONG = 'Wrong-Pa55word-9c1e';
const SECRETS = [PASSWORD, WRONG, Buffer.from(`alice:${PASSWORD}`).toString('base64'), Buffer.from(`alice:${WRONG}`).toString('base64')];

function assertNoSecret(run, label) {
  for (const secret of SECRETS) {
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `${label}: a secret was printed`);
  }
}

function assertOk(run, what) {
  assert.equal(run.status, 0, `${what}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assertNoSecret(run, what);
}

function assertAuthFailure(run, host, label) {
  assert.equal(run.status, 2, `${label}: exit ${run.status}\n${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`^pacto: authentication failed for ${host.replace(/\./g, '\\.')}: run \`pacto login ${host.replace(/\./g, '\\.')}\` or set PACTO_REGISTRY_TOKEN$`, 'm'), label);
  assertNoSecret(run, label);
}

for (const mode of ['basic', 'token']) {
  describe(`${mode} authentication`, () => {
    let registry;
    const { dir: ws } = workspace(`auth-${mode}`);
    const bundle = bundleWithVersion(path.join(ws, 'bundle'), '1.0.0');
    let n = 0;
    // A fresh, empty HOME per case: no credentials from an earlier case.
    const freshEnv = (extra = {}) => ({ ...workspace(`auth-${mode}-${(n += 1)}`).env, ...extra });
    const ref = (repo, tag = '1.0.0') => `oci://${registry.host}/${repo}:${tag}`;

    before(async () => {
      registry = await startRegistry({
        auth: mode,
        users: { alice: { password: PASSWORD }, reader: { password: PASSWORD, actions: ['pull'] } },
      });
    });
    after(async () => {
      if (registry) await registry.stop();
    });

    test('no credentials: exit 2, run pacto login', async () => {
      const run = await pacto(['push', ref('acme/anon'), '-p', bundle], { env: freshEnv() });
      assertAuthFailure(run, registry.host, 'anonymous push');
      assert.match(run.stderr, /no credentials found for /);
      const pull = await pacto(['pull', ref('acme/anon'), '-o', path.join(ws, 'anon')], { env: freshEnv() });
      assertAuthFailure(pull, registry.host, 'anonymous pull');
      assert.ok(!fs.existsSync(path.join(ws, 'anon')));
    });

    test('wrong credentials in the environment: exit 2, the source is named, not the secret', async () => {
      const env = freshEnv({ PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: WRONG });
      const run = await pacto(['push', ref('acme/wrong'), '-p', bundle], { env });
      assertAuthFailure(run, registry.host, 'wrong password');
      assert.match(run.stderr, /sent the credentials from PACTO_REGISTRY_USERNAME\/PACTO_REGISTRY_PASSWORD/);
      const validate = await pacto(['validate', ref('acme/wrong')], { env });
      assertAuthFailure(validate, registry.host, 'validate with a wrong password');
    });

    test('right credentials in the environment: push, pull, validate', async () => {
      const env = freshEnv({ PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD });
      const push = await pacto(['push', ref('acme/env'), '-p', bundle], { env });
      assertOk(push, 'push');
      assert.match(push.stdout, /^Pushed order-service@1\.0\.0 -> /);
      const out = path.join(ws, 'env-pulled');
      assertOk(await pacto(['pull', ref('acme/env'), '-o', out], { env }), 'pull');
      assert.ok(fs.existsSync(path.join(out, 'pacto.yaml')));
      assertOk(await pacto(['validate', ref('acme/env')], { env }), 'validate');
    });

    test('pacto login stores the credentials (0600 in a 0700 directory, merged) and they work', async () => {
      const env = freshEnv();
      const configDir = path.join(env.XDG_CONFIG_HOME, 'pacto');
      fs.mkdirSync(configDir, { recursive: true });
      const existing = { auths: { 'ghcr.io': { auth: Buffer.from('someone:else').toString('base64') } } };
      fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify(existing));

      const login = await pacto(['login', registry.host, '-u', 'alice', '--password-stdin'], { env, input: `${PASSWORD}\n` });
      assertOk(login, 'login');
      assert.equal(login.stdout, `Login succeeded for ${registry.host}\n`);
      const file = path.join(configDir, 'config.json');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(configDir).mode & 0o777, 0o700);
      const config = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(config.auths['ghcr.io'], existing.auths['ghcr.io'], 'other entries are kept');
      assert.deepEqual(config.auths[registry.host], { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') });

      assertOk(await pacto(['push', ref('acme/login'), '-p', bundle], { env }), 'push after login');
      assertOk(await pacto(['pull', ref('acme/login'), '-o', path.join(ws, 'login-pulled')], { env }), 'pull after login');

      // Piped stdin without --password-stdin works too; a wrong password stored fails later, naming the file.
      const relogin = await pacto(['login', `oci://${registry.host}`, '-u', 'alice'], { env, input: WRONG });
      assertOk(relogin, 'login with a piped password');
      const refused = await pacto(['pull', ref('acme/login'), '-o', path.join(ws, 'login-refused')], { env });
      assertAuthFailure(refused, registry.host, 'stored wrong password');
      assert.match(refused.stderr, /sent the credentials from .*pacto\/config\.json/);

      // The environment wins over the stored credentials.
      const override = await pacto(['pull', ref('acme/login'), '-o', path.join(ws, 'login-env')], {
        env: { ...env, PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD },
      });
      assertOk(override, 'env over config');
    });

    test("Docker's config.json is used when pacto has no credentials", async () => {
      const env = freshEnv();
      fs.mkdirSync(env.DOCKER_CONFIG, { recursive: true });
      const auths = { [`https://${registry.host}`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } };
      fs.writeFileSync(path.join(env.DOCKER_CONFIG, 'config.json'), JSON.stringify({ auths }));
      assertOk(await pacto(['push', ref('acme/docker'), '-p', bundle], { env }), 'push with Docker credentials');
      // username/password form
      fs.writeFileSync(
        path.join(env.DOCKER_CONFIG, 'config.json'),
        JSON.stringify({ auths: { [registry.host]: { username: 'alice', password: PASSWORD } } }),
      );
      assertOk(await pacto(['pull', ref('acme/docker'), '-o', path.join(ws, 'docker-pulled')], { env }), 'pull with Docker credentials');
    });

    if (mode === 'token') {
      test('a token grants only what the user may do: a pull-only user cannot push', async () => {
        const env = freshEnv({ PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD });
        assertOk(await pacto(['push', ref('acme/scoped'), '-p', bundle], { env }), 'push as alice');
        const pushRequests = registry.tokenRequests.filter(
          (r) => r.username === 'alice' && r.scopes.some((s) => s.name === 'acme/scoped' && s.actions.includes('push')),
        );
        assert.ok(pushRequests.length > 0, 'push asked for a push scope');

        const reader = freshEnv({ PACTO_REGISTRY_USERNAME: 'reader', PACTO_REGISTRY_PASSWORD: PASSWORD });
        assertOk(await pacto(['pull', ref('acme/scoped'), '-o', path.join(ws, 'reader-pulled')], { env: reader }), 'pull as reader');
        const denied = await pacto(['push', ref('acme/scoped', '2.0.0'), '-p', bundle], { env: reader });
        assertAuthFailure(denied, registry.host, 'push as reader');
        assert.deepEqual((await new TestClient(registry, { username: 'alice', password: PASSWORD }).tags('acme/scoped')).sort(), ['1.0.0']);
      });

      test('PACTO_REGISTRY_TOKEN is sent as a bearer token', async () => {
        // A token minted by the endpoint for pulling acme/scoped, as a CI system would hand it over.
        const url = new URL(registry.tokenUrl);
        url.searchParams.set('service', 'pacto-test');
        url.searchParams.set('scope', 'repository:acme/scoped:pull');
        const response = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` } });
        const { token } = await response.json();
        const env = freshEnv({ PACTO_REGISTRY_TOKEN: token });
        const run = await pacto(['pull', ref('acme/scoped'), '-o', path.join(ws, 'token-pulled')], { env });
        assertOk(run, 'pull with a token');
        assert.ok(!run.stderr.includes(token) && !run.stdout.includes(token));
        assert.equal(run.stdout, `Pulled ${FULL_NAME}@1.0.0 -> ${path.join(ws, 'token-pulled')}/\n`);

        const bad = await pacto(['pull', ref('acme/scoped'), '-o', path.join(ws, 'token-bad')], { env: freshEnv({ PACTO_REGISTRY_TOKEN: 'not-a-jwt' }) });
        assertAuthFailure(bad, registry.host, 'a bad token');
        assert.match(bad.stderr, /sent the credentials from PACTO_REGISTRY_TOKEN/);
      });
    }
  });
}

describe('login usage', () => {
  test('--username is required; nothing is written without a password', async () => {
    const { env } = workspace('login-usage');
    const noUser = await pacto(['login', 'registry.example.com'], { env, input: 'x' });
    assert.equal(noUser.status, 2);
    assert.match(noUser.stderr, /^pacto: --username is required\n/);
    const noPassword = await pacto(['login', 'registry.example.com', '-u', 'me', '--password-stdin'], { env, input: '' });
    assert.equal(noPassword.status, 2);
    assert.match(noPassword.stderr, /no password given/);
    assert.ok(!fs.existsSync(path.join(env.XDG_CONFIG_HOME, 'pacto', 'config.json')));
    const badHost = await pacto(['login', 'not a host', '-u', 'me', '--password-stdin'], { env, input: 'x' });
    assert.equal(badHost.status, 2);
  });
});
