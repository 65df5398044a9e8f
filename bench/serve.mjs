// Section: the `pacto serve` registry proxy against a real OCI registry.
//
// A docker-registry (tests/registry/harness.mjs: 127.0.0.1, anonymous,
// temporary storage) and `pacto serve --registry <it>` as its own process
// (tests/registry/serve-harness.mjs), as a developer runs it. The package API
// in this process is the client:
//   1. a ~1 MiB bundle (examples/stateless-http-api + 1 MiB of random bytes
//      that gzip cannot shrink), pushed once; then uncached pulls alternating
//      direct / through the proxy (ROUNDS each, after one untimed of each):
//      the medians and their ratio (target <= 1.2x);
//   2. 200 concurrent pulls of a small bundle through the proxy, then the
//      same 200 directly (the peer): pulls per second and errors.
// Every pulled bundle is byte-compared with what was pushed.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { missingPrerequisites, startRegistry } from '../tests/registry/harness.mjs';
import { startServe } from '../tests/registry/serve-harness.mjs';
import { fmtBytes, fmtInt, fmtMs, fmtNum, fmtRatio, fmtPct } from './lib/format.mjs';
import { EXAMPLES_DIR, NPM_DIR } from './lib/paths.mjs';
import { median, now, summary } from './lib/stats.mjs';

export const id = 'serve';
export const title = 'pacto serve registry proxy';

const ROUNDS = 25;
const QUICK_ROUNDS = 5;
const CONCURRENT = 200;
const BIG_BYTES = 1024 * 1024;
const TARGET_RATIO = 1.2;
const EXAMPLE = path.join(EXAMPLES_DIR, 'stateless-http-api');

function exampleBundle(extra = {}) {
  const read = (p) => fs.readFileSync(path.join(EXAMPLE, p));
  return {
    'pacto.yaml': read('pacto.yaml'),
    'interfaces/openapi.yaml': read('interfaces/openapi.yaml'),
    'configuration/schema.json': read('configuration/schema.json'),
    ...extra,
  };
}

function assertSame(ref, pushed, pulled) {
  const files = (b) => Object.keys(b).filter((k) => !k.endsWith('/')).sort();
  if (files(pushed).join('\n') !== files(pulled).join('\n')) throw new Error(`${ref}: pulled files differ from pushed`);
  for (const k of files(pushed)) {
    if (!Buffer.from(pushed[k]).equals(Buffer.from(pulled[k]))) throw new Error(`${ref}: ${k} differs after the round trip`);
  }
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CONCURRENT pulls at once: wall time, errors, one bundle checked. */
async function concurrentPulls(pull, ref, options, pushed) {
  const t0 = now();
  const results = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => pull(ref, options)));
  const ms = now() - t0;
  const errors = results.filter((r) => r.status === 'rejected');
  const ok = results.find((r) => r.status === 'fulfilled');
  if (ok) assertSame(ref, pushed, ok.value.bundle);
  return { ms, errors: errors.length, firstError: errors[0] ? String(errors[0].reason && errors[0].reason.message) : null, perSecond: (CONCURRENT / ms) * 1000 };
}

export async function run(ctx) {
  const { log } = ctx;
  const missing = missingPrerequisites('none');
  if (missing.length) {
    const why = `missing ${missing.join(', ')}`;
    return { skipped: why, rows: [{ metric: 'pacto serve proxy', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const { push, pull } = createRequire(import.meta.url)(NPM_DIR);
  const rounds = ctx.opts.runs <= 5 ? QUICK_ROUNDS : ROUNDS;

  log('starting docker-registry and pacto serve');
  const registry = await startRegistry({ auth: 'none' });
  let serve;
  try {
    serve = await startServe(['--registry', registry.url, '--no-local-registry']);
    const direct = {};
    const proxied = { proxy: serve.url };

    const big = exampleBundle({ 'docs/blob.bin': crypto.randomBytes(BIG_BYTES) });
    const bigRef = `oci://${registry.host}/bench/serve-big:1.0.0`;
    await push(bigRef, big, direct);
    for (const options of [direct, proxied]) assertSame(bigRef, big, (await pull(bigRef, options)).bundle);
    const directMs = [];
    const proxyMs = [];
    const cpuBefore = cpuMsOf(serve.child.pid);
    for (let k = 0; k < rounds; k++) {
      // Alternate which goes first, so drift on a busy machine hits both sides.
      const order = k % 2 === 0 ? [[direct, directMs], [proxied, proxyMs]] : [[proxied, proxyMs], [direct, directMs]];
      for (const [options, times] of order) {
        const t0 = now();
        const pulled = await pull(bigRef, options);
        times.push(now() - t0);
        assertSame(bigRef, big, pulled.bundle);
      }
    }
    const cpuAfter = cpuMsOf(serve.child.pid);
    const proxyCpuPerPull = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / rounds;
    const ratio = median(proxyMs) / median(directMs);
    log(`1 MiB pull: direct ${fmtMs(median(directMs))}, proxy ${fmtMs(median(proxyMs))}`);

    const small = exampleBundle();
    const smallRef = `oci://${registry.host}/bench/serve-small:1.0.0`;
    await push(smallRef, small, direct);
    // Two rounds per side, alternating; the faster round of each side is shown (both are in results.json).
    const proxyRuns = [];
    const directRuns = [];
    for (let k = 0; k < 2; k++) {
      log(`${CONCURRENT} concurrent pulls through the proxy (${k + 1}/2)`);
      proxyRuns.push(await concurrentPulls(pull, smallRef, proxied, small));
      log(`${CONCURRENT} concurrent pulls direct (${k + 1}/2)`);
      directRuns.push(await concurrentPulls(pull, smallRef, direct, small));
    }
    const fastest = (runs) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const viaProxy = { ...fastest(proxyRuns), errors: proxyRuns.reduce((n, r) => n + r.errors, 0), firstError: proxyRuns.map((r) => r.firstError).find(Boolean) ?? null };
    const viaDirect = { ...fastest(directRuns), errors: directRuns.reduce((n, r) => n + r.errors, 0), firstError: directRuns.map((r) => r.firstError).find(Boolean) ?? null };

    const pass = ratio <= TARGET_RATIO;
    const rows = [
      { metric: `pull ~1 MiB bundle (${fmtBytes(BIG_BYTES)} random + example), direct`, measured: `${fmtMs(median(directMs))} median of ${rounds}` },
      { metric: 'pull ~1 MiB bundle through pacto serve', measured: `${fmtMs(median(proxyMs))} median of ${rounds}` },
      { metric: 'proxy / direct, 1 MiB pull', measured: fmtRatio(ratio), target: `≤ ${fmtRatio(TARGET_RATIO)}`, status: pass ? 'PASS' : 'MISS' },
      { metric: 'CPU of the pacto serve process per proxied 1 MiB pull', measured: proxyCpuPerPull === null ? 'n/a (no /proc)' : `${fmtMs(proxyCpuPerPull)} (user + system, 10 ms ticks over ${rounds} pulls)` },
      { metric: 'proxy / direct, fastest pulls (less sensitive to a busy machine)', measured: fmtRatio(Math.min(...proxyMs) / Math.min(...directMs)) },
      { metric: `${CONCURRENT} concurrent pulls through the proxy (small bundle), faster of 2`, measured: `${fmtNum(viaProxy.perSecond, 0)} pulls/s, ${fmtInt(viaProxy.errors)} errors in ${2 * CONCURRENT} (${fmtMs(viaProxy.ms)})` },
      { metric: `${CONCURRENT} concurrent pulls direct (the peer), faster of 2`, measured: `${fmtNum(viaDirect.perSecond, 0)} pulls/s, ${fmtInt(viaDirect.errors)} errors in ${2 * CONCURRENT} (${fmtMs(viaDirect.ms)})` },
    ];
    const notes = [
      `docker-registry on ${registry.host}; pacto serve as its own process (--registry, one log line per request to a pipe); client: the package API in this process, no blob cache`,
      'a pull is the /v2/ ping, the manifest GET and the blob GET (three requests, each through the proxy)',
    ];
    if (viaProxy.firstError) notes.push(`first proxied error: ${viaProxy.firstError}`);
    if (viaDirect.firstError) notes.push(`first direct error: ${viaDirect.firstError}`);
    return {
      rows,
      notes,
      targets: [
        {
          name: 'pull of a 1 MiB bundle through pacto serve vs direct',
          shown: fmtRatio(ratio),
          targetText: `≤ ${fmtRatio(TARGET_RATIO)}`,
          status: pass ? 'PASS' : 'MISS',
          by: pass ? `${fmtPct((1 - ratio / TARGET_RATIO) * 100)} under` : `${fmtPct((ratio / TARGET_RATIO - 1) * 100)} over`,
          measured: ratio,
          target: TARGET_RATIO,
        },
      ],
      data: {
        big: { bytes: BIG_BYTES, rounds, directMs: summary(directMs), proxyMs: summary(proxyMs), ratio, proxyCpuPerPullMs: proxyCpuPerPull },
        concurrent: { count: CONCURRENT, proxyRuns, directRuns },
      },
    };
  } finally {
    log('stopping pacto serve and docker-registry');
    if (serve) await serve.stop();
    await registry.stop();
  }
}
