// graph and doc with oci:// dependencies and roots, against a real registry
// (tests/registry/harness.mjs): tag-less refs resolve to the highest tag
// within the dependency's compatibility, pinned tags are used as they are, a
// dependency that cannot be fetched is an error edge (exit 0), credentials
// are per registry host.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { pacto, startRegistry } from '../registry/harness.mjs';
import { workspace } from '../registry/fixtures.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

/** A contract; deps: [ref, compatibility, required?]. */
function contract(name, version, deps = []) {
  let text = `pactoVersion: "1.0"\nservice:\n  name: ${name}\n  version: ${version}\n`;
  if (deps.length > 0) {
    text += 'dependencies:\n';
    for (const [ref, compatibility, required = true] of deps) {
      text += `  - ref: ${ref}\n    required: ${required}\n    compatibility: "${compatibility}"\n`;
    }
  }
  return text;
}

function assertOk(run, what) {
  assert.equal(run.status, 0, `${what}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

describe('graph and doc through an anonymous registry', () => {
  let registry;
  const { dir: ws, env } = workspace('registry-graph');
  const oci = (repo, tag) => `oci://${registry.host}/${repo}${tag ? `:${tag}` : ''}`;

  before(async () => {
    registry = await startRegistry();
    const push = (repo, text, tag) => api.push(oci(repo, tag), { 'pacto.yaml': text });
    // cache: 3.0.0 and 3.1.0; db: 1.0.0, 1.2.0 (depends on cache ~3.0.0), a 1.x pre-release and 2.0.0.
    await push('acme/cache', contract('cache', '3.0.0'));
    await push('acme/cache', contract('cache', '3.1.0'));
    await push('acme/db', contract('db', '1.0.0'));
    await push('acme/db', contract('db', '1.2.0', [[oci('acme/cache'), '~3.0.0']]));
    await push('acme/db', contract('db', '1.10.0-rc.1'));
    await push('acme/db', contract('db', '2.0.0'));
    // A published root, at two versions: the tag-less root ref takes the highest.
    await push('acme/app', contract('app', '1.0.0', [[oci('acme/db'), '^1.0.0']]));
    await push('acme/app', contract('app', '1.1.0', [[oci('acme/db'), '>=2.0.0'], [oci('acme/cache', '3.1.0'), '^3.0.0']]));
  });
  after(async () => {
    if (registry) await registry.stop();
  });

  /** A local root (with a local sibling) declaring registry dependencies. */
  function localRoot() {
    const dir = fs.mkdtempSync(path.join(ws, 'root-'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(
      path.join(dir, 'app', 'pacto.yaml'),
      contract('app', '1.0.0', [
        [oci('acme/db'), '^1.0.0'],
        [oci('acme/db', '1.0.0'), '^1.0.0'],
        [oci('acme/cache', '3.1.0'), '^2.0.0', false],
        [oci('acme/missing'), '^1.0.0'],
        [oci('acme/cache'), '^9.0.0', false],
        ['../lib', '^1.0.0'],
      ]),
    );
    fs.writeFileSync(path.join(dir, 'lib', 'pacto.yaml'), contract('lib', '1.0.0', [[oci('acme/cache'), '^3.0.0']]));
    return dir;
  }

  test('tag-less refs take the highest tag within compatibility; pinned tags as they are; failures are edges; exit 0', async () => {
    const cwd = localRoot();
    const run = await pacto(['graph', 'app'], { cwd, env });
    assertOk(run, 'graph');
    const h = registry.host;
    assert.equal(
      run.stdout,
      [
        'app@1.0.0',
        '├─ db@1.2.0',
        '│  └─ cache@3.0.0',
        '├─ db@1.0.0',
        '├─ cache@3.1.0',
        `├─ missing (error: artifact not found: ${h}/acme/missing)`,
        `├─ cache (error: ${h}/acme/cache: no tags satisfy constraint "^9.0.0")`,
        '└─ lib@1.0.0 [local]',
        // Another constraint, another node (the pinned cache:3.1.0 above is another ref).
        '   └─ cache@3.1.0',
        '',
        'Conflicts (2):',
        '  cache: [cache@3.0.0 cache@3.1.0]',
        '  db: [db@1.0.0 db@1.2.0]',
        '',
        'Warnings (1):',
        `  app: ${oci('acme/cache', '3.1.0')} resolves to version 3.1.0, which does not satisfy compatibility "^2.0.0"`,
        '',
      ].join('\n'),
    );
    assert.equal(run.stderr, '');
  });

  test('json: resolved nodes, error edges, conflicts and warnings', async () => {
    const run = await pacto(['graph', '--output-format', 'json', 'app'], { cwd: localRoot(), env });
    assertOk(run, 'graph json');
    const graph = JSON.parse(run.stdout);
    const [latest, pinned, , missing] = graph.root.dependencies;
    assert.deepEqual(
      { ref: latest.ref, version: latest.node.version, local: latest.local, compatibility: latest.compatibility },
      { ref: oci('acme/db'), version: '1.2.0', local: false, compatibility: '^1.0.0' },
    );
    assert.equal(latest.node.dependencies[0].node.version, '3.0.0');
    assert.equal(pinned.node.version, '1.0.0');
    assert.equal(missing.node, undefined);
    assert.match(missing.error, /^artifact not found: /);
    assert.deepEqual(graph.conflicts.map((c) => c.name), ['cache', 'db']);
    assert.deepEqual(graph.warnings.map((w) => [w.from, w.ref]), [['app', oci('acme/cache', '3.1.0')]]);
  });

  test('the API with the built-in registry client (no oci loader) gives the same graph', async () => {
    const cwd = localRoot();
    const cli = await pacto(['graph', 'app'], { cwd, env });
    const { loadBundle } = require('../../npm/node.js');
    const result = await api.graph(loadBundle(path.join(cwd, 'app')), {
      root: path.join(cwd, 'app'),
      local: (p) => loadBundle(p),
    });
    // The CLI names the repository in a tag-resolution failure; the API gives the client's message.
    assert.equal(result.tree, cli.stdout.replace(`(error: ${registry.host}/acme/cache: no tags`, '(error: no tags'));
    assert.ok(result.tree.includes('├─ cache (error: no tags satisfy constraint "^9.0.0")\n'));
  });

  test('an oci:// root: tag-less resolves to its highest tag; its dependencies from the registry', async () => {
    const run = await pacto(['graph', oci('acme/app')], { cwd: ws, env });
    assertOk(run, 'graph oci root');
    assert.equal(
      run.stdout,
      ['app@1.1.0', '├─ db@2.0.0', '└─ cache@3.1.0', ''].join('\n'),
    );
    const pinned = await pacto(['graph', oci('acme/app', '1.0.0')], { cwd: ws, env });
    assertOk(pinned, 'graph pinned oci root');
    assert.equal(pinned.stdout, ['app@1.0.0', '└─ db@1.2.0', '   └─ cache@3.0.0', ''].join('\n'));
  });

  test('doc of an oci:// root documents the pulled dependencies', async () => {
    const run = await pacto(['doc', oci('acme/app', '1.0.0')], { cwd: ws, env });
    assertOk(run, 'doc oci root');
    assert.match(run.stdout, /^# app\n/);
    assert.match(run.stdout, /<details id="dep-db">\n<summary><h3>2\.1\. db <code>v1\.2\.0<\/code><\/h3><\/summary>/);
    assert.match(run.stdout, /<details id="dep-cache">/);
    assert.match(run.stdout, /\n  app --> db\n  db --> cache\n/);
  });

  test('a root that cannot be pulled: exit 2', async () => {
    const run = await pacto(['graph', oci('acme/nothing-here', '1.0.0')], { cwd: ws, env });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pacto: artifact not found: /);
  });

  test('pulled layers go through the blob cache', async () => {
    const { env: cached } = workspace('registry-graph-cache');
    const cwd = localRoot();
    const first = await pacto(['graph', 'app'], { cwd, env: cached });
    assertOk(first, 'first');
    const blobs = path.join(cached.XDG_CACHE_HOME, 'pacto', 'blobs', 'sha256');
    assert.ok(fs.readdirSync(blobs).length >= 3, 'the layers of db and cache are cached');
    const noCache = workspace('registry-graph-nocache').env;
    const second = await pacto(['graph', '--no-cache', 'app'], { cwd, env: noCache });
    assertOk(second, 'no cache');
    assert.equal(second.stdout, first.stdout);
    assert.ok(!fs.existsSync(path.join(noCache.XDG_CACHE_HOME, 'pacto')));
  });
});

describe('graph with registry credentials (htpasswd)', () => {
  const PASSWORD = 'Graph-Pa55word-41c2';
  let registry;
  const { dir: ws, env } = workspace('registry-graph-auth');

  before(async () => {
    registry = await startRegistry({ auth: 'basic', users: { alice: { password: PASSWORD } } });
    await api.push(`oci://${registry.host}/acme/db`, { 'pacto.yaml': contract('db', '1.4.0') }, { credentials: { username: 'alice', password: PASSWORD } });
    fs.mkdirSync(path.join(ws, 'app'));
    fs.writeFileSync(path.join(ws, 'app', 'pacto.yaml'), contract('app', '1.0.0', [[`oci://${registry.host}/acme/db`, '^1.0.0']]));
  });
  after(async () => {
    if (registry) await registry.stop();
  });

  test('without credentials the dependency is an authentication error edge, exit 0', async () => {
    const run = await pacto(['graph', 'app'], { cwd: ws, env });
    assertOk(run, 'anonymous');
    assert.equal(
      run.stdout,
      `app@1.0.0\n└─ db (error: authentication failed for ${registry.host}: run \`pacto login ${registry.host}\`, or set PACTO_REGISTRY_HOST=${registry.host} with PACTO_REGISTRY_TOKEN (or PACTO_REGISTRY_USERNAME/PACTO_REGISTRY_PASSWORD))\n`,
    );
  });

  test('credentials from the environment are not for a registry only a contract names', async () => {
    const run = await pacto(['graph', 'app'], {
      cwd: ws,
      env: { ...env, PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD },
    });
    assertOk(run, 'withheld');
    assert.equal(
      run.stdout,
      `app@1.0.0\n└─ db (error: authentication failed for ${registry.host}: the PACTO_REGISTRY_* credentials are not sent to a registry only a contract names; to give ${registry.host} credentials, run \`pacto login ${registry.host}\` or set PACTO_REGISTRY_HOST=${registry.host})\n`,
    );
  });

  test('with PACTO_REGISTRY_HOST naming it, the environment credentials resolve it; no secret is printed', async () => {
    const run = await pacto(['graph', 'app'], {
      cwd: ws,
      env: { ...env, PACTO_REGISTRY_USERNAME: 'alice', PACTO_REGISTRY_PASSWORD: PASSWORD, PACTO_REGISTRY_HOST: registry.host },
    });
    assertOk(run, 'with credentials');
    assert.equal(run.stdout, 'app@1.0.0\n└─ db@1.4.0\n');
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD));
  });

  test('the API: registry credentials for the built-in client', async () => {
    const bundle = { 'pacto.yaml': fs.readFileSync(path.join(ws, 'app', 'pacto.yaml'), 'utf8') };
    const denied = await api.graph(bundle);
    assert.match(denied.root.dependencies[0].error, /^authentication failed for /);
    const allowed = await api.graph(bundle, { registry: { credentials: { username: 'alice', password: PASSWORD } } });
    assert.equal(allowed.tree, 'app@1.0.0\n└─ db@1.4.0\n');
  });
});
