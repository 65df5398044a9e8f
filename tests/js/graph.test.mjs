// graph(): the JS API over in-memory sources, and `pacto graph` on local
// layouts. The fixture layouts are the core's (core/tests/graph_fixtures/<case>/tree,
// with the expected tree and JSON next to them): the CLI, reading the same
// directories from disk, must print exactly what the core's tests expect.
// Registry dependencies are in registry-graph.test.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import { ROOT, pacto, tempDir, writeFiles } from './helpers.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

const FIXTURES = path.join(ROOT, 'core', 'tests', 'graph_fixtures');

/** A contract text; deps: [ref, { required?, compatibility? }] or a bare ref. */
function contract(name, version = '1.0.0', deps = []) {
  let text = `pactoVersion: "1.0"\nservice:\n  name: ${name}\n  version: ${version}\n`;
  if (deps.length > 0) {
    text += 'dependencies:\n';
    for (const dep of deps) {
      const [ref, opts = {}] = Array.isArray(dep) ? dep : [dep];
      text += `  - ref: ${ref}\n    required: ${opts.required ?? true}\n    compatibility: "${opts.compatibility ?? '^1.0.0'}"\n`;
    }
  }
  return text;
}

/** A source serving directory path -> contract text from a Map; records the paths asked for. */
function memorySource(dirs, extra = {}) {
  const asked = [];
  return {
    asked,
    source: {
      local: (p) => {
        asked.push(p);
        const text = dirs.get(p);
        if (text === undefined) throw new Error(`failed to access ${p}: no such file or directory`);
        return { 'pacto.yaml': text };
      },
      ...extra,
    },
  };
}

function edges(node) {
  return node.dependencies.map((e) => [e.ref, e.node ? `${e.node.name}@${e.node.version}` : `error: ${e.error}`, e.shared]);
}

describe('graph() API', () => {
  test('a chain, a diamond and a shared node: tree, JSON, DOT, Mermaid', async () => {
    const dirs = new Map([
      ['app', contract('app', '1.0.0', ['../api', '../worker'])],
      ['api', contract('api', '1.0.0', ['../db'])],
      ['worker', contract('worker', '1.0.0', ['../db'])],
      ['db', contract('db', '2.0.0')],
    ]);
    const { source, asked } = memorySource(dirs, { root: 'app' });
    const result = await api.graph({ 'pacto.yaml': dirs.get('app') }, source);
    assert.deepEqual(Object.keys(result), ['root', 'cycles', 'conflicts', 'warnings', 'tree', 'dot', 'mermaid']);
    const drawn = await api.graph({ 'pacto.yaml': dirs.get('app') }, memorySource(dirs, { root: 'app' }).source, { svg: true });
    assert.match(drawn.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="pacto-graph" data-layout="layered"/);
    assert.deepEqual([...drawn.svg.matchAll(/data-node="(\d+)"/g)].map((m) => m[1]), ['0', '1', '2', '3']);
    await assert.rejects(api.graph({ 'pacto.yaml': dirs.get('app') }, source, { svg: 'yes' }), /options\.svg must be a boolean/);
    assert.equal(
      result.tree,
      [
        'app@1.0.0',
        '├─ api@1.0.0 [local]',
        '│  └─ db@2.0.0 [local]',
        '└─ worker@1.0.0 [local]',
        '   └─ db@2.0.0 [local] (shared)',
        '',
      ].join('\n'),
    );
    assert.deepEqual(asked, ['api', 'worker', 'db'], 'each bundle loaded once, breadth-first');
    assert.equal(result.root.name, 'app');
    assert.equal(result.root.ref, undefined, 'the root has no ref');
    assert.deepEqual(edges(result.root), [
      ['../api', 'api@1.0.0', false],
      ['../worker', 'worker@1.0.0', false],
    ]);
    const api_ = result.root.dependencies[0];
    assert.deepEqual(
      { ref: api_.ref, required: api_.required, compatibility: api_.compatibility, local: api_.local },
      { ref: '../api', required: true, compatibility: '^1.0.0', local: true },
    );
    const shared = result.root.dependencies[1].node.dependencies[0];
    assert.equal(shared.shared, true);
    assert.deepEqual(shared.node.dependencies, [], 'a shared node is shown without its dependencies');
    assert.deepEqual(result.cycles, []);
    assert.deepEqual(result.conflicts, []);
    assert.deepEqual(result.warnings, []);
    assert.match(result.dot, /^digraph dependencies \{\n/);
    assert.match(result.dot, /"db@2\.0\.0\\n\[local\]"/);
    assert.match(result.mermaid, /^graph TD\n/);
    assert.match(result.mermaid, /\["db@2\.0\.0"\]/);
  });

  test('missing, unparseable, contract-less and optional dependencies are error edges, never a rejection', async () => {
    const dirs = new Map([
      ['app', contract('app', '1.0.0', ['../missing', '../broken', ['../opt', { required: false }], '../empty'])],
      ['broken', 'pactoVersion: "1.0"\nservice:\n  name: broken\n  version: 1.0.0\n  colour: blue\n'],
      ['opt', contract('opt')],
    ]);
    const source = {
      root: 'app',
      local: async (p) => {
        if (p === 'empty') return { 'README.md': 'no contract here' };
        const text = dirs.get(p);
        if (text === undefined) return Promise.reject(new Error(`failed to access ${p}: no such file or directory`));
        return { 'pacto.yaml': text };
      },
    };
    const result = await api.graph({ 'pacto.yaml': dirs.get('app') }, source);
    assert.deepEqual(edges(result.root), [
      ['../missing', 'error: failed to access missing: no such file or directory', false],
      [
        '../broken',
        'error: failed to parse broken/pacto.yaml: line 5, column 3: unknown field `colour` in service (allowed: name, version, owner, image)',
        false,
      ],
      ['../opt', 'opt@1.0.0', false],
      ['../empty', 'error: no pacto.yaml found in empty', false],
    ]);
    assert.equal(result.root.dependencies[2].required, false);
    assert.match(result.tree, /├─ missing \(error: failed to access missing: no such file or directory\)\n/);
  });

  test('self and long cycles, conflicts', async () => {
    const dirs = new Map([
      ['app', contract('app', '1.0.0', ['../a', '../cache'])],
      ['a', contract('a', '1.0.0', ['../a', '../b'])],
      ['b', contract('b', '1.0.0', ['../app', ['../cache2']])],
      ['cache', contract('cache', '1.0.0')],
      ['cache2', contract('cache', '2.0.0')],
    ]);
    const { source } = memorySource(dirs, { root: 'app' });
    const result = await api.graph({ 'pacto.yaml': dirs.get('app') }, source);
    assert.deepEqual(result.cycles, [
      ['app', '../a', '../a'],
      ['app', '../a', '../b', '../app'],
    ]);
    assert.deepEqual(result.conflicts, [{ name: 'cache', versions: ['cache@1.0.0', 'cache@2.0.0'] }]);
    assert.match(result.tree, /a \(error: cycle detected: \.\.\/a\)/);
    assert.match(result.tree, /\nCycles \(2\):\n  app -> \.\.\/a -> \.\.\/a\n  app -> \.\.\/a -> \.\.\/b -> \.\.\/app\n/);
    assert.match(result.tree, /\nConflicts \(1\):\n  cache: \[cache@1\.0\.0 cache@2\.0\.0\]\n$/);
  });

  test('relative refs are joined onto the declaring bundle directory, at every depth', async () => {
    const dirs = new Map([
      ['repo/services/app', contract('app', '1.0.0', ['./modules/auth', 'file://../db'])],
      ['repo/services/app/modules/auth', contract('auth', '1.0.0', ['../../../../platform/log', '../../../db'])],
      ['repo/services/db', contract('db')],
      ['repo/platform/log', contract('log')],
    ]);
    const { source, asked } = memorySource(dirs, { root: './repo/services/app/' });
    const result = await api.graph({ 'pacto.yaml': dirs.get('repo/services/app') }, source);
    assert.deepEqual(asked, ['repo/services/app/modules/auth', 'repo/services/db', 'repo/platform/log']);
    assert.equal(
      result.tree,
      [
        'app@1.0.0',
        '├─ auth@1.0.0 [local]',
        '│  ├─ log@1.0.0 [local]',
        '│  └─ db@1.0.0 [local] (shared)',
        '└─ db@1.0.0 [local]',
        '',
      ].join('\n'),
    );
  });

  test('an absolute root: loaders get absolute paths', async () => {
    const dirs = new Map([
      ['/w/app', contract('app', '1.0.0', ['../db'])],
      ['/w/db', contract('db')],
    ]);
    const { source, asked } = memorySource(dirs, { root: '/w/app' });
    await api.graph({ 'pacto.yaml': dirs.get('/w/app') }, source);
    assert.deepEqual(asked, ['/w/db']);
  });

  test('siblings are loaded concurrently; the graph keeps declaration order whatever finishes first', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const dirs = new Map([['app', contract('app', '1.0.0', names.map((n) => `../${n}`))], ...names.map((n) => [n, contract(n)])]);
    let inFlight = 0;
    let most = 0;
    const source = {
      root: 'app',
      local: (p) =>
        new Promise((resolve) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          // The first declared answers last.
          setTimeout(() => {
            inFlight -= 1;
            resolve({ 'pacto.yaml': dirs.get(p) });
          }, 40 - 10 * names.indexOf(p));
        }),
    };
    const result = await api.graph({ 'pacto.yaml': dirs.get('app') }, source);
    assert.equal(most, names.length, 'all four siblings were in flight at once');
    assert.deepEqual(
      result.root.dependencies.map((e) => e.node.name),
      names,
    );
  });

  test('the oci loader gets the location and, for a tag-less ref only, the compatibility', async () => {
    const calls = [];
    const app = contract('app', '1.0.0', [
      ['oci://reg.example/team/db', { compatibility: '^1.2.0' }],
      ['oci://reg.example/team/cache:2.0.0', { compatibility: '^2.0.0' }],
    ]);
    const result = await api.graph(
      { 'pacto.yaml': app },
      {
        oci: async (ref, constraint) => {
          calls.push([ref, constraint]);
          return { 'pacto.yaml': contract(ref.includes('db') ? 'db' : 'cache', ref.includes('db') ? '1.4.0' : '2.0.0') };
        },
      },
    );
    assert.deepEqual(calls, [
      ['reg.example/team/db', '^1.2.0'],
      ['reg.example/team/cache:2.0.0', ''],
    ]);
    assert.equal(result.tree, 'app@1.0.0\n├─ db@1.4.0\n└─ cache@2.0.0\n');
    assert.equal(result.root.dependencies[0].local, false);
  });

  test('loader failures of any shape become the edge message', async () => {
    const app = contract('app', '1.0.0', ['../a', '../b', '../c', '../d']);
    const result = await api.graph(
      { 'pacto.yaml': app },
      {
        local: (p) => {
          if (p === '../a') throw new TypeError('thrown');
          if (p === '../b') return Promise.reject('a plain string');
          if (p === '../c') return 42;
          return { 'pacto.yaml': 17 };
        },
      },
    );
    const errors = result.root.dependencies.map((e) => e.error);
    assert.equal(errors[0], 'thrown');
    assert.equal(errors[1], 'a plain string');
    assert.match(errors[2], /^the loader did not return a bundle: bundle must be an object/);
    assert.match(errors[3], /^the loader did not return a bundle: bundle entry "pacto\.yaml" must be a string or a Uint8Array/);
  });

  test('no source: local dependencies say a loader is needed; the root is "."', async () => {
    const result = await api.graph({ 'pacto.yaml': contract('app', '1.0.0', ['../db', 'db2']) });
    assert.deepEqual(
      result.root.dependencies.map((e) => e.error),
      [
        '../db: local dependencies need a `local` loader in the BundleSource',
        'db2: local dependencies need a `local` loader in the BundleSource',
      ],
    );
  });

  test('a root that does not parse rejects with its diagnostics; a malformed source with a TypeError', async () => {
    await assert.rejects(api.graph({ 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: x\n  colour: blue\n' }), (error) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /^pacto\.yaml could not be parsed: /);
      assert.ok(error.diagnostics.length >= 1);
      assert.ok(error.diagnostics.every((d) => d.code === 'PARSE_ERROR'));
      return true;
    });
    await assert.rejects(api.graph({}), (error) => error.diagnostics[0].message.includes('no pacto.yaml'));
    const bundle = { 'pacto.yaml': contract('app') };
    await assert.rejects(api.graph(bundle, { local: 'no' }), { name: 'TypeError', message: 'source.local must be a function' });
    await assert.rejects(api.graph(bundle, { oci: 1 }), { name: 'TypeError', message: 'source.oci must be a function' });
    await assert.rejects(api.graph(bundle, { root: 7 }), { name: 'TypeError', message: 'source.root must be a string' });
    await assert.rejects(api.graph(bundle, 'here'), { name: 'TypeError' });
    await assert.rejects(api.graph(bundle, { registry: { plainHttp: 'yes' } }), { name: 'TypeError' });
    await assert.rejects(api.graph('not a bundle'), /bundle must be an object/);
  });
});

// ---------------------------------------------------------------------------
// The CLI on the core's fixture layouts.

function fixtureCases() {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(FIXTURES, e.name, 'tree')))
    .map((e) => {
      const dir = path.join(FIXTURES, e.name);
      const rootFile = path.join(dir, 'root.txt');
      const root = fs.existsSync(rootFile) ? fs.readFileSync(rootFile, 'utf8').trim() : 'app';
      const expected = fs.readFileSync(path.join(dir, 'expected.txt'), 'utf8');
      // Registry refs need a registry: those cases are in registry-graph.test.mjs.
      const usesRegistry = /ref:\s*["']?oci:\/\//.test(
        fs
          .readdirSync(path.join(dir, 'tree'), { recursive: true })
          .filter((f) => f.endsWith('pacto.yaml'))
          .map((f) => fs.readFileSync(path.join(dir, 'tree', f), 'utf8'))
          .join('\n'),
      );
      return { name: e.name, dir, tree: path.join(dir, 'tree'), root, expected, usesRegistry };
    });
}

/** Parses an SVG document with Python's XML parser (a real parser, no npm dependency). */
function parseSvg(text) {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
ns = '{http://www.w3.org/2000/svg}'
out = {'root': root.tag, 'layout': root.get('data-layout'), 'title': root.find(ns + 'title').text, 'nodes': [], 'edges': []}
for g in root.iter(ns + 'g'):
    if g.get('data-node') is not None:
        out['nodes'].append({'index': int(g.get('data-node')), 'classes': g.get('class').split(), 'texts': [t.text for t in g.findall(ns + 'text')]})
    if g.get('data-from') is not None:
        assert g.find(ns + 'path') is not None
        out['edges'].append({'from': int(g.get('data-from')), 'to': int(g.get('data-to')), 'classes': g.get('class').split()})
print(json.dumps(out))
`;
  const run = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  assert.equal(run.status, 0, `not well-formed SVG: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function assertRun(run, status, what) {
  assert.equal(run.status, status, `${what}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

describe('pacto graph on the core fixture layouts', () => {
  const cases = fixtureCases();
  test('the fixtures are there', () => {
    assert.ok(cases.length >= 15, `only ${cases.length} fixture cases`);
    for (const name of ['chain-bare', 'file-scheme', 'nested-layout', 'diamond', 'self-cycle', 'long-cycle', 'mutual-siblings', 'conflict', 'failures', 'shared-failure']) {
      assert.ok(cases.some((c) => c.name === name), `fixture ${name}`);
    }
  });
  for (const c of cases.filter((x) => !x.usesRegistry)) {
    test(`${c.name}: text and JSON exactly as the core expects, exit 0`, () => {
      const text = pacto(['graph', c.root], { cwd: c.tree });
      assertRun(text, 0, c.name);
      assert.equal(text.stdout, c.expected);
      assert.equal(text.stderr, '');
      const json = pacto(['graph', '--output-format', 'json', c.root], { cwd: c.tree });
      assertRun(json, 0, c.name);
      assert.equal(json.stdout, fs.readFileSync(path.join(c.dir, 'expected.json'), 'utf8'));
    });
  }

  test('nested layout from another directory, and with an absolute root: same tree', () => {
    const tree = path.join(FIXTURES, 'nested-layout', 'tree');
    const expected = fs.readFileSync(path.join(FIXTURES, 'nested-layout', 'expected.txt'), 'utf8');
    const fromRepo = pacto(['graph', path.relative(ROOT, path.join(tree, 'services', 'app'))], { cwd: ROOT });
    assertRun(fromRepo, 0, 'relative');
    assert.equal(fromRepo.stdout, expected);
    const absolute = pacto(['graph', path.join(tree, 'services', 'app', 'pacto.yaml')], { cwd: tempDir('elsewhere') });
    assertRun(absolute, 0, 'absolute contract file');
    assert.equal(absolute.stdout, expected);
    const fileScheme = pacto(['graph', 'file://services/app'], { cwd: tree });
    assertRun(fileScheme, 0, 'file://');
    assert.equal(fileScheme.stdout, expected);
  });

  test('failures: the error edges with the paths as joined from the working directory', () => {
    const run = pacto(['graph', 'core/tests/graph_fixtures/failures/tree/app'], { cwd: ROOT });
    assertRun(run, 0, 'failures');
    const base = 'core/tests/graph_fixtures/failures/tree';
    assert.equal(
      run.stdout,
      [
        'app@1.0.0',
        `├─ missing (error: failed to access ${base}/missing: no such file or directory)`,
        `├─ broken (error: failed to parse ${base}/broken/pacto.yaml: line 5, column 3: unknown field \`colour\` in service (allowed: name, version, owner, image))`,
        `├─ no-contract (error: no pacto.yaml found in ${base}/no-contract)`,
        '├─ opt@1.0.0 [local]',
        `└─ opt-missing (error: failed to access ${base}/opt-missing: no such file or directory)`,
        '',
      ].join('\n'),
    );
  });
});

describe('pacto graph: formats, layouts and exit codes', () => {
  function layout() {
    const cwd = tempDir('graph-layout');
    writeFiles(cwd, {
      'deep/a/b/app/pacto.yaml': contract('app', '1.0.0', ['../../../../db', './lib', ['../not-a-dir', { required: false }]]),
      'deep/a/b/app/lib/pacto.yaml': contract('lib', '1.0.0', ['../../../../../db']),
      'deep/a/b/not-a-dir': 'a file',
      'db/pacto.yaml': contract('db', '1.1.0'),
    });
    return cwd;
  }

  test('text: a nested layout at different depths, a dependency that is a file', () => {
    const cwd = layout();
    const run = pacto(['graph', 'deep/a/b/app'], { cwd });
    assertRun(run, 0, 'graph');
    assert.equal(
      run.stdout,
      [
        'app@1.0.0',
        '├─ db@1.1.0 [local]',
        '├─ lib@1.0.0 [local]',
        '│  └─ db@1.1.0 [local] (shared)',
        '└─ not-a-dir (error: deep/a/b/not-a-dir is not a directory)',
        '',
      ].join('\n'),
    );
  });

  test('json: the graph without the renderings; markdown: a mermaid block; dot; github = text', () => {
    const cwd = layout();
    const json = pacto(['--output-format', 'json', 'graph', 'deep/a/b/app'], { cwd });
    assertRun(json, 0, 'json');
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(doc), ['root', 'cycles', 'conflicts', 'warnings']);
    assert.deepEqual(doc.root.dependencies.map((e) => e.node?.name ?? e.error), ['db', 'lib', 'deep/a/b/not-a-dir is not a directory']);
    assert.ok(json.stdout.endsWith('}\n'));

    const md = pacto(['graph', '--output-format', 'markdown', 'deep/a/b/app'], { cwd });
    assertRun(md, 0, 'markdown');
    assert.match(md.stdout, /^```mermaid\ngraph TD\n[\s\S]*\n```\n$/);
    assert.match(md.stdout, /\["lib@1\.0\.0"\]/);

    const dot = pacto(['graph', 'deep/a/b/app'], { cwd, env: { PACTO_OUTPUT_FORMAT: 'dot' } });
    assertRun(dot, 0, 'dot');
    assert.match(dot.stdout, /^digraph dependencies \{\n[\s\S]*\}\n$/);

    const github = pacto(['graph', '--output-format', 'github', 'deep/a/b/app'], { cwd });
    assertRun(github, 0, 'github');
    assert.equal(github.stdout, pacto(['graph', 'deep/a/b/app'], { cwd }).stdout);
  });

  test('svg: a well-formed SVG document with every node and every declared edge', () => {
    const cwd = layout();
    const run = pacto(['graph', '--output-format', 'svg', 'deep/a/b/app'], { cwd });
    assertRun(run, 0, 'svg');
    const drawn = parseSvg(run.stdout);
    assert.equal(drawn.root, '{http://www.w3.org/2000/svg}svg');
    assert.equal(drawn.layout, 'layered');
    // app, db, lib and the failed not-a-dir; lib's edge to the shared db is drawn too.
    assert.deepEqual(drawn.nodes.map((n) => n.texts[0]), ['app', 'db', 'lib', 'not-a-dir']);
    assert.deepEqual(drawn.nodes.map((n) => n.texts[1]), ['1.0.0', '1.1.0 · local · shared', '1.0.0 · local', 'deep/a/b/not-a-dir is not a direc…']);
    assert.deepEqual(drawn.edges.map((e) => [e.from, e.to]), [[0, 1], [0, 2], [0, 3], [2, 1]]);
    assert.ok(drawn.nodes[0].classes.includes('pacto-root'));
    assert.ok(drawn.nodes[1].classes.includes('pacto-shared'));
    assert.ok(drawn.nodes[3].classes.includes('pacto-failed'));
    assert.ok(drawn.edges[2].classes.includes('pacto-error'));
    assert.match(drawn.title, /^Dependency graph of app@1\.0\.0: 4 services, 4 dependencies$/);
    // Only on request: the other formats do not pay for the layout.
    assert.equal(pacto(['graph', '--output-format', 'json', 'deep/a/b/app'], { cwd }).stdout.includes('<svg'), false);
  });

  test('svg on every fixture layout: every node of the JSON graph is drawn, cycles and conflicts marked', () => {
    for (const c of fixtureCases().filter((x) => !x.usesRegistry)) {
      const svg = pacto(['graph', '--output-format', 'svg', c.root], { cwd: c.tree });
      assertRun(svg, 0, c.name);
      const drawn = parseSvg(svg.stdout);
      const json = JSON.parse(pacto(['graph', '--output-format', 'json', c.root], { cwd: c.tree }).stdout);
      let declared = 0;
      const walk = (node) => {
        for (const edge of node.dependencies) {
          declared += 1;
          if (edge.node) walk(edge.node);
        }
      };
      walk(json.root);
      assert.equal(drawn.edges.length, declared, `${c.name}: edges`);
      assert.equal(drawn.nodes[0].texts[0], json.root.name, c.name);
      assert.equal(drawn.edges.filter((e) => e.classes.includes('pacto-cycle')).length > 0, json.cycles.length > 0, `${c.name}: cycles`);
      assert.equal(drawn.nodes.some((n) => n.classes.includes('pacto-conflict')), json.conflicts.length > 0, `${c.name}: conflicts`);
    }
  });

  test('no argument: the current directory', () => {
    const cwd = layout();
    const run = pacto(['graph'], { cwd: path.join(cwd, 'deep', 'a', 'b', 'app') });
    assertRun(run, 0, 'graph .');
    assert.match(run.stdout, /^app@1\.0\.0\n├─ db@1\.1\.0 \[local\]\n/);
  });

  test('a .tar.gz root: its local refs start at the archive directory', () => {
    const cwd = tempDir('graph-archive');
    writeFiles(cwd, { 'db/pacto.yaml': contract('db', '3.0.0') });
    const archive = api.pack({ 'pacto.yaml': contract('app', '1.0.0', [['../db', { compatibility: '^3.0.0' }], './db']) });
    fs.mkdirSync(path.join(cwd, 'dist'));
    fs.writeFileSync(path.join(cwd, 'dist', 'app-1.0.0.tar.gz'), archive);
    writeFiles(cwd, { 'dist/db/pacto.yaml': contract('db', '3.1.0') });
    const run = pacto(['graph', 'dist/app-1.0.0.tar.gz'], { cwd });
    assertRun(run, 0, 'archive');
    assert.equal(
      run.stdout,
      'app@1.0.0\n├─ db@3.0.0 [local]\n└─ db@3.1.0 [local]\n\nConflicts (1):\n  db: [db@3.0.0 db@3.1.0]\n',
    );
  });

  test('the examples: every one resolves, exit 0; full has its local dependency resolved', () => {
    for (const name of fs.readdirSync(path.join(ROOT, 'examples'))) {
      const dir = path.join('examples', name);
      if (!fs.existsSync(path.join(ROOT, dir, 'pacto.yaml'))) continue;
      const run = pacto(['graph', '--output-format', 'json', dir]);
      assertRun(run, 0, dir);
      const graph = JSON.parse(run.stdout);
      assert.ok(graph.root.name.length > 0);
      for (const edge of graph.root.dependencies) {
        // Registry refs of the examples point at ghcr.io/acme, which does not serve them.
        if (!edge.local) assert.equal(typeof edge.error, 'string', `${dir}: ${edge.ref}`);
      }
    }
    const full = JSON.parse(pacto(['graph', '--output-format', 'json', 'examples/full']).stdout);
    const local = full.root.dependencies.find((e) => e.ref === 'file://../stateless-http-api');
    assert.equal(local.node.name, 'product-catalog');
    assert.equal(local.local, true);
    assert.equal(local.required, false);
  });

  test('a root that cannot be loaded or parsed: nothing on stdout, the reason on stderr, exit 2', () => {
    const cwd = tempDir('graph-bad-root');
    writeFiles(cwd, {
      'broken/pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: broken\n  version: 1.0.0\n  colour: blue\n',
      'empty/': '',
    });
    const missing = pacto(['graph', 'nowhere'], { cwd });
    assertRun(missing, 2, 'missing');
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^pacto: nowhere: no such file or directory\n/);

    const empty = pacto(['graph', 'empty'], { cwd });
    assertRun(empty, 2, 'no pacto.yaml');
    assert.match(empty.stderr, /no pacto\.yaml found in empty/);

    const broken = pacto(['graph', '--output-format', 'json', 'broken'], { cwd });
    assertRun(broken, 2, 'unparseable');
    assert.equal(broken.stdout, '');
    assert.equal(
      broken.stderr,
      'pacto: broken/pacto.yaml cannot be parsed\n' +
        'broken/pacto.yaml:5:3: error PARSE_ERROR service.colour: unknown field `colour` in service (allowed: name, version, owner, image)\n',
    );
  });

  test('usage errors: exit 2', () => {
    const two = pacto(['graph', 'a', 'b']);
    assertRun(two, 2, 'two args');
    assert.match(two.stderr, /graph accepts at most 1 arg\(s\), received 2/);
    const format = pacto(['graph', '--output-format', 'yaml', '.']);
    assertRun(format, 2, 'format');
    assert.match(format.stderr, /must be one of text, json, markdown, github, dot, svg/);
    const help = pacto(['graph', '--help']);
    assertRun(help, 0, 'help');
    assert.match(help.stdout, /^Resolve and show the dependency graph\n/);
    assert.match(help.stdout, /text, json, markdown, github, dot, svg/);
  });
});

describe('the JSON of deep graphs', () => {
  const { stringifyPretty } = require('../../npm/cli/commands/graph.js');

  test('stringifyPretty writes what JSON.stringify(v, null, 2) writes', () => {
    const samples = [
      { a: 1, b: [1, { c: 'x"\n\u0001é' }, []], d: {}, e: null, f: true, g: undefined, h: -0.5 },
      [],
      {},
      'text',
      { root: { name: 'app', dependencies: [{ ref: '../a', node: { dependencies: [] }, shared: false }] }, cycles: [['a', 'b']] },
    ];
    const original = JSON.stringify;
    for (const value of samples) {
      const want = original(value, null, 2);
      // The fallback path: as if the native stringify had run out of stack.
      JSON.stringify = (v, r, i) => {
        if (i === 2) throw new RangeError('Maximum call stack size exceeded');
        return original(v, r, i);
      };
      let got;
      try {
        got = stringifyPretty(value);
      } finally {
        JSON.stringify = original;
      }
      assert.equal(got, want);
    }
  });

  test('stringifyPretty goes deeper than the native JSON.stringify', () => {
    const depth = 3000;
    const deep = {};
    let cur = deep;
    for (let i = 0; i < depth; i += 1) {
      cur.a = [{}];
      cur = cur.a[0];
    }
    assert.throws(() => JSON.stringify(deep, null, 2), RangeError, 'the native stringify overflows at this depth');
    const text = stringifyPretty(deep);
    let back = JSON.parse(text);
    let n = 0;
    while (back.a) {
      back = back.a[0];
      n += 1;
    }
    assert.equal(n, depth);
  });

  test('graph() of a long chain: the result object is built without recursion', async () => {
    const n = 3000;
    const dirs = new Map(Array.from({ length: n }, (_, i) => [`s${i}`, contract(`s${i}`, '1.0.0', i + 1 < n ? [`../s${i + 1}`] : [])]));
    const result = await api.graph({ 'pacto.yaml': dirs.get('s0') }, { root: 's0', local: (p) => ({ 'pacto.yaml': dirs.get(p) }) });
    let node = result.root;
    let depth = 0;
    while (node.dependencies.length > 0) {
      node = node.dependencies[0].node;
      depth += 1;
    }
    assert.equal(depth, n - 1);
    assert.equal(node.name, `s${n - 1}`);
  });
});
