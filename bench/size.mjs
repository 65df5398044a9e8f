// Section 3: size of what ships. npm/dist/pacto.wasm, the one module both glues
// load (raw, gzip -9 and brotli via zlib), and the whole npm/dist tree.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { NPM_DIST, rel } from './lib/paths.mjs';
import { atMostBytes, fmtBytesExact, fmtInt } from './lib/format.mjs';

export const id = 'size';
export const title = 'Size';

// "800 KB" read as 800,000 bytes (SI); the table prints exact byte counts.
const GZIP_LIMIT = 800 * 1000;

function walk(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(p));
    else if (entry.isFile()) files.push({ path: p, bytes: fs.statSync(p).size });
  }
  return files;
}

export async function run() {
  const wasmName = 'pacto.wasm';
  if (!fs.existsSync(path.join(NPM_DIST, wasmName))) {
    const why = `no ${rel(path.join(NPM_DIST, wasmName))}; run \`make build\``;
    return {
      skipped: why,
      rows: [{ metric: 'wasm', measured: 'SKIPPED', by: why }],
      targets: [{ name: 'wasm size, gzip -9', shown: 'SKIPPED', targetText: '≤ 800 KB', status: 'SKIP', by: why }],
    };
  }
  const wasmPath = path.join(NPM_DIST, wasmName);
  const raw = fs.readFileSync(wasmPath);
  const gzip = zlib.gzipSync(raw, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }).length;
  const verdict = atMostBytes(gzip, GZIP_LIMIT);

  const files = walk(NPM_DIST);
  const distBytes = files.reduce((a, f) => a + f.bytes, 0);
  const bySub = {};
  for (const f of files) {
    const parts = path.relative(NPM_DIST, f.path).split(path.sep);
    const sub = parts.length > 1 ? `${parts[0]}/` : parts[0];
    bySub[sub] = (bySub[sub] ?? 0) + f.bytes;
  }

  return {
    rows: [
      { metric: `${rel(wasmPath)} raw`, measured: fmtBytesExact(raw.length) },
      {
        metric: `${wasmName} gzip -9`,
        measured: fmtBytesExact(gzip),
        target: '≤ 800 KB (800,000 B)',
        status: verdict.status,
        by: verdict.by,
      },
      { metric: `${wasmName} brotli q11`, measured: fmtBytesExact(brotli) },
      {
        metric: `${rel(NPM_DIST)}/ total (${fmtInt(files.length)} files)`,
        measured: `${fmtBytesExact(distBytes)}: ${Object.entries(bySub).map(([k, v]) => `${k} ${fmtInt(v)} B`).join(', ')}`,
      },
    ],
    notes: [
      `gzip and brotli computed with node:zlib on the raw .wasm; ${fmtInt(files.filter((f) => f.path.endsWith('.wasm')).length)} .wasm in ${rel(NPM_DIST)}/`,
      `800 KB is read as 800,000 B; as 800 KiB (819,200 B) the gzip size would ${gzip <= 800 * 1024 ? 'PASS' : 'MISS'}`,
    ],
    targets: [{ name: 'wasm size, gzip -9', shown: fmtBytesExact(gzip), targetText: '≤ 800 KB', ...verdict }],
    data: {
      wasm: { path: rel(wasmPath), rawBytes: raw.length, gzip9Bytes: gzip, brotli11Bytes: brotli },
      dist: { path: rel(NPM_DIST), bytes: distBytes, files: files.length, bySubdir: bySub },
      target: verdict,
    },
  };
}
