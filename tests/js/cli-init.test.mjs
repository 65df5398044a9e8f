// `pacto init` as a child process, then the scaffold through validate.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { init } from '../../npm/index.mjs';
import { pacto, tempDir } from './helpers.mjs';

const umask = process.umask();

function listTree(dir, prefix = '') {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? [`${prefix}${e.name}/`, ...listTree(path.join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`],
    );
}

describe('init', () => {
  test('text: creates the bundle and lists it in four lines', () => {
    const cwd = tempDir('init');
    const run = pacto(['init', 'billing'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      'Created billing/\n  billing/pacto.yaml\n  billing/interfaces/\n  billing/configuration/\n',
    );
    assert.equal(run.stderr, '');
    const dir = path.join(cwd, 'billing');
    assert.deepEqual(listTree(dir), [
      'configuration/',
      'configuration/schema.json',
      'interfaces/',
      'interfaces/openapi.yaml',
      'pacto.yaml',
    ]);
    for (const [key, content] of Object.entries(init('billing'))) {
      assert.equal(fs.readFileSync(path.join(dir, key), 'utf8'), content, key);
      assert.equal(fs.statSync(path.join(dir, key)).mode & 0o777, 0o644 & ~umask, `${key} mode`);
    }
    for (const sub of ['', 'interfaces', 'configuration']) {
      assert.equal(fs.statSync(path.join(dir, sub)).mode & 0o777, 0o755 & ~umask, `${sub || '.'} mode`);
    }
  });

  test('the scaffold validates with no errors and no warnings, and explains', () => {
    const cwd = tempDir('init-validate');
    assert.equal(pacto(['init', 'billing'], { cwd }).status, 0);
    const text = pacto(['validate', 'billing'], { cwd });
    assert.equal(text.status, 0);
    assert.equal(text.stdout, 'billing is valid\n');
    const json = pacto(['validate', 'billing', '--output-format', 'json'], { cwd });
    assert.deepEqual(JSON.parse(json.stdout), { valid: true, errors: [], warnings: [] });
    const explain = pacto(['explain', 'billing'], { cwd });
    assert.equal(explain.status, 0);
    assert.match(explain.stdout, /^Service: billing@0\.1\.0\nOwner: team\/my-team\nPacto Version: 1\.0\n/);
    assert.match(explain.stdout, /^ {2}- api \(http, port 8080, internal\)$/m);
  });

  test('json: dir, path and files', () => {
    const cwd = tempDir('init-json');
    const run = pacto(['init', 'billing', '--output-format', 'json'], { cwd });
    assert.equal(run.status, 0);
    assert.equal(
      run.stdout,
      `${JSON.stringify(
        {
          dir: 'billing',
          path: 'billing/pacto.yaml',
          files: ['billing/pacto.yaml', 'billing/interfaces/openapi.yaml', 'billing/configuration/schema.json'],
        },
        null,
        2,
      )}\n`,
    );
  });

  test('a nested path is created with its parents', () => {
    const cwd = tempDir('init-nested');
    const run = pacto(['init', 'services/billing'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(fs.existsSync(path.join(cwd, 'services', 'billing', 'pacto.yaml')));
  });

  test('an existing directory: exit 2, nothing written', () => {
    const cwd = tempDir('init-exists');
    fs.mkdirSync(path.join(cwd, 'billing'));
    fs.writeFileSync(path.join(cwd, 'billing', 'keep.txt'), 'mine');
    const run = pacto(['init', 'billing'], { cwd });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'pacto: directory "billing" already exists\n');
    assert.deepEqual(listTree(path.join(cwd, 'billing')), ['keep.txt']);
  });

  test('an existing file or dangling symlink at the path: exit 2', () => {
    const cwd = tempDir('init-file');
    fs.writeFileSync(path.join(cwd, 'billing'), 'x');
    fs.symlinkSync('nowhere', path.join(cwd, 'dangling'));
    for (const name of ['billing', 'dangling']) {
      const run = pacto(['init', name], { cwd });
      assert.equal(run.status, 2, name);
      assert.equal(run.stderr, `pacto: directory "${name}" already exists\n`);
    }
    assert.equal(fs.readFileSync(path.join(cwd, 'billing'), 'utf8'), 'x');
  });

  test('wrong argument count and empty name: exit 2', () => {
    const cwd = tempDir('init-usage');
    const none = pacto(['init'], { cwd });
    assert.equal(none.status, 2);
    assert.equal(none.stderr, "pacto: init accepts 1 arg(s), received 0\nRun 'pacto init --help' for usage.\n");
    const two = pacto(['init', 'a', 'b'], { cwd });
    assert.equal(two.status, 2);
    assert.match(two.stderr, /^pacto: init accepts 1 arg\(s\), received 2\n/);
    const empty = pacto(['init', ''], { cwd });
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^pacto: .*name.*\n$/);
    assert.deepEqual(fs.readdirSync(cwd), []);
  });
});
