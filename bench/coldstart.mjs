// Section 2: cold start. Wall time of whole processes, spawned alternately:
//   node npm/bin/pacto.js validate --output-format json <example dir>
//   node bench/ajv-one.mjs <example dir>        (js-yaml + ajv, schema compiled in-process)
// plus `node -e 0` as the floor both pay, and an in-process split of the phases
// (bench/lib/startup-probe.mjs) to show where each side's start-up time goes.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BENCH_DIR, EXAMPLES_DIR, NPM_BIN, NPM_DIR, SCHEMA_PATH, rel } from './lib/paths.mjs';
import { median, now, round, summary } from './lib/stats.mjs';
import { atMostMs, fmtMs, fmtRatio } from './lib/format.mjs';

export const id = 'coldstart';
export const title = 'Cold start';

const AJV_ONE = path.join(BENCH_DIR, 'ajv-one.mjs');
const PROBE = path.join(BENCH_DIR, 'lib', 'startup-probe.mjs');

function spawnTimed(args) {
  const t0 = now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = now() - t0;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function probe(args) {
  const r = spawnSync(process.execPath, [PROBE, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`startup probe ${args[0]} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  const out = JSON.parse(r.stdout);
  if (out.valid !== true) throw new Error(`startup probe ${args[0]}: the contract is not valid`);
  return out;
}

export async function run(ctx) {
  const { opts, log } = ctx;
  const exampleDir = path.join(EXAMPLES_DIR, opts.example);
  if (!fs.existsSync(path.join(exampleDir, 'pacto.yaml'))) throw new Error(`no pacto.yaml in ${rel(exampleDir)}`);
  const haveCli = fs.existsSync(NPM_BIN);
  const havePackage = ctx.packageLoads;

  const commands = {
    node: ['-e', '0'],
    ajv: [AJV_ONE, exampleDir],
  };
  if (haveCli) commands.pacto = [NPM_BIN, 'validate', '--output-format', 'json', exampleDir];
  const names = Object.keys(commands);

  // One untimed run of each, to fill the page cache and check the commands work.
  const outputs = {};
  for (const name of names) {
    const r = spawnTimed(commands[name]);
    outputs[name] = r;
    if (name !== 'node' && r.status !== 0) {
      throw new Error(`${name} exited ${r.status} on ${rel(exampleDir)}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
    }
  }
  if (haveCli) {
    const verdict = JSON.parse(outputs.pacto.stdout);
    if (!verdict.valid) throw new Error(`pacto says ${rel(exampleDir)} is invalid`);
  }

  const times = Object.fromEntries(names.map((n) => [n, []]));
  log(`spawning ${names.join(', ')} ${opts.runs} times each, alternating`);
  for (let i = 0; i < opts.runs; i++) {
    // Rotate the order every run so no command always follows the same one.
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const name of order) {
      const r = spawnTimed(commands[name]);
      if (name !== 'node' && r.status !== 0) throw new Error(`${name} exited ${r.status}`);
      times[name].push(r.ms);
    }
  }

  // In-process split (not part of the target).
  const probes = { pacto: [], ajv: [] };
  const probeRuns = Math.max(3, Math.ceil(opts.runs / 2));
  const contractFile = path.join(exampleDir, 'pacto.yaml');
  for (let i = 0; i < probeRuns; i++) {
    if (havePackage) probes.pacto.push(probe(['pacto', contractFile, NPM_DIR]));
    probes.ajv.push(probe(['ajv', contractFile, SCHEMA_PATH, BENCH_DIR]));
  }
  const probeMedian = (list, key) => median(list.map((p) => p[key]));

  const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  const rows = [];
  const targets = [];
  let verdict = null;
  if (haveCli) {
    verdict = atMostMs(med.pacto, med.ajv);
    rows.push({ metric: `pacto validate --output-format json ${rel(exampleDir)}`, measured: `${fmtMs(med.pacto)} median of ${times.pacto.length}` });
  } else {
    const why = `${rel(NPM_BIN)} does not exist yet`;
    rows.push({ metric: 'pacto validate (npm/bin/pacto.js)', measured: 'SKIPPED', by: why });
    targets.push({ name: 'cold start vs js-yaml+ajv script', shown: 'SKIPPED', targetText: '≤ ajv script', status: 'SKIP', by: why });
  }
  rows.push({ metric: `node bench/ajv-one.mjs ${rel(exampleDir)}`, measured: `${fmtMs(med.ajv)} median of ${times.ajv.length}` });
  if (haveCli) {
    rows.push({
      metric: 'cold start pacto vs ajv script',
      measured: `${fmtRatio(med.pacto / med.ajv)}  (${fmtMs(med.pacto)} vs ${fmtMs(med.ajv)})`,
      target: '≤ ajv script',
      status: verdict.status,
      by: verdict.by,
    });
    targets.push({ name: 'cold start vs js-yaml+ajv script', shown: `${fmtMs(med.pacto)} vs ${fmtMs(med.ajv)} (${fmtRatio(med.pacto / med.ajv)})`, targetText: '≤ ajv script', ...verdict });
  }
  rows.push({ metric: 'node -e 0 (floor: Node start-up alone)', measured: fmtMs(med.node) });
  if (havePackage) {
    rows.push({
      metric: '  pacto in-process: require / 1st / 2nd validate',
      measured: `${fmtMs(probeMedian(probes.pacto, 'loadMs'))} / ${fmtMs(probeMedian(probes.pacto, 'firstValidateMs'))} / ${fmtMs(probeMedian(probes.pacto, 'secondValidateMs'))}`,
    });
  }
  rows.push({
    metric: '  ajv in-process: import / compile / 1st / 2nd',
    measured: `${fmtMs(probeMedian(probes.ajv, 'loadMs'))} / ${fmtMs(probeMedian(probes.ajv, 'compileMs'))} / ${fmtMs(probeMedian(probes.ajv, 'firstValidateMs'))} / ${fmtMs(probeMedian(probes.ajv, 'secondValidateMs'))}`,
  });

  const notes = [
    `${opts.runs} runs each after one untimed run; wall time of spawnSync(process.execPath, …), stdout piped; in-process split: median of ${probeRuns} runs of bench/lib/startup-probe.mjs`,
  ];
  if (havePackage) notes.push("pacto's require includes compiling + instantiating the .wasm; its 1st validate includes one-time initialisation and the first run of cold (baseline-compiled) wasm code");

  return {
    rows,
    notes,
    targets,
    data: {
      example: rel(exampleDir),
      runs: opts.runs,
      commands: Object.fromEntries(names.map((n) => [n, ['node', ...commands[n].map((a) => (path.isAbsolute(a) ? rel(a) : a))].join(' ')])),
      ms: Object.fromEntries(names.map((n) => [n, summary(times[n])])),
      ratio: haveCli ? round(med.pacto / med.ajv, 3) : null,
      target: verdict,
      cliMissing: !haveCli,
      inProcess: {
        pacto: havePackage ? Object.fromEntries(['loadMs', 'firstValidateMs', 'secondValidateMs', 'processStartToMainMs'].map((k) => [k, round(probeMedian(probes.pacto, k), 2)])) : null,
        ajv: Object.fromEntries(['loadMs', 'compileMs', 'firstValidateMs', 'secondValidateMs', 'processStartToMainMs'].map((k) => [k, round(probeMedian(probes.ajv, k), 2)])),
      },
    },
  };
}
