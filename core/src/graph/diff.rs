//! Graph diff (oci-graph-cli §7.6, diff.md §8 and §9.4): the two graphs compared level by level,
//! children matched by service name, and the recursive diffs of dependencies present in both.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use super::{Dependency, EdgeKind, Graph};
use crate::diff::DiffResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    Added,
    Removed,
    VersionChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeChange {
    pub name: String,
    pub change_type: ChangeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
}

/// A node of the diff tree; only nodes with a change in themselves or below are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffNode {
    pub name: String,
    /// The new version (the old one for a removed node).
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<NodeChange>,
    pub children: Vec<DiffNode>,
}

impl Drop for DiffNode {
    /// Iterative, so that dropping a deep diff tree cannot overflow the stack.
    fn drop(&mut self) {
        let mut nodes = std::mem::take(&mut self.children);
        while let Some(mut node) = nodes.pop() {
            nodes.append(&mut node.children);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphDiff {
    /// The new root, with the changed part of the tree under it.
    pub root: DiffNode,
    /// Every change once per service name (the first in tree order), sorted by name.
    pub changes: Vec<NodeChange>,
}

impl GraphDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compares two graphs: from the roots down, the children of a node are matched by service
/// name; a matched child whose version differs is `version_changed`, and the comparison goes on
/// below it unless its edge is shared or its name was already compared; unmatched new children
/// are `added`, unmatched old ones `removed`. Failed dependencies and cycles are ignored.
pub fn diff(old: &Graph, new: &Graph) -> GraphDiff {
    struct Frame<'g> {
        old: NodeIndex,
        new_deps: Vec<Dependency<'g>>,
        next: usize,
        node: DiffNode,
    }
    let new_root = new.root_node();
    let mut visited: HashSet<&str> = HashSet::new();
    let mut stack = vec![Frame {
        old: old.root(),
        new_deps: shown(new, new.root()),
        next: 0,
        node: DiffNode {
            name: new_root.name().to_string(),
            version: new_root.version().to_string(),
            change: None,
            children: Vec::new(),
        },
    }];
    let mut root = None;
    while let Some(top) = stack.last_mut() {
        if let Some(dep) = top.new_deps.get(top.next).copied() {
            top.next += 1;
            let name = dep.node.name();
            let matched = shown(old, top.old)
                .into_iter()
                .find(|o| o.node.name() == name);
            let Some(o) = matched else {
                top.node.children.push(leaf(
                    name,
                    ChangeType::Added,
                    None,
                    Some(dep.node.version()),
                ));
                continue;
            };
            let (old_version, new_version) = (o.node.version(), dep.node.version());
            let change = (old_version != new_version).then(|| NodeChange {
                name: name.to_string(),
                change_type: ChangeType::VersionChanged,
                old_version: Some(old_version.to_string()),
                new_version: Some(new_version.to_string()),
            });
            let node = DiffNode {
                name: name.to_string(),
                version: new_version.to_string(),
                change,
                children: Vec::new(),
            };
            if dep.edge.kind == EdgeKind::Owned && visited.insert(name) {
                stack.push(Frame {
                    old: o.target,
                    new_deps: shown(new, dep.target),
                    next: 0,
                    node,
                });
            } else if node.change.is_some() {
                top.node.children.push(node);
            }
            continue;
        }
        // Old children no new child matches, in old order.
        let new_names: HashSet<&str> = top.new_deps.iter().map(|d| d.node.name()).collect();
        let mut removed: HashSet<&str> = HashSet::new();
        for o in shown(old, top.old) {
            let name = o.node.name();
            if !new_names.contains(name) && removed.insert(name) {
                top.node.children.push(leaf(
                    name,
                    ChangeType::Removed,
                    Some(o.node.version()),
                    None,
                ));
            }
        }
        let Some(done) = stack.pop() else { break };
        match stack.last_mut() {
            Some(parent) => {
                if done.node.change.is_some() || !done.node.children.is_empty() {
                    parent.node.children.push(done.node);
                }
            }
            None => root = Some(done.node),
        }
    }
    let root = root.unwrap_or_else(|| DiffNode {
        name: new_root.name().to_string(),
        version: new_root.version().to_string(),
        change: None,
        children: Vec::new(),
    });
    GraphDiff {
        changes: flat_changes(&root),
        root,
    }
}

/// The dependencies of a node that show a loaded bundle (no failures, no cycles).
fn shown(graph: &Graph, id: NodeIndex) -> Vec<Dependency<'_>> {
    graph
        .dependencies(id)
        .filter(|d| d.shown_node().is_some())
        .collect()
}

fn leaf(
    name: &str,
    change_type: ChangeType,
    old_version: Option<&str>,
    new_version: Option<&str>,
) -> DiffNode {
    DiffNode {
        name: name.to_string(),
        version: new_version.or(old_version).unwrap_or_default().to_string(),
        change: Some(NodeChange {
            name: name.to_string(),
            change_type,
            old_version: old_version.map(str::to_string),
            new_version: new_version.map(str::to_string),
        }),
        children: Vec::new(),
    }
}

fn flat_changes(root: &DiffNode) -> Vec<NodeChange> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut changes = Vec::new();
    let mut stack: Vec<&DiffNode> = root.children.iter().rev().collect();
    while let Some(node) = stack.pop() {
        if let Some(c) = &node.change {
            if seen.insert(c.name.as_str()) {
                changes.push(c.clone());
            }
        }
        stack.extend(node.children.iter().rev());
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

/// The tree of diff.md §9.4: empty when nothing changed; otherwise the root's name, then the
/// changed branches with the connectors of the graph tree.
pub fn render_diff_tree(diff: &GraphDiff) -> String {
    if diff.is_empty() {
        return String::new();
    }
    let mut out = format!("{}\n", diff.root.name);
    let mut stack: Vec<(&[DiffNode], usize, String)> =
        vec![(diff.root.children.as_slice(), 0, String::new())];
    while let Some((nodes, next, prefix)) = stack.last_mut() {
        let Some(node) = nodes.get(*next) else {
            stack.pop();
            continue;
        };
        *next += 1;
        let last = *next == nodes.len();
        let _ = writeln!(
            out,
            "{prefix}{}{}",
            if last { "└─ " } else { "├─ " },
            diff_label(node)
        );
        if !node.children.is_empty() {
            let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
            stack.push((node.children.as_slice(), 0, child_prefix));
        }
    }
    out
}

fn diff_label(node: &DiffNode) -> String {
    let Some(change) = &node.change else {
        return node.name.clone();
    };
    let old = change.old_version.as_deref().unwrap_or_default();
    let new = change.new_version.as_deref().unwrap_or_default();
    match change.change_type {
        ChangeType::VersionChanged => format!("{:<14}{old} → {new}", node.name),
        ChangeType::Added => format!("{:<14}+{new}", node.name),
        ChangeType::Removed => format!("{:<14}-{old}", node.name),
    }
}

/// A dependency present in both graphs whose contract (or SBOM) changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependencyDiff {
    pub name: String,
    #[serde(flatten)]
    pub result: DiffResult,
}

/// diff.md §8, recursive dependency diffs: for each service name of the new graph (first
/// occurrence in breadth-first order) that the old graph also has, other than the old root's
/// name, the two bundles compared with the full contract diff. Only dependencies with a change
/// are listed, in the new graph's order.
pub fn dependency_diffs(old: &Graph, new: &Graph) -> Vec<DependencyDiff> {
    let mut old_by_name: HashMap<&str, NodeIndex> = HashMap::new();
    for (id, node) in old.nodes() {
        if id != old.root() && node.resolved().is_some() {
            old_by_name.entry(node.name()).or_insert(id);
        }
    }
    let old_root_name = old.root_node().name();
    let mut done: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (id, node) in new.nodes() {
        let name = node.name();
        if id == new.root() || name == old_root_name || !done.insert(name) {
            continue;
        }
        let (Some(new_bundle), Some(old_bundle)) = (
            node.bundle(),
            old_by_name
                .get(name)
                .and_then(|&o| old.node(o))
                .and_then(|n| n.bundle()),
        ) else {
            continue;
        };
        let Ok(result) = crate::diff::diff(old_bundle, new_bundle) else {
            continue;
        };
        let sbom_changed = result.sbom.as_ref().is_some_and(|s| !s.changes.is_empty());
        if !result.changes.is_empty() || sbom_changed {
            out.push(DependencyDiff {
                name: name.to_string(),
                result,
            });
        }
    }
    out
}
