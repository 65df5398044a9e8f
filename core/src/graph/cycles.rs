//! Every cycle of the resolved graph (spec README, departure 4), not only those the Go tool sees
//! along one resolution path: mutual dependencies between siblings are cycles too.
//!
//! A cycle needs an edge that is not an ownership edge (ownership edges form a tree). So each
//! such edge inside a strongly connected component is closed into one elementary cycle: along the
//! ownership tree when it points back to an owner (the Go tool's `P + [R]`), otherwise through
//! the component. Cycles with the same bundles in the same order are reported once. A cycle is
//! shown from the root: the root's name, the refs owning the way down to the cycle's first bundle
//! in breadth-first order, then the refs around the cycle. The work is linear in the size of the
//! graph plus the size of the cycles reported.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{Cycle, EdgeKind, Graph};

pub(super) fn find(graph: &Graph) -> Vec<Cycle> {
    let inner = &graph.inner;
    let mut component = vec![usize::MAX; inner.node_count()];
    // The member of each component reached first in breadth-first order.
    let mut first: Vec<NodeIndex> = Vec::new();
    for (c, members) in kosaraju_scc(inner).iter().enumerate() {
        for n in members {
            if let Some(slot) = component.get_mut(n.index()) {
                *slot = c;
            }
        }
        first.push(members.iter().copied().min().unwrap_or_default());
    }
    let same_component = |a: NodeIndex, b: NodeIndex| {
        component.get(a.index()).is_some() && component.get(a.index()) == component.get(b.index())
    };

    let mut trees: HashMap<usize, ComponentTrees> = HashMap::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    let mut cycles = Vec::new();
    for (u, _) in graph.nodes() {
        for dep in graph.dependencies(u) {
            let v = dep.target;
            if dep.edge.kind == EdgeKind::Owned || !same_component(u, v) {
                continue;
            }
            let path = if dep.edge.kind == EdgeKind::Cycle {
                owner_path(graph, v, u)
            } else {
                let c = component.get(u.index()).copied().unwrap_or(usize::MAX);
                let r = first.get(c).copied().unwrap_or(u);
                let t = trees
                    .entry(c)
                    .or_insert_with(|| ComponentTrees::new(graph, &component, c, r));
                t.walk(graph, v, u)
            };
            let Some(path) = path else { continue };
            let (nodes, mut edges) = elementary(graph, v, path);
            edges.push(dep.id);
            let Some((m, _)) = nodes.iter().enumerate().min_by_key(|(_, n)| n.index()) else {
                continue;
            };
            let mut key: Vec<usize> = nodes.iter().map(|n| n.index()).collect();
            key.rotate_left(m);
            if !seen.insert(key) {
                continue;
            }
            edges.rotate_left(m);
            let mut shown = vec![graph.root_node().name().to_string()];
            if let Some(&start) = nodes.get(m) {
                shown.extend(owner_refs(graph, start));
            }
            shown.extend(
                edges
                    .iter()
                    .filter_map(|&e| inner.edge_weight(e).map(|w| w.reference.clone())),
            );
            cycles.push(shown);
        }
    }
    cycles
}

/// The ownership edges from `top` down to `bottom` (`top` must own `bottom`, or be it).
fn owner_path(graph: &Graph, top: NodeIndex, bottom: NodeIndex) -> Option<Vec<EdgeIndex>> {
    let mut edges = Vec::new();
    let mut at = bottom;
    while at != top {
        let e = (*graph.owner.get(at.index())?)?;
        edges.push(e);
        at = graph.inner.edge_endpoints(e)?.0;
    }
    edges.reverse();
    Some(edges)
}

/// The refs of the ownership edges from the root down to `node`.
fn owner_refs(graph: &Graph, node: NodeIndex) -> Vec<String> {
    owner_path(graph, graph.root(), node)
        .unwrap_or_default()
        .iter()
        .filter_map(|&e| graph.inner.edge_weight(e).map(|w| w.reference.clone()))
        .collect()
}

/// Breadth-first trees of one strongly connected component around its first bundle `r`: the way
/// from every member to `r`, and from `r` to every member.
struct ComponentTrees {
    r: NodeIndex,
    /// For a member, the edge leaving it on a shortest way to `r`.
    to_r: HashMap<NodeIndex, EdgeIndex>,
    /// For a member, the edge entering it on a shortest way from `r`.
    from_r: HashMap<NodeIndex, EdgeIndex>,
}

impl ComponentTrees {
    fn new(graph: &Graph, component: &[usize], c: usize, r: NodeIndex) -> Self {
        let inner = &graph.inner;
        let inside = |n: NodeIndex| component.get(n.index()) == Some(&c);
        let mut to_r = HashMap::new();
        let mut from_r = HashMap::new();
        for (map, direction) in [
            (&mut to_r, Direction::Incoming),
            (&mut from_r, Direction::Outgoing),
        ] {
            let mut queue = VecDeque::from([r]);
            let mut seen = HashSet::from([r]);
            while let Some(n) = queue.pop_front() {
                for e in inner.edges_directed(n, direction) {
                    let next = match direction {
                        Direction::Incoming => e.source(),
                        Direction::Outgoing => e.target(),
                    };
                    if inside(next) && seen.insert(next) {
                        map.insert(next, e.id());
                        queue.push_back(next);
                    }
                }
            }
        }
        ComponentTrees { r, to_r, from_r }
    }

    /// A walk from `v` to `u` through `r` (it may repeat bundles).
    fn walk(&self, graph: &Graph, v: NodeIndex, u: NodeIndex) -> Option<Vec<EdgeIndex>> {
        let mut edges = Vec::new();
        let mut at = v;
        while at != self.r {
            let e = *self.to_r.get(&at)?;
            edges.push(e);
            at = graph.inner.edge_endpoints(e)?.1;
        }
        let mut down = Vec::new();
        let mut at = u;
        while at != self.r {
            let e = *self.from_r.get(&at)?;
            down.push(e);
            at = graph.inner.edge_endpoints(e)?.0;
        }
        down.reverse();
        edges.extend(down);
        Some(edges)
    }
}

/// Cuts the loops out of a walk starting at `start`: the bundles visited (no repeats, `start`
/// first) and the edges between them.
fn elementary(
    graph: &Graph,
    start: NodeIndex,
    walk: Vec<EdgeIndex>,
) -> (Vec<NodeIndex>, Vec<EdgeIndex>) {
    let mut nodes = vec![start];
    let mut edges = Vec::new();
    let mut position: HashMap<NodeIndex, usize> = HashMap::from([(start, 0)]);
    for e in walk {
        let Some((_, to)) = graph.inner.edge_endpoints(e) else {
            continue;
        };
        match position.get(&to) {
            Some(&p) => {
                for n in nodes.drain(p + 1..) {
                    position.remove(&n);
                }
                edges.truncate(p);
            }
            None => {
                position.insert(to, nodes.len());
                nodes.push(to);
                edges.push(e);
            }
        }
    }
    (nodes, edges)
}
