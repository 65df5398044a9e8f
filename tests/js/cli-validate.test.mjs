// `pacto validate` as a user runs it: a child process on real directories,
// every output format, every kind of contract.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRequire } from 'node:module';

import {
  INVALID_CONTRACT,
  UNPARSEABLE_CONTRACT,
  VALID_CONTRACT,
  WARNINGS_CONTRACT,
  lineOf,
  pacto,
  tempDir,
  workspaceWith,
  writeFiles,
} from './helpers.mjs';

const require = createRequire(import.meta.url);

const FORMATS = ['text', 'json', 'markdown', 'github'];

// One line per diagnostic in text output, computed from the JSON result.
function textLine(file, d) {
  const where = d.range ? `${file}:${d.range.start.line}:${d.range.start.column}` : file;
  return `${where}: ${d.severity} ${d.code} ${d.path === '' ? '(root)' : d.path}: ${d.message}`;
}

function jsonResult(cwd, target) {
  const run = pacto(['validate', target, '--output-format', 'json'], { cwd });
  return JSON.parse(run.stdout);
}

describe('validate: a valid contract', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);

  test('text: the verdict alone, exit 0', () => {
    const run = pacto(['validate', 'orders'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'orders is valid\n');
    assert.equal(run.stderr, '');
  });

  test('json: one document with empty arrays', () => {
    const run = pacto(['--output-format', 'json', 'validate', 'orders'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '{\n  "valid": true,\n  "errors": [],\n  "warnings": []\n}\n');
    assert.equal(run.stderr, '');
  });

  test('markdown: a heading with the verdict', () => {
    const run = pacto(['validate', 'orders', '--output-format=markdown'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '## ✅ `orders` is valid\n\nNo errors or warnings.\n');
  });

  test('github: no annotations, the verdict', () => {
    const run = pacto(['validate', '--output-format', 'github', 'orders'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'orders is valid\n');
  });

  test('no argument validates the current directory, shown as "."', () => {
    const run = pacto(['validate'], { cwd: path.join(cwd, 'orders') });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '. is valid\n');
  });

  test('the path of the contract file works too, and is shown as typed', () => {
    const run = pacto(['validate', 'orders/pacto.yaml'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'orders/pacto.yaml is valid\n');
  });

  test('file:// is accepted and kept in the verdict', () => {
    const run = pacto(['validate', 'file://orders'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'file://orders is valid\n');
  });

  test('never coloured when stdout is not a terminal', () => {
    const run = pacto(['validate', 'orders'], { cwd, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.ok(!run.stdout.includes('\x1b['));
  });
});

describe('validate: an invalid contract (schema)', () => {
  const { cwd } = workspaceWith('orders', INVALID_CONTRACT);
  const file = path.join('orders', 'pacto.yaml');
  const portLine = lineOf(INVALID_CONTRACT, 'port: 0');
  const workloadLine = lineOf(INVALID_CONTRACT, 'workload: daemon');

  test('json: valid false, SCHEMA_VIOLATION at both fields with their lines, exit 1', () => {
    const run = pacto(['validate', 'orders', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '');
    const result = JSON.parse(run.stdout);
    assert.equal(run.stdout, `${JSON.stringify(result, null, 2)}\n`, 'exactly one 2-space JSON document');
    assert.deepEqual(Object.keys(result), ['valid', 'errors', 'warnings']);
    assert.equal(result.valid, false);
    assert.deepEqual(result.warnings, []);
    const located = result.errors.map((d) => [d.code, d.severity, d.path, d.range.start.line]);
    assert.ok(
      located.some((e) => JSON.stringify(e) === JSON.stringify(['SCHEMA_VIOLATION', 'error', 'interfaces[0].port', portLine])),
      JSON.stringify(located),
    );
    assert.ok(
      located.some((e) => JSON.stringify(e) === JSON.stringify(['SCHEMA_VIOLATION', 'error', 'runtime.workload', workloadLine])),
      JSON.stringify(located),
    );
    for (const d of result.errors) assert.deepEqual(Object.keys(d), ['code', 'severity', 'path', 'message', 'range']);
  });

  test('text: verdict, one located line per error, the count; exit 1', () => {
    const result = jsonResult(cwd, 'orders');
    const run = pacto(['validate', 'orders'], { cwd });
    assert.equal(run.status, 1);
    const n = result.errors.length;
    assert.equal(
      run.stdout,
      ['orders is invalid', ...result.errors.map((d) => textLine(file, d)), `${n} error${n === 1 ? '' : 's'}`, ''].join('\n'),
    );
    assert.match(run.stdout, new RegExp(`^orders/pacto\\.yaml:${portLine}:\\d+: error SCHEMA_VIOLATION interfaces\\[0\\]\\.port: `, 'm'));
    assert.match(run.stdout, new RegExp(`^orders/pacto\\.yaml:${workloadLine}:\\d+: error SCHEMA_VIOLATION runtime\\.workload: `, 'm'));
    assert.equal(run.stderr, '');
  });

  test('markdown: the verdict heading and a table row per error', () => {
    const result = jsonResult(cwd, 'orders');
    const run = pacto(['--output-format', 'markdown', 'validate', 'orders'], { cwd });
    assert.equal(run.status, 1);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], '## ❌ `orders` is invalid');
    assert.ok(lines.includes('| Severity | Code | Path | Location | Message |'));
    const rows = lines.filter((l) => l.startsWith('| error |'));
    assert.equal(rows.length, result.errors.length);
    const port = result.errors.find((d) => d.path === 'interfaces[0].port');
    assert.ok(
      rows.some((r) =>
        r.startsWith(
          `| error | \`SCHEMA_VIOLATION\` | \`interfaces[0].port\` | \`orders/pacto.yaml:${portLine}:${port.range.start.column}\` | `,
        ),
      ),
      rows.join('\n'),
    );
    assert.equal(lines.at(-2), `**${result.errors.length} errors**`);
  });

  test('github: one ::error per diagnostic with file, range and code, then the verdict', () => {
    const result = jsonResult(cwd, 'orders');
    const run = pacto(['validate', 'orders'], { cwd, env: { PACTO_OUTPUT_FORMAT: 'github' } });
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, result.errors.length + 1);
    assert.equal(lines.at(-1), 'orders is invalid');
    const port = result.errors.find((d) => d.path === 'interfaces[0].port');
    const { start, end } = port.range;
    assert.ok(
      lines.includes(
        `::error file=orders/pacto.yaml,line=${start.line},col=${start.column},endLine=${end.line},endColumn=${end.column},title=SCHEMA_VIOLATION::interfaces[0].port: ${port.message
          .replace(/%/g, '%25')
          .replace(/\r/g, '%0D')
          .replace(/\n/g, '%0A')}`,
      ),
      lines.join('\n'),
    );
  });
});

describe('validate: warnings only', () => {
  const { cwd } = workspaceWith('orders', WARNINGS_CONTRACT);
  const refLine = lineOf(WARNINGS_CONTRACT, 'ref: oci://');
  const upgradeLine = lineOf(WARNINGS_CONTRACT, 'upgradeStrategy: ordered');

  test('text: valid, each warning located, "2 warnings", exit 0', () => {
    const run = pacto(['validate', 'orders'], { cwd });
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'orders is valid');
    assert.match(lines[1], new RegExp(`^orders/pacto\\.yaml:${refLine}:\\d+: warning TAG_NOT_DIGEST dependencies\\[0\\]\\.ref: .*oci://ghcr\\.io/acme/payments-pacto:1\\.0\\.0`));
    assert.match(
      lines[2],
      new RegExp(`^orders/pacto\\.yaml:${upgradeLine}:\\d+: warning UPGRADE_STRATEGY_STATE_MISMATCH runtime\\.lifecycle\\.upgradeStrategy: `),
    );
    assert.equal(lines[3], '2 warnings');
    assert.equal(lines.length, 4);
  });

  test('json: valid true, the warnings, no errors', () => {
    const run = pacto(['validate', 'orders', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 0);
    const result = JSON.parse(run.stdout);
    assert.equal(result.valid, true);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.warnings.map((d) => [d.code, d.severity, d.path, d.range.start.line]),
      [
        ['TAG_NOT_DIGEST', 'warning', 'dependencies[0].ref', refLine],
        ['UPGRADE_STRATEGY_STATE_MISMATCH', 'warning', 'runtime.lifecycle.upgradeStrategy', upgradeLine],
      ],
    );
  });

  test('markdown: valid heading, warning rows, the count', () => {
    const run = pacto(['validate', 'orders', '--output-format', 'markdown'], { cwd });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^## ✅ `orders` is valid\n/);
    assert.match(
      run.stdout,
      new RegExp(`^\\| warning \\| \`TAG_NOT_DIGEST\` \\| \`dependencies\\[0\\]\\.ref\` \\| \`orders/pacto\\.yaml:${refLine}:\\d+\` \\| .*oci://ghcr\\.io.* \\|$`, 'm'),
    );
    assert.match(run.stdout, /^\*\*2 warnings\*\*$/m);
  });

  test('github: ::warning annotations, exit 0', () => {
    const run = pacto(['validate', 'orders', '--output-format', 'github'], { cwd });
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], new RegExp(`^::warning file=orders/pacto\\.yaml,line=${refLine},col=\\d+,endLine=\\d+,endColumn=\\d+,title=TAG_NOT_DIGEST::dependencies\\[0\\]\\.ref: `));
    assert.match(lines[1], /^::warning file=.*title=UPGRADE_STRATEGY_STATE_MISMATCH::runtime\.lifecycle\.upgradeStrategy: /);
    assert.equal(lines[2], 'orders is valid');
  });
});

describe('validate: an unparseable contract', () => {
  const { cwd } = workspaceWith('orders', UNPARSEABLE_CONTRACT);
  const line = lineOf(UNPARSEABLE_CONTRACT, 'colour');

  test('text: PARSE_ERROR on the unknown key, exit 1', () => {
    const run = pacto(['validate', 'orders'], { cwd });
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'orders is invalid');
    assert.match(lines[1], new RegExp(`^orders/pacto\\.yaml:${line}:\\d+: error PARSE_ERROR \\S+: .*colour`));
    assert.equal(lines.at(-1), `${lines.length - 2} error${lines.length === 3 ? '' : 's'}`);
  });

  test('json: PARSE_ERROR with a range', () => {
    const run = pacto(['validate', 'orders', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout);
    assert.equal(result.valid, false);
    assert.deepEqual(result.warnings, []);
    assert.ok(result.errors.length >= 1);
    assert.ok(result.errors.every((d) => d.code === 'PARSE_ERROR'));
    assert.equal(result.errors[0].range.start.line, line);
  });

  test('markdown and github: PARSE_ERROR, exit 1', () => {
    const md = pacto(['validate', 'orders', '--output-format', 'markdown'], { cwd });
    assert.equal(md.status, 1);
    assert.match(md.stdout, new RegExp(`^\\| error \\| \`PARSE_ERROR\` \\| .* \\| \`orders/pacto\\.yaml:${line}:\\d+\` \\| .*colour.* \\|$`, 'm'));
    const gh = pacto(['validate', 'orders', '--output-format', 'github'], { cwd });
    assert.equal(gh.status, 1);
    assert.match(gh.stdout, new RegExp(`^::error file=orders/pacto\\.yaml,line=${line},.*title=PARSE_ERROR::`, 'm'));
    assert.match(gh.stdout, /\norders is invalid\n$/);
  });

  test('YAML that does not even tokenise is a PARSE_ERROR too', () => {
    const dir = writeFiles(tempDir('broken-yaml'), { 'pacto.yaml': 'pactoVersion: "1.0\nservice: [\n' });
    const run = pacto(['validate', dir, '--output-format', 'json']);
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout);
    assert.equal(result.valid, false);
    assert.equal(result.errors[0].code, 'PARSE_ERROR');
  });
});

describe('validate: a diagnostic without a range, an empty path', () => {
  test('root-level PARSE_ERROR prints "(root)" and the file without line', () => {
    // Not UTF-8: the whole file is the problem, there is no position in it.
    const dir = writeFiles(tempDir('latin1'), {});
    require('node:fs').writeFileSync(path.join(dir, 'pacto.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    const json = JSON.parse(pacto(['validate', dir, '--output-format', 'json']).stdout);
    const [error] = json.errors;
    assert.equal(error.code, 'PARSE_ERROR');
    const run = pacto(['validate', dir]);
    assert.equal(run.status, 1);
    const file = path.join(dir, 'pacto.yaml');
    const expected = error.range
      ? `${file}:${error.range.start.line}:${error.range.start.column}: error PARSE_ERROR ${error.path || '(root)'}: `
      : `${file}: error PARSE_ERROR ${error.path || '(root)'}: `;
    assert.ok(run.stdout.split('\n')[1].startsWith(expected), run.stdout);
  });
});

describe('validate: errors that are not findings exit 2', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);

  test('a missing directory', () => {
    const run = pacto(['validate', 'missing'], { cwd });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'pacto: missing: no such file or directory\n');
  });

  test('a directory without pacto.yaml', () => {
    const run = pacto(['validate', '.'], { cwd });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'pacto: no pacto.yaml found in .\n');
  });

  // Port 1 on the loopback interface: nothing listens there (tests/js/registry-*
  // validate against a real registry).
  test('an unreachable registry reference', () => {
    const run = pacto(['validate', 'oci://127.0.0.1:1/acme/orders:1.0.0'], { cwd, env: { PACTO_NO_CACHE: '1' } });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pacto: registry unreachable for 127\.0\.0\.1:1\/acme\/orders:1\.0\.0: /);
  });

  test('in json format too: nothing on stdout', () => {
    const run = pacto(['validate', 'missing', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
  });

  test('no stack trace for expected errors', () => {
    const run = pacto(['validate', 'missing'], { cwd });
    assert.ok(!/\n\s+at /.test(run.stderr), run.stderr);
  });
});

describe('validate: colour (in process, with a terminal for stdout)', () => {
  const { main } = require('../../npm/cli/main.js');
  const { dir } = workspaceWith('orders', INVALID_CONTRACT);

  function runMain(env) {
    let stdout = '';
    const status = main(['validate', dir], {
      stdout: { isTTY: true, write: (s) => (stdout += s) },
      stderr: { write: () => {} },
      env,
    });
    return { status, stdout };
  }

  test('coloured on a terminal', () => {
    const run = runMain({});
    assert.equal(run.status, 1);
    assert.ok(run.stdout.includes('\x1b[31m'), JSON.stringify(run.stdout));
  });

  test('plain when NO_COLOR is set', () => {
    const run = runMain({ NO_COLOR: '1' });
    assert.equal(run.status, 1);
    assert.ok(!run.stdout.includes('\x1b['));
    assert.match(run.stdout, /is invalid\n/);
  });
});

test('every format is accepted before and after the command', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);
  for (const format of FORMATS) {
    const before = pacto(['--output-format', format, 'validate', 'orders'], { cwd });
    const after = pacto(['validate', 'orders', `--output-format=${format}`], { cwd });
    assert.equal(before.status, 0, format);
    assert.equal(before.stdout, after.stdout, format);
  }
});
