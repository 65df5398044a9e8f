// Section: OpenAPI diff. pacto-wasm `diff()` on two bundles whose http interface
// points at generated OpenAPI 3 documents (bench/lib/openapi-gen.mjs), at 2,000 and
// 20,000 paths, each pair once as YAML and once as JSON (the same documents,
// `JSON.stringify(doc, null, 2)`: users have both), and the npm `openapi-diff`
// package against pacto on a 100-path YAML pair.
//
// Each bundle is { 'pacto.yaml': <the same contract on both sides>,
// 'interfaces/openapi.<yaml|json>': <text> }, so every change pacto reports comes
// from the OpenAPI comparison (/work/shared/spec/diff.md §5). The texts are built
// before any timing and the generator's object models are dropped before the
// first diff() call (they would make every GC during the call expensive). File
// contents are passed as flat strings, as a caller reading text files gets them
// (readFileSync(…, 'utf8'); the generator's concatenated strings are copied into
// that form first: a V8 cons string is read ~40 ms slower per 2,000-path JSON
// pair by the string copy into wasm); one extra
// row passes the 2,000-path YAML pair as Uint8Array (Buffer.from inside the timing)
// to show what moving the text into wasm costs.
//
// Order: the 100-path pair first (pacto and openapi-diff alternating; its first
// pacto call is the process's first diff() and pays the wasm compilation tiers),
// then 2,000 paths (YAML, JSON), then 20,000 (YAML, JSON). The first call of each
// size and format is timed on its own and reported next to the median of the
// calls after it (it grows the wasm memory). GC time inside the calls is recorded
// from perf_hooks 'gc' entries.

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

const FORMATS = ['yaml', 'json'];
const FORMAT_NAME = { yaml: 'YAML', json: 'JSON' };
const BYTES_ROUNDS = 5; // rounds of the Uint8Array variant (2,000 paths, YAML)

const pactoYaml = (format) => `pactoVersion: "1.0"
service:
  name: generated-api
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.${format}
`;

const KINDS = ['pathsRemoved', 'pathsAdded', 'parametersModified', 'responsesModified'];

const bundle = (text, format = 'yaml') => ({ 'pacto.yaml': pactoYaml(format), [`interfaces/openapi.${format}`]: text });
/** The same bundle with file contents as UTF-8 bytes. */
const asBytes = (b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));

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
  // Flat strings, as readFileSync(path, 'utf8') returns them.
  const flat = (text) => Buffer.from(text, 'utf8').toString('utf8');
  const texts = {
    yaml: { old: flat(g.oldText), new: flat(g.newText) },
    json: { old: flat(`${JSON.stringify(g.oldDoc, null, 2)}\n`), new: flat(`${JSON.stringify(g.newDoc, null, 2)}\n`) },
  };
  const bytes = Object.fromEntries(FORMATS.map((f) => [f, { old: Buffer.byteLength(texts[f].old), new: Buffer.byteLength(texts[f].new) }]));
  return { oldText: texts.yaml.old, newText: texts.yaml.new, texts, bytes, expected: g.expected, stats: g.stats, genMs, yamlChecked };
}

async function measureSize(ctx, gc, paths) {
  const { opts, log } = ctx;
  const diff = ctx.pacto.api.diff;
  let g = generate(log, paths, opts.seed, ctx.deps.yaml);
  const { expected, stats, bytes } = g;
  const pairs = Object.fromEntries(FORMATS.map((f) => [f, [bundle(g.texts[f].old, f), bundle(g.texts[f].new, f)]]));
  g = null;

  const rounds = paths > 2000 ? Math.min(opts.rounds, MAX_ROUNDS_LARGE) : opts.rounds;
  const formats = {};
  for (const format of FORMATS) {
    const [a, b] = pairs[format];
    const label = `${fmtInt(paths)} paths ${FORMAT_NAME[format]}`;
    log(`${label}: first call`);
    const first = timed(() => diff(a, b));
    const firstGc = await gc.between(first.t0, first.t1);
    const check = checkResult(first.result, expected);
    const expectTotal = first.result.changes.length;

    log(`${label}: ${opts.warmup} warm-up call(s), ${rounds} timed`);
    for (let w = 0; w < opts.warmup; w++) diff(a, b);
    const ms = [];
    const cpuMs = [];
    const gcMs = [];
    const gcCounts = [];
    for (let r = 0; r < rounds; r++) {
      const t = timed(() => diff(a, b));
      if (t.result.changes.length !== expectTotal) throw new Error(`${label}: ${t.result.changes.length} changes in a timed round, ${expectTotal} in the first call`);
      ms.push(t.ms);
      cpuMs.push(t.cpuMs);
      const g1 = await gc.between(t.t0, t.t1);
      gcMs.push(g1.ms);
      gcCounts.push(g1.count);
    }
    let asBytesMs = null;
    if (paths === 2000 && format === 'yaml') {
      log(`${label}: ${BYTES_ROUNDS} calls with contents as Uint8Array`);
      const bms = [];
      for (let r = 0; r < BYTES_ROUNDS; r++) bms.push(timed(() => diff(asBytes(a), asBytes(b))));
      asBytesMs = { ms: bms.map((t) => t.ms), cpuMs: bms.map((t) => t.cpuMs) };
      asBytesMs.med = median(asBytesMs.ms);
      asBytesMs.cpuMed = median(asBytesMs.cpuMs);
    }
    formats[format] = {
      format,
      bytes: bytes[format],
      check,
      first: { ms: first.ms, cpuMs: first.cpuMs, gcMs: firstGc.ms, gcCount: firstGc.count },
      ms,
      cpuMs,
      gcMs,
      gcCounts,
      med: median(ms),
      cpuMed: median(cpuMs),
      gcMed: median(gcMs),
      asBytes: asBytesMs,
    };
  }
  return { paths, stats, expected, formats };
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


export async function run(ctx) {
  const skip = ctx.pacto.error ?? (typeof ctx.pacto.api?.diff !== 'function' ? `${ctx.pacto.entry} has no diff()` : null);
  if (skip) {
    return {
      skipped: skip,
      rows: [{ metric: 'pacto diff()', measured: 'SKIPPED', by: skip }],
      targets: FORMATS.flatMap((f) => [
        { name: `OpenAPI diff: ${fmtInt(SIZES[0])} paths, ${FORMAT_NAME[f]}`, shown: 'SKIPPED', targetText: `≤ ${fmtMs(TARGET_MS)}`, status: 'SKIP', by: 'pacto-wasm not loadable' },
        { name: `OpenAPI diff: time linear in size, ${FORMAT_NAME[f]}`, shown: 'SKIPPED', targetText: `≤ ${fmtRatio(TARGET_LINEAR)}`, status: 'SKIP', by: 'pacto-wasm not loadable' },
      ]),
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
  const verdicts = {};
  for (const f of FORMATS) {
    const ratio = large.formats[f].med / small.formats[f].med;
    verdicts[f] = {
      time: atMostMs(small.formats[f].med, TARGET_MS),
      ratio,
      cpuRatio: large.formats[f].cpuMed / small.formats[f].cpuMed,
      linear: atMostRatio(ratio, TARGET_LINEAR),
    };
  }

  const rows = [];
  for (const s of sizes) {
    for (const f of FORMATS) {
      const m = s.formats[f];
      const isSmall = s === small;
      rows.push({
        metric: `pacto diff() ${fmtInt(s.paths)} paths ${FORMAT_NAME[f]} (${fmtBytes(m.bytes.old)} + ${fmtBytes(m.bytes.new)})`,
        measured: `${fmtMs(m.med)} median of ${m.ms.length}  (${fmtNum(s.paths / m.med, 2)} paths/ms, ${fmtNum((m.bytes.old + m.bytes.new) / 1e3 / m.med, 1)} MB/s)`,
        ...(isSmall ? { target: `≤ ${fmtMs(TARGET_MS)}`, status: verdicts[f].time.status, by: verdicts[f].time.by } : {}),
      });
      rows.push({ metric: '  process CPU time / GC inside the call', measured: `${fmtMs(m.cpuMed)} / ${fmtMs(m.gcMed)} in ${fmtInt(median(m.gcCounts))} collections (medians)` });
      rows.push({
        metric: '  first call at this size and format',
        measured: `${fmtMs(m.first.ms)}  (CPU ${fmtMs(m.first.cpuMs)} = ${fmtRatio(m.first.cpuMs / m.cpuMed)} the median; GC ${fmtMs(m.first.gcMs)} in ${fmtInt(m.first.gcCount)} collections)`,
      });
      if (m.asBytes) {
        rows.push({
          metric: '  same pair, contents as Uint8Array',
          measured: `${fmtMs(m.asBytes.med)} median of ${m.asBytes.ms.length}  (CPU ${fmtMs(m.asBytes.cpuMed)}; Buffer.from inside the timing)`,
        });
      }
      rows.push({
        metric: '  changes: found vs generated',
        measured: `got ${fmtKinds(m.check.got)}${Object.keys(m.check.other).length ? `, other ${fmtInt(Object.values(m.check.other).reduce((x, y) => x + y, 0))}` : ''}`,
        target: `want ${fmtKinds(s.expected)}`,
        status: m.check.ok ? 'OK' : 'DIFF',
        by: m.check.ok ? `${fmtInt(m.check.total)} changes, the exact set; ${m.check.classification}` : `${m.check.missing.length} missing, ${m.check.unexpected.length} unexpected, ${m.check.warnings.length} warnings; ${m.check.classification}, want ${m.check.wantClass}`,
      });
    }
  }
  for (const f of FORMATS) {
    const v = verdicts[f];
    rows.push({
      metric: `time ratio ${fmtInt(large.paths)} ÷ ${fmtInt(small.paths)} paths, ${FORMAT_NAME[f]}`,
      measured: `${fmtRatio(v.ratio)}  (CPU time ${fmtRatio(v.cpuRatio)}; ${fmtRatio(large.paths / small.paths)} = linear)`,
      target: `≤ ${fmtRatio(TARGET_LINEAR)}`,
      status: v.linear.status,
      by: v.linear.by,
    });
  }
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
      `${fmtInt(small.paths)} paths = ${fmtInt(small.stats.queryParameters)} query parameters, ${fmtInt(small.stats.responseProperties)} response properties, ` +
      `${fmtBytes(small.stats.oldBytes / small.paths)}/path as YAML, ${fmtBytes(small.formats.json.bytes.old / small.paths)}/path as JSON (2-space indentation); seed ${ctx.opts.seed}`,
    `second document: 1% of the paths removed, 1% added, 2% of the query parameters made required, 2% of the response properties removed ` +
      `(${fmtInt(small.expected.propertiesRemoved)} properties in ${fmtInt(small.expected.responsesModified)} responses at ${fmtInt(small.paths)} paths; ${fmtInt(large.expected.propertiesRemoved)} in ${fmtInt(large.expected.responsesModified)} at ${fmtInt(large.paths)})`,
    `first diff() call in the process (${PEER_PATHS} paths): ${fmtMs(peer.first.ms)} (CPU ${fmtMs(peer.first.cpuMs)}, GC ${fmtMs(peer.first.gcMs)} in ${fmtInt(peer.first.gcCount)} collections); ` +
      `a larger size's first call grows the wasm memory further, and V8 collects garbage as it grows`,
    `spread (MAD): ${sizes.flatMap((s) => FORMATS.map((f) => `${fmtInt(s.paths)} ${FORMAT_NAME[f]} ±${fmtPct(summary(s.formats[f].ms).madPercent)}`)).join(', ')}; ` +
      `rounds ${sizes.map((s) => s.formats.yaml.ms.length).join(' / ')} after ${ctx.opts.warmup} warm-up call(s) each`,
  ];
  if (!peer.peer.error) {
    notes.push(
      `openapi-diff ${peer.peer.version} found: ${Object.entries(peer.peer.codes).map(([k, v]) => `${k} ×${v}`).join(', ') || 'nothing'} ` +
        `(it does not compare parameters or response content other than JSON bodies: see its docs/OPENAPI3.md; it parses, validates and dereferences both specs, then diffs the JSON schemas semantically); first call ${fmtMs(peer.peer.firstMs)}`,
    );
  }
  const checks = [[`${fmtInt(PEER_PATHS)} paths`, peer.check], ...sizes.flatMap((s) => FORMATS.map((f) => [`${fmtInt(s.paths)} paths ${FORMAT_NAME[f]}`, s.formats[f].check]))];
  for (const [label, check] of checks) {
    for (const m of check.missing.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: missing ${m}`);
    for (const m of check.unexpected.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: unexpected ${m}`);
    for (const w of check.warnings.slice(0, SHOW_MISMATCHES)) notes.push(`${label}: warning ${w.side} ${w.file}: ${w.message}`);
  }

  const formatData = (s, m) => ({
    bytes: m.bytes,
    got: m.check.got,
    other: m.check.other,
    check: { ok: m.check.ok, total: m.check.total, classification: m.check.classification, missing: m.check.missing, unexpected: m.check.unexpected, warnings: m.check.warnings },
    firstCall: { ms: round(m.first.ms, 1), cpuMs: round(m.first.cpuMs, 1), gcMs: round(m.first.gcMs, 1), gcCount: m.first.gcCount },
    ms: summary(m.ms),
    cpuMs: summary(m.cpuMs),
    gcMs: summary(m.gcMs),
    gcCounts: m.gcCounts,
    pathsPerMs: round(s.paths / m.med, 3),
    ...(m.asBytes ? { contentsAsUint8Array: { ms: summary(m.asBytes.ms), cpuMs: summary(m.asBytes.cpuMs) } } : {}),
  });
  const sizeData = (s) => ({
    paths: s.paths,
    stats: s.stats,
    expected: Object.fromEntries([...KINDS, 'propertiesRemoved'].map((k) => [k, s.expected[k]])),
    ...Object.fromEntries(FORMATS.map((f) => [f, formatData(s, s.formats[f])])),
  });

  return {
    rows,
    notes,
    targets: [
      ...FORMATS.map((f) => ({
        name: `OpenAPI diff: ${fmtInt(small.paths)} paths, ${FORMAT_NAME[f]}`,
        shown: `${fmtMs(small.formats[f].med)} (CPU ${fmtMs(small.formats[f].cpuMed)}; first call ${fmtMs(small.formats[f].first.ms)})`,
        targetText: `≤ ${fmtMs(TARGET_MS)}`,
        ...verdicts[f].time,
      })),
      ...FORMATS.map((f) => ({
        name: `OpenAPI diff: time linear in size, ${FORMAT_NAME[f]}`,
        shown: `${fmtRatio(verdicts[f].ratio)} for ${fmtRatio(large.paths / small.paths)} the paths (CPU ${fmtRatio(verdicts[f].cpuRatio)})`,
        targetText: `≤ ${fmtRatio(TARGET_LINEAR)}`,
        ...verdicts[f].linear,
      })),
    ],
    data: {
      pactoYaml: pactoYaml('yaml'),
      sizes: sizes.map(sizeData),
      ratio: Object.fromEntries(FORMATS.map((f) => [f, round(verdicts[f].ratio, 3)])),
      cpuTimeRatio: Object.fromEntries(FORMATS.map((f) => [f, round(verdicts[f].cpuRatio, 3)])),
      peer: {
        paths: PEER_PATHS,
        stats: peer.stats,
        pacto: { ms: summary(peer.pacto.ms), cpuMs: summary(peer.pacto.cpuMs), callsPerRound: PACTO_REPS_PEER, usPerPath: round(pactoPerPathUs, 2), check: { ok: peer.check.ok, got: peer.check.got, total: peer.check.total }, firstCall: { ms: round(peer.first.ms, 1), cpuMs: round(peer.first.cpuMs, 1), gcMs: round(peer.first.gcMs, 1), gcCount: peer.first.gcCount } },
        openapiDiff: peer.peer.error
          ? { error: peer.peer.error }
          : { version: peer.peer.version, ms: summary(peer.peer.ms), cpuMs: summary(peer.peer.cpuMs), usPerPath: round((peer.peer.med * 1000) / PEER_PATHS, 1), firstCallMs: round(peer.peer.firstMs, 1), differences: peer.peer.codes, breakingDifferencesFound: peer.peer.breaking },
        ratio: peerRatio == null ? null : round(peerRatio, 2),
      },
      verdicts: Object.fromEntries(FORMATS.map((f) => [f, { twoThousandPaths: verdicts[f].time, linear: verdicts[f].linear }])),
      warmupCalls: ctx.opts.warmup,
    },
  };
}
