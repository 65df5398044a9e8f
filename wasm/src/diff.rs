//! `diff` (the two bundles) and `diffWithDependencies` (with both dependency graphs, diff.md §8).

use js_sys::Reflect;
use pacto_core::diff::{DiffError, DiffResult};
use pacto_core::graph::render_diff_tree;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::registry::{get, is_absent, optional_bool, type_error};
use crate::source::JsSource;
use crate::{bundle_from_js, to_js, JsBundle, JsDiffResult};

#[wasm_bindgen(typescript_custom_section)]
const DIFF_TS: &'static str = r#"
export type GraphChangeType = "added" | "removed" | "version_changed";
export interface GraphNodeChange { name: string; changeType: GraphChangeType; oldVersion?: string; newVersion?: string }
/** A node of the graph diff tree: only nodes with a change in themselves or below are kept. */
export interface GraphDiffNode {
  name: string;
  /** The new version (the old one for a removed node). */
  version: string;
  change?: GraphNodeChange;
  children: GraphDiffNode[];
}
export interface GraphDiff {
  /** The new root, with the changed part of the tree under it. */
  root: GraphDiffNode;
  /** Every change once per service name, sorted by name. */
  changes: GraphNodeChange[];
  /** The changed part of the tree as `pacto diff` prints it ("" when nothing changed). */
  tree: string;
}
/** A dependency present on both sides whose contract or SBOM changed: its own diff. */
export interface DependencyDiff {
  /** The dependency's service name. */
  name: string;
  classification: Classification;
  changes: Change[];
  sbom?: SbomDiff;
  warnings: DiffWarning[];
  /** Always empty: dependency diffs do not nest. */
  dependencyDiffs: DependencyDiff[];
}
/** The bundle sources of the two sides of `diffWithDependencies`. */
export interface DiffSources {
  old?: BundleSource;
  new?: BundleSource;
  /** Look for the new side's oci:// dependencies in sibling directories of `new.root` first (default true; pass false when the new bundle is not a directory, e.g. an archive). */
  siblings?: boolean;
}
/** Compares two bundles and classifies every change (the Go tool's rules), without dependencies. Throws a `DiffFailure` when either side's pacto.yaml cannot be parsed. */
export function diff(oldBundle: Bundle, newBundle: Bundle): DiffResult;
/** `diff`, then both dependency graphs resolved through their sources: `graphDiff` and the diffs of the dependencies present on both sides, whose classifications count in the overall one. When the new root is a directory, its oci:// dependencies are first looked for in sibling directories (`local` of the new source). Rejects with a `DiffFailure` when a root's pacto.yaml cannot be parsed; a dependency that cannot be loaded is left out of the comparison. */
export function diffWithDependencies(oldBundle: Bundle, newBundle: Bundle, sources?: DiffSources): Promise<DiffResult>;
"#;

/// A `DiffFailure`: the message, the side, and the side's diagnostics.
fn diff_failure(e: &DiffError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = Reflect::set(&err, &JsValue::from_str("side"), &JsValue::from_str(e.side));
    if let Ok(list) = to_js(&e.diagnostics) {
        let _ = Reflect::set(&err, &JsValue::from_str("diagnostics"), &list);
    }
    err.into()
}

/// The result for JS, with the graph diff's tree text (`pacto diff` prints it).
fn result_to_js(result: &DiffResult) -> Result<JsValue, JsValue> {
    let value = to_js(result).map_err(JsValue::from)?;
    if let Some(graph_diff) = &result.graph_diff {
        let target = get(&value, "graphDiff");
        if target.is_object() {
            let _ = Reflect::set(
                &target,
                &JsValue::from_str("tree"),
                &JsValue::from_str(&render_diff_tree(graph_diff)),
            );
        }
    }
    Ok(value)
}

#[wasm_bindgen(skip_typescript)]
pub fn diff(old_bundle: &JsBundle, new_bundle: &JsBundle) -> Result<JsDiffResult, JsValue> {
    let old = bundle_from_js(old_bundle).map_err(JsValue::from)?;
    let new = bundle_from_js(new_bundle).map_err(JsValue::from)?;
    let result = pacto_core::diff::diff(&old, &new).map_err(|e| diff_failure(&e))?;
    Ok(result_to_js(&result)?.unchecked_into())
}

#[wasm_bindgen(js_name = diffWithDependencies, skip_typescript)]
pub async fn diff_with_dependencies(
    old_bundle: JsValue,
    new_bundle: JsValue,
    sources: JsValue,
) -> Result<JsValue, JsValue> {
    let old = bundle_from_js(&old_bundle).map_err(JsValue::from)?;
    let new = bundle_from_js(&new_bundle).map_err(JsValue::from)?;
    if !is_absent(&sources) && !sources.is_object() {
        return Err(type_error("sources must be an object { old?, new? }"));
    }
    let (old_source, old_at) = JsSource::from_js(&get(&sources, "old"))?;
    let (new_source, new_at) = JsSource::from_js(&get(&sources, "new"))?;
    let siblings = optional_bool(&sources, "sources", "siblings", true)?;
    let result = pacto_core::diff::diff_with_graphs(
        &old,
        old_at,
        &old_source,
        &new,
        new_at,
        &new_source,
        siblings,
    )
    .await
    .map_err(|e| diff_failure(&e))?;
    result_to_js(&result)
}
