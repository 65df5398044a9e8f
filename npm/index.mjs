// Node entry (ES module). Re-exports the CommonJS entry so that a program mixing
// `import` and `require` still loads a single wasm instance.
import api from './index.js';

export const { validate, explain, init, diff, diffWithDependencies, graph, doc, schema, pack, unpack, push, pull, resolve, listTags, version, VERSION } = api;
