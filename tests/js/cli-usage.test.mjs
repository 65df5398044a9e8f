// Global CLI behaviour: help, version, argument parsing, exit status 2 for
// every usage error.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { NPM_DIR, VALID_CONTRACT, pacto, workspaceWith } from './helpers.mjs';

const VERSION = JSON.parse(fs.readFileSync(path.join(NPM_DIR, 'package.json'), 'utf8')).version;
const COMMANDS = ['init', 'validate', 'explain', 'pack', 'push', 'pull', 'login', 'version', 'help'];

describe('help and version', () => {
  test('--version and the version command print the wasm version', () => {
    for (const args of [['--version'], ['version'], ['validate', '--version']]) {
      const run = pacto(args);
      assert.equal(run.status, 0, args.join(' '));
      assert.equal(run.stdout, `pacto version ${VERSION}\n`);
    }
    assert.deepEqual(JSON.parse(pacto(['version', '--output-format', 'json']).stdout), { version: VERSION });
  });

  test('--help, -h, help and no arguments print the global help', () => {
    const help = pacto(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage:\n {2}pacto \[--output-format FORMAT\] <command> \[arguments\]$/m);
    for (const name of COMMANDS) assert.match(help.stdout, new RegExp(`^ {2}${name}\\b`, 'm'), name);
    assert.match(help.stdout, /--output-format FORMAT +text, json, markdown, github/);
    assert.match(help.stdout, /^ {2}2 {2}usage or I\/O error$/m);
    for (const args of [['-h'], ['help'], []]) {
      const run = pacto(args);
      assert.equal(run.status, 0, args.join(' '));
      assert.equal(run.stdout, help.stdout, args.join(' '));
    }
  });

  test('per-command help: <command> --help, <command> -h, help <command>', () => {
    for (const name of ['init', 'validate', 'explain']) {
      const run = pacto([name, '--help']);
      assert.equal(run.status, 0);
      assert.match(run.stdout, new RegExp(`^Usage:\\n {2}pacto ${name}\\b`, 'm'));
      assert.match(run.stdout, /^Global flags:$/m);
      assert.equal(pacto([name, '-h']).stdout, run.stdout);
      assert.equal(pacto(['help', name]).stdout, run.stdout);
      assert.equal(pacto(['--output-format', 'json', name, '--help']).stdout, run.stdout);
    }
    assert.match(pacto(['explain', '--help']).stdout, /"valid": false, "errors": \[\.\.\.\], "warnings": \[\]/);
  });

  test('--help wins over a wrong argument count', () => {
    const run = pacto(['validate', 'a', 'b', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /pacto validate \[path\]/);
  });
});

describe('usage errors exit 2 with a message and a hint on stderr', () => {
  const cases = [
    [['deploy'], /^pacto: unknown command "deploy" for "pacto"\nRun 'pacto --help' for usage\.\n$/],
    [['valdate'], /^pacto: unknown command "valdate" for "pacto"\n\nDid you mean this\?\n\tvalidate\n/],
    [['help', 'deploy'], /^pacto: unknown command "deploy" for "pacto"\n/],
    [['--bogus', 'validate'], /^pacto: unknown flag: --bogus\nRun 'pacto --help' for usage\.\n$/],
    [['validate', '--bogus'], /^pacto: unknown flag: --bogus\nRun 'pacto validate --help' for usage\.\n$/],
    [['validate', '-x'], /^pacto: unknown shorthand flag: 'x' in -x\n/],
    [['validate', '-o', 'out'], /^pacto: unknown shorthand flag: 'o' in -o\n/],
    [['validate', 'a', 'b'], /^pacto: validate accepts at most 1 arg\(s\), received 2\n/],
    [['version', 'extra'], /^pacto: version accepts 0 arg\(s\), received 1\n/],
    [['validate', '--output-format', 'xml'], /^pacto: invalid value "xml" for --output-format: must be one of text, json, markdown, github\n/],
    [['--output-format=yaml', 'explain'], /^pacto: invalid value "yaml" for --output-format: /],
    [['validate', '--output-format'], /^pacto: flag needs an argument: --output-format\n/],
    [['validate', '--help=maybe'], /^pacto: invalid value "maybe" for --help: must be true or false\n/],
  ];
  for (const [args, stderr] of cases) {
    test(`pacto ${args.join(' ')}`, () => {
      const run = pacto(args);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, stderr);
    });
  }

  test('an unknown PACTO_OUTPUT_FORMAT is a usage error too', () => {
    const run = pacto(['validate'], { env: { PACTO_OUTPUT_FORMAT: 'xml' } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^pacto: invalid value "xml" for PACTO_OUTPUT_FORMAT: must be one of text, json, markdown, github\n/);
  });
});

describe('output format resolution', () => {
  const { cwd } = workspaceWith('orders', VALID_CONTRACT);

  test('PACTO_OUTPUT_FORMAT applies when there is no flag', () => {
    const run = pacto(['validate', 'orders'], { cwd, env: { PACTO_OUTPUT_FORMAT: 'json' } });
    assert.equal(run.status, 0);
    assert.equal(JSON.parse(run.stdout).valid, true);
  });

  test('the flag wins over PACTO_OUTPUT_FORMAT; the last flag wins', () => {
    const env = { PACTO_OUTPUT_FORMAT: 'json' };
    assert.equal(pacto(['validate', 'orders', '--output-format', 'text'], { cwd, env }).stdout, 'orders is valid\n');
    assert.equal(
      pacto(['--output-format', 'json', 'validate', 'orders', '--output-format=text'], { cwd }).stdout,
      'orders is valid\n',
    );
  });

  test('an empty PACTO_OUTPUT_FORMAT is ignored', () => {
    const run = pacto(['validate', 'orders'], { cwd, env: { PACTO_OUTPUT_FORMAT: '' } });
    assert.equal(run.stdout, 'orders is valid\n');
  });

  test('-- ends the flags: a directory named like a flag', () => {
    const ws = workspaceWith('--weird', VALID_CONTRACT);
    const run = pacto(['validate', '--', '--weird'], { cwd: ws.cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '--weird is valid\n');
  });
});
