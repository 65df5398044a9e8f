'use strict';
// Node entry (CommonJS). The wasm-bindgen `nodejs` glue instantiates the module
// synchronously from dist/pacto.wasm (the one copy the web glue loads too)
// when it is first required.
// index.mjs re-exports this file, so ESM and CJS callers share one instance.

function loadWasm() {
  try {
    return require('./dist/node/pacto_wasm.js');
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('pacto_wasm.js')) {
      throw new Error(
        'pacto-wasm: the WebAssembly build is missing (dist/node/pacto_wasm.js); ' +
          'run `make build` at the root of the repository',
        { cause: error },
      );
    }
    throw error;
  }
}

const wasm = loadWasm();

exports.validate = wasm.validate;
exports.explain = wasm.explain;
exports.init = wasm.init;
exports.diff = wasm.diff;
exports.diffWithDependencies = wasm.diffWithDependencies;
exports.graph = wasm.graph;
exports.doc = wasm.doc;
exports.schema = wasm.schema;
exports.pack = wasm.pack;
exports.unpack = wasm.unpack;
exports.push = wasm.push;
exports.pull = wasm.pull;
exports.resolve = wasm.resolve;
exports.listTags = wasm.listTags;
exports.version = wasm.version;
exports.VERSION = wasm.version();
