// Every diff fixture pair of the core (core/tests/diff_fixtures: a pair per
// row of every classification table, diff.md's examples and its worked
// example) through the CLI's JSON output: the same classification, the same
// [path, type, classification] list in the same order, the same SBOM changes,
// the same number of warnings, and exit 2 naming the side that cannot be parsed.
//
// The CLI runs in this process (npm/cli/main.js with captured output) so the
// 235 cases take seconds; the child-process path is covered by cli-diff.test.mjs.
// Registry dependencies declared by the fixtures (ghcr.io, ...) are refused
// here without going to the network: they become error edges, which the
// comparison ignores, as when the network is down.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { main } = require('../../npm/cli/main.js');

const FIXTURES = path.join(ROOT, 'core', 'tests', 'diff_fixtures');
const cases = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const realFetch = globalThis.fetch;
const registryCalls = [];
before(() => {
  globalThis.fetch = async (url) => {
    registryCalls.push(String(url));
    throw new TypeError('fetch failed (no network in this test)');
  };
});
after(() => {
  globalThis.fetch = realFetch;
});

async function runDiff(args) {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: { isTTY: false, write: (t) => (stdout += t) },
    stderr: { isTTY: false, write: (t) => (stderr += t) },
    env: { PACTO_NO_CACHE: '1' },
  });
  return { status, stdout, stderr };
}

test('the fixture set is complete', () => {
  assert.ok(cases.length >= 235, `${cases.length} cases`);
});

for (const name of cases) {
  test(name, async () => {
    const dir = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    const run = await runDiff(['diff', path.join(dir, 'old'), path.join(dir, 'new'), '--output-format', 'json']);
    if (expected.error) {
      assert.equal(run.status, 2, run.stdout);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`^pacto: ${expected.error} contract: `));
      return;
    }
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.classification, expected.classification);
    assert.equal(run.status, expected.classification === 'BREAKING' ? 1 : 0, run.stderr);
    assert.deepEqual(
      doc.changes.map((c) => [c.path, c.type, c.classification]),
      expected.changes ?? [],
    );
    const sbom = doc.sbom ? doc.sbom.changes.map((c) => [c.package, c.type, c.field]) : [];
    assert.deepEqual(sbom, expected.sbom ?? []);
    assert.equal(doc.warnings.length, expected.warnings ?? 0, JSON.stringify(doc.warnings));
    // No dependency of a fixture resolves on both sides.
    assert.deepEqual(doc.dependencyDiffs, []);
  });
}

test('registry dependencies were asked for, and refused without the network', () => {
  assert.ok(registryCalls.length > 0);
  assert.ok(registryCalls.every((url) => url.startsWith('https://')), registryCalls.join('\n'));
});
