//! pacto-wasm: the thin JS binding of pacto-core. JS values in, typed plain objects out.

use js_sys::{Array, Object, Reflect, Uint8Array};
use pacto_core::{Bundle, Diagnostic, ExplainFormat};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

mod diff;
mod graph;
mod registry;
mod source;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A bundle: relative path -> file content; `pacto.yaml` at the root. A key ending in "/" marks a (possibly empty) directory. */
export type Bundle = Record<string, string | Uint8Array>;
export type Severity = "error" | "warning";
export type DiagnosticCode =
  | "PARSE_ERROR" | "YAML_PARSE_ERROR" | "SCHEMA_VIOLATION" | "SCHEMA_ERROR"
  | "INVALID_SEMVER" | "DUPLICATE_INTERFACE_NAME" | "PORT_REQUIRED" | "PORT_IGNORED"
  | "CONTRACT_REQUIRED" | "HEALTH_INTERFACE_NOT_FOUND" | "HEALTH_INTERFACE_INVALID"
  | "HEALTH_PATH_REQUIRED" | "HEALTH_PATH_IGNORED" | "FILE_NOT_FOUND" | "INVALID_OCI_REF"
  | "TAG_NOT_DIGEST" | "EMPTY_COMPATIBILITY" | "INVALID_COMPATIBILITY" | "INVALID_IMAGE_REF"
  | "SCALING_MIN_EXCEEDS_MAX" | "JOB_SCALING_NOT_ALLOWED" | "STATELESS_PERSISTENT_CONFLICT"
  | "UPGRADE_STRATEGY_STATE_MISMATCH";
/** 1-based; `column` counts UTF-16 code units. */
export interface Position { line: number; column: number }
export interface Range { start: Position; end: Position }
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** `interfaces[0].port` style; "" is the document root. */
  path: string;
  message: string;
  /** Where in pacto.yaml, when the location exists in the source. */
  range?: Range;
}
export interface ValidationResult { valid: boolean; errors: Diagnostic[]; warnings: Diagnostic[] }
export type ExplainFormat = "text" | "markdown" | "json";
/** Thrown by `explain` when pacto.yaml cannot be parsed. */
export interface ParseFailure extends Error { diagnostics: Diagnostic[] }
/** The files of a new bundle, keyed by bundle-relative path. */
export type ScaffoldFiles = Record<string, string>;
export type Classification = "NON_BREAKING" | "POTENTIAL_BREAKING" | "BREAKING";
export type ChangeType = "added" | "removed" | "modified";
/** A JSON value as it appears in a contract or a referenced document. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Where a change sits in the new bundle (for a removal: the closest place that still exists). */
export interface ChangeLocation { file: string; range: Range }
export interface Change {
  /** The Go tool's path, e.g. `interfaces.port` or `openapi.paths[/users].methods[GET].parameters[filter:query]`. */
  path: string;
  type: ChangeType;
  classification: Classification;
  reason: string;
  old?: JsonValue;
  new?: JsonValue;
  location?: ChangeLocation;
}
export interface SbomChange { package: string; type: ChangeType; field: string; oldValue?: string; newValue?: string }
export interface SbomDiff { oldFormat?: string; newFormat?: string; changes: SbomChange[] }
/** A referenced file that could not be read or parsed, so its part of the diff is missing. */
export interface DiffWarning { side: "old" | "new"; file: string; message: string }
export interface DiffResult {
  /** The highest classification of `changes` and of every dependency diff; NON_BREAKING when nothing changed. */
  classification: Classification;
  changes: Change[];
  /** Informational: never changes the classification. */
  sbom?: SbomDiff;
  warnings: DiffWarning[];
  /** The dependencies present on both sides whose contract or SBOM changed (`diffWithDependencies`; empty from `diff`). */
  dependencyDiffs: DependencyDiff[];
  /** The two dependency graphs compared (`diffWithDependencies` only). */
  graphDiff?: GraphDiff;
}
/** Thrown by `diff` when one side's pacto.yaml cannot be parsed. */
export interface DiffFailure extends Error { side: "old" | "new"; diagnostics: Diagnostic[] }
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Bundle")]
    pub type JsBundle;
    #[wasm_bindgen(typescript_type = "ValidationResult")]
    pub type JsValidationResult;
    #[wasm_bindgen(typescript_type = "ExplainFormat")]
    pub type JsExplainFormat;
    #[wasm_bindgen(typescript_type = "ScaffoldFiles")]
    pub type JsScaffoldFiles;
    #[wasm_bindgen(typescript_type = "DiffResult")]
    pub type JsDiffResult;
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal error: could not convert result: {e}")))
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encode)]
    fn encode_with_input(this: &TextEncoder, input: &JsValue) -> Uint8Array;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, input: &JsValue, dest: &Uint8Array) -> EncodeIntoResult;

    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// The scratch buffer of [`utf8_of`] starts at this size and is kept up to [`SCRATCH_MAX`].
const SCRATCH_MIN: usize = 16 * 1024;
const SCRATCH_MAX: usize = 1024 * 1024;

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
    static SCRATCH: std::cell::RefCell<Uint8Array> =
        std::cell::RefCell::new(Uint8Array::new_with_length(0));
}

/// A JS string as UTF-8 bytes (lone surrogates become U+FFFD, as with `as_string`).
///
/// Texts up to a third of [`SCRATCH_MAX`] UTF-16 units are encoded into a reused JS buffer
/// (`encodeInto`) rather than a new one per string (`encode`): allocating that `ArrayBuffer`
/// was most of the cost of handing a ~1 KB contract over.
fn utf8_of(text: &JsValue) -> Vec<u8> {
    let units = text.unchecked_ref::<js_sys::JsString>().length() as usize;
    // Every UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    let max = units.saturating_mul(3);
    if max > SCRATCH_MAX {
        return ENCODER.with(|e| e.encode_with_input(text).to_vec());
    }
    SCRATCH.with(|cell| {
        let mut buf = cell.borrow_mut();
        if (buf.length() as usize) < max {
            *buf = Uint8Array::new_with_length(max.max(SCRATCH_MIN) as u32);
        }
        let written = ENCODER.with(|e| e.encode_into(text, &buf).written());
        buf.subarray(0, written).to_vec()
    })
}

/// Reads a JS bundle object into a core bundle; misuse (not an object, wrong value types) throws.
pub(crate) fn bundle_from_js(value: &JsValue) -> Result<Bundle, JsError> {
    read_bundle(value, |_| true)
}

/// [`bundle_from_js`] reading the content of the files `wanted` names only: the others are
/// type-checked and recorded as empty files (for `validate`, which only asks whether they exist).
fn read_bundle(value: &JsValue, wanted: impl Fn(&str) -> bool) -> Result<Bundle, JsError> {
    if !value.is_object() || value.is_null() || Array::is_array(value) {
        return Err(JsError::new(
            "bundle must be an object mapping relative paths to string or Uint8Array contents",
        ));
    }
    let mut bundle = Bundle::new();
    for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
        let pair: Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        if key.ends_with('/') {
            bundle.insert_dir(key);
            continue;
        }
        let content = pair.get(1);
        let read = wanted(&key);
        let bytes = if !read && (content.is_string() || content.is_instance_of::<Uint8Array>()) {
            Vec::new()
        } else if content.is_string() {
            // Encoded on the JS side and copied in one piece: wasm-bindgen's own string
            // passing walks the text character by character, which was a fifth of the time
            // of a 2,000-path OpenAPI diff.
            utf8_of(&content)
        } else if let Some(u8s) = content.dyn_ref::<Uint8Array>() {
            u8s.to_vec()
        } else {
            return Err(JsError::new(&format!(
                "bundle entry {key:?} must be a string or a Uint8Array"
            )));
        };
        bundle.insert(key, bytes);
    }
    Ok(bundle)
}

/// Validates a bundle's pacto.yaml in three layers. Never throws for an invalid contract.
#[wasm_bindgen]
pub fn validate(bundle: &JsBundle) -> Result<JsValidationResult, JsError> {
    // Only pacto.yaml is read; the other files are only looked up by name.
    let bundle = read_bundle(bundle, |path| path == pacto_core::bundle::CONTRACT_FILE)?;
    Ok(to_js(&pacto_core::validate(&bundle))?.unchecked_into())
}

fn parse_failure(diagnostics: &[Diagnostic]) -> JsValue {
    let first = diagnostics.first().map_or_else(
        || "pacto.yaml could not be parsed".to_string(),
        |d| d.message.clone(),
    );
    let err = js_sys::Error::new(&format!("pacto.yaml could not be parsed: {first}"));
    if let Ok(list) = to_js(&diagnostics) {
        let _ = Reflect::set(&err, &JsValue::from_str("diagnostics"), &list);
    }
    err.into()
}

/// Explains a bundle's contract (parsed, not validated) as text, markdown or JSON text.
/// Throws a `ParseFailure` when pacto.yaml cannot be parsed.
#[wasm_bindgen]
pub fn explain(bundle: &JsBundle, format: &JsExplainFormat) -> Result<String, JsValue> {
    let bundle = bundle_from_js(bundle).map_err(JsValue::from)?;
    let format: ExplainFormat = format
        .as_string()
        .unwrap_or_default()
        .parse()
        .map_err(|e: String| JsValue::from(JsError::new(&e)))?;
    pacto_core::explain(&bundle, format).map_err(|d| parse_failure(&d))
}

/// The files of a new bundle named `name`. Throws on an empty name.
#[wasm_bindgen]
pub fn init(name: &str) -> Result<JsScaffoldFiles, JsError> {
    let files = pacto_core::init(name).map_err(|e| JsError::new(&e))?;
    let out = Object::new();
    for (path, content) in files {
        Reflect::set(
            &out,
            &JsValue::from_str(&path),
            &JsValue::from_str(&content),
        )
        .map_err(|_| JsError::new("internal error: could not build the scaffold object"))?;
    }
    Ok(out.unchecked_into())
}

/// The version of pacto-core inside this build.
#[wasm_bindgen]
pub fn version() -> String {
    pacto_core::VERSION.to_string()
}

/// The embedded JSON Schema for pacto.yaml (draft 2020-12), for editors.
#[wasm_bindgen(js_name = schema)]
pub fn schema() -> String {
    pacto_core::schema_json().to_string()
}
