// Bundles and workspaces for the registry suites.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, isolatedEnv } from './harness.mjs';

export const FULL_EXAMPLE = path.join(ROOT, 'examples', 'full');
export const FULL_NAME = 'order-service';
export const FULL_VERSION = '1.8.0';

const workspaces = [];
process.on('exit', () => {
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory (with an isolated HOME in it), removed when the process exits. */
export function workspace(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pacto-${label}-`));
  workspaces.push(dir);
  return { dir, env: isolatedEnv(dir) };
}

// examples/full depends on a sibling directory (file://../stateless-http-api);
// a published contract may only depend on published ones.
const LOCAL_DEPENDENCY = /^ {2}- ref: file:\/\/[^\n]*\n(?: {4}[^\n]*\n)*/m;

function copyPublishable(dest) {
  fs.cpSync(FULL_EXAMPLE, dest, { recursive: true });
  const file = path.join(dest, 'pacto.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!LOCAL_DEPENDENCY.test(text)) throw new Error('examples/full changed: update tests/registry/fixtures.mjs');
  fs.writeFileSync(file, text.replace(LOCAL_DEPENDENCY, ''));
}

/**
 * A copy of examples/full, without its local dependency, with a binary file
 * added (every byte value, and random bytes).
 */
export function fullBundle(dest) {
  copyPublishable(dest);
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  fs.writeFileSync(path.join(dest, 'docs', 'logo.bin'), Buffer.concat([every, crypto.randomBytes(200 * 1024), every]));
  return dest;
}

/** A publishable copy of examples/full whose contract has another version (and whatever edit). */
export function bundleWithVersion(dest, version, edit = (text) => text) {
  copyPublishable(dest);
  const file = path.join(dest, 'pacto.yaml');
  const text = fs.readFileSync(file, 'utf8').replace(/^ {2}version: .*$/m, `  version: ${version}`);
  fs.writeFileSync(file, edit(text));
  return dest;
}

/** Every file under dir: relative path -> Buffer. */
export function readTree(dir) {
  const tree = {};
  const walk = (abs, rel) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const full = path.join(abs, name);
      const key = rel ? `${rel}/${name}` : name;
      const stats = fs.lstatSync(full);
      if (stats.isDirectory()) {
        walk(full, key);
      } else {
        tree[key] = fs.readFileSync(full);
      }
    }
  };
  walk(dir, '');
  return tree;
}

/** Entries of dir, for "nothing was left behind" checks. */
export function listing(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}
