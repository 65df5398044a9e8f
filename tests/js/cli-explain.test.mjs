// `pacto explain` as a child process.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';

import { explain } from '../../npm/index.mjs';
import { loadBundle } from '../../npm/node.mjs';
import { INVALID_CONTRACT, UNPARSEABLE_CONTRACT, VALID_CONTRACT, WARNINGS_CONTRACT, lineOf, pacto, workspaceWith } from './helpers.mjs';

const EXPECTED_TEXT = `Service: orders@1.2.0
Owner: team/orders
Pacto Version: 1.0

Runtime:
  Workload: service
  State: stateless
  Persistence: local/ephemeral
  Data Criticality: low

Interfaces (1):
  - api (http, port 8080, public)

Scaling: 1-3
`;

describe('explain', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);

  test('text: the summary, exit 0', () => {
    const run = pacto(['explain', 'orders'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, EXPECTED_TEXT);
    assert.equal(run.stderr, '');
  });

  test('markdown prints the markdown explanation of the core', () => {
    const run = pacto(['explain', 'orders', '--output-format', 'markdown'], { cwd });
    assert.equal(run.status, 0);
    const expected = explain(loadBundle(path.join(cwd, 'orders')), 'markdown');
    assert.equal(run.stdout, expected.endsWith('\n') ? expected : `${expected}\n`);
    assert.match(run.stdout, /^# orders\b/);
  });

  test('github prints the text summary', () => {
    assert.equal(pacto(['--output-format=github', 'explain', 'orders'], { cwd }).stdout, EXPECTED_TEXT);
  });

  test('json: one document with the documented keys', () => {
    const run = pacto(['explain', 'orders', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 0);
    assert.ok(run.stdout.endsWith('}\n'));
    assert.deepEqual(JSON.parse(run.stdout), {
      name: 'orders',
      version: '1.2.0',
      owner: 'team/orders',
      pactoVersion: '1.0',
      runtime: {
        workloadType: 'service',
        stateType: 'stateless',
        scope: 'local',
        durability: 'ephemeral',
        dataCriticality: 'low',
      },
      interfaces: [{ name: 'api', type: 'http', port: 8080, visibility: 'public' }],
      scaling: { min: 1, max: 3 },
    });
  });

  test('dependencies are listed with required/optional', () => {
    const ws = workspaceWith('deps', WARNINGS_CONTRACT);
    const run = pacto(['explain', 'deps'], { cwd: ws.cwd });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Dependencies \(1\):\n {2}- oci:\/\/ghcr\.io\/acme\/payments-pacto:1\.0\.0 \(\^1\.0\.0, required\)$/m);
  });

  test('a contract that fails validation still explains, exit 0', () => {
    const ws = workspaceWith('bad', INVALID_CONTRACT);
    const run = pacto(['explain', 'bad'], { cwd: ws.cwd });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^ {2}Workload: daemon$/m);
  });

  test('the contract file path and no argument both work', () => {
    assert.equal(pacto(['explain', 'orders/pacto.yaml'], { cwd }).stdout, EXPECTED_TEXT);
    assert.equal(pacto(['explain'], { cwd: path.join(cwd, 'orders') }).stdout, EXPECTED_TEXT);
  });
});

describe('explain: an unparseable contract exits 1 with the parse errors', () => {
  const { cwd } = workspaceWith('orders', UNPARSEABLE_CONTRACT);
  const line = lineOf(UNPARSEABLE_CONTRACT, 'colour');

  test('text: as validate prints them', () => {
    const run = pacto(['explain', 'orders'], { cwd });
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'orders is invalid');
    assert.match(lines[1], new RegExp(`^orders/pacto\\.yaml:${line}:\\d+: error PARSE_ERROR \\S+: .*colour`));
    assert.match(lines.at(-1), /^\d+ errors?$/);
  });

  test('json: {valid: false, errors, warnings: []}', () => {
    const run = pacto(['explain', 'orders', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(result), ['valid', 'errors', 'warnings']);
    assert.equal(result.valid, false);
    assert.deepEqual(result.warnings, []);
    assert.ok(result.errors.every((d) => d.code === 'PARSE_ERROR'));
    assert.equal(result.errors[0].range.start.line, line);
    // The same diagnostics validate reports.
    const validate = JSON.parse(pacto(['validate', 'orders', '--output-format', 'json'], { cwd }).stdout);
    assert.deepEqual(result.errors, validate.errors);
  });

  test('github: annotations', () => {
    const run = pacto(['explain', 'orders', '--output-format', 'github'], { cwd });
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`^::error file=orders/pacto\\.yaml,line=${line},.*title=PARSE_ERROR::`));
  });
});

describe('explain: usage and I/O errors exit 2', () => {
  test('missing directory', () => {
    const run = pacto(['explain', 'nowhere'], { cwd: workspaceWith('x', VALID_CONTRACT).cwd });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'pacto: nowhere: no such file or directory\n');
    assert.equal(run.stdout, '');
  });

  test('too many arguments', () => {
    const run = pacto(['explain', 'a', 'b']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pacto: explain accepts at most 1 arg\(s\), received 2\n/);
  });
});
