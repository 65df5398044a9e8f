// Section: the size of <pacto-validator> (npm/widget/) as a page loads it, raw / gzip -9 /
// brotli: the widget's own modules, then with the shared web glue (web.mjs and wasm-bindgen's
// JS), and the editor chunk that only `editable` loads. The .wasm is the package's (see size).
// Target: the widget's own JS at most 20 KB gzip.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { NPM_DIR } from './lib/paths.mjs';
import { atMostBytes, fmtBytes } from './lib/format.mjs';

export const id = 'widget';
export const title = 'Embeddable widget';

const LIMIT = 20 * 1000;

function sizes(files) {
  const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(NPM_DIR, f))));
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const show = (s) => `${fmtBytes(s.raw)} raw, ${fmtBytes(s.gzip)} gzip, ${fmtBytes(s.brotli)} brotli`;

export async function run() {
  const own = ['widget/index.mjs', 'widget/styles.mjs'];
  const glue = ['web.mjs', 'dist/web/pacto_wasm.js'];
  const missing = [...own, ...glue, 'widget/editor.mjs'].filter((f) => !fs.existsSync(path.join(NPM_DIR, f)));
  if (missing.length) {
    const why = `missing ${missing.join(', ')}; run make build`;
    return { skipped: why, rows: [{ metric: 'widget', measured: 'SKIPPED', by: why }], notes: [], targets: [] };
  }
  const mine = sizes(own);
  const first = sizes([...own, ...glue]);
  const editor = sizes(['widget/editor.mjs']);
  const verdict = atMostBytes(mine.gzip, LIMIT);
  return {
    rows: [
      { metric: 'widget JS (index.mjs + styles.mjs)', measured: show(mine), target: '≤ 20 KB gzip', status: verdict.status, by: verdict.by },
      { metric: '  + the shared glue (web.mjs, pacto_wasm.js): first load without the .wasm', measured: show(first) },
      { metric: 'editor chunk (editable only, loaded on first use)', measured: show(editor) },
    ],
    notes: ['each group compressed as one stream (what a bundle of them would transfer)'],
    targets: [{ name: 'widget JS, gzip', shown: fmtBytes(mine.gzip), targetText: '≤ 20 KB', ...verdict }],
    data: { own: mine, withGlue: first, editor },
  };
}
