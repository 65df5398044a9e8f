// `pacto diff` with dependencies (diff.md §8): both graphs are resolved from
// local directories, the dependencies present on both sides are diffed and
// count in the overall classification, the graph changes are reported, in
// every output format. Registry dependencies and the sibling-directory
// override are in registry-diff-deps.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import { PACTO_BIN, tempDir, writeFiles } from './helpers.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');
const { loadBundle } = require('../../npm/node.js');

/** A contract with one grpc interface on `port` and the given dependency refs. */
export function contract(name, version, port, deps = []) {
  let s = `pactoVersion: "1.0"\nservice:\n  name: ${name}\n  version: ${version}\ninterfaces:\n  - name: api\n    type: http\n    port: ${port}\n`;
  if (deps.length > 0) {
    s += 'dependencies:\n';
    for (const d of deps) s += `  - ref: "${d}"\n    required: true\n    compatibility: "^1.0.0"\n`;
  }
  return s;
}

function pacto(args, cwd) {
  const run = spawnSync(process.execPath, [PACTO_BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// old/{app,db,cache} -> new/{app,db,cache,queue}: db's port changes (breaking
// inside a dependency; the root contract's own changes are not breaking),
// queue is added, db and app change versions. old/app -> gone/app drops cache.
const ws = writeFiles(tempDir('diff-deps'), {
  'old/app/pacto.yaml': contract('app', '1.0.0', 8080, ['../db', '../cache']),
  'old/db/pacto.yaml': contract('db', '1.0.0', 5432),
  'old/cache/pacto.yaml': contract('cache', '1.0.0', 6379),
  'new/app/pacto.yaml': contract('app', '1.1.0', 8080, ['../db', '../cache', '../queue']),
  'new/db/pacto.yaml': contract('db', '1.1.0', 6432),
  'new/cache/pacto.yaml': contract('cache', '1.0.0', 6379),
  'new/queue/pacto.yaml': contract('queue', '1.0.0', 4222),
  'gone/app/pacto.yaml': contract('app', '1.0.0', 8080, ['../db']),
  'gone/db/pacto.yaml': contract('db', '1.0.0', 5432),
  // Same graph, nothing changed anywhere.
  'same/app/pacto.yaml': contract('app', '1.0.0', 8080, ['../db', '../cache']),
  'same/db/pacto.yaml': contract('db', '1.0.0', 5432),
  'same/cache/pacto.yaml': contract('cache', '1.0.0', 6379),
  // A dependency that does not parse on the new side: left out, never fatal.
  'broken/app/pacto.yaml': contract('app', '1.0.0', 8080, ['../db', '../cache']),
  'broken/db/pacto.yaml': 'service: [',
  'broken/cache/pacto.yaml': contract('cache', '1.0.0', 6379),
});

describe('diff: dependencies through the CLI', () => {
  test('text: root changes, the dependency block, the graph tree; exit 1 for a breaking dependency', () => {
    const run = pacto(['diff', 'old/app', 'new/app'], ws);
    assert.equal(run.status, 1, run.stderr);
    const text = run.stdout;
    assert.ok(text.startsWith('Classification: BREAKING\nChanges ('), text);
    assert.ok(
      text.includes(
        '\nDependency db [BREAKING] (2):\n' +
          '  [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.1.0]\n' +
          '  [BREAKING] interfaces.port (modified): interfaces.port modified [5432 -> 6432]\n',
      ),
      text,
    );
    assert.ok(
      text.endsWith(
        '\nDependency graph changes:\napp\n├─ db            1.0.0 → 1.1.0\n└─ queue         +1.0.0\n',
      ),
      text,
    );
    assert.equal(run.stderr, 'pacto: breaking changes detected\n');
  });

  test('json: dependencyDiffs and graphDiff in their own fields', () => {
    const run = pacto(['diff', 'old/app', 'new/app', '--output-format', 'json'], ws);
    assert.equal(run.status, 1);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(doc), ['classification', 'changes', 'warnings', 'dependencyDiffs', 'graphDiff', 'oldPath', 'newPath']);
    assert.equal(doc.classification, 'BREAKING');
    assert.ok(doc.changes.every((c) => c.classification !== 'BREAKING'), 'the root alone is not breaking');
    assert.equal(doc.dependencyDiffs.length, 1);
    const [db] = doc.dependencyDiffs;
    assert.deepEqual(Object.keys(db), ['name', 'classification', 'changes', 'warnings']);
    assert.equal(db.name, 'db');
    assert.deepEqual(
      db.changes.map((c) => [c.path, c.classification]),
      [
        ['service.version', 'NON_BREAKING'],
        ['interfaces.port', 'BREAKING'],
      ],
    );
    assert.deepEqual(doc.graphDiff.changes, [
      { name: 'db', changeType: 'version_changed', oldVersion: '1.0.0', newVersion: '1.1.0' },
      { name: 'queue', changeType: 'added', newVersion: '1.0.0' },
    ]);
    assert.equal(doc.graphDiff.root.name, 'app');
    assert.equal(doc.graphDiff.root.version, '1.1.0');
    assert.ok(!('tree' in doc.graphDiff), 'the tree text stays out of the JSON');
  });

  test('markdown: a section per dependency and the graph in a code block', () => {
    const run = pacto(['diff', 'old/app', 'new/app', '--output-format', 'markdown'], ws);
    assert.equal(run.status, 1);
    const md = run.stdout;
    assert.ok(md.includes('\n### Dependency: db (`BREAKING`)\n\n| Classification | Path | Type | Reason | Old | New |\n|---|---|---|---|---|---|\n'), md);
    assert.ok(md.includes('| BREAKING | `interfaces.port` | modified | interfaces.port modified | `5432` | `6432` |'), md);
    assert.ok(
      md.endsWith(
        '### Dependency Graph Changes\n\n```\napp\n├─ db            1.0.0 → 1.1.0\n└─ queue         +1.0.0\n```\n',
      ),
      md,
    );
  });

  test('github: a breaking change inside a dependency is an error annotation naming it', () => {
    const run = pacto(['diff', 'old/app', 'new/app', '--output-format', 'github'], ws);
    assert.equal(run.status, 1);
    assert.ok(
      run.stdout.includes('::error title=BREAKING dependency db%3A interfaces.port::interfaces.port modified [5432 -> 6432]\n'),
      run.stdout,
    );
    assert.ok(run.stdout.endsWith('Classification: BREAKING\n'));
  });

  test('a dropped dependency: removed in the graph, BREAKING in the root', () => {
    const run = pacto(['diff', 'old/app', 'gone/app'], ws);
    assert.equal(run.status, 1);
    assert.ok(run.stdout.includes('  [BREAKING] dependencies (removed): dependencies removed [- ../cache]\n'), run.stdout);
    assert.ok(run.stdout.endsWith('\nDependency graph changes:\napp\n└─ cache         -1.0.0\n'), run.stdout);
    assert.ok(!run.stdout.includes('\nDependency db'), 'db is unchanged');
  });

  test('identical graphs: "No changes detected." and an empty graph diff', () => {
    assert.equal(pacto(['diff', 'old/app', 'same/app'], ws).stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
    const doc = JSON.parse(pacto(['diff', 'old/app', 'same/app', '--output-format', 'json'], ws).stdout);
    assert.deepEqual(doc.dependencyDiffs, []);
    assert.deepEqual(doc.graphDiff, { root: { name: 'app', version: '1.0.0', children: [] }, changes: [] });
  });

  test('a dependency that cannot be parsed is left out, never fatal', () => {
    const run = pacto(['diff', 'old/app', 'broken/app', '--output-format', 'json'], ws);
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(doc.dependencyDiffs, []);
    // db is an error edge on the new side: the graph diff sees it as removed.
    assert.deepEqual(doc.graphDiff.changes, [{ name: 'db', changeType: 'removed', oldVersion: '1.0.0' }]);
  });

  test('a missing dependency directory is the same', () => {
    const run = pacto(['diff', 'old/db', 'new/db'], ws);
    assert.equal(run.status, 1, 'db alone: its own breaking port change');
    assert.ok(!run.stdout.includes('Dependency graph changes'), run.stdout);
  });
});

describe('diffWithDependencies (API)', () => {
  test('in-memory sources, the overall classification includes dependencies', async () => {
    const dirs = {
      'o/app': { 'pacto.yaml': contract('app', '1.0.0', 8080, ['../db']) },
      'o/db': { 'pacto.yaml': contract('db', '1.0.0', 5432) },
      'n/app': { 'pacto.yaml': contract('app', '1.0.0', 8080, ['../db']) },
      'n/db': { 'pacto.yaml': contract('db', '1.0.0', 5433) },
    };
    const local = (p) => {
      if (!dirs[p]) throw new Error(`no ${p}`);
      return dirs[p];
    };
    const result = await api.diffWithDependencies(dirs['o/app'], dirs['n/app'], {
      old: { root: 'o/app', local },
      new: { root: 'n/app', local: async (p) => local(p) },
    });
    assert.deepEqual(result.changes, []);
    assert.equal(result.classification, 'BREAKING');
    assert.equal(result.dependencyDiffs[0].name, 'db');
    assert.equal(result.graphDiff.tree, '');
    assert.deepEqual(result.graphDiff.changes, []);
  });

  test('without sources, dependencies fail to load and only the roots are compared', async () => {
    const a = loadBundle(path.join(ws, 'old/app'));
    const b = loadBundle(path.join(ws, 'new/app'));
    const result = await api.diffWithDependencies(a, b);
    assert.deepEqual(result.dependencyDiffs, []);
    assert.deepEqual(result.graphDiff.changes, []);
    assert.deepEqual(result.changes, api.diff(a, b).changes);
  });

  test('an unparseable root rejects with a DiffFailure naming the side', async () => {
    const good = { 'pacto.yaml': contract('app', '1.0.0', 8080) };
    await assert.rejects(api.diffWithDependencies(good, { 'pacto.yaml': 'service: [' }), (e) => {
      assert.equal(e.side, 'new');
      assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length > 0);
      return true;
    });
  });

  test('wrongly typed sources throw a TypeError', async () => {
    const good = { 'pacto.yaml': contract('app', '1.0.0', 8080) };
    await assert.rejects(api.diffWithDependencies(good, good, 'nope'), TypeError);
    await assert.rejects(api.diffWithDependencies(good, good, { siblings: 'yes' }), TypeError);
  });
});
