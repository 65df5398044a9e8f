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

export type {
  Bundle,
  Diagnostic,
  DiagnosticCode,
  ExplainFormat,
  ParseFailure,
  Position,
  Range,
  ScaffoldFiles,
  Severity,
  ValidationResult,
} from "./dist/node/pacto_wasm.js";

export { explain, init, validate, version } from "./dist/node/pacto_wasm.js";

import type { ParseFailure } from "./dist/node/pacto_wasm.js";

/**
 * The error `explain` throws when `pacto.yaml` cannot be parsed; its
 * `diagnostics` are the `PARSE_ERROR`s.
 */
export type ExplainParseError = ParseFailure;

/** `version()`, read once at load time, e.g. `"0.1.0"`. */
export declare const VERSION: string;
