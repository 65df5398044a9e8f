// Section: the registry client's bounds against a lying registry
// (tests/registry/lying.mjs, a Node HTTP server on 127.0.0.1), through the CLI
// (`pacto pull`, one process per run, peak RSS read by a preload that writes
// process.resourceUsage().maxRSS on exit).
//
// The peer in the same run is an honest pull of the same ~1 MiB bundle: the
// endless blob (the manifest declares the real layer, the blob endpoint sends
// zeros up to 1 GiB) must cost about what the honest pull costs. Also timed:
// an oversized Content-Length (refused before reading) and a stalled blob
// (half the layer, then silence) with a 2 s idle timeout.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { artifact, ENDLESS_CAP, startLyingRegistry } from '../tests/registry/lying.mjs';
import { fmtBytes, fmtMs, fmtNum, fmtRatio } from './lib/format.mjs';
import { NPM_BIN, NPM_DIR, REPO_ROOT } from './lib/paths.mjs';
import { median, now } from './lib/stats.mjs';

export const id = 'registry-bounds';
export const title = 'Registry bounds (a lying registry)';

const RUNS = 3;
const IDLE_S = 2;
const MiB = 1024 * 1024;
const RSS_PRELOAD = path.join(REPO_ROOT, 'tests', 'registry', 'report-rss.cjs');

/** Seeded pseudo-random bytes (gzip cannot shrink them, so the layer is ~1 MiB). */
function noise(length, seed) {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i += 4) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
  }
  return out;
}

/** One `pacto pull`: exit status, wall time, peak RSS (bytes). */
async function pull(ref, dir, extraEnv) {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  const out = path.join(dir, `out-${process.hrtime.bigint()}`);
  const env = {
    ...process.env,
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    DOCKER_CONFIG: path.join(dir, 'docker'),
    NODE_OPTIONS: `--require ${RSS_PRELOAD}`,
    PACTO_TEST_RSS_FILE: rssFile,
    ...extraEnv,
  };
  const t0 = now();
  const child = spawn(process.execPath, [NPM_BIN, 'pull', ref, '-o', out, '--no-cache'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const status = await new Promise((resolve) => child.on('close', resolve));
  const ms = now() - t0;
  fs.rmSync(out, { recursive: true, force: true });
  return { status, ms, rss: Number(fs.readFileSync(rssFile, 'utf8')) * 1024, stderr };
}

export async function run(ctx) {
  const { log } = ctx;
  let api;
  try {
    api = createRequire(import.meta.url)(NPM_DIR);
  } catch (error) {
    const why = `pacto-wasm not loadable: ${error.message.split('\n')[0]}`;
    return { skipped: why, rows: [{ metric: 'registry bounds', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-bench-bounds-'));
  const liar = await startLyingRegistry();
  try {
    const layer = Buffer.from(
      api.pack({ 'pacto.yaml': 'pactoVersion: "1.0"\nservice:\n  name: bench\n  version: 1.0.0\n', 'docs/blob.bin': noise(MiB, 0x5eed) }),
    );
    const a = artifact(layer);
    const blobs = (answer) => ({ [JSON.parse(a.manifest).config.digest]: a.config, [a.layerDigest]: answer });
    liar.serve('honest', { manifest: a.manifest, blobs: blobs(a.layer) });
    liar.serve('endless', { manifest: a.manifest, blobs: blobs({ endless: true }) });
    liar.serve('huge', { manifest: a.manifest, blobs: blobs({ declare: 10_000_000_000 }) });
    liar.serve('stall', { manifest: a.manifest, blobs: blobs({ stallAfter: Math.floor(layer.length / 2), body: layer }) });
    const ref = (repo) => `oci://${liar.host}/${repo}:1.0.0`;
    const env = { PACTO_REGISTRY_IDLE_TIMEOUT: String(IDLE_S) };

    const series = {};
    for (const [name, want] of [['honest', 0], ['endless', 2], ['huge', 2], ['stall', 2]]) {
      series[name] = [];
      for (let i = 0; i < RUNS; i++) {
        log(`${name}: run ${i + 1}/${RUNS}`);
        const result = await pull(ref(name), dir, env);
        if (result.status !== want) throw new Error(`${name}: exit ${result.status}, expected ${want}: ${result.stderr}`);
        series[name].push(result);
      }
    }
    const med = (name, key) => median(series[name].map((r) => r[key]));
    const endlessRequests = liar.count(`/endless/blobs/${a.layerDigest}`, 'GET');
    const written = liar.requests.filter((r) => r.path.includes('/endless/blobs/sha256:')).map((r) => r.sent);
    const ratio = med('endless', 'rss') / med('honest', 'rss');
    const stallMs = med('stall', 'ms');
    const rows = [
      { metric: `honest pull, ${fmtBytes(layer.length)} layer (the peer)`, measured: `${fmtMs(med('honest', 'ms'))}, peak RSS ${fmtNum(med('honest', 'rss') / MiB)} MiB` },
      {
        metric: `endless blob (zeros up to ${fmtBytes(ENDLESS_CAP)})`,
        measured: `${fmtMs(med('endless', 'ms'))}, peak RSS ${fmtNum(med('endless', 'rss') / MiB)} MiB: ${fmtRatio(ratio)} the honest pull`,
        target: '≤ 1.5× the honest pull',
        status: ratio <= 1.5 ? 'PASS' : 'MISS',
      },
      { metric: 'endless blob: requests, bytes the server got to write', measured: `${endlessRequests / RUNS} per pull, at most ${fmtBytes(Math.max(...written))}` },
      { metric: 'Content-Length of 10 GB: refused before reading', measured: `${fmtMs(med('huge', 'ms'))}` },
      {
        metric: `stalled blob, idle timeout ${IDLE_S} s`,
        measured: `fails after ${fmtMs(stallMs)}`,
        target: `≤ ${IDLE_S} s + 3 s`,
        status: stallMs <= (IDLE_S + 3) * 1000 ? 'PASS' : 'MISS',
      },
    ];
    const notes = [
      `lying registry on ${liar.host}; pacto pull --no-cache, ${RUNS} runs each, medians; wall times include starting node and the wasm`,
      'before bounded reads (commit f0dbfe6): a 256 MiB endless blob took the pull to 861 MiB peak RSS; a stall held it 3 × ~300 s',
    ];
    return {
      rows,
      notes,
      targets: rows.filter((r) => r.status).map((r) => ({ name: r.metric, status: r.status, measured: r.measured, target: r.target })),
      data: {
        layerBytes: layer.length,
        runs: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.map(({ ms, rss, status }) => ({ ms, rss, status }))])),
        endlessRequests,
        endlessBytesWritten: written,
        rssRatio: ratio,
      },
    };
  } finally {
    await liar.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
