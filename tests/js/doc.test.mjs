// doc(): the JS API and `pacto doc`. The complete document of a rich layout is
// the core's pinned core/tests/graph_fixtures/doc-full/doc.md: the API (over an
// in-memory source) and the CLI (reading the same tree from disk) must give it
// byte for byte. Each section is then checked on examples/full.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import { ROOT, pacto, tempDir, writeFiles } from './helpers.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/index.js');

const DOC_FULL = path.join(ROOT, 'core', 'tests', 'graph_fixtures', 'doc-full');
const EXPECTED = fs.readFileSync(path.join(DOC_FULL, 'doc.md'), 'utf8');

/** Every file under dir, keyed by slash-separated relative path. */
function readTree(dir) {
  const out = {};
  for (const rel of fs.readdirSync(dir, { recursive: true })) {
    const abs = path.join(dir, rel);
    if (fs.statSync(abs).isFile()) out[rel.split(path.sep).join('/')] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}

/** An in-memory source over a directory tree: each directory is the bundle of the files below it. */
function treeSource(dir, root) {
  const files = readTree(dir);
  const bundleOf = (p) => {
    const prefix = `${p}/`;
    const bundle = {};
    for (const [key, text] of Object.entries(files)) if (key.startsWith(prefix)) bundle[key.slice(prefix.length)] = text;
    return bundle;
  };
  return {
    root: bundleOf(root),
    source: {
      root,
      local: (p) => {
        const bundle = bundleOf(p);
        if (Object.keys(bundle).length === 0) throw new Error(`failed to access ${p}: no such file or directory`);
        return bundle;
      },
      oci: (ref) => Promise.reject(new Error(`oci://${ref}: artifact not found`)),
    },
  };
}

function assertRun(run, status, what) {
  assert.equal(run.status, status, `${what}: exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

/** The lines of the section that starts with `heading`, up to the next heading of the same or a higher level. */
function section(markdown, heading) {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `no "${heading}" in the document`);
  const level = heading.match(/^#+/)[0].length;
  let end = lines.length;
  let fenced = false;
  for (let i = start + 1; i < lines.length; i += 1) {
    if (lines[i].startsWith('```')) fenced = !fenced;
    const m = !fenced && /^(#+) /.exec(lines[i]);
    if (m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end);
}

describe('doc() API', () => {
  test('the doc-full layout over an in-memory source: exactly the core document', async () => {
    const { root, source } = treeSource(path.join(DOC_FULL, 'tree'), 'app');
    assert.equal(await api.doc(root, source), EXPECTED);
  });

  test('a dependency that cannot be loaded is listed but gets no section; a root that does not parse rejects', async () => {
    const app = 'pactoVersion: "1.0"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ../gone\n    required: true\n    compatibility: "^1.0.0"\n';
    const markdown = await api.doc({ 'pacto.yaml': app }, { root: 'app', local: (p) => Promise.reject(new Error(`${p}: gone`)) });
    assert.match(markdown, /^# app\n\n\*\*app\*\* `v1\.0\.0` with 1 dependency\.\n/);
    assert.match(markdown, /\| `\.\.\/gone` \| `\^1\.0\.0` \| Yes \|/);
    assert.ok(!markdown.includes('<details'), 'no details for an unresolved dependency');
    await assert.rejects(api.doc({ 'pacto.yaml': 'service: 3\n' }), (error) => Array.isArray(error.diagnostics) && error.diagnostics.length > 0);
  });

  test('no source: the document of the bundle alone', async () => {
    const markdown = await api.doc({ 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: solo\n  version: 0.1.0\n' });
    assert.match(markdown, /^# solo\n/);
    assert.match(markdown, /subgraph solo\["solo v0\.1\.0"\]/);
  });
});

describe('pacto doc', () => {
  test('doc-full from disk: exactly the core document, exit 0, nothing on stderr', () => {
    const run = pacto(['doc', 'app'], { cwd: path.join(DOC_FULL, 'tree') });
    assertRun(run, 0, 'doc');
    assert.equal(run.stdout, EXPECTED);
    assert.equal(run.stderr, '');
  });

  test('examples/full: every section', () => {
    const run = pacto(['doc', 'examples/full']);
    assertRun(run, 0, 'doc examples/full');
    const md = run.stdout;

    // Title, summary sentences, concept table, reference line.
    assert.match(
      md,
      /^# order-service\n\n\*\*order-service\*\* `v1\.8\.0` is a `hybrid` `service` workload exposing 3 interfaces with 3 dependencies\. Owned by `team\/orders`, packaged as `ghcr\.io\/acme\/order-service:1\.8\.0` \(`private`\), scales from `3` to `20` replicas\.\n\n\| Concept \| Value \| Description \|\n/,
    );
    for (const row of ['Workload', 'State', 'Persistence scope', 'Persistence durability', 'Data criticality', 'Upgrade strategy', 'Graceful shutdown']) {
      assert.match(md, new RegExp(`^\\| \\*\\*${row}\\*\\* \\| \`[^\`]+\` \\| [A-Z][^|]+ \\|$`, 'm'), row);
    }
    assert.match(md, /\nFor more information on contract concepts, see the \[Contract Reference\]\(https:\/\/trianalab\.github\.io\/pacto\/contract-reference\/\)\.\n/);

    // Table of contents: every link points at a heading or a details id of the body.
    const toc = section(md, '## Table of Contents');
    const anchors = new Set();
    for (const line of md.split('\n')) {
      const heading = /^#{2,3} (.+)$/.exec(line);
      if (heading) anchors.add(heading[1].toLowerCase().replace(/ /g, '-').replace(/[:.]/g, ''));
      for (const id of line.matchAll(/ id="([^"]+)"/g)) anchors.add(id[1]);
    }
    const links = toc.flatMap((l) => [...l.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]));
    assert.deepEqual(links, [
      '1-architecture',
      '2-interfaces',
      '21-http-interface-api',
      '22-grpc-interface-orders-rpc',
      '23-event-interface-order-events',
      '3-configuration',
      '4-dependencies',
      'dep-product-catalog',
      'dep-product-catalog-runtime',
      'dep-product-catalog-interfaces',
      'dep-product-catalog-configuration',
    ]);
    for (const link of links) assert.ok(anchors.has(link), `TOC link #${link} has no target`);

    // Architecture: the root and the resolved local dependency, the edge between them.
    const arch = section(md, '## 1. Architecture').join('\n');
    assert.match(arch, /```mermaid\ngraph TB\n  external\(\["External User"\]\)\n/);
    assert.match(arch, /subgraph orderservice\["order-service v1\.8\.0"\]/);
    assert.match(arch, /orderservice_iface_api\["api<br\/>http :8080<br\/>public<br\/>♥ health"\]/);
    assert.match(arch, /subgraph productcatalog\["product-catalog v2\.4\.1"\]/);
    assert.match(arch, /\n  orderservice --> productcatalog\n```/);
    assert.ok(!/inventory/.test(arch), 'an unresolved registry dependency is not drawn');

    // Interfaces: the table, one subsection per interface, the OpenAPI operations.
    const ifaces = section(md, '## 2. Interfaces').join('\n');
    assert.match(ifaces, /\| Name \| Type \| Port \| Visibility \|\n\|[-|]+\|\n\| `api` \| `http` \| `8080` \| `public` \|\n\| `orders-rpc` \| `grpc` \| `9090` \| `internal` \|\n\| `order-events` \| `event` \| — \| `internal` \|/);
    assert.match(ifaces, /### 2\.1\. HTTP Interface: api\n\nThe `api` interface is `public` and exposes port `8080`\. It owns the health path under `\/healthz` and requires an initial delay of `10s`\./);
    assert.match(ifaces, /\| `POST` \| `\/v1\/orders` \| Place an order \|/);
    assert.match(ifaces, /### 2\.2\. gRPC Interface: orders-rpc\n\nThe `orders-rpc` interface is `internal` and exposes port `9090`\. Its contract is defined in `interfaces\/orders\.proto`\./);
    assert.match(ifaces, /### 2\.3\. Event Interface: order-events/);

    // Configuration: flattened, sorted properties.
    const config = section(md, '## 3. Configuration');
    assert.equal(config[2], '| Property | Type | Description | Default | Required |');
    const props = config.filter((l) => l.startsWith('| `')).map((l) => l.split('|')[1].trim());
    assert.deepEqual(props, [...props].sort());
    assert.ok(props.includes('`database.url`'));
    assert.match(config.join('\n'), /\| `database\.url` \| `string` \| PostgreSQL connection URL \(read from a secret\)\. \| — \| Yes \|/);

    // Dependencies: every declared one in the table, a details block for the resolved one.
    const deps = section(md, '## 4. Dependencies').join('\n');
    assert.match(deps, /\| Reference \| Compatibility \| Required \|/);
    assert.match(deps, /\| `file:\/\/\.\.\/stateless-http-api` \| `\^2\.4\.0` \| No \|/);
    assert.equal((deps.match(/\| `oci:\/\/ghcr\.io\/acme\//g) || []).length, 2);
    assert.match(deps, /<details id="dep-product-catalog">\n<summary><h3>4\.1\. product-catalog <code>v2\.4\.1<\/code><\/h3><\/summary>/);
    assert.match(deps, /<h4 id="dep-product-catalog-runtime">4\.1\.1\. Runtime<\/h4>/);
    assert.match(deps, /<h5>4\.1\.2\.1\. HTTP Interface: api<\/h5>/);
    assert.match(deps, /<\/details>/);

    // Footer: metadata chips in key order, the generator line.
    assert.match(md, /\n---\n\n`runbook: [^`]+` `slo: [^`]+` `tags: \["checkout","orders"\]` `team: orders` `tier: critical` \n\nGenerated by \[Pacto\]\(https:\/\/trianalab\.github\.io\/pacto\)\n\n$/);
  });

  test('every example documents, exit 0', () => {
    for (const name of fs.readdirSync(path.join(ROOT, 'examples'))) {
      const dir = path.join('examples', name);
      if (!fs.existsSync(path.join(ROOT, dir, 'pacto.yaml'))) continue;
      const run = pacto(['doc', dir]);
      assertRun(run, 0, dir);
      assert.match(run.stdout, /^# \S+\n\n\*\*/);
      assert.match(run.stdout, /\n## 1\. Architecture\n\n```mermaid\ngraph TB\n/);
    }
  });

  test('-o DIR writes DIR/<service>.md (creating DIR), says so on stderr, still prints the document', () => {
    const cwd = tempDir('doc-out');
    const plain = pacto(['doc', path.join(ROOT, 'examples', 'stateless-http-api')], { cwd });
    const run = pacto(['doc', path.join(ROOT, 'examples', 'stateless-http-api'), '-o', 'out/docs'], { cwd });
    assertRun(run, 0, 'doc -o');
    assert.equal(run.stderr, 'Wrote out/docs/product-catalog.md\n');
    assert.equal(run.stdout, plain.stdout);
    assert.equal(fs.readFileSync(path.join(cwd, 'out', 'docs', 'product-catalog.md'), 'utf8'), plain.stdout);
  });

  test('--output-format json: {serviceName, markdown, path?}', () => {
    const cwd = tempDir('doc-json');
    const bare = pacto(['doc', '--output-format', 'json', path.join(ROOT, 'examples', 'scheduled-job')], { cwd });
    assertRun(bare, 0, 'json');
    const doc = JSON.parse(bare.stdout);
    assert.deepEqual(Object.keys(doc), ['serviceName', 'markdown']);
    assert.match(doc.markdown, new RegExp(`^# ${doc.serviceName}\\n`));
    const withPath = pacto(['doc', '--output-format', 'json', '-o', 'site', path.join(ROOT, 'examples', 'scheduled-job')], { cwd });
    assertRun(withPath, 0, 'json -o');
    const written = JSON.parse(withPath.stdout);
    assert.deepEqual(Object.keys(written), ['serviceName', 'markdown', 'path']);
    assert.equal(written.path, `site/${doc.serviceName}.md`);
    assert.equal(fs.readFileSync(path.join(cwd, written.path), 'utf8'), doc.markdown);
  });

  test('a .tar.gz root documents with its local dependencies next to the archive', () => {
    const cwd = tempDir('doc-archive');
    const app = 'pactoVersion: "1.0"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ./db\n    required: true\n    compatibility: "^2.0.0"\n';
    fs.writeFileSync(path.join(cwd, 'app.tar.gz'), api.pack({ 'pacto.yaml': app }));
    writeFiles(cwd, { 'db/pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: db\n  version: 2.0.0\n' });
    const run = pacto(['doc', 'app.tar.gz'], { cwd });
    assertRun(run, 0, 'doc archive');
    assert.match(run.stdout, /<details id="dep-db">/);
    assert.match(run.stdout, /\n  app --> db\n/);
  });

  test('a root that cannot be loaded or parsed: exit 2, nothing written', () => {
    const cwd = tempDir('doc-bad');
    writeFiles(cwd, { 'broken/pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: broken\n' });
    const broken = pacto(['doc', 'broken', '-o', 'out'], { cwd });
    assertRun(broken, 2, 'unparseable');
    assert.equal(broken.stdout, '');
    assert.match(broken.stderr, /^pacto: broken\/pacto\.yaml cannot be parsed\nbroken\/pacto\.yaml:\d+:\d+: error PARSE_ERROR service\.version: /);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')));
    const missing = pacto(['doc', 'nowhere'], { cwd });
    assertRun(missing, 2, 'missing');
    assert.match(missing.stderr, /nowhere: no such file or directory/);
    const dot = pacto(['doc', '--output-format', 'dot', 'broken'], { cwd });
    assertRun(dot, 2, 'dot is graph only');
  });
});
