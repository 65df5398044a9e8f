// What the Rust side imports (#[wasm_bindgen(module = "/js/glue.js")] in src/editor.rs).
// wasm-bindgen copies this file to <out>/snippets/pacto-playground-<hash>/js/glue.js; the
// CodeMirror bundle that esbuild builds from editor.js sits at <out>/editor.js, three levels up.
// Keeping the bundle out of the crate means `cargo check` works before any npm install.
export { PactoEditor, readDataTransfer, readFileList, downloadBytes, copyText } from '../../../editor.js';

// The compare worker (src/compare_worker.rs): worker.js sits next to the CodeMirror bundle, at the
// root of the assets directory, and loads this same wasm module. Throws where module workers
// cannot start; the Rust side then compares on the page's thread.
export function startCompareWorker() {
  return new Worker(new URL('../../../worker.js', import.meta.url), { type: 'module', name: 'pacto-compare' });
}
