// Shared by the JS suites: paths, fixture contracts written to real temp
// directories, and a runner for the CLI as a child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NPM_DIR = path.join(ROOT, 'npm');
export const PACTO_BIN = path.join(NPM_DIR, 'bin', 'pacto.js');

if (!fs.existsSync(path.join(NPM_DIR, 'dist', 'node', 'pacto_wasm.js'))) {
  throw new Error('npm/dist is missing: run `make build` before the JS tests');
}

// A complete contract: valid, with no warnings.
export const VALID_CONTRACT = `pactoVersion: "1.0"
service:
  name: orders
  version: 1.2.0
  owner: team/orders
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.yaml
configuration:
  schema: configuration/schema.json
runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  health:
    interface: api
    path: /health
scaling:
  min: 1
  max: 3
`;

export const OPENAPI = `openapi: "3.0.0"
info:
  title: orders
  version: 1.2.0
paths: {}
`;

export const CONFIG_SCHEMA = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object"
}
`;

// Two schema errors: port 0 is below the minimum (line 9), `daemon` is not a workload (line 15).
export const INVALID_CONTRACT = VALID_CONTRACT.replace('port: 8080', 'port: 0').replace(
  'workload: service',
  'workload: daemon',
);

// Valid, with two warnings: a tag instead of a digest (line 13) and an ordered
// upgrade of a stateless service (line 26).
export const WARNINGS_CONTRACT = `pactoVersion: "1.0"
service:
  name: orders
  version: 1.2.0
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml
configuration:
  schema: configuration/schema.json
dependencies:
  - ref: oci://ghcr.io/acme/payments-pacto:1.0.0
    required: true
    compatibility: "^1.0.0"
runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  lifecycle:
    upgradeStrategy: ordered
`;

// Cannot be parsed: an unknown key (line 5).
export const UNPARSEABLE_CONTRACT = `pactoVersion: "1.0"
service:
  name: orders
  version: 1.2.0
  colour: blue
`;

/** The files of a bundle around `contract`, as written by writeBundle. */
export function bundleFiles(contract) {
  return {
    'pacto.yaml': contract,
    'interfaces/openapi.yaml': OPENAPI,
    'configuration/schema.json': CONFIG_SCHEMA,
  };
}

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-js-tests-'));
process.on('exit', () => fs.rmSync(tempRoot, { recursive: true, force: true }));

let counter = 0;
/** A fresh empty directory, removed when the test process exits. */
export function tempDir(label = 'dir') {
  counter += 1;
  const dir = path.join(tempRoot, `${counter}-${label}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes files (relative path -> content; a key ending in "/" is a directory) under dir. */
export function writeFiles(dir, files) {
  for (const [key, content] of Object.entries(files)) {
    const target = path.join(dir, key);
    if (key.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  return dir;
}

/**
 * A workspace directory holding one bundle in `name/` around `contract`.
 * @returns {{ cwd: string, dir: string }} cwd: the workspace; dir: the bundle
 */
export function workspaceWith(name, contract, extraFiles = {}) {
  const cwd = tempDir(name);
  const dir = path.join(cwd, name);
  writeFiles(dir, { ...bundleFiles(contract), ...extraFiles });
  return { cwd, dir };
}

/**
 * Runs `node npm/bin/pacto.js ...args`.
 * @returns {{ status: number, stdout: string, stderr: string }}
 */
export function pacto(args, { cwd = ROOT, env = {} } = {}) {
  const childEnv = { ...process.env, ...env };
  // The suites decide the format; the developer's shell must not.
  if (!('PACTO_OUTPUT_FORMAT' in env)) delete childEnv.PACTO_OUTPUT_FORMAT;
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const result = spawnSync(process.execPath, [PACTO_BIN, ...args], { cwd, env: childEnv, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text, needle) {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`"${needle}" not in the fixture`);
  return index + 1;
}
