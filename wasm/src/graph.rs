//! `graph` and `doc`: the dependency graph of a bundle, resolved through a JS `BundleSource`,
//! and the Markdown document that shows it.

use js_sys::{Object, Reflect};
use pacto_core::graph::{self, Graph};
use pacto_core::Bundle;
use wasm_bindgen::prelude::*;

use crate::source::JsSource;

mod json;
use crate::{bundle_from_js, parse_failure};

#[wasm_bindgen(typescript_custom_section)]
const GRAPH_TS: &'static str = r#"
/** A bundle of the graph: the root, or the bundle an edge leads to. */
export interface GraphNode {
  name: string;
  version: string;
  /** The ref that claimed the node, as written; absent on the root. */
  ref?: string;
  /** The claiming ref is not oci://. */
  local: boolean;
  /** In declaration order; empty for a shared node (its dependencies are under the edge that owns it). */
  dependencies: GraphEdge[];
}
/** One entry of a contract's `dependencies`. */
export interface GraphEdge {
  /** As written in pacto.yaml. */
  ref: string;
  required: boolean;
  /** As written; "" when absent. */
  compatibility: string;
  /** Absent exactly when `error` is present. */
  node?: GraphNode;
  /** Why the dependency could not be loaded or parsed, or "cycle detected: <ref>". */
  error?: string;
  /** The bundle is owned by an earlier edge in breadth-first order: shown without its dependencies. */
  shared: boolean;
  /** The ref is not oci://. */
  local: boolean;
}
/** One service name resolved at two or more versions. */
export interface GraphConflict { name: string; /** `name@version`, sorted as plain strings. */ versions: string[] }
/** A dependency declaration worth a look (a pinned registry ref outside its compatibility); never fatal. */
export interface GraphWarning { /** The declaring service. */ from: string; ref: string; message: string }
/** The graph as JSON (`pacto graph --output-format json`). Arrays are always present. */
export interface GraphJson {
  root: GraphNode;
  /** Each cycle: the root's service name, then the refs followed, the last one closing the cycle. */
  cycles: string[][];
  conflicts: GraphConflict[];
  warnings: GraphWarning[];
}
export interface GraphResult extends GraphJson {
  /** The text tree (`pacto graph`), with its Cycles, Conflicts and Warnings blocks. */
  tree: string;
  /** Graphviz DOT. */
  dot: string;
  /** A Mermaid flowchart (without the ``` fence). */
  mermaid: string;
  /** The graph drawn as a standalone SVG document (only when `options.svg` is set): nodes with
   * name and version, optional edges dashed, errors, cycles and version conflicts highlighted,
   * shared nodes marked. Up to 60 services laid out by layout-rs; up to 2,000 in plain layers;
   * above that a summary that says so. Node groups carry `data-node` (the breadth-first index)
   * and edge groups `data-from`/`data-to`. */
  svg?: string;
}
export interface GraphOptions {
  /** Also draw the graph as SVG (`svg` in the result). */
  svg?: boolean;
}
/** Resolves the dependency graph of `bundle` (parsed, not validated). A dependency that cannot be loaded is an edge with an `error`, never a rejection; rejects with a `ParseFailure` when the root's pacto.yaml cannot be parsed, a TypeError for a malformed source. */
export function graph(bundle: Bundle, source?: BundleSource, options?: GraphOptions): Promise<GraphResult>;
/** The Markdown documentation of `bundle`, with its resolved dependencies (resolved as `graph` does). Rejects with a `ParseFailure` when pacto.yaml cannot be parsed. */
export function doc(bundle: Bundle, source?: BundleSource): Promise<string>;
"#;

async fn resolved(bundle: &JsValue, source: &JsValue) -> Result<(Bundle, Graph), JsValue> {
    let root = bundle_from_js(bundle).map_err(JsValue::from)?;
    let (source, location) = JsSource::from_js(source)?;
    let graph = graph::resolve_from(&root, location, &source)
        .await
        .map_err(|d| parse_failure(&d))?;
    Ok((root, graph))
}

#[wasm_bindgen(skip_typescript)]
pub async fn graph(bundle: JsValue, source: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let draw = crate::registry::optional_bool(&options, "options", "svg", false)?;
    let (_, graph) = resolved(&bundle, &source).await?;
    // Built from text: see json.rs for why not value by value.
    let text = json::to_text(&graph::to_json(&graph), false);
    let result = js_sys::JSON::parse(&text).map_err(|_| {
        JsValue::from(js_sys::Error::new(
            "internal error: could not read the graph JSON",
        ))
    })?;
    let object: &Object = result.unchecked_ref();
    let mut renderings = vec![
        ("tree", graph::render_tree(&graph)),
        ("dot", graph::to_dot(&graph)),
        ("mermaid", graph::to_mermaid(&graph)),
    ];
    if draw {
        renderings.push(("svg", graph::to_svg(&graph)));
    }
    for (key, text) in renderings {
        Reflect::set(object, &JsValue::from_str(key), &JsValue::from_str(&text)).map_err(|_| {
            JsValue::from(js_sys::Error::new(
                "internal error: could not build the result",
            ))
        })?;
    }
    Ok(result)
}

#[wasm_bindgen(skip_typescript)]
pub async fn doc(bundle: JsValue, source: JsValue) -> Result<JsValue, JsValue> {
    let (root, graph) = resolved(&bundle, &source).await?;
    pacto_core::doc::render(&root, Some(&graph))
        .map(|markdown| JsValue::from_str(&markdown))
        .map_err(|d| parse_failure(&d))
}
