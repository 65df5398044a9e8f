// `pacto diff` as a user runs it: a child process on real bundle directories,
// every output format, every classification, the exit status of each outcome.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
  NPM_DIR,
  UNPARSEABLE_CONTRACT,
  VALID_CONTRACT,
  bundleFiles,
  lineOf,
  pacto,
  tempDir,
  writeFiles,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const FORMATS = ['text', 'json', 'markdown', 'github'];

const BASE = VALID_CONTRACT;
// service.version, service.owner, scaling.max: all NON_BREAKING.
const NON_BREAKING = BASE.replace('version: 1.2.0', 'version: 1.3.0')
  .replace('owner: team/orders', 'owner: team/checkout')
  .replace('max: 3', 'max: 5');
// scaling.min, runtime.state.dataCriticality, runtime.health.path: all POTENTIAL_BREAKING.
const POTENTIAL = BASE.replace('min: 1', 'min: 2')
  .replace('dataCriticality: low', 'dataCriticality: high')
  .replace('path: /health', 'path: /healthz');
// service.version (NON_BREAKING) and interfaces.port (BREAKING).
const BREAKING = BASE.replace('version: 1.2.0', 'version: 2.0.0').replace('port: 8080', 'port: 9090');

/** A workspace holding one bundle per entry of `contracts` (directory name -> pacto.yaml). */
function workspace(contracts, label = 'diff') {
  const cwd = tempDir(label);
  for (const [name, contract] of Object.entries(contracts)) writeFiles(path.join(cwd, name), bundleFiles(contract));
  return cwd;
}

const cwd = workspace({ base: BASE, same: BASE, nb: NON_BREAKING, pb: POTENTIAL, br: BREAKING });

function diff(args, options = {}) {
  return pacto(['diff', ...args], { cwd, ...options });
}

function githubData(text) {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// The 1-based column of `needle` on its line of `text`.
function columnOf(text, needle) {
  return text.split('\n')[lineOf(text, needle) - 1].indexOf(needle) + 1;
}

describe('diff: no changes', () => {
  test('text: the classification and "No changes detected.", exit 0', () => {
    const run = diff(['base', 'same']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
    assert.equal(run.stderr, '');
  });

  test('json: changes and warnings are empty arrays, the paths as typed', () => {
    const run = diff(['base', './same/', '--output-format', 'json']);
    assert.equal(run.status, 0);
    assert.equal(
      run.stdout,
      '{\n  "classification": "NON_BREAKING",\n  "changes": [],\n  "warnings": [],\n  "dependencyDiffs": [],\n' +
        '  "graphDiff": {\n    "root": {\n      "name": "orders",\n      "version": "1.2.0",\n      "children": []\n    },\n    "changes": []\n  },\n' +
        '  "oldPath": "base",\n  "newPath": "./same/"\n}\n',
    );
  });

  test('markdown: heading, classification, "No changes detected."', () => {
    const run = diff(['base', 'same', '--output-format=markdown']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '## Contract Diff\n\n**Classification:** `NON_BREAKING`\n\nNo changes detected.\n');
  });

  test('github: no annotations, the classification line', () => {
    const run = diff(['base', 'same'], { env: { PACTO_OUTPUT_FORMAT: 'github' } });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'Classification: NON_BREAKING\n');
  });

  test('a bundle against itself, and pacto.yaml paths as sides', () => {
    assert.equal(diff(['base', 'base']).stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
    const run = diff(['base/pacto.yaml', 'file://same/pacto.yaml']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'Classification: NON_BREAKING\nNo changes detected.\n');
  });
});

describe('diff: NON_BREAKING changes', () => {
  test('text: one line per change with its values, exit 0', () => {
    const run = diff(['base', 'nb']);
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    assert.equal(
      run.stdout,
      [
        'Classification: NON_BREAKING',
        'Changes (3):',
        '  [NON_BREAKING] service.version (modified): service.version modified [1.2.0 -> 1.3.0]',
        '  [NON_BREAKING] service.owner (modified): service.owner modified [team/orders -> team/checkout]',
        '  [NON_BREAKING] scaling.max (modified): scaling.max modified [3 -> 5]',
        '',
      ].join('\n'),
    );
  });

  test('json: the change objects as the API returns them', async () => {
    const run = diff(['base', 'nb', '--output-format', 'json']);
    assert.equal(run.status, 0);
    const doc = JSON.parse(run.stdout);
    assert.equal(run.stdout, `${JSON.stringify(doc, null, 2)}\n`);
    assert.deepEqual(Object.keys(doc), ['classification', 'changes', 'warnings', 'dependencyDiffs', 'graphDiff', 'oldPath', 'newPath']);
    const { loadBundle } = require('../../npm/node.js');
    const api = require('../../npm');
    const direct = api.diff(loadBundle(path.join(cwd, 'base')), loadBundle(path.join(cwd, 'nb')));
    assert.deepEqual(doc.changes, direct.changes);
    assert.equal(doc.classification, 'NON_BREAKING');
    assert.equal(doc.changes.find((c) => c.path === 'scaling.max').new, 5);
  });

  test('markdown: a table row per change, values in backticks', () => {
    const run = diff(['base', 'nb', '--output-format', 'markdown']);
    assert.equal(run.status, 0);
    assert.equal(
      run.stdout,
      [
        '## Contract Diff',
        '',
        '**Classification:** `NON_BREAKING`',
        '',
        '### Changes (3)',
        '',
        '| Classification | Path | Type | Reason | Old | New |',
        '|---|---|---|---|---|---|',
        '| NON_BREAKING | `service.version` | modified | service.version modified | `1.2.0` | `1.3.0` |',
        '| NON_BREAKING | `service.owner` | modified | service.owner modified | `team/orders` | `team/checkout` |',
        '| NON_BREAKING | `scaling.max` | modified | scaling.max modified | `3` | `5` |',
        '',
      ].join('\n'),
    );
  });

  test('github: NON_BREAKING changes are not annotated', () => {
    const run = diff(['base', 'nb', '--output-format', 'github']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'Classification: NON_BREAKING\n');
  });
});

describe('diff: POTENTIAL_BREAKING changes', () => {
  test('text: exit 0', () => {
    const run = diff(['base', 'pb']);
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    assert.equal(
      run.stdout,
      [
        'Classification: POTENTIAL_BREAKING',
        'Changes (3):',
        '  [POTENTIAL_BREAKING] scaling.min (modified): scaling.min modified [1 -> 2]',
        '  [POTENTIAL_BREAKING] runtime.state.dataCriticality (modified): runtime.state.dataCriticality modified [low -> high]',
        '  [POTENTIAL_BREAKING] runtime.health.path (modified): runtime.health.path modified [/health -> /healthz]',
        '',
      ].join('\n'),
    );
  });

  test('json and markdown: exit 0', () => {
    const json = diff(['base', 'pb', '--output-format', 'json']);
    assert.equal(json.status, 0);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.classification, 'POTENTIAL_BREAKING');
    assert.deepEqual(
      doc.changes.map((c) => c.path),
      ['scaling.min', 'runtime.state.dataCriticality', 'runtime.health.path'],
    );
    const md = diff(['base', 'pb', '--output-format', 'markdown']);
    assert.equal(md.status, 0);
    assert.match(md.stdout, /^\*\*Classification:\*\* `POTENTIAL_BREAKING`$/m);
    assert.match(md.stdout, /^\| POTENTIAL_BREAKING \| `runtime\.health\.path` \| modified \| runtime\.health\.path modified \| `\/health` \| `\/healthz` \|$/m);
  });

  test('github: one ::warning per change at its place in the new pacto.yaml', () => {
    const run = diff(['base', 'pb', '--output-format', 'github']);
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines.at(-1), 'Classification: POTENTIAL_BREAKING');
    const line = lineOf(POTENTIAL, 'path: /healthz');
    const col = columnOf(POTENTIAL, '/healthz');
    assert.ok(
      lines.includes(
        `::warning file=pb/pacto.yaml,line=${line},col=${col},endLine=${line},endColumn=${col + '/healthz'.length},title=POTENTIAL_BREAKING runtime.health.path::runtime.health.path modified [/health -> /healthz]`,
      ),
      run.stdout,
    );
    for (const l of lines.slice(0, -1)) assert.match(l, /^::warning file=pb\/pacto\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=POTENTIAL_BREAKING /);
  });
});

describe('diff: BREAKING changes exit 1 after the report', () => {
  const portLine = lineOf(BREAKING, 'port: 9090');
  const portCol = columnOf(BREAKING, '9090');

  test('text: the report on stdout, "breaking changes detected" on stderr', () => {
    const run = diff(['base', 'br']);
    assert.equal(run.status, 1);
    assert.equal(
      run.stdout,
      [
        'Classification: BREAKING',
        'Changes (2):',
        '  [NON_BREAKING] service.version (modified): service.version modified [1.2.0 -> 2.0.0]',
        '  [BREAKING] interfaces.port (modified): interfaces.port modified [8080 -> 9090]',
        '',
      ].join('\n'),
    );
    assert.equal(run.stderr, 'pacto: breaking changes detected\n');
  });

  test('every format exits 1', () => {
    for (const format of FORMATS) {
      const run = diff(['base', 'br', '--output-format', format]);
      assert.equal(run.status, 1, format);
      assert.match(run.stdout, /BREAKING/, format);
    }
  });

  test('json: the port change with numbers and its location', () => {
    const doc = JSON.parse(diff(['base', 'br', '--output-format', 'json']).stdout);
    assert.equal(doc.classification, 'BREAKING');
    const port = doc.changes.find((c) => c.path === 'interfaces.port');
    assert.deepEqual(
      { ...port, location: undefined },
      {
        path: 'interfaces.port',
        type: 'modified',
        classification: 'BREAKING',
        reason: 'interfaces.port modified',
        old: 8080,
        new: 9090,
        location: undefined,
      },
    );
    assert.deepEqual(port.location, {
      file: 'pacto.yaml',
      range: { start: { line: portLine, column: portCol }, end: { line: portLine, column: portCol + 4 } },
    });
  });

  test('markdown: the BREAKING row', () => {
    const run = diff(['base', 'br', '--output-format', 'markdown']);
    assert.match(run.stdout, /^\| BREAKING \| `interfaces\.port` \| modified \| interfaces\.port modified \| `8080` \| `9090` \|$/m);
  });

  test('github: ::error at the port line of the new pacto.yaml, then the classification', () => {
    const run = diff(['base', 'br', '--output-format', 'github']);
    assert.equal(run.status, 1);
    assert.equal(
      run.stdout,
      `::error file=br/pacto.yaml,line=${portLine},col=${portCol},endLine=${portLine},endColumn=${portCol + 4},title=BREAKING interfaces.port::interfaces.port modified [8080 -> 9090]\nClassification: BREAKING\n`,
    );
  });

  test('github: the file is relative to the working directory as the new side was typed', () => {
    const nested = path.join(cwd, 'nested');
    fs.mkdirSync(nested, { recursive: true });
    const run = pacto(['diff', '../base', './../br/pacto.yaml', '--output-format', 'github'], { cwd: nested });
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`^::error file=\\.\\./br/pacto\\.yaml,line=${portLine},col=${portCol},`, 'm'));
  });

  test('the other direction is BREAKING too (a port change is BREAKING either way)', () => {
    const run = diff(['br', 'base']);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^ {2}\[BREAKING\] interfaces\.port \(modified\): interfaces\.port modified \[9090 -> 8080\]$/m);
  });
});

describe('diff: contract-level rules through the CLI', () => {
  const EXTRA = BASE.replace(
    'configuration:',
    `  - name: events
    type: event
    contract: interfaces/openapi.yaml
dependencies:
  - ref: oci://ghcr.io/acme/payments-pacto:1.0.0
    compatibility: "^1.0.0"
configuration:`,
  );
  const PIPE = EXTRA.replace('compatibility: "^1.0.0"', 'compatibility: "^1.0.0 || ^2.0.0"');
  const ws = workspace({ base: BASE, extra: EXTRA, pipe: PIPE, job: BASE.replace('workload: service', 'workload: scheduled') });

  test('interfaces and dependencies added: NON_BREAKING, [+ value]', () => {
    const run = pacto(['diff', 'base', 'extra'], { cwd: ws });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^ {2}\[NON_BREAKING\] interfaces \(added\): interfaces added \[\+ events\]$/m);
    assert.match(run.stdout, /^ {2}\[NON_BREAKING\] dependencies \(added\): dependencies added \[\+ oci:\/\/ghcr\.io\/acme\/payments-pacto:1\.0\.0\]$/m);
  });

  test('interfaces and dependencies removed: BREAKING, [- value], exit 1', () => {
    const run = pacto(['diff', 'extra', 'base'], { cwd: ws });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^Classification: BREAKING$/m);
    assert.match(run.stdout, /^ {2}\[BREAKING\] interfaces \(removed\): interfaces removed \[- events\]$/m);
    assert.match(run.stdout, /^ {2}\[BREAKING\] dependencies \(removed\): dependencies removed \[- oci:\/\/ghcr\.io\/acme\/payments-pacto:1\.0\.0\]$/m);
  });

  test('runtime.workload modified is BREAKING', () => {
    const run = pacto(['diff', 'base', 'job', '--output-format', 'json'], { cwd: ws });
    assert.equal(run.status, 1);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(
      doc.changes.map((c) => [c.path, c.classification, c.old, c.new]),
      [['runtime.workload', 'BREAKING', 'service', 'scheduled']],
    );
  });

  test('markdown: a `|` in a value is escaped inside its code span', () => {
    const run = pacto(['diff', 'extra', 'pipe', '--output-format', 'markdown'], { cwd: ws });
    assert.equal(run.status, 0);
    const row = run.stdout.split('\n').find((l) => l.includes('`dependencies.compatibility`'));
    assert.equal(
      row,
      '| POTENTIAL_BREAKING | `dependencies.compatibility` | modified | dependencies.compatibility modified | ' +
        '`oci://ghcr.io/acme/payments-pacto:1.0.0: ^1.0.0` | `oci://ghcr.io/acme/payments-pacto:1.0.0: ^1.0.0 \\|\\| ^2.0.0` |',
    );
    // Six cells: no unescaped pipe splits the row.
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 6);
    // Text and github print the value plainly.
    const text = pacto(['diff', 'extra', 'pipe'], { cwd: ws });
    assert.match(text.stdout, /\[oci:\/\/ghcr\.io\/acme\/payments-pacto:1\.0\.0: \^1\.0\.0 -> oci:\/\/ghcr\.io\/acme\/payments-pacto:1\.0\.0: \^1\.0\.0 \|\| \^2\.0\.0\]$/m);
  });
});

describe('diff: colour', () => {
  const { main } = require('../../npm/cli/main.js');
  async function runMain(args, { isTTY, env }) {
    let stdout = '';
    let stderr = '';
    const status = await main(args, {
      stdout: { isTTY, write: (t) => (stdout += t) },
      stderr: { write: (t) => (stderr += t) },
      env,
    });
    return { status, stdout, stderr };
  }
  const base = path.join(cwd, 'base');
  const br = path.join(cwd, 'br');

  test('class tags are coloured on a terminal', async () => {
    const run = await runMain(['diff', base, br], { isTTY: true, env: {} });
    assert.equal(run.status, 1);
    assert.ok(run.stdout.includes('\x1b[31m\x1b[1m[BREAKING]\x1b[0m'), JSON.stringify(run.stdout));
    assert.ok(run.stdout.includes('\x1b[32m[NON_BREAKING]\x1b[0m'), JSON.stringify(run.stdout));
    // Without the escapes, the same text as on a pipe.
    assert.equal(run.stdout.replace(/\x1b\[\d+m/g, ''), diff(['base', 'br']).stdout);
  });

  test('NO_COLOR, a pipe, or another format: no escapes', async () => {
    assert.ok(!(await runMain(['diff', base, br], { isTTY: true, env: { NO_COLOR: '' } })).stdout.includes('\x1b['));
    assert.ok(!(await runMain(['diff', base, br], { isTTY: false, env: {} })).stdout.includes('\x1b['));
    for (const format of ['json', 'markdown', 'github']) {
      assert.ok(!(await runMain(['diff', base, br, '--output-format', format], { isTTY: true, env: {} })).stdout.includes('\x1b['), format);
    }
    assert.ok(!diff(['base', 'br'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout.includes('\x1b['));
  });
});

describe('diff: a side that cannot be loaded or compared exits 2, never looks like "no changes"', () => {
  const ws = workspace({ good: BASE, broken: UNPARSEABLE_CONTRACT });
  fs.mkdirSync(path.join(ws, 'empty'));
  const colourLine = lineOf(UNPARSEABLE_CONTRACT, 'colour');

  for (const format of FORMATS) {
    test(`a missing directory (${format}): the side named on stderr, nothing on stdout`, () => {
      const run = pacto(['diff', 'missing', 'good', '--output-format', format], { cwd: ws });
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, 'pacto: old contract: missing: no such file or directory\n');
    });
  }

  test('a missing new side', () => {
    const run = pacto(['diff', 'good', 'missing'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'pacto: new contract: missing: no such file or directory\n');
  });

  test('both sides missing: both named', () => {
    const run = pacto(['diff', 'gone1', 'gone2'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      'pacto: old contract: gone1: no such file or directory\npacto: new contract: gone2: no such file or directory\n',
    );
  });

  test('a directory without pacto.yaml', () => {
    const run = pacto(['diff', 'good', 'empty'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'pacto: new contract: no pacto.yaml found in empty\n');
  });

  for (const side of ['old', 'new']) {
    test(`an unparseable ${side} side: the side and its PARSE_ERROR diagnostics on stderr`, () => {
      const args = side === 'old' ? ['broken', 'good'] : ['good', 'broken'];
      for (const format of ['text', 'json', 'markdown']) {
        const run = pacto(['diff', ...args, '--output-format', format], { cwd: ws });
        assert.equal(run.status, 2, format);
        assert.equal(run.stdout, '', format);
        const lines = run.stderr.trimEnd().split('\n');
        assert.equal(lines[0], `pacto: ${side} contract: broken/pacto.yaml cannot be parsed`);
        assert.ok(lines.length >= 2);
        for (const l of lines.slice(1)) assert.match(l, new RegExp(`^${side} contract: broken/pacto\\.yaml(:\\d+:\\d+)?: error PARSE_ERROR `));
        assert.ok(
          lines.some((l) => l.startsWith(`${side} contract: broken/pacto.yaml:${colourLine}:`) && l.includes('service.colour')),
          run.stderr,
        );
      }
    });
  }

  test('both sides unparseable: both named', () => {
    const run = pacto(['diff', 'broken', 'broken/pacto.yaml'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pacto: old contract: broken\/pacto\.yaml cannot be parsed$/m);
    assert.match(run.stderr, /^pacto: new contract: broken\/pacto\.yaml cannot be parsed$/m);
    assert.match(run.stderr, /^new contract: broken\/pacto\.yaml:\d+:\d+: error PARSE_ERROR service\.colour: /m);
  });

  test('an unparseable side with github: ::error annotations at the parse errors, exit 2', () => {
    const run = pacto(['diff', 'good', 'broken', '--output-format', 'github'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.match(run.stdout, new RegExp(`^::error file=broken/pacto\\.yaml,line=${colourLine},col=\\d+,endLine=\\d+,endColumn=\\d+,title=new contract%3A PARSE_ERROR::service\\.colour: `, 'm'));
    assert.ok(!run.stdout.includes('Classification'));
    assert.match(run.stderr, /^pacto: new contract: broken\/pacto\.yaml cannot be parsed$/m);
  });

  // Port 1 on the loopback interface: nothing listens there (tests/js/registry-*
  // run diff against a real registry).
  test('an unreachable registry reference: the side is named, exit 2', () => {
    const run = pacto(['diff', 'oci://127.0.0.1:1/acme/orders-pacto:1.0.0', 'good'], { cwd: ws, env: { PACTO_NO_CACHE: '1' } });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pacto: old contract: registry unreachable for 127\.0\.0\.1:1\/acme\/orders-pacto:1\.0\.0: /);
  });

  const usage = [
    [[], /^pacto: diff accepts 2 arg\(s\), received 0\nRun 'pacto diff --help' for usage\.\n$/],
    [['good'], /^pacto: diff accepts 2 arg\(s\), received 1\n/],
    [['good', 'good', 'good'], /^pacto: diff accepts 2 arg\(s\), received 3\n/],
    [['good', 'good', '--bogus'], /^pacto: unknown flag: --bogus\nRun 'pacto diff --help' for usage\.\n$/],
    [['good', 'good', '--output-format', 'xml'], /^pacto: invalid value "xml" for --output-format: /],
  ];
  for (const [args, stderr] of usage) {
    test(`usage: pacto diff ${args.join(' ')}`, () => {
      const run = pacto(['diff', ...args], { cwd: ws });
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, stderr);
    });
  }
});

describe('diff: help', () => {
  test('pacto diff --help, and diff in the global help', () => {
    const run = pacto(['diff', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage:\n {2}pacto diff <old> <new>$/m);
    assert.match(run.stdout, /^Exit status: 0 no breaking change, 1 breaking changes/m);
    assert.equal(pacto(['help', 'diff']).stdout, run.stdout);
    assert.equal(pacto(['diff', '-h']).stdout, run.stdout);
    assert.match(pacto(['--help']).stdout, /^ {2}diff <old> <new> +Compare two contract bundles/m);
  });
});

// spec/diff.md §11: the e2e fixture user-api v1 -> v2.
const USER_API_V1 = `pactoVersion: "1.0"
service:
  name: user-api
  version: 1.0.0
  owner: team/users
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.yaml
`;
const USER_API_V2 = USER_API_V1.replace('version: 1.0.0', 'version: 2.0.0');
const OPENAPI_V1 = `openapi: "3.0.3"
info:
  title: svc
  version: 1.0.0
paths:
  /users:
    get:
      summary: List users
      parameters:
        - name: sort
          in: query
          schema:
            type: string
      responses:
        "200":
          description: A list of users
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    id:
                      type: string
    delete:
      summary: Delete all users
      responses:
        "204":
          description: Deleted
`;
const OPENAPI_V2 = `openapi: "3.0.3"
info:
  title: svc
  version: 1.0.0
paths:
  /users:
    get:
      summary: List users
      parameters:
        - name: filter
          in: query
          schema:
            type: string
      responses:
        "200":
          description: A list of users
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    id:
                      type: string
                    email:
                      type: string
        "404":
          description: Not found
    post:
      summary: Create a user
      responses:
        "201":
          description: Created
  /orders:
    get:
      responses:
        "200":
          description: Orders
`;

const WORKED_LINES = [
  '  [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 2.0.0]',
  "  [BREAKING] openapi.paths[/users].methods[GET].parameters[sort:query] (removed): GET /users query param 'sort' removed [- GET /users query param 'sort']",
  "  [POTENTIAL_BREAKING] openapi.paths[/users].methods[GET].parameters[filter:query] (added): GET /users query param 'filter' added [+ GET /users query param 'filter']",
  '  [POTENTIAL_BREAKING] openapi.paths[/users].methods[GET].responses[200] (modified): GET /users response 200 modified [GET /users 200 -> GET /users 200]',
  '  [NON_BREAKING] openapi.paths[/users].methods[GET].responses[404] (added): GET /users response 404 added [+ GET /users 404]',
  '  [BREAKING] openapi.paths[/users].methods[DELETE] (removed): DELETE /users method removed [- DELETE /users]',
  '  [NON_BREAKING] openapi.paths[/users].methods[POST] (added): POST /users method added [+ POST /users]',
  '  [NON_BREAKING] openapi.paths[/orders] (added): API path /orders added [+ /orders]',
];

describe('diff: the worked example (spec/diff.md §11), OpenAPI deep diff', () => {
  const ws = tempDir('user-api');
  writeFiles(path.join(ws, 'v1'), { 'pacto.yaml': USER_API_V1, 'interfaces/openapi.yaml': OPENAPI_V1 });
  writeFiles(path.join(ws, 'v2'), { 'pacto.yaml': USER_API_V2, 'interfaces/openapi.yaml': OPENAPI_V2 });

  test('json: BREAKING, the 8 change paths, exit 1', () => {
    const run = pacto(['diff', 'v1', 'v2', '--output-format', 'json'], { cwd: ws });
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(
      doc.changes.map((c) => c.path).sort(),
      [
        'service.version',
        'openapi.paths[/users].methods[GET].parameters[sort:query]',
        'openapi.paths[/users].methods[GET].parameters[filter:query]',
        'openapi.paths[/users].methods[GET].responses[200]',
        'openapi.paths[/users].methods[GET].responses[404]',
        'openapi.paths[/users].methods[DELETE]',
        'openapi.paths[/users].methods[POST]',
        'openapi.paths[/orders]',
      ].sort(),
    );
    assert.equal(doc.classification, 'BREAKING');
    assert.equal(run.status, 1);
  });

  test('text: the lines of §11 (compared as a set), exit 1', () => {
    const run = pacto(['diff', 'v1', 'v2'], { cwd: ws });
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'Classification: BREAKING');
    assert.equal(lines[1], 'Changes (8):');
    assert.deepEqual(lines.slice(2).sort(), [...WORKED_LINES].sort());
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'pacto: breaking changes detected\n');
  });

  test('github: an ::error for each BREAKING OpenAPI change, in the new OpenAPI file when located', () => {
    const run = pacto(['diff', 'v1', 'v2', '--output-format', 'github'], { cwd: ws });
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('::error ')).length, 2, run.stdout);
    assert.equal(lines.filter((l) => l.startsWith('::warning ')).length, 2, run.stdout);
    const deleted = lines.find((l) => l.includes('title=BREAKING openapi.paths[/users].methods[DELETE]'));
    assert.ok(deleted && deleted.endsWith('::DELETE /users method removed [- DELETE /users]'), run.stdout);
    for (const l of lines.filter((x) => x.startsWith('::') && x.includes('file='))) {
      assert.match(l, /^::(error|warning) file=v2\/[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=/);
    }
    assert.equal(lines.at(-1), 'Classification: BREAKING');
  });
});

const SPDX = (packages) =>
  `${JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'orders', packages }, null, 2)}\n`;

describe('diff: SBOM changes (informational)', () => {
  const ws = tempDir('sbom');
  writeFiles(path.join(ws, 'old'), {
    ...bundleFiles(BASE),
    'sbom/orders.spdx.json': SPDX([
      { name: 'zlib', versionInfo: '1.2.13', licenseConcluded: 'Zlib' },
      { name: 'gone', versionInfo: '0.1.0' },
      { name: 'openssl', versionInfo: '3.0.0', licenseConcluded: 'Apache-2.0' },
    ]),
  });
  writeFiles(path.join(ws, 'new'), {
    ...bundleFiles(BASE),
    'sbom/orders.spdx.json': SPDX([
      { name: 'fresh', versionInfo: '2.0.0' },
      { name: 'openssl', versionInfo: '3.0.1', licenseConcluded: 'MIT' },
      { name: 'zlib', versionInfo: '1.2.13', licenseConcluded: 'Zlib' },
    ]),
  });
  writeFiles(path.join(ws, 'broken'), { ...bundleFiles(BASE), 'sbom/orders.spdx.json': '{ "packages": [ {' });

  test('text: the SBOM block, no "No changes detected.", exit 0', () => {
    const run = pacto(['diff', 'old', 'new'], { cwd: ws });
    assert.equal(run.status, 0);
    assert.equal(
      run.stdout,
      [
        'Classification: NON_BREAKING',
        '',
        'SBOM changes (4):',
        '  - gone@0.1.0',
        '  ~ openssl version: 3.0.0 -> 3.0.1',
        '  ~ openssl license: Apache-2.0 -> MIT',
        '  + fresh@2.0.0',
        '',
      ].join('\n'),
    );
  });

  test('json: sbom between changes and warnings', () => {
    const run = pacto(['diff', 'old', 'new', '--output-format', 'json'], { cwd: ws });
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(doc), ['classification', 'changes', 'sbom', 'warnings', 'dependencyDiffs', 'graphDiff', 'oldPath', 'newPath']);
    assert.equal(doc.sbom.oldFormat, 'spdx');
    assert.deepEqual(doc.sbom.changes.at(-1), { package: 'fresh', type: 'added', field: 'package', newValue: '2.0.0' });
  });

  test('markdown: the SBOM table, absent values as empty cells', () => {
    const run = pacto(['diff', 'old', 'new', '--output-format', 'markdown'], { cwd: ws });
    assert.equal(
      run.stdout,
      [
        '## Contract Diff',
        '',
        '**Classification:** `NON_BREAKING`',
        '',
        '### SBOM Changes',
        '',
        '| Package | Type | Field | Old | New |',
        '|---|---|---|---|---|',
        '| `gone` | removed | package | `0.1.0` |  |',
        '| `openssl` | modified | version | `3.0.0` | `3.0.1` |',
        '| `openssl` | modified | license | `Apache-2.0` | `MIT` |',
        '| `fresh` | added | package |  | `2.0.0` |',
        '',
      ].join('\n'),
    );
  });

  test('an SBOM that cannot be parsed: a warning in every format, exit 0', () => {
    const text = pacto(['diff', 'old', 'broken'], { cwd: ws });
    assert.equal(text.status, 0);
    const lines = text.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 4), ['Classification: NON_BREAKING', 'No changes detected.', '', 'Warnings (1):']);
    assert.match(lines[4], /^ {2}new sbom\/orders\.spdx\.json: \S/);
    assert.equal(lines.length, 5);

    const doc = JSON.parse(pacto(['diff', 'old', 'broken', '--output-format', 'json'], { cwd: ws }).stdout);
    assert.deepEqual(doc.warnings.map((w) => [w.side, w.file]), [['new', 'sbom/orders.spdx.json']]);

    const md = pacto(['diff', 'old', 'broken', '--output-format', 'markdown'], { cwd: ws }).stdout;
    assert.match(md, /^### Warnings \(1\)\n\n- new `sbom\/orders\.spdx\.json`: \S/m);

    const gh = pacto(['diff', 'old', 'broken', '--output-format', 'github'], { cwd: ws }).stdout;
    assert.match(gh, /^::warning file=broken\/sbom\/orders\.spdx\.json,title=pacto diff%3A new sbom\/orders\.spdx\.json::\S/m);
    assert.match(gh, /\nClassification: NON_BREAKING\n$/);
  });
});

describe('diff: .tar.gz bundles', () => {
  const ws = workspace({ base: BASE, br: BREAKING }, 'archives');
  const tar = (name) => {
    const run = spawnSync('tar', ['-czf', `${name}.tar.gz`, '-C', name, 'pacto.yaml', 'interfaces', 'configuration'], { cwd: ws });
    assert.equal(run.status, 0, String(run.stderr));
  };
  tar('base');
  tar('br');
  // The CLI side of archives, whatever the wasm build: the package's unpack is
  // replaced in-process by one that reads the directory the archive was made from.
  test('archives go through unpack(bytes); their changes have no file on disk', async () => {
    const api = require('../../npm');
    const { loadBundle } = require('../../npm/node.js');
    const { main } = require('../../npm/cli/main.js');
    const had = Object.getOwnPropertyDescriptor(api, 'unpack');
    const seen = [];
    api.unpack = (bytes) => {
      assert.ok(bytes instanceof Uint8Array);
      assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'the gzip bytes of the file');
      const name = fs.readFileSync(path.join(ws, 'base.tar.gz')).equals(Buffer.from(bytes)) ? 'base' : 'br';
      seen.push(name);
      return loadBundle(path.join(ws, name));
    };
    try {
      let stdout = '';
      let stderr = '';
      const io = { stdout: { write: (t) => (stdout += t) }, stderr: { write: (t) => (stderr += t) }, env: {} };
      const status = await main(['diff', path.join(ws, 'base.tar.gz'), path.join(ws, 'br.tar.gz'), '--output-format', 'github'], io);
      assert.equal(status, 1, stderr);
      assert.deepEqual(seen, ['base', 'br']);
      assert.equal(stdout, '::error title=BREAKING interfaces.port::interfaces.port modified [8080 -> 9090]\nClassification: BREAKING\n');

      api.unpack = () => {
        throw new Error('gzip: invalid header');
      };
      stdout = '';
      stderr = '';
      assert.equal(await main(['diff', path.join(ws, 'base'), path.join(ws, 'br.tar.gz')], io), 2);
      assert.equal(stdout, '');
      assert.equal(stderr, `pacto: new contract: ${path.join(ws, 'br.tar.gz')}: gzip: invalid header\n`);
    } finally {
      if (had) Object.defineProperty(api, 'unpack', had);
      else delete api.unpack;
    }
  });

  let unpack;
  try {
    unpack = require(path.join(NPM_DIR, 'dist', 'node', 'pacto_wasm.js')).unpack;
  } catch {
    unpack = undefined;
  }

  if (typeof unpack !== 'function') {
    test('without unpack() in the wasm build: a clear error, exit 2', () => {
      const run = pacto(['diff', 'base.tar.gz', 'br'], { cwd: ws });
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, 'pacto: old contract: base.tar.gz: reading .tar.gz bundles needs unpack() (not built)\n');
    });
    return;
  }

  test('archive against directory and archive against archive: the same result as the directories', () => {
    const expected = pacto(['diff', 'base', 'br', '--output-format', 'json'], { cwd: ws });
    for (const [a, b] of [
      ['base.tar.gz', 'br'],
      ['base', 'br.tar.gz'],
      ['base.tar.gz', 'br.tar.gz'],
    ]) {
      const run = pacto(['diff', a, b, '--output-format', 'json'], { cwd: ws });
      assert.equal(run.status, 1, `${a} ${b}: ${run.stderr}`);
      const doc = JSON.parse(run.stdout);
      assert.deepEqual(doc.changes, JSON.parse(expected.stdout).changes, `${a} ${b}`);
      assert.deepEqual([doc.oldPath, doc.newPath], [a, b]);
    }
  });

  test('github: no file= for a change inside an archive', () => {
    const run = pacto(['diff', 'base', 'br.tar.gz', '--output-format', 'github'], { cwd: ws });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^::error title=BREAKING interfaces\.port::interfaces\.port modified \[8080 -> 9090\]$/m);
  });

  test('a damaged archive: exit 2, the side named', () => {
    fs.writeFileSync(path.join(ws, 'bad.tar.gz'), 'not a gzip stream');
    const run = pacto(['diff', 'base', 'bad.tar.gz'], { cwd: ws });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pacto: new contract: bad\.tar\.gz: /);
  });
});
