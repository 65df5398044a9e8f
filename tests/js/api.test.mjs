// The package API (validate, explain, init, version, VERSION; diff and schema
// in api-diff.test.mjs) through both
// Node entry points: `require` (CommonJS) and `import` (ES module).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import * as esm from '../../npm/index.mjs';
import {
  CONFIG_SCHEMA,
  INVALID_CONTRACT,
  NPM_DIR,
  OPENAPI,
  UNPARSEABLE_CONTRACT,
  VALID_CONTRACT,
  WARNINGS_CONTRACT,
  bundleFiles,
  lineOf,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../npm');

const encode = (text) => new TextEncoder().encode(text);

function assertDiagnosticShape(d) {
  assert.deepEqual(
    Object.keys(d).filter((k) => k !== 'range').sort(),
    ['code', 'message', 'path', 'severity'],
    `unexpected keys in ${JSON.stringify(d)}`,
  );
  assert.match(d.code, /^[A-Z][A-Z_]+$/);
  assert.ok(d.severity === 'error' || d.severity === 'warning');
  assert.equal(typeof d.path, 'string');
  assert.equal(typeof d.message, 'string');
  assert.ok(d.message.length > 0);
  if ('range' in d) {
    for (const end of ['start', 'end']) {
      assert.ok(Number.isInteger(d.range[end].line) && d.range[end].line >= 1, JSON.stringify(d.range));
      assert.ok(Number.isInteger(d.range[end].column) && d.range[end].column >= 1, JSON.stringify(d.range));
    }
  }
}

function assertResultShape(result) {
  assert.deepEqual(Object.keys(result).sort(), ['errors', 'valid', 'warnings']);
  assert.equal(typeof result.valid, 'boolean');
  assert.ok(Array.isArray(result.errors), 'errors is an array');
  assert.ok(Array.isArray(result.warnings), 'warnings is an array');
  result.errors.forEach(assertDiagnosticShape);
  result.warnings.forEach(assertDiagnosticShape);
  assert.ok(result.errors.every((d) => d.severity === 'error'));
  assert.ok(result.warnings.every((d) => d.severity === 'warning'));
  assert.equal(result.valid, result.errors.length === 0);
}

for (const [label, api] of [
  ['require', cjs],
  ['import', esm],
]) {
  describe(`pacto-wasm via ${label}`, () => {
    test('exports exactly the documented names', () => {
      assert.deepEqual(Object.keys(api).filter((k) => k !== 'default' && k !== 'module.exports').sort(), [
        'VERSION',
        'diff',
        'diffWithDependencies',
        'doc',
        'explain',
        'graph',
        'init',
        'listTags',
        'pack',
        'pull',
        'push',
        'resolve',
        'schema',
        'unpack',
        'validate',
        'version',
      ]);
    });

    test('version() is the package version and VERSION caches it', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(NPM_DIR, 'package.json'), 'utf8'));
      assert.equal(api.version(), pkg.version);
      assert.equal(api.VERSION, api.version());
      assert.match(api.VERSION, /^\d+\.\d+\.\d+/);
    });

    test('a valid bundle of strings: valid, empty arrays', () => {
      const result = api.validate(bundleFiles(VALID_CONTRACT));
      assertResultShape(result);
      assert.deepEqual(result, { valid: true, errors: [], warnings: [] });
    });

    test('a valid bundle of Uint8Arrays gives the same result', () => {
      const files = Object.fromEntries(Object.entries(bundleFiles(VALID_CONTRACT)).map(([k, v]) => [k, encode(v)]));
      assert.deepEqual(api.validate(files), { valid: true, errors: [], warnings: [] });
    });

    test('schema errors: codes, bracket paths, 1-based ranges on the offending lines', () => {
      const result = api.validate(bundleFiles(INVALID_CONTRACT));
      assertResultShape(result);
      assert.equal(result.valid, false);
      assert.deepEqual(result.warnings, []);
      const byPath = new Map(result.errors.map((d) => [d.path, d]));
      const port = byPath.get('interfaces[0].port');
      assert.ok(port, `no error at interfaces[0].port in ${JSON.stringify(result.errors)}`);
      assert.equal(port.code, 'SCHEMA_VIOLATION');
      assert.equal(port.range.start.line, lineOf(INVALID_CONTRACT, 'port: 0'));
      const workload = byPath.get('runtime.workload');
      assert.ok(workload, `no error at runtime.workload in ${JSON.stringify(result.errors)}`);
      assert.equal(workload.code, 'SCHEMA_VIOLATION');
      assert.equal(workload.range.start.line, lineOf(INVALID_CONTRACT, 'workload: daemon'));
    });

    test('warnings only: valid, with TAG_NOT_DIGEST and UPGRADE_STRATEGY_STATE_MISMATCH', () => {
      const result = api.validate(bundleFiles(WARNINGS_CONTRACT));
      assertResultShape(result);
      assert.equal(result.valid, true);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.warnings.map((d) => [d.code, d.path]),
        [
          ['TAG_NOT_DIGEST', 'dependencies[0].ref'],
          ['UPGRADE_STRATEGY_STATE_MISMATCH', 'runtime.lifecycle.upgradeStrategy'],
        ],
      );
      assert.equal(result.warnings[0].range.start.line, lineOf(WARNINGS_CONTRACT, 'ref: oci://'));
      assert.equal(result.warnings[1].range.start.line, lineOf(WARNINGS_CONTRACT, 'upgradeStrategy: ordered'));
    });

    test('an unparseable contract is a result with PARSE_ERROR, not an exception', () => {
      const result = api.validate({ 'pacto.yaml': UNPARSEABLE_CONTRACT });
      assertResultShape(result);
      assert.equal(result.valid, false);
      assert.deepEqual(result.warnings, []);
      assert.equal(result.errors.length, 1);
      const [error] = result.errors;
      assert.equal(error.code, 'PARSE_ERROR');
      assert.match(error.message, /colour/);
      assert.equal(error.range.start.line, lineOf(UNPARSEABLE_CONTRACT, 'colour'));
    });

    test('a missing referenced file is FILE_NOT_FOUND at its field', () => {
      const files = bundleFiles(VALID_CONTRACT);
      delete files['configuration/schema.json'];
      const result = api.validate(files);
      assertResultShape(result);
      assert.deepEqual(
        result.errors.map((d) => [d.code, d.path]),
        [['FILE_NOT_FOUND', 'configuration.schema']],
      );
      assert.equal(result.errors[0].range.start.line, lineOf(VALID_CONTRACT, 'schema: configuration'));
    });

    test('a "dir/" key makes a directory exist, even an empty one', () => {
      const contract = VALID_CONTRACT.replace('contract: interfaces/openapi.yaml', 'contract: interfaces');
      const base = { 'pacto.yaml': contract, 'configuration/schema.json': CONFIG_SCHEMA };
      const without = api.validate(base);
      assert.deepEqual(
        without.errors.map((d) => [d.code, d.path]),
        [['FILE_NOT_FOUND', 'interfaces[0].contract']],
      );
      assert.deepEqual(api.validate({ ...base, 'interfaces/': '' }), { valid: true, errors: [], warnings: [] });
      // A file below a directory implies the directory.
      assert.deepEqual(api.validate({ ...base, 'interfaces/openapi.yaml': OPENAPI }).errors, []);
    });

    test('validate throws an Error for a bundle that is not an object', () => {
      for (const bad of [undefined, null, 42, 'pacto.yaml']) {
        assert.throws(() => api.validate(bad), Error, `validate(${JSON.stringify(bad)})`);
      }
    });

    test('explain text follows the reference layout', () => {
      const text = api.explain(bundleFiles(VALID_CONTRACT), 'text');
      assert.equal(
        text.trimEnd(),
        [
          'Service: orders@1.2.0',
          'Owner: team/orders',
          'Pacto Version: 1.0',
          '',
          'Runtime:',
          '  Workload: service',
          '  State: stateless',
          '  Persistence: local/ephemeral',
          '  Data Criticality: low',
          '',
          'Interfaces (1):',
          '  - api (http, port 8080, public)',
          '',
          'Scaling: 1-3',
        ].join('\n'),
      );
      // The markdown layout is the core's to design (spec §7 has it equal to text); it names the same facts.
      const markdown = api.explain(bundleFiles(VALID_CONTRACT), 'markdown');
      assert.match(markdown, /^# orders\b/);
      for (const fact of ['team/orders', 'stateless', 'local/ephemeral', '8080', 'public']) assert.ok(markdown.includes(fact), fact);
    });

    test('explain json: the documented keys, 2-space indentation', () => {
      const json = api.explain(bundleFiles(WARNINGS_CONTRACT), 'json');
      assert.match(json, /^\{\n {2}"name": "orders",\n/);
      assert.deepEqual(JSON.parse(json), {
        name: 'orders',
        version: '1.2.0',
        pactoVersion: '1.0',
        runtime: {
          workloadType: 'service',
          stateType: 'stateless',
          scope: 'local',
          durability: 'ephemeral',
          dataCriticality: 'low',
        },
        interfaces: [{ name: 'api', type: 'http', port: 8080 }],
        dependencies: [{ ref: 'oci://ghcr.io/acme/payments-pacto:1.0.0', required: true, compatibility: '^1.0.0' }],
      });
    });

    test('explain still works for a contract that fails validation', () => {
      assert.match(api.explain(bundleFiles(INVALID_CONTRACT), 'text'), /^ {2}- api \(http, port 0, public\)$/m);
    });

    test('explain throws an Error carrying the PARSE_ERROR diagnostics', () => {
      assert.throws(
        () => api.explain({ 'pacto.yaml': UNPARSEABLE_CONTRACT }, 'text'),
        (error) => {
          assert.ok(error instanceof Error);
          assert.ok(Array.isArray(error.diagnostics));
          assert.ok(error.diagnostics.length >= 1);
          error.diagnostics.forEach(assertDiagnosticShape);
          assert.ok(error.diagnostics.every((d) => d.code === 'PARSE_ERROR'));
          assert.equal(error.diagnostics[0].range.start.line, lineOf(UNPARSEABLE_CONTRACT, 'colour'));
          return true;
        },
      );
    });

    test('init: the three scaffold files, which validate with no errors and no warnings', () => {
      const files = api.init('billing');
      assert.deepEqual(Object.keys(files), ['pacto.yaml', 'interfaces/openapi.yaml', 'configuration/schema.json']);
      for (const content of Object.values(files)) assert.equal(typeof content, 'string');
      assert.match(files['pacto.yaml'], /^pactoVersion: "1\.0"$/m);
      assert.match(files['pacto.yaml'], /^ {2}name: billing$/m);
      assert.match(files['pacto.yaml'], /ghcr\.io\/my-org\/billing:0\.1\.0/);
      assert.deepEqual(JSON.parse(files['configuration/schema.json']), {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {},
        additionalProperties: false,
      });
      assert.deepEqual(api.validate(files), { valid: true, errors: [], warnings: [] });
    });

    test('init throws an Error for an empty name', () => {
      assert.throws(() => api.init(''), Error);
    });
  });
}

test('require and import share one wasm instance', () => {
  assert.equal(esm.validate, cjs.validate);
});
