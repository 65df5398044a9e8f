// Types of the `pacto-wasm` entry point, for Node (require and import) and the
// browser build alike: they export the same API.
//
// The shapes are generated from the Rust types (wasm-bindgen, see
// wasm/src/lib.rs) and re-exported here, so the package cannot drift from the
// wasm module. tests/js/types.test.mjs compiles consumer code against them.
//
//   Bundle            Record<string, string | Uint8Array>; "pacto.yaml" at the
//                     root; a key ending in "/" marks a (possibly empty) directory
//   Diagnostic        { code, severity, path, message, range? }
//   Range / Position  1-based line and column; columns in UTF-16 code units
//   ValidationResult  { valid, errors, warnings }; arrays are never null
//   DiffResult        { classification, changes, sbom?, warnings, dependencyDiffs,
//                     graphDiff? }; arrays are never null
//   Change            { path, type, classification, reason, old?, new?, location? }
//   DiffFailure       thrown by diff (rejected by diffWithDependencies):
//                     { side: "old" | "new", diagnostics }
//   DiffSources       { old?: BundleSource, new?: BundleSource } for diffWithDependencies
//   RegistryOptions   { plainHttp?, credentials?, onProgress? } for push, pull, resolve, listTags
//   GraphResult       what graph() resolves to: { root, cycles, conflicts, warnings }
//                     (GraphJson: GraphNode / GraphEdge tree) plus tree, dot, mermaid
//   BundleSource      where graph() and doc() get dependency bundles:
//                     { root?, local?, oci?, registry? }
//   RegistryError     what the registry functions, pack and unpack throw or reject
//                     with: an Error with a stable `code` (RegistryErrorCode)

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
} from "./dist/node/pacto_wasm.js";

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
} from "./dist/node/pacto_wasm.js";

import type { ParseFailure } from "./dist/node/pacto_wasm.js";

/**
 * The error `explain` throws when `pacto.yaml` cannot be parsed; its
 * `diagnostics` are the `PARSE_ERROR`s.
 */
export type ExplainParseError = ParseFailure;

/** `version()`, read once at load time, e.g. `"0.1.0"`. */
export declare const VERSION: string;
