//! The dependency graph (`graph`, and the dependency parts of `doc` and `diff`), spec
//! `oci-graph-cli.md` §7 with the graph departure of the spec README (4).
//!
//! Resolution is breadth-first over an injected [`BundleSource`]: the core never reads a file or
//! a registry. The result is a petgraph [`DiGraph`] of service nodes whose indices are the
//! breadth-first claim order, so "first occurrence in breadth-first order owns the subtree" is
//! simply "the lower index owns". Every dependency declaration is an edge, in declaration order:
//! the edge that claimed a node owns it ([`EdgeKind::Owned`]); a later edge to the same bundle is
//! [`EdgeKind::Shared`], or [`EdgeKind::Cycle`] when it points back to the declaring bundle or one
//! of its owners. A dependency that cannot be loaded or parsed is a [`NodeState::Failed`] node, so
//! a failure is an edge like any other and never fails the whole graph.

mod cycles;
mod diff;
mod location;
mod render;
mod resolve;
mod svg;
mod warnings;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use serde::Serialize;

use crate::bundle::Bundle;
use crate::contract::Contract;

pub use diff::{
    dependency_diffs, diff, render_diff_tree, ChangeType as GraphChangeType, DependencyDiff,
    DiffNode, GraphDiff, NodeChange,
};
pub use location::{clean_path, join_path, DepRef};
pub use render::{render_tree, to_dot, to_json, to_mermaid, EdgeJson, GraphJson, NodeJson};
pub(crate) use resolve::contract_of;
pub use resolve::{resolve, resolve_from, BundleSource, SourceError};
pub use svg::{to_svg, to_svg_with_layout, SvgLayout, DRAW_LIMIT, LAYOUT_LIMIT};
pub use warnings::GraphWarning;

/// A resolved dependency graph. Node 0 is the root; node indices follow the breadth-first order
/// in which dependencies were claimed.
#[derive(Debug, Clone)]
pub struct Graph {
    inner: DiGraph<GraphNode, GraphEdge>,
    /// Outgoing edges of each node, in declaration order (petgraph lists them newest first).
    out: Vec<Vec<EdgeIndex>>,
    /// The owning edge of each node (`None` for the root).
    owner: Vec<Option<EdgeIndex>>,
    cycles: Vec<Cycle>,
    conflicts: Vec<Conflict>,
    warnings: Vec<GraphWarning>,
}

/// One bundle of the graph: the root, a loaded dependency, or a dependency that failed to load.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// The ref as written by the edge that claimed the node; empty for the root.
    pub reference: String,
    /// Where the bundle was loaded from (the root's own location for the root).
    pub location: DepRef,
    /// The claiming ref is not `oci://`.
    pub local: bool,
    pub state: NodeState,
}

#[derive(Debug, Clone)]
pub enum NodeState {
    Resolved(Box<Resolved>),
    /// Loading or parsing failed; the message is shown on every edge to this node.
    Failed(String),
}

/// A loaded and parsed bundle.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub contract: Contract,
    pub bundle: Bundle,
}

/// One entry of a contract's `dependencies`, with the values written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub reference: String,
    pub required: bool,
    pub compatibility: String,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// The first declaration, in breadth-first order, of its target: the tree shows the target's
    /// dependencies under this edge.
    Owned,
    /// The target is owned by another edge: shown as `(shared)`, without its dependencies.
    Shared,
    /// The target is the declaring bundle itself or one of its owners: shown as an error.
    Cycle,
}

/// A dependency cycle as a path from the root: the root's service name, then the refs followed,
/// the last one leading back to a bundle already on the path.
pub type Cycle = Vec<String>;

/// One service name resolved at two or more versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub name: String,
    /// `name@version`, sorted as plain strings.
    pub versions: Vec<String>,
}

impl GraphNode {
    pub fn resolved(&self) -> Option<&Resolved> {
        match &self.state {
            NodeState::Resolved(r) => Some(r),
            NodeState::Failed(_) => None,
        }
    }

    pub fn contract(&self) -> Option<&Contract> {
        self.resolved().map(|r| &r.contract)
    }

    pub fn bundle(&self) -> Option<&Bundle> {
        self.resolved().map(|r| &r.bundle)
    }

    /// The service name; empty for a failed node.
    pub fn name(&self) -> &str {
        self.contract().map_or("", |c| c.service.name.as_str())
    }

    /// The service version; empty for a failed node.
    pub fn version(&self) -> &str {
        self.contract().map_or("", |c| c.service.version.as_str())
    }

    /// The load or parse failure of a failed node.
    pub fn error(&self) -> Option<&str> {
        match &self.state {
            NodeState::Failed(message) => Some(message),
            NodeState::Resolved(_) => None,
        }
    }
}

/// An edge seen from its declaring node: the declaration and the node it leads to.
#[derive(Debug, Clone, Copy)]
pub struct Dependency<'g> {
    pub id: EdgeIndex,
    pub edge: &'g GraphEdge,
    pub target: NodeIndex,
    pub node: &'g GraphNode,
}

impl Dependency<'_> {
    /// The message an error edge shows: a failed target's, or the cycle it closes.
    pub fn error(&self) -> Option<String> {
        match (self.edge.kind, &self.node.state) {
            (EdgeKind::Cycle, _) => Some(format!("cycle detected: {}", self.edge.reference)),
            (_, NodeState::Failed(message)) => Some(message.clone()),
            _ => None,
        }
    }

    /// The loaded node this edge shows, if it shows one (not for cycles and failures).
    pub fn shown_node(&self) -> Option<&GraphNode> {
        match (self.edge.kind, &self.node.state) {
            (EdgeKind::Cycle, _) | (_, NodeState::Failed(_)) => None,
            _ => Some(self.node),
        }
    }
}

impl Graph {
    pub fn root(&self) -> NodeIndex {
        NodeIndex::new(0)
    }

    pub fn root_node(&self) -> &GraphNode {
        &self.inner[self.root()]
    }

    /// A node by index; indices come from this graph (`root`, `nodes`, `dependencies`).
    pub fn node(&self, id: NodeIndex) -> Option<&GraphNode> {
        self.inner.node_weight(id)
    }

    /// Every node in breadth-first claim order, the root first.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &GraphNode)> {
        self.inner
            .node_indices()
            .map(move |id| (id, &self.inner[id]))
    }

    pub fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// The dependencies a node declares, in declaration order (empty for failed nodes).
    pub fn dependencies(&self, id: NodeIndex) -> impl Iterator<Item = Dependency<'_>> {
        self.out
            .get(id.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(move |&e| {
                let (_, target) = self.inner.edge_endpoints(e)?;
                Some(Dependency {
                    id: e,
                    edge: &self.inner[e],
                    target,
                    node: &self.inner[target],
                })
            })
    }

    /// The node that owns `id` through its owning edge (`None` for the root).
    pub fn owner(&self, id: NodeIndex) -> Option<(NodeIndex, &GraphEdge)> {
        let e = (*self.owner.get(id.index())?)?;
        let (from, _) = self.inner.edge_endpoints(e)?;
        Some((from, &self.inner[e]))
    }

    pub fn cycles(&self) -> &[Cycle] {
        &self.cycles
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Pinned registry refs outside their `compatibility`, in declaration order.
    pub fn warnings(&self) -> &[GraphWarning] {
        &self.warnings
    }

    /// The underlying petgraph, for graph algorithms. Edge iteration order there is petgraph's;
    /// use [`Graph::dependencies`] for declaration order.
    pub fn petgraph(&self) -> &DiGraph<GraphNode, GraphEdge> {
        &self.inner
    }
}
