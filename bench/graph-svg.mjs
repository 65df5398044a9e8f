// Section: the dependency graph drawn as SVG (`graph(bundle, source, { svg: true })`,
// `pacto graph --output-format svg`), for 50, 100, 1,000 and 10,000 services, with
// Graphviz's `dot -Tsvg` on the same graph's DOT as the peer (when installed:
// apt-get install graphviz).
//
// Time = graph() with the drawing minus graph() without it (median of rounds, same
// in-memory source as the graph section), so resolution is not counted. The result
// says which placement was used: layout-rs's layered layout up to 60 services, a
// plain layered grid up to 2,000, a summary above (the drawing says so).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { NPM_DIR } from './lib/paths.mjs';
import { synthetic as graphSynthetic } from './graph.mjs';
import { median, now } from './lib/stats.mjs';
import { fmtBytes, fmtInt, fmtMs, fmtNum } from './lib/format.mjs';

export const id = 'graph-svg';
export const title = 'Dependency graph as SVG';

const SIZES = [50, 100, 1000, 10000];

/** The graph section's generator with a smaller fan-out: children 2i+1, 2i+2 and one later service. */
const synthetic = (n, seed) => graphSynthetic(n, seed, { children: 2, extra: 1 }).bundles;

async function timed(graph, bundles, svg) {
  const source = { root: 's0', local: (p) => bundles.get(p) };
  const t0 = now();
  const result = await graph(bundles.get('s0'), source, { svg });
  return { ms: now() - t0, result };
}

function graphviz(dot) {
  const probe = spawnSync('dot', ['-V'], { encoding: 'utf8' });
  if (probe.error) return { missing: true };
  const t0 = now();
  const run = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
  const ms = now() - t0;
  if (run.status !== 0) return { failed: run.error ? run.error.message : `exit ${run.status}` };
  return { ms, bytes: run.stdout.length };
}

export async function run(ctx) {
  const { log, opts } = ctx;
  let api;
  try {
    api = createRequire(import.meta.url)(NPM_DIR);
  } catch (error) {
    const why = `pacto-wasm not loadable: ${error.message.split('\n')[0]}`;
    return { skipped: why, rows: [{ metric: 'graph svg', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const rows = [];
  const data = { sizes: {} };
  const rounds = opts.quick ? 2 : 5;
  for (const n of SIZES) {
    const bundles = synthetic(n, opts.seed);
    await timed(api.graph, bundles, true); // warm-up
    const plain = [];
    const drawn = [];
    let last;
    for (let r = 0; r < rounds; r += 1) {
      log(`graph-svg: ${fmtInt(n)} services, round ${r + 1}/${rounds}`);
      plain.push((await timed(api.graph, bundles, false)).ms);
      last = await timed(api.graph, bundles, true);
      drawn.push(last.ms);
    }
    const svg = last.result.svg;
    const layout = /data-layout="(\w+)"/.exec(svg)?.[1] ?? '?';
    const drawMs = Math.max(0, median(drawn) - median(plain));
    const peer = graphviz(last.result.dot);
    let peerText;
    if (peer.missing) peerText = 'Graphviz not installed (apt-get install graphviz)';
    else if (peer.failed) peerText = `dot -Tsvg failed: ${peer.failed}`;
    else peerText = `dot -Tsvg ${fmtMs(peer.ms)} (${fmtBytes(peer.bytes)}): ${fmtNum(peer.ms / Math.max(drawMs, 0.01), 1)}× pacto's time`;
    rows.push({
      metric: `${fmtInt(n)} services: layout + SVG (${layout})`,
      measured: `${fmtMs(drawMs)} median (${fmtBytes(svg.length)}); ${peerText}`,
    });
    data.sizes[n] = { layout, drawMs, svgBytes: svg.length, graphviz: peer };
  }
  return {
    rows,
    notes: [
      'time = graph() with { svg: true } minus graph() without (resolution not counted), median of rounds after a warm-up',
      'layered = layout-rs (≤ 60 services), grid = plain layers by depth (≤ 2,000), summary = counts and a pointer to dot/json (above)',
      'peer: Graphviz dot -Tsvg on the DOT of the same graph, one run (process start included)',
    ],
    targets: [],
    data,
  };
}
