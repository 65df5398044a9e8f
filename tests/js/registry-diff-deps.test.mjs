// `pacto diff` with oci:// dependencies against a real registry (diff.md §8,
// oci-graph-cli §7.6): registry dependencies on both sides, tag-less refs
// resolved within their compatibility, the new side's sibling-directory
// override (and its absence for archives), and oci:// roots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { pacto, startRegistry } from '../registry/harness.mjs';
import { workspace } from '../registry/fixtures.mjs';

let registry;
const { dir: ws, env } = workspace('diff-deps');
const host = () => registry.host;

function contract(name, version, port, deps = []) {
  let s = `pactoVersion: "1.0"\nservice:\n  name: ${name}\n  version: ${version}\ninterfaces:\n  - name: api\n    type: http\n    port: ${port}\n`;
  if (deps.length > 0) {
    s += 'dependencies:\n';
    for (const [ref, compatibility] of deps) s += `  - ref: "${ref}"\n    required: true\n    compatibility: "${compatibility}"\n`;
  }
  return s;
}

function write(rel, text) {
  const file = path.join(ws, rel, 'pacto.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return path.join(ws, rel);
}

async function run(args) {
  return pacto(args, { cwd: ws, env });
}

async function push(rel, repo) {
  const r = await run(['push', `oci://${host()}/${repo}`, '-p', rel]);
  assert.equal(r.status, 0, `push ${rel}: ${r.stderr}`);
}

before(async () => {
  registry = await startRegistry();
  // db 1.0.0 and 1.1.0 (port changed: breaking), and 2.0.0 outside ^1.
  write('pub/db-1.0.0', contract('db', '1.0.0', 5432));
  write('pub/db-1.1.0', contract('db', '1.1.0', 6432));
  write('pub/db-2.0.0', contract('db', '2.0.0', 7432));
  for (const v of ['1.0.0', '1.1.0', '2.0.0']) await push(`pub/db-${v}`, 'org/db');
});
after(async () => {
  if (registry) await registry.stop();
});

describe('diff with registry dependencies', () => {
  test('pinned tags on both sides: the dependency diff and the version change', async () => {
    write('pinned/old/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/db:1.0.0`, '^1.0.0']]));
    write('pinned/new/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/db:1.1.0`, '^1.0.0']]));
    const r = await run(['diff', 'pinned/old/app', 'pinned/new/app', '--output-format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.classification, 'BREAKING');
    assert.deepEqual(
      doc.dependencyDiffs.map((d) => [d.name, d.classification, d.changes.map((c) => c.path)]),
      [['db', 'BREAKING', ['service.version', 'interfaces.port']]],
    );
    assert.deepEqual(doc.graphDiff.changes, [{ name: 'db', changeType: 'version_changed', oldVersion: '1.0.0', newVersion: '1.1.0' }]);
  });

  test('a tag-less ref resolves to the highest tag within compatibility', async () => {
    write('range/old/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/db:1.0.0`, '^1.0.0']]));
    write('range/new/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/db`, '^1.0.0']]));
    const r = await run(['diff', 'range/old/app', 'range/new/app']);
    assert.equal(r.status, 1, r.stderr);
    // 1.1.0, not 2.0.0 (outside ^1.0.0).
    assert.ok(r.stdout.includes('\nDependency graph changes:\napp\n└─ db            1.0.0 → 1.1.0\n'), r.stdout);
  });

  test('the new side takes a registry dependency from its sibling directory first', async () => {
    const dep = [[`oci://${host()}/org/db:1.0.0`, '^1.0.0']];
    write('sib/old/app', contract('app', '1.0.0', 8080, dep));
    write('sib/new/app', contract('app', '1.0.0', 8080, dep));
    // Work in progress next to the new app: same version, another port.
    write('sib/new/db', contract('db', '1.0.0', 9999));
    const r = await run(['diff', 'sib/old/app', 'sib/new/app']);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(
      r.stdout.includes('\nDependency db [BREAKING] (1):\n  [BREAKING] interfaces.port (modified): interfaces.port modified [5432 -> 9999]\n'),
      r.stdout,
    );
    // The old side never looks for siblings: swapping the sides finds the published db on the new one.
    write('sib/plain/app', contract('app', '1.0.0', 8080, dep));
    const back = await run(['diff', 'sib/new/app', 'sib/plain/app']);
    assert.equal(back.status, 0, back.stdout);
    assert.equal(back.stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
  });

  test('an archive on the new side gets no sibling override', async () => {
    const packed = path.join(ws, 'sib', 'new', 'app.tar.gz');
    const p = await run(['pack', 'sib/new/app', '-o', packed]);
    assert.equal(p.status, 0, p.stderr);
    const r = await run(['diff', 'sib/old/app', packed]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
  });

  test('a missing registry dependency is left out of the comparison, not fatal', async () => {
    write('missing/old/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/nope:1.0.0`, '^1.0.0']]));
    write('missing/new/app', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/nope:1.0.0`, '^1.0.0']]));
    const r = await run(['diff', 'missing/old/app', 'missing/new/app']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
  });

  test('oci:// roots on both sides', async () => {
    write('roots/app-1', contract('app', '1.0.0', 8080, [[`oci://${host()}/org/db:1.0.0`, '^1.0.0']]));
    write('roots/app-2', contract('app', '2.0.0', 8080, [[`oci://${host()}/org/db:1.1.0`, '^1.0.0']]));
    await push('roots/app-1', 'org/app');
    await push('roots/app-2', 'org/app');
    const r = await run(['diff', `oci://${host()}/org/app:1.0.0`, `oci://${host()}/org/app:2.0.0`, '--output-format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.dependencyDiffs.map((d) => d.name), ['db']);
    assert.equal(doc.graphDiff.root.version, '2.0.0');
  });
});
