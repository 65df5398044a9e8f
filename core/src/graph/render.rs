//! The graph as text (oci-graph-cli §7.4, exactly), JSON (§7.5's shape with arrays and booleans
//! always present), Graphviz DOT and Mermaid. Every walk is iterative: a deep chain of
//! dependencies cannot overflow the stack here.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Conflict, Cycle, Dependency, EdgeKind, Graph, GraphNode, GraphWarning};
use crate::reference::{short_display, split_scheme, DependencyRef};
use crate::safe_text::printable;

/// Characters of a dependency ref and of a loader's error shown in the tree (cycles and
/// version lists are escaped but never cut: they are the result).
const MAX_SHOWN_REF: usize = 300;
const MAX_SHOWN_ERROR: usize = 1000;

const BRANCH: &str = "├─ ";
const LAST: &str = "└─ ";
const PIPE: &str = "│  ";
const SPACE: &str = "   ";

/// The dependency tree: the root, every edge under its declaring node (shared bundles once,
/// errors inline), then the cycles and the conflicts.
pub fn render_tree(graph: &Graph) -> String {
    let mut out = String::new();
    let root = graph.root_node();
    let _ = writeln!(out, "{}@{}", root.name(), root.version());
    struct Frame<'g> {
        deps: Vec<Dependency<'g>>,
        next: usize,
        prefix: String,
    }
    let mut stack = vec![Frame {
        deps: graph.dependencies(graph.root()).collect(),
        next: 0,
        prefix: String::new(),
    }];
    while let Some(top) = stack.last_mut() {
        let Some(dep) = top.deps.get(top.next).copied() else {
            stack.pop();
            continue;
        };
        top.next += 1;
        let last = top.next == top.deps.len();
        let connector = if last { LAST } else { BRANCH };
        out.push_str(&top.prefix);
        out.push_str(connector);
        match (dep.error(), dep.shown_node()) {
            // A loader's message quotes registries and archives, a ref comes from a contract
            // that may have been pulled: both are shown through `printable`.
            (Some(message), _) => {
                let _ = writeln!(
                    out,
                    "{} (error: {})",
                    printable(&short_display(&dep.edge.reference), MAX_SHOWN_REF),
                    printable(&message, MAX_SHOWN_ERROR)
                );
            }
            (None, None) => {
                let _ = writeln!(
                    out,
                    "{}",
                    printable(&short_display(&dep.edge.reference), MAX_SHOWN_REF)
                );
            }
            (None, Some(node)) => {
                out.push_str(&label(node));
                if dep.edge.kind == EdgeKind::Shared {
                    out.push_str(" (shared)\n");
                } else {
                    out.push('\n');
                    let prefix = format!("{}{}", top.prefix, if last { SPACE } else { PIPE });
                    stack.push(Frame {
                        deps: graph.dependencies(dep.target).collect(),
                        next: 0,
                        prefix,
                    });
                }
            }
        }
    }
    if !graph.cycles().is_empty() {
        let _ = writeln!(out, "\nCycles ({}):", graph.cycles().len());
        for cycle in graph.cycles() {
            let _ = writeln!(out, "  {}", printable(&cycle.join(" -> "), usize::MAX));
        }
    }
    if !graph.conflicts().is_empty() {
        let _ = writeln!(out, "\nConflicts ({}):", graph.conflicts().len());
        for c in graph.conflicts() {
            let _ = writeln!(
                out,
                "  {}: [{}]",
                printable(&c.name, MAX_SHOWN_REF),
                printable(&c.versions.join(" "), usize::MAX)
            );
        }
    }
    // Not in the Go tool, which ignores the constraint of a pinned ref without a word.
    if !graph.warnings().is_empty() {
        let _ = writeln!(out, "\nWarnings ({}):", graph.warnings().len());
        for w in graph.warnings() {
            let _ = writeln!(
                out,
                "  {}: {}",
                printable(&w.from, MAX_SHOWN_REF),
                printable(&w.message, MAX_SHOWN_ERROR)
            );
        }
    }
    out
}

fn label(node: &GraphNode) -> String {
    let local = if node.local { " [local]" } else { "" };
    // Names and versions come from contracts, possibly pulled ones.
    format!(
        "{}@{}{local}",
        printable(node.name(), MAX_SHOWN_REF),
        printable(node.version(), MAX_SHOWN_REF)
    )
}

/// The JSON form of a graph. Arrays are always present (possibly empty), never null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphJson {
    pub root: NodeJson,
    pub cycles: Vec<Cycle>,
    pub conflicts: Vec<Conflict>,
    pub warnings: Vec<GraphWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeJson {
    pub name: String,
    pub version: String,
    /// The ref that claimed the node; absent on the root.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub local: bool,
    /// Empty for a shared node (its dependencies are under the edge that owns it).
    pub dependencies: Vec<EdgeJson>,
}

impl Drop for NodeJson {
    /// Iterative, so that dropping the tree of a deep chain cannot overflow the stack.
    fn drop(&mut self) {
        let mut edges = std::mem::take(&mut self.dependencies);
        while let Some(mut edge) = edges.pop() {
            if let Some(mut node) = edge.node.take() {
                edges.append(&mut node.dependencies);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeJson {
    #[serde(rename = "ref")]
    pub reference: String,
    pub required: bool,
    pub compatibility: String,
    /// Absent exactly when `error` is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<Box<NodeJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub shared: bool,
    /// The ref is not `oci://`.
    pub local: bool,
}

/// The graph as the JSON tree of §7.5.
pub fn to_json(graph: &Graph) -> GraphJson {
    struct Frame<'g> {
        node: NodeJson,
        deps: Vec<Dependency<'g>>,
        next: usize,
        /// The parent's edge waiting for this node.
        edge: Option<EdgeJson>,
    }
    let root = graph.root_node();
    let mut stack = vec![Frame {
        node: node_json(root, None),
        deps: graph.dependencies(graph.root()).collect(),
        next: 0,
        edge: None,
    }];
    let mut result = node_json(root, None);
    while let Some(top) = stack.last_mut() {
        if let Some(dep) = top.deps.get(top.next).copied() {
            top.next += 1;
            let mut edge = EdgeJson {
                reference: dep.edge.reference.clone(),
                required: dep.edge.required,
                compatibility: dep.edge.compatibility.clone(),
                node: None,
                error: dep.error(),
                shared: dep.edge.kind == EdgeKind::Shared,
                local: matches!(split_scheme(&dep.edge.reference), DependencyRef::Local(_)),
            };
            match dep.shown_node() {
                Some(n) if dep.edge.kind == EdgeKind::Owned => {
                    let child = Frame {
                        node: node_json(n, Some(&dep.edge.reference)),
                        deps: graph.dependencies(dep.target).collect(),
                        next: 0,
                        edge: Some(edge),
                    };
                    stack.push(child);
                }
                Some(n) => {
                    edge.node = Some(Box::new(node_json(n, Some(&n.reference))));
                    top.node.dependencies.push(edge);
                }
                None => top.node.dependencies.push(edge),
            }
            continue;
        }
        let Some(done) = stack.pop() else { break };
        match (done.edge, stack.last_mut()) {
            (Some(mut edge), Some(parent)) => {
                edge.node = Some(Box::new(done.node));
                parent.node.dependencies.push(edge);
            }
            _ => result = done.node,
        }
    }
    GraphJson {
        root: result,
        cycles: graph.cycles().to_vec(),
        conflicts: graph.conflicts().to_vec(),
        warnings: graph.warnings().to_vec(),
    }
}

fn node_json(node: &GraphNode, reference: Option<&str>) -> NodeJson {
    NodeJson {
        name: node.name().to_string(),
        version: node.version().to_string(),
        reference: reference.map(str::to_string),
        local: node.local,
        dependencies: Vec::new(),
    }
}

/// Graphviz DOT: one node per bundle (failed ones in red with their error), one edge per
/// declaration, dashed when optional, red when it closes a cycle.
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::from("digraph dependencies {\n  node [shape=box];\n");
    for (id, node) in graph.nodes() {
        let n = id.index();
        match node.error() {
            None => {
                let local = if node.local { "\\n[local]" } else { "" };
                let _ = writeln!(
                    out,
                    "  n{n} [label=\"{}@{}{local}\"];",
                    dot_escape(node.name()),
                    dot_escape(node.version())
                );
            }
            Some(message) => {
                let _ = writeln!(
                    out,
                    "  n{n} [label=\"{}\\n{}\", color=red, fontcolor=red];",
                    dot_escape(&printable(&short_display(&node.reference), MAX_SHOWN_REF)),
                    dot_escape(&printable(message, MAX_SHOWN_ERROR))
                );
            }
        }
    }
    for (id, _) in graph.nodes() {
        for dep in graph.dependencies(id) {
            let mut attrs = Vec::new();
            if !dep.edge.compatibility.is_empty() {
                attrs.push(format!("label=\"{}\"", dot_escape(&dep.edge.compatibility)));
            }
            if !dep.edge.required {
                attrs.push("style=dashed".to_string());
            }
            if dep.edge.kind == EdgeKind::Cycle {
                attrs.push("color=red".to_string());
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(out, "  n{} -> n{}{attrs};", id.index(), dep.target.index());
        }
    }
    out.push_str("}\n");
    out
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid flowchart: one node per bundle, required dependencies as solid arrows, optional
/// ones dotted, labelled with their compatibility range; failed bundles styled as errors.
pub fn to_mermaid(graph: &Graph) -> String {
    let mut out = String::from("graph TD\n");
    let mut failed = false;
    for (id, node) in graph.nodes() {
        let n = id.index();
        match node.error() {
            None => {
                let _ = writeln!(
                    out,
                    "  n{n}[\"{}@{}\"]",
                    mermaid_escape(node.name()),
                    mermaid_escape(node.version())
                );
            }
            Some(message) => {
                failed = true;
                let _ = writeln!(
                    out,
                    "  n{n}[\"{}<br/>{}\"]:::error",
                    mermaid_escape(&printable(&short_display(&node.reference), MAX_SHOWN_REF)),
                    mermaid_escape(&printable(message, MAX_SHOWN_ERROR))
                );
            }
        }
    }
    for (id, _) in graph.nodes() {
        for dep in graph.dependencies(id) {
            let arrow = if dep.edge.required { "-->" } else { "-.->" };
            let text = if dep.edge.compatibility.is_empty() {
                String::new()
            } else {
                format!("|\"{}\"|", mermaid_escape(&dep.edge.compatibility))
            };
            let _ = writeln!(
                out,
                "  n{} {arrow}{text} n{}",
                id.index(),
                dep.target.index()
            );
        }
    }
    if failed {
        out.push_str("  classDef error fill:#fee,stroke:#c00,color:#900\n");
    }
    out
}

/// Text inside a quoted Mermaid label: quotes as entities, line breaks as `<br/>`.
pub(crate) fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace("\r\n", "<br/>")
        .replace('\n', "<br/>")
}
