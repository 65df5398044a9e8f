// Browser / bundler entry. Uses the wasm-bindgen `web` glue and initialises it
// with top-level await. The `new URL(..., import.meta.url)` form is what
// webpack 5, Vite, Rollup and esbuild recognise as an asset reference, so the
// .wasm file is emitted next to the bundle without extra configuration.
import initWasm, { validate, explain, init, diff, diffWithDependencies, graph, doc, schema, pack, unpack, push, pull, resolve, listTags, version } from './dist/web/pacto_wasm.js';

await initWasm({ module_or_path: new URL('./dist/web/pacto_wasm_bg.wasm', import.meta.url) });

export { validate, explain, init, diff, diffWithDependencies, graph, doc, schema, pack, unpack, push, pull, resolve, listTags, version };
export const VERSION = version();
