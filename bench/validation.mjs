// Section 1: validation throughput, pacto-wasm `validate()` against js-yaml + ajv
// (draft 2020-12, allErrors) on the same generated contracts, in one process.
//
// Both sides get their input prepared before any timing: pacto a bundle object
// ({ 'pacto.yaml': text, ...referenced files }), js-yaml + ajv the same text.
// The ajv schema is compiled once, before timing; whatever pacto initialises on
// its first call (and V8's tier-up of the wasm code) is absorbed by the untimed
// verdict pass and the warm-up passes.

import fs from 'node:fs';
import { generateContracts, VIOLATION_KINDS } from './lib/contracts.mjs';
import { SCHEMA_PATH, rel } from './lib/paths.mjs';
import { median, microsPerCall, now, round, summary } from './lib/stats.mjs';
import { atLeastRatio, fmtBytes, fmtInt, fmtMs, fmtNum, fmtPct, fmtRatio, fmtUs } from './lib/format.mjs';

export const id = 'validation';
export const title = 'Validation throughput';

const TARGET_RATIO = 2; // pacto throughput >= 2x js-yaml + ajv

// Codes produced before or by the JSON Schema layer; cross-field codes come after it.
const SCHEMA_LEVEL_CODES = new Set(['PARSE_ERROR', 'YAML_PARSE_ERROR', 'SCHEMA_VIOLATION', 'SCHEMA_ERROR']);

const MINIMAL_CONTRACT = 'pactoVersion: "1.0"\nservice:\n  name: a\n  version: 1.0.0\n';

export async function run(ctx) {
  const { opts, log } = ctx;
  if (ctx.pacto.error) {
    return {
      skipped: ctx.pacto.error,
      rows: [{ metric: 'pacto validate()', measured: 'SKIPPED', by: ctx.pacto.error }],
      targets: [{ name: 'validation throughput vs js-yaml+ajv', shown: 'SKIPPED', targetText: `≥ ${fmtRatio(TARGET_RATIO)}`, status: 'SKIP', by: 'pacto-wasm not loadable' }],
    };
  }
  const pactoValidate = ctx.pacto.api.validate;
  const { yaml, Ajv2020 } = ctx.deps;
  const yamlLoad = yaml.load;

  // ---- inputs ---------------------------------------------------------------
  log(`generating ${fmtInt(opts.count)} contracts (seed ${opts.seed})`);
  const gen = generateContracts({ count: opts.count, seed: opts.seed, invalidRate: opts.invalidRate });
  const n = gen.contracts.length;
  const texts = gen.contracts.map((c) => c.text);
  const bundles = gen.contracts.map((c) => ({ 'pacto.yaml': c.text, ...c.files }));
  const sizes = texts.map((t) => Buffer.byteLength(t)).sort((a, b) => a - b);
  const refFiles = bundles.reduce((a, b) => a + Object.keys(b).length - 1, 0);

  const tCompile = now();
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const ajvValidate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
  const ajvCompileMs = now() - tCompile;

  const ajvOne = (text) => {
    try {
      return ajvValidate(yamlLoad(text));
    } catch {
      return false; // YAML syntax error: invalid (never happens with generated input)
    }
  };

  // ---- verdicts (untimed; also the first warm-up pass) ------------------------
  log('checking verdicts');
  const tFirstPacto = now();
  let pactoResults = bundles.map((b) => pactoValidate(b));
  const firstPassPactoMs = now() - tFirstPacto;
  let ajvResults = texts.map((t) => {
    let ok;
    let errors = null;
    try {
      ok = ajvValidate(yamlLoad(t));
      errors = ajvValidate.errors;
    } catch (e) {
      ok = false;
      errors = [{ instancePath: '', message: `YAML: ${e.message.split('\n')[0]}` }];
    }
    return { ok, errors };
  });

  const codeCounts = {};
  const warningCounts = {};
  let pactoInvalid = 0;
  let pactoSchemaInvalid = 0;
  let crossFieldOnly = 0;
  let ajvInvalid = 0;
  const disagreements = [];
  const intentMisses = [];
  const detected = Object.fromEntries(VIOLATION_KINDS.map((k) => [k, { pacto: 0, ajv: 0, of: gen.byKind[k] }]));
  for (let i = 0; i < n; i++) {
    const p = pactoResults[i];
    const a = ajvResults[i];
    const c = gen.contracts[i];
    for (const e of p.errors) codeCounts[e.code] = (codeCounts[e.code] ?? 0) + 1;
    for (const w of p.warnings) warningCounts[w.code] = (warningCounts[w.code] ?? 0) + 1;
    const pSchema = p.errors.some((e) => SCHEMA_LEVEL_CODES.has(e.code));
    if (!p.valid) pactoInvalid++;
    if (pSchema) pactoSchemaInvalid++;
    if (!p.valid && !pSchema) crossFieldOnly++;
    if (!a.ok) ajvInvalid++;
    if (c.violation) {
      if (!p.valid) detected[c.violation.kind].pacto++;
      if (!a.ok) detected[c.violation.kind].ajv++;
    }
    const describe = () => ({
      id: c.id,
      violation: c.violation ? `${c.violation.kind}: ${c.violation.detail}` : null,
      pacto: p.errors.map((e) => `${e.code}@${e.path}`),
      ajv: (a.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`),
    });
    // The schema layer decides alone unless pacto's only errors are cross-field ones.
    if (pSchema !== !a.ok) disagreements.push(describe());
    if (Boolean(c.violation) === p.valid || Boolean(c.violation) === a.ok) intentMisses.push(describe());
  }

  pactoResults = null; // let the GC have them before timing
  ajvResults = null;

  // ---- timing -------------------------------------------------------------------
  const runPacto = () => {
    let valid = 0;
    for (let i = 0; i < n; i++) if (pactoValidate(bundles[i]).valid) valid++;
    return valid;
  };
  const runAjv = () => {
    let valid = 0;
    for (let i = 0; i < n; i++) if (ajvOne(texts[i])) valid++;
    return valid;
  };
  const expectPacto = n - pactoInvalid;
  const expectAjv = n - ajvInvalid;
  const check = (side, got, want) => {
    if (got !== want) throw new Error(`${side}: ${got} valid in a timed round, ${want} in the verdict pass`);
  };

  log(`warming up (${opts.warmup} pass(es) each)`);
  for (let w = 0; w < opts.warmup; w++) {
    check('pacto', runPacto(), expectPacto);
    check('ajv', runAjv(), expectAjv);
  }
  // Wall time is the measurement; process CPU time (all threads) is recorded too,
  // because it is far less disturbed when other processes compete for the CPUs.
  const pactoMs = [];
  const ajvMs = [];
  const pactoCpuMs = [];
  const ajvCpuMs = [];
  for (let r = 0; r < opts.rounds; r++) {
    log(`round ${r + 1}/${opts.rounds}`);
    // Alternate which side goes first, so drift (thermal, GC debt) hits both alike.
    const order = r % 2 === 0 ? ['pacto', 'ajv'] : ['ajv', 'pacto'];
    for (const side of order) {
      const c0 = process.cpuUsage();
      const t0 = now();
      const valid = side === 'pacto' ? runPacto() : runAjv();
      const ms = now() - t0;
      const c1 = process.cpuUsage(c0);
      const cpuMs = (c1.user + c1.system) / 1000;
      if (side === 'pacto') {
        check('pacto', valid, expectPacto);
        pactoMs.push(ms);
        pactoCpuMs.push(cpuMs);
      } else {
        check('ajv', valid, expectAjv);
        ajvMs.push(ms);
        ajvCpuMs.push(cpuMs);
      }
    }
  }
  const pactoMed = median(pactoMs);
  const ajvMed = median(ajvMs);
  const pactoCps = n / (pactoMed / 1000);
  const ajvCps = n / (ajvMed / 1000);
  const ratio = pactoCps / ajvCps;
  const verdict = atLeastRatio(ratio, TARGET_RATIO);
  const cpuRatio = median(ajvCpuMs) / median(pactoCpuMs);
  const pairRatios = pactoMs.map((p, i) => ajvMs[i] / p);

  // ---- where the time goes (informational) ------------------------------------
  log('breakdown');
  const validIdx = [];
  const invalidIdx = [];
  for (let i = 0; i < n; i++) (gen.contracts[i].violation ? invalidIdx : validIdx).push(i);
  const subsetUs = (idx, fn) => {
    const per = [];
    for (let r = 0; r < opts.breakdownRounds; r++) {
      const t0 = now();
      for (const i of idx) fn(i);
      per.push(((now() - t0) * 1000) / idx.length);
    }
    return median(per);
  };
  const parsed = texts.map((t) => yamlLoad(t));
  const bytesInput = texts.map((t) => Buffer.from(t));
  const bytesBundles = gen.contracts.map((c, i) => ({ ...bundles[i], 'pacto.yaml': bytesInput[i] }));
  const minimal = { 'pacto.yaml': MINIMAL_CONTRACT };
  if (!pactoValidate(minimal).valid) throw new Error('the minimal contract is not valid for pacto');
  const version = ctx.pacto.api.version;

  const b = {
    pactoValidUs: subsetUs(validIdx, (i) => pactoValidate(bundles[i])),
    pactoInvalidUs: subsetUs(invalidIdx, (i) => pactoValidate(bundles[i])),
    ajvValidUs: subsetUs(validIdx, (i) => ajvOne(texts[i])),
    ajvInvalidUs: subsetUs(invalidIdx, (i) => ajvOne(texts[i])),
    jsYamlOnlyUs: subsetUs(gen.contracts.map((_, i) => i), (i) => yamlLoad(texts[i])),
    ajvOnlyUs: subsetUs(gen.contracts.map((_, i) => i), (i) => ajvValidate(parsed[i])),
    pactoBytesUs: subsetUs(gen.contracts.map((_, i) => i), (i) => pactoValidate(bytesBundles[i])),
    pactoMinimalUs: median(Array.from({ length: opts.breakdownRounds }, () => microsPerCall(() => pactoValidate(minimal), 20000))),
    versionUs: median(Array.from({ length: opts.breakdownRounds }, () => microsPerCall(version, 200000))),
  };
  const pactoPerCallUs = (pactoMed * 1000) / n;
  const ajvPerCallUs = (ajvMed * 1000) / n;

  // ---- report -------------------------------------------------------------------
  const rows = [
    {
      metric: `pacto validate() × ${fmtInt(n)}`,
      measured: `${fmtMs(pactoMed)} median of ${pactoMs.length}  (${fmtInt(pactoCps)} contracts/s, ${fmtUs(pactoPerCallUs)}/contract)`,
    },
    {
      metric: `js-yaml load + ajv validate × ${fmtInt(n)}`,
      measured: `${fmtMs(ajvMed)} median of ${ajvMs.length}  (${fmtInt(ajvCps)} contracts/s, ${fmtUs(ajvPerCallUs)}/contract)`,
    },
    {
      metric: 'throughput ratio pacto ÷ js-yaml+ajv',
      measured: fmtRatio(ratio),
      target: `≥ ${fmtRatio(TARGET_RATIO)}`,
      status: verdict.status,
      by: verdict.by,
    },
    {
      metric: '  same, on process CPU time',
      measured: `${fmtRatio(cpuRatio)}  (pacto ${fmtMs(median(pactoCpuMs))}, js-yaml+ajv ${fmtMs(median(ajvCpuMs))} CPU)`,
    },
    {
      metric: '  same, per round (min–max)',
      measured: `${fmtRatio(Math.min(...pairRatios))}–${fmtRatio(Math.max(...pairRatios))}`,
    },
    {
      metric: 'invalid contracts found',
      measured: `pacto ${fmtInt(pactoInvalid)} (schema level ${fmtInt(pactoSchemaInvalid)}, cross-field only ${fmtInt(crossFieldOnly)}) · ajv ${fmtInt(ajvInvalid)} · generated ${fmtInt(gen.invalidCount)}`,
    },
    {
      metric: 'schema-level verdict disagreements',
      measured: `${fmtInt(disagreements.length)} of ${fmtInt(n)}`,
      target: '0',
      status: disagreements.length === 0 ? 'OK' : 'DIFF',
    },
    {
      metric: 'verdicts differing from the generator',
      measured: `${fmtInt(intentMisses.length)} of ${fmtInt(n)}`,
      target: '0',
      status: intentMisses.length === 0 ? 'OK' : 'DIFF',
    },
    { metric: 'breakdown (µs per call, medians):' },
    { metric: '  pacto: valid / invalid contracts', measured: `${fmtUs(b.pactoValidUs)} / ${fmtUs(b.pactoInvalidUs)}` },
    { metric: '  js-yaml+ajv: valid / invalid contracts', measured: `${fmtUs(b.ajvValidUs)} / ${fmtUs(b.ajvInvalidUs)}` },
    { metric: '  js-yaml load alone / ajv validate alone', measured: `${fmtUs(b.jsYamlOnlyUs)} / ${fmtUs(b.ajvOnlyUs)}` },
    { metric: '  pacto, pacto.yaml passed as a Uint8Array', measured: fmtUs(b.pactoBytesUs) },
    {
      metric: '  pacto, minimal 4-line contract',
      measured: `${fmtUs(b.pactoMinimalUs)}  (${fmtPct((b.pactoMinimalUs / pactoPerCallUs) * 100)} of a generated contract)`,
    },
    {
      metric: '  wasm call with no work: version()',
      measured: `${fmtUs(b.versionUs)}  (${fmtPct((b.versionUs / pactoPerCallUs) * 100)} of a generated contract)`,
    },
  ];

  const notes = [
    ...(ctx.pacto.overridden ? [`pacto validate() loaded from ${ctx.pacto.entry} (--pacto), not from the package`] : []),
    `${fmtInt(n)} contracts, seed ${opts.seed}: mean ${fmtNum(gen.meanBytes, 0)} B (${fmtBytes(sizes[Math.floor(n * 0.05)])}–${fmtBytes(sizes[Math.floor(n * 0.95)])} p5–p95), ` +
      `${fmtInt(gen.invalidCount)} (${fmtPct((gen.invalidCount / n) * 100)}) with exactly one violation; pacto bundles also carry ${fmtInt(refFiles)} referenced files (tiny placeholders)`,
    `violations generated / caught by pacto / by ajv: ${VIOLATION_KINDS.map((k) => `${k} ${detected[k].of}/${detected[k].pacto}/${detected[k].ajv}`).join(', ')}`,
    `pacto error codes: ${fmtCounts(codeCounts)}; warnings: ${fmtCounts(warningCounts)}`,
    `spread (MAD): pacto ±${fmtPct(summary(pactoMs).madPercent)}, js-yaml+ajv ±${fmtPct(summary(ajvMs).madPercent)}; ` +
      `ajv schema compile (once, untimed) ${fmtMs(ajvCompileMs)}; pacto first pass (cold code + one-time init, untimed) ${fmtMs(firstPassPactoMs)}`,
  ];
  for (const d of disagreements.slice(0, opts.showDisagreements)) notes.push(`disagreement: ${JSON.stringify(d)}`);
  if (disagreements.length > opts.showDisagreements) notes.push(`… and ${disagreements.length - opts.showDisagreements} more disagreements (all in results.json)`);
  for (const d of intentMisses.slice(0, opts.showDisagreements)) notes.push(`differs from generator: ${JSON.stringify(d)}`);

  return {
    rows,
    notes,
    targets: [{ name: 'validation throughput vs js-yaml+ajv', shown: `${fmtRatio(ratio)} (${fmtInt(pactoCps)} vs ${fmtInt(ajvCps)} contracts/s)`, targetText: `≥ ${fmtRatio(TARGET_RATIO)}`, ...verdict }],
    data: {
      entry: ctx.pacto.entry,
      schema: rel(SCHEMA_PATH),
      contracts: {
        count: n,
        seed: opts.seed,
        meanBytes: round(gen.meanBytes, 1),
        p5Bytes: sizes[Math.floor(n * 0.05)],
        p50Bytes: sizes[Math.floor(n * 0.5)],
        p95Bytes: sizes[Math.floor(n * 0.95)],
        generatedInvalid: gen.invalidCount,
        violationsByKind: detected,
        referencedFiles: refFiles,
      },
      pacto: { ms: summary(pactoMs), cpuMs: summary(pactoCpuMs), contractsPerSecond: round(pactoCps, 0), usPerContract: round(pactoPerCallUs, 2), invalid: pactoInvalid, schemaLevelInvalid: pactoSchemaInvalid, crossFieldOnlyInvalid: crossFieldOnly, errorCodes: codeCounts, warningCodes: warningCounts, firstPassMs: round(firstPassPactoMs, 1) },
      jsYamlAjv: { ms: summary(ajvMs), cpuMs: summary(ajvCpuMs), contractsPerSecond: round(ajvCps, 0), usPerContract: round(ajvPerCallUs, 2), invalid: ajvInvalid, schemaCompileMs: round(ajvCompileMs, 2), options: { allErrors: true, strict: false } },
      ratio: round(ratio, 3),
      cpuTimeRatio: round(cpuRatio, 3),
      perRoundRatios: pairRatios.map((x) => round(x, 3)),
      target: verdict,
      disagreements,
      generatorMismatches: intentMisses,
      breakdownUs: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round(v, 3)])),
      warmupPasses: opts.warmup,
    },
  };
}

function fmtCounts(counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ') : 'none';
}
