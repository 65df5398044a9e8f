// Section: dependency graph. Synthetic graphs of 1,000, 10,000 and 50,000
// services resolved through the package's `graph()` with an in-memory source
// (`source.local` answers from a Map of bundles), rendered as the text tree (in
// the result) and as JSON text (JSON.stringify of the graph, as `pacto graph
// --output-format json` prints it).
//
// Service i depends on its heap children 3i+1..3i+3 (so every service is
// reachable and the tree stays shallow) and on two pseudo-random later services
// (seeded): about three dependencies per service, most services reached more
// than once (shared nodes), no cycles. The contracts are YAML strings built before
// any timing. Each size gets one untimed warm-up call (it grows the wasm memory
// and lets V8 tier up), then timed rounds; the verdict is the median at 10,000.
// Every round checks the graph: n nodes, n - 1 loads, the expected edge count.

import { createRequire } from 'node:module';
import { NPM_DIR } from './lib/paths.mjs';
import { Rng } from './lib/prng.mjs';
import { median, now, round, summary } from './lib/stats.mjs';
import { atMostMs, fmtBytes, fmtInt, fmtMs, fmtNum } from './lib/format.mjs';

export const id = 'graph';
export const title = 'Dependency graph';

const SIZES = [1000, 10000, 50000];
const ROUNDS = { 1000: 7, 10000: 5, 50000: 3 };
const QUICK_ROUNDS = { 1000: 3, 10000: 2, 50000: 1 };
const TARGET_SIZE = 10000;
const TARGET_MS = 1000;

/**
 * The synthetic graph: directory name -> bundle; `edges` = declared dependencies. Service i
 * depends on its `children` heap children and on `extra` pseudo-random later services.
 */
export function synthetic(n, seed, { children = 3, extra = 2 } = {}) {
  const rng = new Rng(seed);
  const bundles = new Map();
  let edges = 0;
  for (let i = 0; i < n; i += 1) {
    const deps = [];
    for (let j = children * i + 1; j <= children * i + children && j < n; j += 1) deps.push(j);
    for (let k = 0; k < extra && i + 1 < n; k += 1) deps.push(i + 1 + (rng.u32() % (n - i - 1)));
    let text = `pactoVersion: "1.0"\nservice:\n  name: s${i}\n  version: 1.${i % 7}.0\n`;
    if (deps.length > 0) {
      text += 'dependencies:\n';
      for (const j of deps) text += `  - ref: ../s${j}\n    required: ${j % 5 !== 0}\n    compatibility: "^1.0.0"\n`;
    }
    edges += deps.length;
    bundles.set(`s${i}`, { 'pacto.yaml': text });
  }
  return { bundles, edges };
}

function countEdges(root) {
  let edges = 0;
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    for (const edge of node.dependencies) {
      edges += 1;
      if (edge.node) stack.push(edge.node);
    }
  }
  return edges;
}

/** One resolve + tree + JSON, timed: wall and process CPU (all threads, GC included). */
async function once(graph, bundles) {
  let loads = 0;
  let inLoader = 0;
  const source = {
    root: 's0',
    local: (p) => {
      const t = now();
      loads += 1;
      const bundle = bundles.get(p);
      inLoader += now() - t;
      return bundle;
    },
  };
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const result = await graph(bundles.get('s0'), source);
  const t1 = now();
  const json = JSON.stringify({ root: result.root, cycles: result.cycles, conflicts: result.conflicts, warnings: result.warnings }, null, 2);
  const t2 = now();
  const cpu = process.cpuUsage(cpu0);
  return {
    totalMs: t2 - t0,
    graphMs: t1 - t0,
    stringifyMs: t2 - t1,
    loaderMs: inLoader,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loads,
    treeBytes: result.tree.length,
    jsonBytes: json.length,
    edges: countEdges(result.root),
    cycles: result.cycles.length,
  };
}

export async function run(ctx) {
  const { log, opts } = ctx;
  let api;
  try {
    api = createRequire(import.meta.url)(NPM_DIR);
  } catch (error) {
    const why = `pacto-wasm not loadable: ${error.message.split('\n')[0]}`;
    return { skipped: why, rows: [{ metric: 'graph', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  if (typeof api.graph !== 'function') {
    const why = 'this build has no graph(): run make build';
    return { skipped: why, rows: [{ metric: 'graph', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const rounds = opts.quick ? QUICK_ROUNDS : ROUNDS;
  const rows = [];
  const data = { sizes: {} };
  let verdict;
  for (const n of SIZES) {
    log(`graph: generating ${fmtInt(n)} services`);
    const { bundles, edges } = synthetic(n, opts.seed);
    log(`graph: ${fmtInt(n)} services, warm-up`);
    const first = await once(api.graph, bundles);
    const runs = [];
    for (let r = 0; r < (rounds[n] ?? 1); r += 1) {
      log(`graph: ${fmtInt(n)} services, round ${r + 1}/${rounds[n] ?? 1}`);
      runs.push(await once(api.graph, bundles));
    }
    for (const r of [first, ...runs]) {
      if (r.loads !== n - 1 || r.edges !== edges || r.cycles !== 0) {
        throw new Error(`${n} services: ${r.loads} loads, ${r.edges} edges, ${r.cycles} cycles (expected ${n - 1}, ${edges}, 0)`);
      }
    }
    const total = median(runs.map((r) => r.totalMs));
    const part = (key) => median(runs.map((r) => r[key]));
    const row = {
      metric: `${fmtInt(n)} services (${fmtInt(edges)} edges): resolve + tree + JSON`,
      measured: `${fmtMs(total)} median of ${runs.length} (${fmtMs(part('cpuMs'))} CPU); first call ${fmtMs(first.totalMs)}`,
    };
    if (n === TARGET_SIZE) {
      verdict = atMostMs(total, TARGET_MS);
      Object.assign(row, { target: `≤ ${fmtMs(TARGET_MS)}`, status: verdict.status, by: verdict.by });
    }
    rows.push(row);
    rows.push({
      metric: `  of which graph() / JSON.stringify / in source.local`,
      measured: `${fmtMs(part('graphMs'))} / ${fmtMs(part('stringifyMs'))} / ${fmtMs(part('loaderMs'))}; tree ${fmtBytes(runs[0].treeBytes)}, JSON ${fmtBytes(runs[0].jsonBytes)}`,
    });
    data.sizes[n] = {
      services: n,
      edges,
      first: first.totalMs,
      totalMs: summary(runs.map((r) => r.totalMs)),
      graphMs: summary(runs.map((r) => r.graphMs)),
      stringifyMs: summary(runs.map((r) => r.stringifyMs)),
      loaderMs: summary(runs.map((r) => r.loaderMs)),
      cpuMs: summary(runs.map((r) => r.cpuMs)),
      treeBytes: runs[0].treeBytes,
      jsonBytes: runs[0].jsonBytes,
    };
  }
  const t1k = data.sizes[1000].totalMs.median;
  const t10k = data.sizes[10000].totalMs.median;
  const t50k = data.sizes[50000].totalMs.median;
  rows.push({
    metric: 'growth 1,000 → 10,000 → 50,000 (10× and 5× the services)',
    measured: `${fmtNum(t10k / t1k, 1)}× then ${fmtNum(t50k / t10k, 1)}×`,
  });
  data.growth = { from1kTo10k: round(t10k / t1k, 2), from10kTo50k: round(t50k / t10k, 2) };
  return {
    rows,
    notes: [
      'graph() = resolution in wasm (one source.local call per service, each contract parsed once), the text tree, DOT and Mermaid, and the JSON tree (written as text in wasm, JSON.parse in JS)',
      'JSON = JSON.stringify(graph, null, 2), what pacto graph --output-format json prints; CPU = process.cpuUsage (all threads, GC included)',
    ],
    targets: [
      {
        name: `graph of ${fmtInt(TARGET_SIZE)} services, resolve + tree + JSON`,
        shown: fmtMs(t10k),
        targetText: `≤ ${fmtMs(TARGET_MS)}`,
        ...verdict,
      },
    ],
    data,
  };
}
