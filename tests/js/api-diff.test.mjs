// The package API for comparing contracts (diff, and schema) through both
// Node entry points: `require` (CommonJS) and `import` (ES module).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import * as esm from '../../npm/index.mjs';
import { UNPARSEABLE_CONTRACT, VALID_CONTRACT, bundleFiles, lineOf } from './helpers.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../npm');

const CLASSIFICATIONS = ['NON_BREAKING', 'POTENTIAL_BREAKING', 'BREAKING'];
const CHANGE_KEYS = ['path', 'type', 'classification', 'reason', 'old', 'new', 'location'];

// Every changed field of the contract level that the core already compares.
const CHANGED = VALID_CONTRACT.replace('version: 1.2.0', 'version: 2.0.0')
  .replace('port: 8080', 'port: 9090')
  .replace('max: 3', 'max: 5')
  .replace('workload: service', 'workload: scheduled');

const SPDX = (packages) =>
  JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'orders', packages }, null, 2);

/** No key anywhere in `value` is snake_case or kebab-case (JSON values aside). */
function assertCamelCaseKeys(value, where = 'result') {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertCamelCaseKeys(v, `${where}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      assert.match(key, /^[a-z][a-zA-Z]*$/, `${where}.${key} is not camelCase`);
      // Change values are contract data, not API shape.
      if (key !== 'old' && key !== 'new') assertCamelCaseKeys(v, `${where}.${key}`);
    }
  }
}

function assertChangeShape(c) {
  for (const key of Object.keys(c)) assert.ok(CHANGE_KEYS.includes(key), `unexpected key ${key} in ${JSON.stringify(c)}`);
  for (const key of ['path', 'type', 'classification', 'reason']) assert.equal(typeof c[key], 'string', key);
  assert.ok(['added', 'removed', 'modified'].includes(c.type), c.type);
  assert.ok(CLASSIFICATIONS.includes(c.classification), c.classification);
  if ('location' in c) {
    assert.deepEqual(Object.keys(c.location).sort(), ['file', 'range']);
    assert.equal(typeof c.location.file, 'string');
    for (const end of ['start', 'end']) {
      assert.ok(Number.isInteger(c.location.range[end].line) && c.location.range[end].line >= 1);
      assert.ok(Number.isInteger(c.location.range[end].column) && c.location.range[end].column >= 1);
    }
  }
}

function assertDiffShape(result) {
  const keys = Object.keys(result);
  for (const key of keys) assert.ok(['classification', 'changes', 'sbom', 'warnings', 'dependencyDiffs', 'graphDiff'].includes(key), key);
  assert.ok(Array.isArray(result.dependencyDiffs), 'dependencyDiffs is an array');
  assert.ok(CLASSIFICATIONS.includes(result.classification));
  assert.ok(Array.isArray(result.changes), 'changes is an array');
  assert.ok(Array.isArray(result.warnings), 'warnings is an array');
  result.changes.forEach(assertChangeShape);
  for (const w of result.warnings) {
    assert.deepEqual(Object.keys(w).sort(), ['file', 'message', 'side']);
    assert.ok(w.side === 'old' || w.side === 'new');
  }
  if ('sbom' in result) {
    assert.ok(Array.isArray(result.sbom.changes), 'sbom.changes is an array');
    for (const c of result.sbom.changes) {
      for (const key of Object.keys(c)) {
        assert.ok(['package', 'type', 'field', 'oldValue', 'newValue'].includes(key), key);
      }
    }
  }
  assertCamelCaseKeys(result);
  // The overall classification is the highest of the changes.
  const highest = result.changes.reduce(
    (max, c) => Math.max(max, CLASSIFICATIONS.indexOf(c.classification)),
    0,
  );
  assert.equal(result.classification, CLASSIFICATIONS[highest]);
}

for (const [label, api] of [
  ['require', cjs],
  ['import', esm],
]) {
  describe(`diff via ${label}`, () => {
    test('diff and schema are functions', () => {
      assert.equal(typeof api.diff, 'function');
      assert.equal(typeof api.schema, 'function');
    });

    test('identical bundles: NON_BREAKING, empty arrays, no sbom', () => {
      const result = api.diff(bundleFiles(VALID_CONTRACT), bundleFiles(VALID_CONTRACT));
      assert.deepEqual(result, { classification: 'NON_BREAKING', changes: [], warnings: [], dependencyDiffs: [] });
    });

    test('contract-level changes: shapes, values with their JSON types, locations in the new pacto.yaml', () => {
      const result = api.diff(bundleFiles(VALID_CONTRACT), bundleFiles(CHANGED));
      assertDiffShape(result);
      assert.equal(result.classification, 'BREAKING');
      const byPath = Object.fromEntries(result.changes.map((c) => [c.path, c]));
      assert.deepEqual(Object.keys(byPath).sort(), ['interfaces.port', 'runtime.workload', 'scaling.max', 'service.version']);
      assert.deepEqual(
        { ...byPath['service.version'], location: undefined },
        {
          path: 'service.version',
          type: 'modified',
          classification: 'NON_BREAKING',
          reason: 'service.version modified',
          old: '1.2.0',
          new: '2.0.0',
          location: undefined,
        },
      );
      const port = byPath['interfaces.port'];
      assert.equal(port.classification, 'BREAKING');
      assert.equal(port.old, 8080, 'ports are numbers');
      assert.equal(port.new, 9090);
      assert.equal(port.location.file, 'pacto.yaml');
      assert.equal(port.location.range.start.line, lineOf(CHANGED, 'port: 9090'));
      const portLine = CHANGED.split('\n')[lineOf(CHANGED, 'port: 9090') - 1];
      assert.equal(port.location.range.start.column, portLine.indexOf('9090') + 1);
      assert.equal(byPath['scaling.max'].old, 3);
      assert.equal(byPath['runtime.workload'].classification, 'BREAKING');
    });

    test('interfaces and dependencies added and removed', () => {
      const withExtra = VALID_CONTRACT.replace(
        'configuration:',
        `  - name: events
    type: event
    contract: interfaces/openapi.yaml
dependencies:
  - ref: oci://ghcr.io/acme/payments-pacto:1.0.0
    compatibility: "^1.0.0"
configuration:`,
      );
      const added = api.diff(bundleFiles(VALID_CONTRACT), bundleFiles(withExtra));
      assertDiffShape(added);
      assert.deepEqual(
        added.changes.map((c) => [c.path, c.type, c.classification, c.new]).sort(),
        [
          ['dependencies', 'added', 'NON_BREAKING', 'oci://ghcr.io/acme/payments-pacto:1.0.0'],
          ['interfaces', 'added', 'NON_BREAKING', 'events'],
        ],
      );
      const removed = api.diff(bundleFiles(withExtra), bundleFiles(VALID_CONTRACT));
      assertDiffShape(removed);
      assert.equal(removed.classification, 'BREAKING');
      assert.deepEqual(
        removed.changes.map((c) => [c.path, c.type, c.classification, c.old]).sort(),
        [
          ['dependencies', 'removed', 'BREAKING', 'oci://ghcr.io/acme/payments-pacto:1.0.0'],
          ['interfaces', 'removed', 'BREAKING', 'events'],
        ],
      );
    });

    test('SBOM changes: informational, camelCase, never classify', () => {
      const old = { ...bundleFiles(VALID_CONTRACT), 'sbom/orders.spdx.json': SPDX([{ name: 'zlib', versionInfo: '1.2.13' }]) };
      const next = {
        ...bundleFiles(VALID_CONTRACT),
        'sbom/orders.spdx.json': SPDX([
          { name: 'zlib', versionInfo: '1.3.0' },
          { name: 'openssl', versionInfo: '3.0.0' },
        ]),
      };
      const result = api.diff(old, next);
      assertDiffShape(result);
      assert.equal(result.classification, 'NON_BREAKING');
      assert.deepEqual(result.changes, []);
      assert.deepEqual(result.sbom, {
        oldFormat: 'spdx',
        newFormat: 'spdx',
        changes: [
          { package: 'zlib', type: 'modified', field: 'version', oldValue: '1.2.13', newValue: '1.3.0' },
          { package: 'openssl', type: 'added', field: 'package', newValue: '3.0.0' },
        ],
      });
    });

    test('an unreadable referenced file is a warning, not silence', () => {
      const next = { ...bundleFiles(VALID_CONTRACT), 'sbom/orders.spdx.json': '{ not json' };
      const result = api.diff({ ...bundleFiles(VALID_CONTRACT), 'sbom/orders.spdx.json': SPDX([]) }, next);
      assertDiffShape(result);
      assert.equal(result.warnings.length, 1);
      assert.equal(result.warnings[0].side, 'new');
      assert.equal(result.warnings[0].file, 'sbom/orders.spdx.json');
    });

    for (const side of ['old', 'new']) {
      test(`an unparseable ${side} side throws a DiffFailure naming the side, with PARSE_ERROR diagnostics`, () => {
        const good = bundleFiles(VALID_CONTRACT);
        const bad = { 'pacto.yaml': UNPARSEABLE_CONTRACT };
        const [a, b] = side === 'old' ? [bad, good] : [good, bad];
        assert.throws(
          () => api.diff(a, b),
          (error) => {
            assert.ok(error instanceof Error);
            assert.equal(error.side, side);
            assert.match(error.message, new RegExp(`^${side} contract: `));
            assert.ok(Array.isArray(error.diagnostics) && error.diagnostics.length > 0);
            for (const d of error.diagnostics) assert.equal(d.code, 'PARSE_ERROR');
            const colour = error.diagnostics.find((d) => d.range && d.range.start.line === lineOf(UNPARSEABLE_CONTRACT, 'colour'));
            assert.ok(colour, JSON.stringify(error.diagnostics));
            return true;
          },
        );
      });
    }

    test('a missing pacto.yaml is a DiffFailure too', () => {
      assert.throws(
        () => api.diff(bundleFiles(VALID_CONTRACT), { 'interfaces/openapi.yaml': 'openapi: 3.0.0' }),
        (error) => error.side === 'new' && Array.isArray(error.diagnostics),
      );
    });

    test('diff throws an Error for a bundle that is not an object', () => {
      for (const bad of [null, 42, 'pacto.yaml', []]) {
        assert.throws(() => api.diff(bad, bundleFiles(VALID_CONTRACT)), Error, `diff(${JSON.stringify(bad)}, ...)`);
        assert.throws(() => api.diff(bundleFiles(VALID_CONTRACT), bad), Error, `diff(..., ${JSON.stringify(bad)})`);
      }
    });

    test('schema() is the JSON Schema of pacto.yaml', () => {
      const schema = JSON.parse(api.schema());
      assert.match(schema.$schema, /2020-12/);
      assert.equal(typeof schema.properties, 'object');
      assert.ok('service' in schema.properties);
    });
  });
}

test('require and import share diff', () => {
  assert.equal(esm.diff, cjs.diff);
  assert.equal(esm.schema, cjs.schema);
});
