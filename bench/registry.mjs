// Section: registry push/pull against a real OCI registry (Debian's
// `docker-registry`, started by tests/registry/harness.mjs on a free 127.0.0.1
// port with temporary storage, anonymous, plain HTTP).
//
// Uses the package API (`push`, `pull` from npm/) in this process:
//   1. a ~1 MiB bundle (examples/stateless-http-api plus docs/blob.bin, 1 MiB of
//      seeded pseudo-random bytes that gzip cannot shrink): one untimed warm-up
//      push + pull, then 5 timed pushes and 5 timed pulls (no blob cache), each
//      round with its own name and its own blob bytes so every push uploads;
//   2. 100 small bundles (distinct names) pushed one after another, then pulled
//      one after another.
// Every pulled bundle is byte-compared with what was pushed. No targets: the
// section only reports numbers. The registry is stopped even on failure.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { missingPrerequisites, startRegistry } from '../tests/registry/harness.mjs';
import { fmtBytes, fmtInt, fmtMs } from './lib/format.mjs';
import { EXAMPLES_DIR, NPM_DIR } from './lib/paths.mjs';
import { median, now, summary } from './lib/stats.mjs';

export const id = 'registry';
export const title = 'Registry push/pull';

const BIG_ROUNDS = 5;
const BIG_BYTES = 1024 * 1024;
const BATCH = 100;
const EXAMPLE = path.join(EXAMPLES_DIR, 'stateless-http-api');

/** mulberry32: a small seeded PRNG. */
function randomBytes(seed, length) {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (t >>> (8 * k)) & 0xff;
  }
  return out;
}

function baseFiles() {
  const read = (p) => fs.readFileSync(path.join(EXAMPLE, p), 'utf8');
  return {
    contract: read('pacto.yaml'),
    files: {
      'interfaces/openapi.yaml': read('interfaces/openapi.yaml'),
      'configuration/schema.json': read('configuration/schema.json'),
    },
  };
}

function makeBundle(base, name, version, extra = {}) {
  const contract = base.contract
    .replace(/^(\s+name:\s*)product-catalog\s*$/m, `$1${name}`)
    .replace(/^(\s+version:\s*)2\.4\.1\s*$/m, `$1${version}`);
  if (!contract.includes(`name: ${name}`) || !contract.includes(`version: ${version}`)) {
    throw new Error('could not rewrite service.name/version in the example pacto.yaml');
  }
  return { 'pacto.yaml': contract, ...base.files, ...extra };
}

const toBytes = (v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/** Throws unless `pulled` holds exactly the files of `pushed`, byte for byte. */
function assertSame(ref, pushed, pulled) {
  const files = (b) => Object.keys(b).filter((k) => !k.endsWith('/')).sort();
  const a = files(pushed);
  const b = files(pulled);
  if (a.join('\n') !== b.join('\n')) throw new Error(`${ref}: pulled files [${b}] differ from pushed [${a}]`);
  for (const k of a) {
    if (!toBytes(pushed[k]).equals(toBytes(pulled[k]))) throw new Error(`${ref}: ${k} differs after the round trip`);
  }
}

const bundleBytes = (b) => Object.values(b).reduce((n, v) => n + toBytes(v).length, 0);

export async function run(ctx) {
  const { log } = ctx;
  const missing = missingPrerequisites('none');
  if (missing.length) {
    const why = `missing ${missing.join(', ')}`;
    return { skipped: why, rows: [{ metric: 'registry push/pull', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  let api;
  try {
    api = createRequire(import.meta.url)(NPM_DIR);
  } catch (error) {
    const why = `pacto-wasm not loadable: ${error.message.split('\n')[0]}`;
    return { skipped: why, rows: [{ metric: 'registry push/pull', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const { push, pull } = api;
  const base = baseFiles();

  log('starting docker-registry');
  const registry = await startRegistry({ auth: 'none' });
  try {
    const opts = { plainHttp: true };
    const ref = (name, version) => `oci://${registry.host}/bench/${name}:${version}`;
    let verified = 0;

    // ---- 1. ~1 MiB bundle --------------------------------------------------------
    const big = (i) => makeBundle(base, `bench-big-${i}`, `1.0.${i}`, { 'docs/blob.bin': randomBytes(0x5eed + i, BIG_BYTES) });
    log('1 MiB bundle: warm-up push + pull');
    {
      const b = big(0);
      const r = ref('bench-big-0', '1.0.0');
      await push(r, b, opts);
      assertSame(r, b, (await pull(r, opts)).bundle);
      verified++;
    }
    const bigBundles = Array.from({ length: BIG_ROUNDS }, (_, k) => big(k + 1));
    const bigRefs = bigBundles.map((_, k) => ref(`bench-big-${k + 1}`, `1.0.${k + 1}`));
    const bigSize = bundleBytes(bigBundles[0]);
    const pushMs = [];
    const pullMs = [];
    let digest;
    for (let k = 0; k < BIG_ROUNDS; k++) {
      log(`1 MiB bundle: round ${k + 1}/${BIG_ROUNDS}`);
      let t0 = now();
      const pushed = await push(bigRefs[k], bigBundles[k], opts);
      pushMs.push(now() - t0);
      digest = pushed.digest;
      t0 = now();
      const pulled = await pull(bigRefs[k], opts);
      pullMs.push(now() - t0);
      assertSame(bigRefs[k], bigBundles[k], pulled.bundle);
      verified++;
    }

    // ---- 2. batch of small bundles ---------------------------------------------
    const small = Array.from({ length: BATCH }, (_, i) => makeBundle(base, `bench-small-${i}`, '1.0.0'));
    const smallRefs = small.map((_, i) => ref(`bench-small-${i}`, '1.0.0'));
    const smallSize = bundleBytes(small[0]);
    log(`batch: pushing ${BATCH} small bundles`);
    let t0 = now();
    for (let i = 0; i < BATCH; i++) await push(smallRefs[i], small[i], opts);
    const batchPushMs = now() - t0;
    log(`batch: pulling ${BATCH} small bundles`);
    const pulledSmall = [];
    t0 = now();
    for (let i = 0; i < BATCH; i++) pulledSmall.push((await pull(smallRefs[i], opts)).bundle);
    const batchPullMs = now() - t0;
    for (let i = 0; i < BATCH; i++) assertSame(smallRefs[i], small[i], pulledSmall[i]);
    verified += BATCH;

    const range = (xs) => `${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))}`;
    const rows = [
      { metric: `push ~1 MiB bundle (${fmtBytes(bigSize)} raw)`, measured: `${fmtMs(median(pushMs))} median of ${BIG_ROUNDS}  (${range(pushMs)})` },
      { metric: 'pull ~1 MiB bundle, no cache', measured: `${fmtMs(median(pullMs))} median of ${BIG_ROUNDS}  (${range(pullMs)})` },
      { metric: `push ${BATCH} small bundles (${fmtBytes(smallSize)} each), sequential`, measured: `${fmtMs(batchPushMs)} total  (${fmtMs(batchPushMs / BATCH)}/push)` },
      { metric: `pull ${BATCH} small bundles, sequential, no cache`, measured: `${fmtMs(batchPullMs)} total  (${fmtMs(batchPullMs / BATCH)}/pull)` },
      { metric: 'round trips byte-identical', measured: `${fmtInt(verified)} of ${fmtInt(verified)} bundles` },
    ];
    const notes = [
      `docker-registry on ${registry.host} (plain HTTP, anonymous, temporary storage); package API push()/pull() in this process`,
      `each 1 MiB round has its own name and blob bytes (seeded PRNG), so every push uploads; one untimed warm-up push+pull before`,
    ];
    return {
      rows,
      notes,
      targets: [],
      data: {
        registry: { host: registry.host, binary: '/usr/bin/docker-registry' },
        big: { bytes: bigSize, rounds: BIG_ROUNDS, pushMs: summary(pushMs), pullMs: summary(pullMs), lastDigest: digest },
        batch: {
          count: BATCH,
          bytesEach: smallSize,
          pushTotalMs: batchPushMs,
          pushPerOpMs: batchPushMs / BATCH,
          pullTotalMs: batchPullMs,
          pullPerOpMs: batchPullMs / BATCH,
        },
        verifiedBundles: verified,
      },
    };
  } finally {
    log('stopping docker-registry');
    await registry.stop();
  }
}
