// Hostile bundle archives, pushed as layers by the test itself (a registry
// serves whatever it is given): every one is refused by pull with exit 2,
// and nothing is written, neither outside the output directory nor in it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { pacto, startRegistry } from '../registry/harness.mjs';
import { TestClient, goConfig, sha256 } from '../registry/oci.mjs';
import { gzipGo, tar } from '../registry/tar.mjs';
import { FULL_EXAMPLE, listing, workspace } from '../registry/fixtures.mjs';

const MiB = 1024 * 1024;
const CONTRACT = fs.readFileSync(path.join(FULL_EXAMPLE, 'pacto.yaml'));

let registry;
let client;
const { dir: ws, env } = workspace('hostile');
const marker = crypto.randomBytes(6).toString('hex');
const outsideAbsolute = path.join(os.tmpdir(), `pacto-evil-${marker}`);

before(async () => {
  registry = await startRegistry();
  client = new TestClient(registry);
});
after(async () => {
  fs.rmSync(outsideAbsolute, { force: true });
  if (registry) await registry.stop();
});

const contractEntry = { name: 'pacto.yaml', data: CONTRACT };
const zeros = (n) => Buffer.alloc(n);

// name -> the tar entries after a valid pacto.yaml, and why it is refused
const CASES = {
  'path traversal (../evil)': [[{ name: `../evil-${marker}`, data: 'pwned' }], /`\.\.` path elements are not allowed/],
  'path traversal inside a directory (docs/../../evil)': [
    [{ name: 'docs', type: 'dir' }, { name: `docs/../../evil-${marker}`, data: 'pwned' }],
    /`\.\.` path elements are not allowed/,
  ],
  'absolute path': [[{ name: outsideAbsolute, data: 'pwned' }], /absolute paths are not allowed/],
  'symlink': [[{ name: 'docs', type: 'dir' }, { name: 'docs/passwd', type: 'symlink', linkname: '/etc/passwd' }], /symbolic links/],
  'symlink then a file through it': [
    [{ name: 'escape', type: 'symlink', linkname: '..' }, { name: `escape/evil-${marker}`, data: 'pwned' }],
    /symbolic links/,
  ],
  'hard link': [[{ name: 'copy', type: 'hardlink', linkname: '/etc/passwd' }], /hard links/],
  'device entry': [[{ name: 'null', type: 'chardev' }], /devices/],
  'file over 10 MiB': [[{ name: 'big.bin', data: zeros(10 * MiB + 1) }], /big\.bin.* exceeds the maximum size of 10485760 bytes/],
};

async function pushLayer(repo, layer) {
  // A config that describes the layer, so that only the layer's content is hostile.
  return client.pushArtifact(repo, '1.0.0', { layer, config: goConfig({ diffId: sha256(layer), name: 'order-service', version: '1.0.0' }) });
}

async function expectRefused(repo, label, reason) {
  const parent = path.join(ws, repo.replace(/\W+/g, '-'));
  fs.mkdirSync(parent);
  const out = path.join(parent, 'out');
  const run = await pacto(['pull', `oci://${registry.host}/${repo}:1.0.0`, '-o', out, '--no-cache'], { env, cwd: parent });
  assert.equal(run.status, 2, `${label}: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^pacto: failed to extract bundle from .*hostile\/.*:1\.0\.0: .+\n\(the bundle archive was refused: nothing was written\)\n$/, label);
  assert.match(run.stderr.split('\n')[0], reason, label);
  assert.deepEqual(listing(parent), [], `${label}: nothing in or next to the output directory`);
  assert.deepEqual(listing(ws).filter((n) => n.includes(marker)), [], `${label}: nothing outside`);
  assert.ok(!fs.existsSync(outsideAbsolute), `${label}: nothing at the absolute path`);
  const validate = await pacto(['validate', `oci://${registry.host}/${repo}:1.0.0`, '--no-cache'], { env, cwd: parent });
  assert.equal(validate.status, 2, `${label}: validate exits 2`);
  assert.deepEqual(listing(parent), []);
}

describe('hostile archives are refused', () => {
  let n = 0;
  for (const [label, [entries, reason]] of Object.entries(CASES)) {
    n += 1;
    const repo = `hostile/case-${n}`;
    test(label, async () => {
      await pushLayer(repo, gzipGo(tar([contractEntry, ...entries]), 6));
      await expectRefused(repo, label, reason);
    });
  }

  test('gzip bomb: 6 files of 9.5 MiB (57 MiB, over the 50 MiB total) in a few KiB', async () => {
    const entries = [contractEntry];
    for (let i = 0; i < 6; i += 1) entries.push({ name: `fill-${i}.bin`, data: zeros(9.5 * MiB) });
    const layer = gzipGo(tar(entries), 9);
    assert.ok(layer.length < 512 * 1024, `compressed to ${layer.length} bytes`);
    await pushLayer('hostile/bomb', layer);
    await expectRefused('hostile/bomb', 'gzip bomb', /exceeds the maximum total size of 52428800 bytes/);
  });

  test('a layer that is not gzip/tar at all', async () => {
    await pushLayer('hostile/garbage', crypto.randomBytes(4096));
    await expectRefused('hostile/garbage', 'garbage', /: not a gzip or tar archive \(4096 bytes starting with( [0-9a-f]{2}){4}\)$/);
  });
});
