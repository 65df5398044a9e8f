// Section: OpenAPI diff. pacto-wasm `diff()` on two bundles whose http interface
// points at generated OpenAPI 3 documents (bench/lib/openapi-gen.mjs), at 2,000 and
// 20,000 paths, and the npm `openapi-diff` package against pacto on a 100-path pair.
//
// Each bundle is { 'pacto.yaml': <the same contract on both sides>,
// 'interfaces/openapi.yaml': <YAML text> }, so every change pacto reports comes
// from the OpenAPI comparison (/work/shared/spec/diff.md §5). The texts are built
// before any timing and the generator's object models are dropped before the
// first diff() call (they would make every GC during the call expensive).
//
// Order: the 100-path pair first (pacto and openapi-diff alternating), then 2,000,
// then 20,000 paths. The first call at each size is timed on its own and left out
// of the medians: it grows the wasm memory, and V8 runs a GC after GC as it grows
// (the first 20,000-path call can take minutes). GC time inside the calls is
// recorded from perf_hooks 'gc' entries.

import path from 'node:path';
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { generateOpenApiPair } from './lib/openapi-gen.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { median, now, round, summary } from './lib/stats.mjs';
import { atMostMs, fmtBytes, fmtInt, fmtMs, fmtNum, fmtPct, fmtRatio, fmtUs } from './lib/format.mjs';

export const id = 'openapi-diff';
export const title = 'OpenAPI diff';

const SIZES = [2000, 20000];
const PEER_PATHS = 100;
const TARGET_MS = 250; // 2,000 paths in at most 250 ms
const TARGET_LINEAR = 12; // time(20,000) <= 12 × time(2,000); exactly linear is 10×
const MAX_ROUNDS_LARGE = 5; // rounds for 20,000 paths (each call is long)
const MAX_ROUNDS_PEER = 3; // openapi-diff takes seconds per call
const PACTO_REPS_PEER = 5; // pacto calls per timed round on the 100-path pair
const SHOW_MISMATCHES = 5;

const PACTO_YAML = `pactoVersion: "1.0"
service:
  name: generated-api
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.yaml
`;

const KINDS = ['pathsRemoved', 'pathsAdded', 'parametersModified', 'responsesModified'];

const bundle = (text) => ({ 'pacto.yaml': PACTO_YAML, 'interfaces/openapi.yaml': text });

/** What kind of change a pacto change is, in the generator's terms ('other: …' otherwise). */
function kindOf(c) {
  if (/^openapi\.paths\[[^\]]*\]$/.test(c.path)) {
    if (c.type === 'removed') return 'pathsRemoved';
    if (c.type === 'added') return 'pathsAdded';
  }
  if (c.type === 'modified' && /^openapi\.paths\[[^\]]*\]\.methods\[[A-Z]+\]\.parameters\[[^\]]*\]$/.test(c.path)) return 'parametersModified';
  if (c.type === 'modified' && /^openapi\.paths\[[^\]]*\]\.methods\[[A-Z]+\]\.responses\[[^\]]*\]$/.test(c.path)) return 'responsesModified';
  return `other: ${c.path.replace(/\[[^\]]*\]/g, '')} ${c.type}`;
}

/** Compares pacto's result with what the generator changed. */
function checkResult(result, expected) {
  const got = Object.fromEntries(KINDS.map((k) => [k, 0]));
  const other = {};
  for (const c of result.changes) {
    const k = kindOf(c);
    if (k in got) got[k]++;
    else other[k] = (other[k] ?? 0) + 1;
  }
  const want = new Set(expected.changes.map((c) => `${c.type} ${c.path}`));
  const have = new Set(result.changes.map((c) => `${c.type} ${c.path}`));
  const missing = [...want].filter((x) => !have.has(x));
  const unexpected = [...have].filter((x) => !want.has(x));
  const countsMatch = KINDS.every((k) => got[k] === expected[k]) && Object.keys(other).length === 0;
  // Removed paths are BREAKING; modified parameters and responses POTENTIAL_BREAKING.
  const wantClass = expected.pathsRemoved ? 'BREAKING' : expected.parametersModified || expected.responsesModified ? 'POTENTIAL_BREAKING' : 'NON_BREAKING';
  const ok = countsMatch && missing.length === 0 && unexpected.length === 0 && result.warnings.length === 0 && result.classification === wantClass;
  return { ok, got, other, missing, unexpected, total: result.changes.length, classification: result.classification, wantClass, warnings: result.warnings };
}

const fmtKinds = (x) => `paths −${fmtInt(x.pathsRemoved)} +${fmtInt(x.pathsAdded)}, parameters ${fmtInt(x.parametersModified)}, responses ${fmtInt(x.responsesModified)}`;

/** Collects perf_hooks 'gc' entries so GC time inside a window can be summed. */
function gcRecorder() {
  const entries = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push([e.startTime, e.duration]);
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    /** { ms, count } of the collections that started between t0 and t1. */
    async between(t0, t1) {
      // Entries are delivered asynchronously, some time after a long synchronous call.
      let seen = -1;
      while (seen !== entries.length) {
        seen = entries.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let ms = 0;
      let count = 0;
      for (const [start, duration] of entries) {
        if (start >= t0 && start < t1) {
          ms += duration;
          count++;
        }
      }
      return { ms, count };
    },
    stop() {
      obs.disconnect();
    },
  };
}

/** One timed call: { ms, cpuMs, t0, t1, result }. */
function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = now();
  const result = fn();
  const t1 = now();
  const c1 = process.cpuUsage(c0);
  return { ms: t1 - t0, cpuMs: (c1.user + c1.system) / 1000, t0, t1, result };
}

async function timedAsync(fn) {
  const c0 = process.cpuUsage();
  const t0 = now();
  const result = await fn();
  const t1 = now();
  const c1 = process.cpuUsage(c0);
  return { ms: t1 - t0, cpuMs: (c1.user + c1.system) / 1000, t0, t1, result };
}

function generate(log, paths, seed, yaml) {
  log(`generating two OpenAPI documents of ${fmtInt(paths)} paths (seed ${seed})`);
  const t0 = now();
  const g = generateOpenApiPair({ paths, seed });
  const genMs = now() - t0;
  // The emitter is checked against js-yaml on the smaller pairs (same code at every size;
  // at 20,000 paths pacto parsing both texts without a warning is the check).
  let yamlChecked = false;
  if (paths <= 2000) {
    for (const [text, doc] of [[g.oldText, g.oldDoc], [g.newText, g.newDoc]]) {
      if (JSON.stringify(yaml.load(text)) !== JSON.stringify(doc)) throw new Error(`the generated YAML (${paths} paths) does not read back as the generated document`);
    }
    yamlChecked = true;
  }
  return { oldText: g.oldText, newText: g.newText, expected: g.expected, stats: g.stats, genMs, yamlChecked };
}

async function measureSize(ctx, gc, paths) {
  const { opts, log } = ctx;
  const diff = ctx.pacto.api.diff;
  let g = generate(log, paths, opts.seed, ctx.deps.yaml);
  const a = bundle(g.oldText);
  const b = bundle(g.newText);
  const { expected, stats } = g;
  g = null;

  log(`${fmtInt(paths)} paths: first call`);
  const first = timed(() => diff(a, b));
  const firstGc = await gc.between(first.t0, first.t1);
  const check = checkResult(first.result, expected);
  const expectTotal = first.result.changes.length;

  const rounds = paths > 2000 ? Math.min(opts.rounds, MAX_ROUNDS_LARGE) : opts.rounds;
  log(`${fmtInt(paths)} paths: ${opts.warmup} warm-up call(s), ${rounds} timed`);
  for (let w = 0; w < opts.warmup; w++) diff(a, b);
  const ms = [];
  const cpuMs = [];
  const gcMs = [];
  const gcCounts = [];
  for (let r = 0; r < rounds; r++) {
    const t = timed(() => diff(a, b));
    if (t.result.changes.length !== expectTotal) throw new Error(`${paths} paths: ${t.result.changes.length} changes in a timed round, ${expectTotal} in the first call`);
    ms.push(t.ms);
    cpuMs.push(t.cpuMs);
    const g1 = await gc.between(t.t0, t.t1);
    gcMs.push(g1.ms);
    gcCounts.push(g1.count);
  }
  return {
    paths,
    stats,
    expected,
    check,
    first: { ms: first.ms, cpuMs: first.cpuMs, gcMs: firstGc.ms, gcCount: firstGc.count },
    ms,
    cpuMs,
    gcMs,
    gcCounts,
    med: median(ms),
    cpuMed: median(cpuMs),
    gcMed: median(gcMs),
  };
}

async function measurePeer(ctx, gc) {
  const { opts, log } = ctx;
  const diff = ctx.pacto.api.diff;
  const req = createRequire(path.join(BENCH_DIR, 'package.json'));
  let peer = null;
  let peerVersion = null;
  let peerError = null;
  try {
    peer = req('openapi-diff');
    peerVersion = req('openapi-diff/package.json').version;
  } catch (error) {
    peerError = `openapi-diff is not installed in bench/node_modules (${error.code ?? error.message}); run bench/setup.sh`;
  }

  const g = generate(log, PEER_PATHS, opts.seed, ctx.deps.yaml);
  const a = bundle(g.oldText);
  const b = bundle(g.newText);
  const spec = (content, location) => ({ content, location, format: 'openapi3' });
  const runPeer = () => peer.diffSpecs({ sourceSpec: spec(g.oldText, 'old/openapi.yaml'), destinationSpec: spec(g.newText, 'new/openapi.yaml') });
  const runPacto = () => {
    let r;
    for (let i = 0; i < PACTO_REPS_PEER; i++) r = diff(a, b);
    return r;
  };

  log(`${PEER_PATHS} paths: first pacto call`);
  const first = timed(() => diff(a, b));
  const firstGc = await gc.between(first.t0, first.t1);
  const check = checkResult(first.result, g.expected);

  let peerCodes = null;
  let peerFirst = null;
  if (peer) {
    log(`${PEER_PATHS} paths: first openapi-diff call`);
    peerFirst = await timedAsync(runPeer);
    peerCodes = {};
    for (const key of ['breakingDifferences', 'nonBreakingDifferences', 'unclassifiedDifferences']) {
      for (const d of peerFirst.result[key] ?? []) peerCodes[`${d.type} ${d.code}`] = (peerCodes[`${d.type} ${d.code}`] ?? 0) + 1;
    }
  }

  const warmup = Math.min(opts.warmup, 1);
  const rounds = Math.min(opts.rounds, MAX_ROUNDS_PEER);
  log(`${PEER_PATHS} paths: ${warmup} warm-up round(s), ${rounds} timed rounds, alternating (openapi-diff takes seconds per call)`);
  for (let w = 0; w < warmup; w++) {
    runPacto();
    if (peer) await runPeer();
  }
  const pactoMs = [];
  const pactoCpuMs = [];
  const peerMs = [];
  const peerCpuMs = [];
  for (let r = 0; r < rounds; r++) {
    log(`${PEER_PATHS} paths: round ${r + 1}/${rounds}`);
    const order = r % 2 === 0 ? ['pacto', 'peer'] : ['peer', 'pacto'];
    for (const side of order) {
      if (side === 'pacto') {
        const t = timed(runPacto);
        pactoMs.push(t.ms / PACTO_REPS_PEER);
        pactoCpuMs.push(t.cpuMs / PACTO_REPS_PEER);
      } else if (peer) {
        const t = await timedAsync(runPeer);
        peerMs.push(t.ms);
        peerCpuMs.push(t.cpuMs);
      }
    }
  }
  return {
    stats: g.stats,
    expected: g.expected,
    check,
    first: { ms: first.ms, cpuMs: first.cpuMs, gcMs: firstGc.ms, gcCount: firstGc.count },
    pacto: { ms: pactoMs, cpuMs: pactoCpuMs, med: median(pactoMs), cpuMed: median(pactoCpuMs) },
    peer: peer
      ? { version: peerVersion, ms: peerMs, cpuMs: peerCpuMs, med: median(peerMs), cpuMed: median(peerCpuMs), firstMs: peerFirst.ms, codes: peerCodes, breaking: peerFirst.result.breakingDifferencesFound }
      : { error: peerError },
  };
}

/** measured ratio must be <= limit. */
function atMostRatio(ratio, limit) {
  const pass = ratio <= limit;
  return {
    status: pass ? 'PASS' : 'MISS',
    by: pass ? `${fmtPct((1 - ratio / limit) * 100)} under the limit` : `${fmtPct((ratio / limit - 1) * 100)} over the limit`,
    measured: ratio,
    target: limit,
  };
}

const sizeLabel = (s) => `${fmtInt(s.paths)} paths (${fmtBytes(s.stats.oldBytes)} + ${fmtBytes(s.stats.newBytes)} YAML)`;

export async function run(ctx) {
  const skip = ctx.pacto.error ?? (typeof ctx.pacto.api?.diff !== 'function' ? `${ctx.pacto.entry} has no diff()` : null);
  if (skip) {
    return {
      skipped: skip,
      rows: [{ metric: 'pacto diff()', measured: 'SKIPPED', by: skip }],
      targets: [
        { name: `OpenAPI diff: ${fmtInt(SIZES[0])} paths`, shown: 'SKIPPED', targetText: `≤ ${fmtMs(TARGET_MS)}`, status: 'SKIP', by: 'pacto-wasm not loadable' },
        { name: 'OpenAPI diff: time linear in size', shown: 'SKIPPED', targetText: `≤ ${fmtRatio(TARGET_LINEAR)}`, status: 'SKIP', by: 'pacto-wasm not loadable' },
      ],
    };
  }

  const gc = gcRecorder();
  let peer;
  const sizes = [];
  try {
    peer = await measurePeer(ctx, gc);
    for (const n of SIZES) sizes.push(await measureSize(ctx, gc, n));
  } finally {
    gc.stop();
  }

  const [small, large] = sizes;
  const ratio = large.med / small.med;
  const cpuRatio = large.cpuMed / small.cpuMed;
  const timeVerdict = atMostMs(small.med, TARGET_MS);
  const linearVerdict = atMostRatio(ratio, TARGET_LINEAR);

  const rows = [];
  for (const s of sizes) {
    rows.push({
      metric: `pacto diff() ${sizeLabel(s)}`,
      measured: `${fmtMs(s.med)} median of ${s.ms.length}  (${fmtNum(s.paths / s.med, 2)} paths/ms, ${fmtNum((s.stats.oldBytes + s.stats.newBytes) / 1e3 / s.med, 1)} MB/s of YAML)`,
      ...(s === small ? { target: `≤ ${fmtMs(TARGET_MS)}`, status: timeVerdict.status, by: timeVerdict.by } : {}),
    });
    rows.push({ metric: '  process CPU time / GC inside the call', measured: `${fmtMs(s.cpuMed)} / ${fmtMs(s.gcMed)} in ${fmtInt(median(s.gcCounts))} collections (medians)` });
    rows.push({
      metric: '  first call at this size (not in the median)',
      measured: `${fmtMs(s.first.ms)}  (CPU ${fmtMs(s.first.cpuMs)} = ${fmtRatio(s.first.cpuMs / s.cpuMed)} the median; GC ${fmtMs(s.first.gcMs)} in ${fmtInt(s.first.gcCount)} collections)`,
    });
    rows.push({
      metric: '  changes: found vs generated',
      measured: `got ${fmtKinds(s.check.got)}${Object.keys(s.check.other).length ? `, other ${fmtInt(Object.values(s.check.other).reduce((x, y) => x + y, 0))}` : ''}`,
      target: `want ${fmtKinds(s.expected)}`,
      status: s.check.ok ? 'OK' : 'DIFF',
      by: s.check.ok ? `${fmtInt(s.check.total)} changes, the exact set; ${s.check.classification}` : `${s.check.missing.length} missing, ${s.check.unexpected.length} unexpected, ${s.check.warnings.length} warnings; ${s.check.classification}, want ${s.check.wantClass}`,
    });
  }
  rows.push({
    metric: `time ratio ${fmtInt(large.paths)} ÷ ${fmtInt(small.paths)} paths`,
    measured: `${fmtRatio(ratio)}  (CPU time ${fmtRatio(cpuRatio)}; ${fmtRatio(large.paths / small.paths)} = linear)`,
    target: `≤ ${fmtRatio(TARGET_LINEAR)}`,
    status: linearVerdict.status,
    by: linearVerdict.by,
  });
  const pactoPerPathUs = (peer.pacto.med * 1000) / PEER_PATHS;
  rows.push({
    metric: `pacto diff() ${fmtInt(PEER_PATHS)} paths`,
    measured: `${fmtMs(peer.pacto.med)} median of ${peer.pacto.ms.length} × ${PACTO_REPS_PEER} calls  (${fmtUs(pactoPerPathUs)}/path; CPU ${fmtMs(peer.pacto.cpuMed)})`,
    status: peer.check.ok ? 'OK' : 'DIFF',
    by: peer.check.ok ? `${peer.check.total} changes, as generated` : `got ${fmtKinds(peer.check.got)}; want ${fmtKinds(peer.expected)}`,
  });
  let peerRatio = null;
  if (peer.peer.error) {
    rows.push({ metric: `openapi-diff diffSpecs() ${fmtInt(PEER_PATHS)} paths`, measured: 'SKIPPED', by: peer.peer.error });
  } else {
    peerRatio = peer.peer.med / peer.pacto.med;
    rows.push({
      metric: `openapi-diff ${peer.peer.version} diffSpecs() ${fmtInt(PEER_PATHS)} paths`,
      measured: `${fmtMs(peer.peer.med)} median of ${peer.peer.ms.length}  (${fmtUs((peer.peer.med * 1000) / PEER_PATHS)}/path; CPU ${fmtMs(peer.peer.cpuMed)})`,
    });
    rows.push({
      metric: '  time ratio openapi-diff ÷ pacto',
      measured: `${fmtRatio(peerRatio)}  (CPU time ${fmtRatio(peer.peer.cpuMed / peer.pacto.cpuMed)})`,
    });
  }

  const notes = [
    `each path: GET (path, query and header parameters; "200" and "404" responses with inline object schemas) and POST (JSON request body, "201" response); ` +
      `${fmtInt(small.paths)} paths = ${fmtInt(small.stats.queryParameters)} query parameters, ${fmtInt(small.stats.responseProperties)} response properties, ${fmtBytes(small.stats.oldBytes / small.paths)}/path; seed ${ctx.opts.seed}`,
    `second document: 1% of the paths removed, 1% added, 2% of the query parameters made required, 2% of the response properties removed ` +
      `(${fmtInt(small.expected.propertiesRemoved)} properties in ${fmtInt(small.expected.responsesModified)} responses at ${fmtInt(small.paths)} paths; ${fmtInt(large.expected.propertiesRemoved)} in ${fmtInt(large.expected.responsesModified)} at ${fmtInt(large.paths)})`,
    `first diff() call in the process (${PEER_PATHS} paths): ${fmtMs(peer.first.ms)} (CPU ${fmtMs(peer.first.cpuMs)}, GC ${fmtMs(peer.first.gcMs)} in ${fmtInt(peer.first.gcCount)} collections); ` +
      `a larger size's first call grows the wasm memory further, and V8 collects garbage as it grows`,
    `spread (MAD): ${sizes.map((s) => `${fmtInt(s.paths)} ±${fmtPct(summary(s.ms).madPercent)}`).join(', ')}; rounds ${sizes.map((s) => s.ms.length).join(' / ')} after ${ctx.opts.warmup} warm-up call(s) each`,
  ];
  if (!peer.peer.error) {
    notes.push(
      `openapi-diff ${peer.peer.version} found: ${Object.entries(peer.peer.codes).map(([k, v]) => `${k} ×${v}`).join(', ') || 'nothing'} ` +
        `(it does not compare parameters or response content other than JSON bodies: see its docs/OPENAPI3.md; it parses, validates and dereferences both specs, then diffs the JSON schemas semantically); first call ${fmtMs(peer.peer.firstMs)}`,
    );
  }
  for (const s of [peer, ...sizes]) {
    const label = `${fmtInt(s.stats.paths)} paths`;
    for (const m of s.check.missing.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: missing ${m}`);
    for (const m of s.check.unexpected.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: unexpected ${m}`);
    for (const w of s.check.warnings.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: warning ${w.side} ${w.file}: ${w.message}`);
  }

  const sizeData = (s) => ({
    paths: s.paths,
    stats: s.stats,
    expected: Object.fromEntries([...KINDS, 'propertiesRemoved'].map((k) => [k, s.expected[k]])),
    got: s.check.got,
    other: s.check.other,
    check: { ok: s.check.ok, total: s.check.total, classification: s.check.classification, missing: s.check.missing, unexpected: s.check.unexpected, warnings: s.check.warnings },
    firstCall: { ms: round(s.first.ms, 1), cpuMs: round(s.first.cpuMs, 1), gcMs: round(s.first.gcMs, 1), gcCount: s.first.gcCount },
    ms: summary(s.ms),
    cpuMs: summary(s.cpuMs),
    gcMs: summary(s.gcMs),
    gcCounts: s.gcCounts,
    pathsPerMs: round(s.paths / s.med, 3),
  });

  return {
    rows,
    notes,
    targets: [
      { name: `OpenAPI diff: ${fmtInt(small.paths)} paths`, shown: `${fmtMs(small.med)} (CPU ${fmtMs(small.cpuMed)})`, targetText: `≤ ${fmtMs(TARGET_MS)}`, ...timeVerdict },
      { name: 'OpenAPI diff: time linear in size', shown: `${fmtRatio(ratio)} for ${fmtRatio(large.paths / small.paths)} the paths (CPU ${fmtRatio(cpuRatio)})`, targetText: `≤ ${fmtRatio(TARGET_LINEAR)}`, ...linearVerdict },
    ],
    data: {
      pactoYaml: PACTO_YAML,
      sizes: sizes.map(sizeData),
      ratio: round(ratio, 3),
      cpuTimeRatio: round(cpuRatio, 3),
      peer: {
        paths: PEER_PATHS,
        stats: peer.stats,
        pacto: { ms: summary(peer.pacto.ms), cpuMs: summary(peer.pacto.cpuMs), callsPerRound: PACTO_REPS_PEER, usPerPath: round(pactoPerPathUs, 2), check: { ok: peer.check.ok, got: peer.check.got, total: peer.check.total }, firstCall: { ms: round(peer.first.ms, 1), cpuMs: round(peer.first.cpuMs, 1), gcMs: round(peer.first.gcMs, 1), gcCount: peer.first.gcCount } },
        openapiDiff: peer.peer.error
          ? { error: peer.peer.error }
          : { version: peer.peer.version, ms: summary(peer.peer.ms), cpuMs: summary(peer.peer.cpuMs), usPerPath: round((peer.peer.med * 1000) / PEER_PATHS, 1), firstCallMs: round(peer.peer.firstMs, 1), differences: peer.peer.codes, breakingDifferencesFound: peer.peer.breaking },
        ratio: peerRatio == null ? null : round(peerRatio, 2),
      },
      verdicts: { twoThousandPaths: timeVerdict, linear: linearVerdict },
      warmupCalls: ctx.opts.warmup,
    },
  };
}
