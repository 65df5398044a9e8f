// Browser entry without configuration (the `browser` export condition of
// `pacto-wasm`): `pacto-wasm/web` initialised with top-level `await`, so the API
// is ready on import. The .wasm is found through the glue's static
// `new URL('../pacto.wasm', import.meta.url)`, which webpack 5 emits as an
// asset by itself; a plain <script type="module"> fetches it next to the glue.
// Vite 5/6 (no top-level await in their default target), esbuild and Rollup
// (no asset for `new URL`) and workers (a message could arrive before the
// await ends) want `pacto-wasm/web` and an explicit init(): see README.md.
import initialize, { version } from './web.mjs';

export { validate, explain, init, diff, diffWithDependencies, graph, doc, schema, pack, unpack, push, pull, resolve, listTags, version } from './web.mjs';

await initialize();

export const VERSION = version();
