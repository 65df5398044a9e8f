#!/usr/bin/env node
// pacto-wasm benchmarks: `node bench/run.mjs` (or `make bench`).
//
// Runs the sections below in order, prints one plain-text table (progress goes to
// stderr) and writes everything measured to bench/out/results.json.
//
// Each section is a module bench/<topic>.mjs exporting
//   id, title, async run(ctx) -> { rows, notes?, targets?, data?, skipped? }
// where rows are { metric, measured, target?, status?, by? } and targets are the
// PASS/MISS verdicts ({ name, status, by, measured, target }). To add a section
// (OpenAPI diff, registry push/pull, graph …), write bench/<topic>.mjs and list it
// in SECTIONS.
//
// Options:
//   --only a,b        run only these sections (ids: validation, coldstart, size,
//                     openapi-diff, registry, graph, graph-svg, package, widget, playground, serve)
//   --quick           fewer contracts, rounds and spawns (a smoke run, not for numbers)
//   --count N         contracts to generate (default 10000)
//   --seed N          generator seed, contracts and OpenAPI documents (default 20240501)
//   --rounds N        timed throughput rounds per side (default 7; the OpenAPI diff
//                     caps them at 5 for 20,000 paths and 3 against openapi-diff)
//   --warmup N        untimed warm-up passes per side (default 2)
//   --runs N          cold-start spawns per command (default 15)
//   --example NAME    examples/NAME for the cold start (default full)
//   --out FILE        results file (default bench/out/results.json)
//   --pacto FILE      module to load validate() from instead of the package, e.g.
//                     another wasm-bindgen --target nodejs build (validation section
//                     only; cold start and size always measure npm/)
//
// Exit status: 0 when every section ran (a MISS is a result, not a failure);
// 1 when a section failed or the dependencies are missing; 2 on a usage error.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBenchDeps, loadBenchDeps, loadPacto } from './lib/deps.mjs';
import { renderReport } from './lib/format.mjs';
import { NPM_DIST, OUT_DIR, REPO_ROOT, rel } from './lib/paths.mjs';
import { now, round } from './lib/stats.mjs';

const SECTIONS = ['validation', 'coldstart', 'size', 'openapi-diff', 'registry', 'graph', 'graph-svg', 'package', 'widget', 'playground', 'serve'];

const DEFAULTS = {
  count: 10000,
  seed: 20240501,
  invalidRate: 0.09,
  rounds: 7,
  warmup: 2,
  breakdownRounds: 3,
  runs: 15,
  example: 'full',
  showDisagreements: 5,
  out: path.join(OUT_DIR, 'results.json'),
  only: null,
  pacto: null,
};
const QUICK = { count: 2000, rounds: 3, warmup: 1, breakdownRounds: 1, runs: 5 };

function usage(message) {
  process.stderr.write(`bench: ${message}\nusage: node bench/run.mjs [--only ${SECTIONS.join(',')}] [--quick] [--count N] [--seed N] [--rounds N] [--warmup N] [--runs N] [--example NAME] [--out FILE] [--pacto FILE]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  if (argv.includes('--quick')) Object.assign(opts, QUICK);
  const ints = new Set(['count', 'seed', 'rounds', 'warmup', 'runs']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') continue;
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
      process.exit(0);
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m) usage(`unexpected argument ${arg}`);
    const key = m[1];
    if (!ints.has(key) && !['only', 'example', 'out', 'pacto'].includes(key)) usage(`unknown option --${key}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) usage(`--${key} needs a value`);
    if (ints.has(key)) {
      const v = Number(value);
      if (!Number.isInteger(v) || v < (key === 'warmup' ? 0 : 1)) usage(`--${key} must be a positive integer`);
      opts[key] = v;
    } else if (key === 'only') {
      opts.only = value.split(',').map((s) => s.trim()).filter(Boolean);
      for (const s of opts.only) if (!SECTIONS.includes(s)) usage(`unknown section ${s}`);
    } else if (key === 'example') {
      opts.example = value;
    } else if (key === 'out') {
      opts.out = path.resolve(value);
    } else if (key === 'pacto') {
      opts.pacto = path.resolve(value);
    } else {
      usage(`unknown option --${key}`);
    }
  }
  return opts;
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** sha256 (first 12 hex digits) and mtime of npm/dist/pacto.wasm (the one .wasm), or null. */
function wasmFingerprint() {
  try {
    const file = path.join(NPM_DIST, 'pacto.wasm');
    return {
      sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12),
      mtime: fs.statSync(file).mtime.toISOString(),
    };
  } catch {
    return null;
  }
}

function environment(pacto, depVersions) {
  const cpus = os.cpus();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = commit ? git(['status', '--porcelain']) !== '' : null;
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGB: round(os.totalmem() / 1024 ** 3, 1),
    loadavg: os.loadavg().map((x) => round(x, 2)),
    commit: commit ? `${commit}${dirty ? ' (dirty)' : ''}` : null,
    pactoEntry: pacto.entry ?? null,
    pactoVersion: pacto.api?.VERSION ?? pacto.api?.version?.() ?? null,
    wasm: wasmFingerprint(),
    deps: depVersions,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

  const deps = checkBenchDeps();
  if (!deps.ok) {
    process.stderr.write(
      `bench: missing benchmark dependencies (${deps.missing.join(', ')}) in bench/node_modules.\n` +
        `       Install them with:  bench/setup.sh   (or: npm ci --prefix bench)\n`,
    );
    process.exit(1);
  }
  if (deps.stale.length) log(`warning: bench/node_modules does not match bench/package-lock.json (${deps.stale.join(', ')}); run bench/setup.sh`);
  const benchDeps = loadBenchDeps();
  const pacto = await loadPacto(opts.pacto);
  if (pacto.error) log(`warning: ${pacto.error}`);
  // Cold start spawns npm/bin/pacto.js, which loads the package itself; with
  // --pacto it still needs to know whether the package loads.
  const packageLoads = opts.pacto ? !(await loadPacto()).error : !pacto.error;

  const env = environment(pacto, benchDeps.versions);
  const ctx = { opts, log, deps: benchDeps, pacto, packageLoads };
  const selected = opts.only ?? SECTIONS;
  const sections = [];
  const results = {};
  let failed = false;

  for (const name of selected) {
    const mod = await import(`./${name}.mjs`);
    log(`== ${mod.title}`);
    const t0 = now();
    try {
      const r = await mod.run(ctx);
      const seconds = (now() - t0) / 1000;
      sections.push({ title: mod.title, rows: r.rows, notes: r.notes ?? [] });
      results[mod.id] = { title: mod.title, seconds: round(seconds, 1), skipped: r.skipped ?? null, targets: r.targets ?? [], ...r.data };
    } catch (error) {
      failed = true;
      log(`${mod.id} failed: ${error.stack}`);
      sections.push({ title: mod.title, rows: [{ metric: mod.id, measured: 'ERROR', by: error.message }], notes: [] });
      results[mod.id] = { title: mod.title, error: error.message };
    }
  }

  const targets = Object.values(results).flatMap((r) => r.targets ?? []);
  env.loadavgAtEnd = os.loadavg().map((x) => round(x, 2));
  env.wasmAtEnd = wasmFingerprint();
  const rebuilt = env.wasm?.sha256 !== env.wasmAtEnd?.sha256;
  // This process itself adds about 1 to the load while it runs.
  const busy = Math.max(env.loadavg[0], env.loadavgAtEnd[0] - 1) > env.cpus * 0.5;
  const header = [
    'pacto-wasm benchmarks',
    `node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpu} × ${env.cpus}, 1-min load ${env.loadavg[0]} at start, ${env.loadavgAtEnd[0]} at end`,
    `pacto-core ${env.pactoVersion ?? '?'} via ${env.pactoEntry ?? '(not loaded)'}${opts.pacto ? ' (--pacto)' : ''}; npm/dist wasm sha256 ${env.wasm?.sha256 ?? '-'}, built ${env.wasm?.mtime ?? '-'}; js-yaml ${env.deps['js-yaml']}, ajv ${env.deps.ajv}; commit ${env.commit ?? '?'}`,
  ];
  if (rebuilt) header.push(`WARNING: npm/dist changed during the run (wasm sha256 ${env.wasm?.sha256 ?? '-'} -> ${env.wasmAtEnd?.sha256 ?? '-'}): sections measured different builds`);
  if (busy) header.push(`WARNING: the machine was busy (load above half the ${env.cpus} CPUs): wall times are noisy; compare the CPU-time rows`);
  const summaryRows = targets.map((t) => ({ metric: t.name, measured: t.shown, target: t.targetText, status: t.status, by: t.by }));
  if (summaryRows.length) sections.push({ title: 'Targets', rows: summaryRows, notes: [] });
  process.stdout.write(`${renderReport(header, sections)}\n`);

  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  const { out, ...shownOpts } = opts;
  fs.writeFileSync(opts.out, `${JSON.stringify({ environment: env, options: shownOpts, targets, sections: results }, null, 2)}\n`);
  process.stdout.write(`results: ${rel(opts.out)}\n`);
  process.exitCode = failed ? 1 : 0;
}

await main();
