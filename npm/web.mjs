// `pacto-wasm/web`: the API with an explicit initialisation and no top-level
// `await`, for pages, workers and bundlers that must say where the .wasm is.
//
//   import init, { validate } from 'pacto-wasm/web';
//   await init();                  // or init(url | Response | bytes | WebAssembly.Module | a Promise of one)
//   validate(bundle);
//
// The initialiser is the default export (also named `initialize`), as in
// wasm-bindgen's own glue, @swc/wasm-web and lightningcss-wasm; the named
// export `init` stays the API's scaffold function, the same in every entry.
// Without an argument it fetches dist/pacto.wasm relative to the glue (the
// glue's static `new URL('../pacto.wasm', import.meta.url)`).
//
// Initialising is idempotent and shared: every call before or after the first
// returns the same promise and the module is fetched and compiled once, so
// several widgets on one page can each call init(). A failed attempt is
// forgotten, so a later call can retry (e.g. with another URL).
import initGlue, * as glue from './dist/web/pacto_wasm.js';

let ready = false;
let loading;

function unwrap(input, key) {
  // wasm-bindgen's own object form ({ module_or_path } / { module }) works too.
  return input !== null && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype && key in input
    ? input[key]
    : input;
}

async function load(input) {
  const source = unwrap(await input, 'module_or_path');
  // initSync() may have run while `input` was pending: one instance is enough.
  if (!ready) await initGlue({ module_or_path: source ?? undefined });
  ready = true;
}

/**
 * Loads the WebAssembly module. Resolves once the API can be used; every call
 * shares one load.
 */
export function initialize(input) {
  if (loading === undefined) {
    loading = load(input);
    loading.catch(() => {
      if (!ready) loading = undefined;
    });
  }
  return loading;
}

export default initialize;

/** Instantiates the module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(input) {
  if (ready) return;
  const module = unwrap(input, 'module');
  if (module === undefined || module === null) {
    throw new TypeError('pacto-wasm: initSync needs the bytes of pacto.wasm (ArrayBuffer, Uint8Array) or a WebAssembly.Module');
  }
  glue.initSync({ module });
  ready = true;
  loading ??= Promise.resolve();
}

function notReady(name) {
  return new Error(
    `pacto-wasm: ${name}() was called before the WebAssembly module was loaded: call init() first ` +
      `(import init from 'pacto-wasm/web'; await init();) or initSync(bytes)`,
  );
}

function syncApi(name) {
  const fn = glue[name];
  return {
    [name](...args) {
      if (!ready) throw notReady(name);
      return fn(...args);
    },
  }[name];
}

function asyncApi(name) {
  const fn = glue[name];
  return {
    [name](...args) {
      if (!ready) return Promise.reject(notReady(name));
      return fn(...args);
    },
  }[name];
}

export const validate = syncApi('validate');
export const explain = syncApi('explain');
export const init = syncApi('init');
export const diff = syncApi('diff');
export const schema = syncApi('schema');
export const pack = syncApi('pack');
export const unpack = syncApi('unpack');
export const version = syncApi('version');
export const diffWithDependencies = asyncApi('diffWithDependencies');
export const graph = asyncApi('graph');
export const doc = asyncApi('doc');
export const push = asyncApi('push');
export const pull = asyncApi('pull');
export const resolve = asyncApi('resolve');
export const listTags = asyncApi('listTags');
