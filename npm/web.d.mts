// Types of `pacto-wasm/web`: the API with an explicit initialisation (web.mjs).
//
//   import init, { validate } from "pacto-wasm/web";
//   await init();
//
// The default export (also named `initialize`) loads the WebAssembly module;
// the named `init` is the API's scaffold function, as in every entry. The API
// shapes are wasm-bindgen's, generated from the Rust types.

export type {
  BlobCache,
  Bundle,
  BundleSource,
  Change,
  ChangeLocation,
  ChangeType,
  Classification,
  Diagnostic,
  DiagnosticCode,
  DiffFailure,
  DependencyDiff,
  DiffResult,
  DiffSources,
  DiffWarning,
  ExplainFormat,
  GraphChangeType,
  GraphConflict,
  GraphDiff,
  GraphDiffNode,
  GraphEdge,
  GraphJson,
  GraphNode,
  GraphNodeChange,
  GraphResult,
  GraphWarning,
  JsonValue,
  ParseFailure,
  Position,
  ProgressEvent,
  PullOptions,
  PullResult,
  PushOptions,
  PushResult,
  Range,
  RegistryError,
  RegistryErrorCode,
  RegistryOptions,
  SbomChange,
  SbomDiff,
  ScaffoldFiles,
  Severity,
  ValidationResult,
} from "./dist/web/pacto_wasm.js";

export {
  diff,
  diffWithDependencies,
  doc,
  explain,
  graph,
  init,
  listTags,
  pack,
  pull,
  push,
  resolve,
  schema,
  unpack,
  validate,
  version,
} from "./dist/web/pacto_wasm.js";

/**
 * Where the module comes from: a URL (or a string, resolved against the
 * page), a `Request` or `Response` (e.g. `fetch(url)`), the bytes of
 * `pacto.wasm`, or a compiled `WebAssembly.Module`.
 */
export type InitInput = URL | string | Request | Response | BufferSource | WebAssembly.Module;

/** What `initSync` instantiates from: the bytes of `pacto.wasm` or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; the API can be used once the promise resolves.
 * Without `input`, fetches `dist/pacto.wasm` next to the package's glue
 * (`new URL('../pacto.wasm', import.meta.url)`). Idempotent: every call
 * shares one load; after a failure a later call tries again.
 */
export declare function initialize(input?: InitInput | Promise<InitInput>): Promise<void>;
export default initialize;

/** Instantiates the module synchronously (e.g. in a worker, or from bytes already in memory). */
export declare function initSync(input: SyncInitInput): void;
