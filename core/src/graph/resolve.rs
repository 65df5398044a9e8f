//! Breadth-first resolution over an injected [`BundleSource`] (oci-graph-cli §7.2, with the
//! deterministic claim order it recommends and the departures of the spec README, 4).
//!
//! Claims happen when a bundle's dependencies are read, in declaration order, and loads finish
//! in claim order; so the first declaration in breadth-first order owns a bundle. Loads run
//! concurrently in a small window (siblings, like the Go tool), but their results are taken in
//! claim order, so the graph never depends on which load answers first.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use super::location::{clean_path, DepRef};
use super::{cycles, Conflict, EdgeKind, Graph, GraphEdge, GraphNode, NodeState, Resolved};
use crate::bundle::{Bundle, CONTRACT_FILE};
use crate::contract::Contract;
use crate::diagnostic::{Code, Diagnostic};
use crate::validate;

/// Gives the bundle behind a resolved dependency ref: a directory for [`DepRef::Local`], a
/// registry pull (with tag resolution under the constraint) for [`DepRef::Oci`].
///
/// `async fn` without `Send` bounds on purpose: the wasm host is single-threaded and its futures
/// are not `Send`.
#[allow(async_fn_in_trait)]
pub trait BundleSource {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError>;
}

/// Why a bundle could not be given; the message is shown on the dependency's edge as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub message: String,
}

impl SourceError {
    pub fn new(message: impl Into<String>) -> Self {
        SourceError {
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}

/// How many loads may be in flight at once.
const WINDOW: usize = 8;

/// Resolves the graph of a local root bundle found at `root_dir` (as the host names it: relative
/// to its working directory, or absolute). Only the root's own parse failure is an error.
pub async fn resolve<S: BundleSource + ?Sized>(
    root: &Bundle,
    root_dir: &str,
    source: &S,
) -> Result<Graph, Vec<Diagnostic>> {
    let location = DepRef::Local {
        path: clean_path(root_dir),
    };
    resolve_from(root, location, source).await
}

/// Resolves the graph of a root bundle loaded from `location`. For an `oci://` root, local refs
/// (in the root and in every bundle pulled from a registry) are relative to the host's working
/// directory, as in the Go tool; with a local root they are relative to the root's directory.
pub async fn resolve_from<S: BundleSource + ?Sized>(
    root: &Bundle,
    location: DepRef,
    source: &S,
) -> Result<Graph, Vec<Diagnostic>> {
    let contract = contract_of(root)?;
    let oci_base = match &location {
        DepRef::Local { path } => path.clone(),
        DepRef::Oci { .. } => ".".to_string(),
    };
    let mut r = Resolution {
        slots: Vec::new(),
        edges: Vec::new(),
        out: Vec::new(),
        by_key: HashMap::new(),
        queue: VecDeque::new(),
        oci_base,
    };
    r.by_key.insert(location.clone(), 0);
    r.slots.push(Slot {
        reference: String::new(),
        location,
        local: false,
        state: None,
    });
    r.out.push(Vec::new());
    r.finish(0, contract, root.clone());

    let mut in_flight: VecDeque<InFlight<'_>> = VecDeque::new();
    loop {
        while in_flight.len() < WINDOW {
            let Some(slot) = r.queue.pop_front() else {
                break;
            };
            let Some(location) = r.slots.get(slot).map(|s| s.location.clone()) else {
                continue;
            };
            in_flight.push_back(InFlight {
                slot,
                future: Some(Box::pin(async move { source.load(&location).await })),
                result: None,
            });
        }
        if in_flight.is_empty() {
            break;
        }
        poll_fn(|cx| {
            for load in in_flight.iter_mut() {
                if load.result.is_some() {
                    continue;
                }
                if let Some(future) = load.future.as_mut() {
                    if let Poll::Ready(result) = future.as_mut().poll(cx) {
                        load.result = Some(result);
                        load.future = None;
                    }
                }
            }
            if in_flight.front().is_some_and(|l| l.result.is_some()) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        let Some(InFlight {
            slot,
            result: Some(result),
            ..
        }) = in_flight.pop_front()
        else {
            continue;
        };
        match result {
            Ok(bundle) => match r
                .slots
                .get(slot)
                .map(|s| load_contract(&bundle, &s.location))
            {
                Some(Ok(contract)) => r.finish(slot, contract, bundle),
                Some(Err(message)) => r.fail(slot, message),
                None => {}
            },
            Err(e) => r.fail(slot, e.message),
        }
    }
    Ok(r.build())
}

type Load<'s> = Pin<Box<dyn Future<Output = Result<Bundle, SourceError>> + 's>>;

struct InFlight<'s> {
    slot: usize,
    future: Option<Load<'s>>,
    result: Option<Result<Bundle, SourceError>>,
}

/// A claimed bundle; `state` is `None` until its load finishes.
struct Slot {
    reference: String,
    location: DepRef,
    local: bool,
    state: Option<NodeState>,
}

struct PendingEdge {
    from: usize,
    to: usize,
    edge: GraphEdge,
}

struct Resolution {
    slots: Vec<Slot>,
    edges: Vec<PendingEdge>,
    /// Edge positions per slot, in declaration order.
    out: Vec<Vec<usize>>,
    by_key: HashMap<DepRef, usize>,
    /// Claimed, not yet loading, in claim order.
    queue: VecDeque<usize>,
    /// The directory local refs of a registry bundle are relative to.
    oci_base: String,
}

impl Resolution {
    fn fail(&mut self, slot: usize, message: String) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.state = Some(NodeState::Failed(message));
        }
    }

    /// Records a loaded bundle and claims its dependencies.
    fn finish(&mut self, slot: usize, contract: Contract, bundle: Bundle) {
        let Some(s) = self.slots.get(slot) else {
            return;
        };
        let base = match &s.location {
            DepRef::Local { path } => path.clone(),
            DepRef::Oci { .. } => self.oci_base.clone(),
        };
        for dep in &contract.dependencies {
            let key = DepRef::from_ref(&dep.r#ref, &dep.compatibility, &base);
            let (to, kind) = match self.by_key.get(&key) {
                // Shared or a cycle: told apart once the ownership tree is complete.
                Some(&to) => (to, EdgeKind::Shared),
                None => {
                    let to = self.slots.len();
                    self.by_key.insert(key.clone(), to);
                    self.slots.push(Slot {
                        reference: dep.r#ref.clone(),
                        local: key.is_local(),
                        location: key,
                        state: None,
                    });
                    self.out.push(Vec::new());
                    self.queue.push_back(to);
                    (to, EdgeKind::Owned)
                }
            };
            if let Some(list) = self.out.get_mut(slot) {
                list.push(self.edges.len());
            }
            self.edges.push(PendingEdge {
                from: slot,
                to,
                edge: GraphEdge {
                    reference: dep.r#ref.clone(),
                    required: dep.required,
                    compatibility: dep.compatibility.clone(),
                    kind,
                },
            });
        }
        if let Some(s) = self.slots.get_mut(slot) {
            s.state = Some(NodeState::Resolved(Box::new(Resolved { contract, bundle })));
        }
    }

    fn build(self) -> Graph {
        let n = self.slots.len();
        let (enter, exit) = tree_intervals(n, &self.out, &self.edges);
        let mut inner: DiGraph<GraphNode, GraphEdge> = DiGraph::with_capacity(n, self.edges.len());
        for s in self.slots {
            inner.add_node(GraphNode {
                reference: s.reference,
                location: s.location,
                local: s.local,
                state: s
                    .state
                    .unwrap_or_else(|| NodeState::Failed("the bundle was not loaded".into())),
            });
        }
        let mut ids: Vec<EdgeIndex> = Vec::with_capacity(self.edges.len());
        let mut owner: Vec<Option<EdgeIndex>> = vec![None; n];
        for mut p in self.edges {
            let ancestor_or_self =
                |v: usize, u: usize| enter.get(v) <= enter.get(u) && exit.get(u) <= exit.get(v);
            if p.edge.kind == EdgeKind::Shared && ancestor_or_self(p.to, p.from) {
                p.edge.kind = EdgeKind::Cycle;
            }
            let kind = p.edge.kind;
            let id = inner.add_edge(NodeIndex::new(p.from), NodeIndex::new(p.to), p.edge);
            if kind == EdgeKind::Owned {
                if let Some(o) = owner.get_mut(p.to) {
                    *o = Some(id);
                }
            }
            ids.push(id);
        }
        let out = self
            .out
            .iter()
            .map(|list| list.iter().filter_map(|&i| ids.get(i).copied()).collect())
            .collect();
        let mut graph = Graph {
            inner,
            out,
            owner,
            cycles: Vec::new(),
            conflicts: Vec::new(),
            warnings: Vec::new(),
        };
        graph.conflicts = conflicts(&graph);
        graph.cycles = cycles::find(&graph);
        graph.warnings = super::warnings::find(&graph);
        graph
    }
}

/// Entry and exit times of a depth-first walk of the ownership tree, for O(1) ancestor tests.
fn tree_intervals(n: usize, out: &[Vec<usize>], edges: &[PendingEdge]) -> (Vec<u32>, Vec<u32>) {
    let mut enter = vec![0u32; n];
    let mut exit = vec![0u32; n];
    let mut clock = 0u32;
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    if let Some(e) = enter.first_mut() {
        *e = clock;
    }
    while let Some(top) = stack.last_mut() {
        let (node, next) = *top;
        let child = out.get(node).and_then(|list| {
            list.iter()
                .enumerate()
                .skip(next)
                .find_map(|(k, &i)| match edges.get(i) {
                    Some(p) if p.edge.kind == EdgeKind::Owned => Some((k, p.to)),
                    _ => None,
                })
        });
        match child {
            Some((k, to)) => {
                top.1 = k + 1;
                clock += 1;
                if let Some(e) = enter.get_mut(to) {
                    *e = clock;
                }
                stack.push((to, 0));
            }
            None => {
                clock += 1;
                if let Some(x) = exit.get_mut(node) {
                    *x = clock;
                }
                stack.pop();
            }
        }
    }
    (enter, exit)
}

/// §7.3: every service name resolved at two or more versions (the root's own version aside).
fn conflicts(graph: &Graph) -> Vec<Conflict> {
    let mut versions: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (id, node) in graph.nodes() {
        if id == graph.root() {
            continue;
        }
        if let Some(c) = node.contract() {
            versions
                .entry(c.service.name.as_str())
                .or_default()
                .insert(format!("{}@{}", c.service.name, c.service.version));
        }
    }
    versions
        .into_iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|(name, v)| Conflict {
            name: name.to_string(),
            versions: v.into_iter().collect(),
        })
        .collect()
}

/// The contract of a bundle, or the `PARSE_ERROR` diagnostics that stop it from parsing.
pub(crate) fn contract_of(bundle: &Bundle) -> Result<Contract, Vec<Diagnostic>> {
    let bytes = bundle.contract_bytes().ok_or_else(|| {
        vec![Diagnostic::error(
            Code::ParseError,
            "",
            "no pacto.yaml found at the root of the bundle",
        )]
    })?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![Diagnostic::error(
            Code::ParseError,
            "",
            format!(
                "pacto.yaml is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )]
    })?;
    Ok(validate::parse(text)?.contract)
}

/// A dependency's contract, or the message its edge shows.
fn load_contract(bundle: &Bundle, location: &DepRef) -> Result<Contract, String> {
    if bundle.contract_bytes().is_none() {
        return Err(format!("no {CONTRACT_FILE} found in {location}"));
    }
    contract_of(bundle).map_err(|diagnostics| {
        let file = match location {
            DepRef::Local { path } => format!("{path}/{CONTRACT_FILE}"),
            DepRef::Oci { .. } => format!("{CONTRACT_FILE} of {location}"),
        };
        let Some(first) = diagnostics.first() else {
            return format!("failed to parse {file}");
        };
        let at = first
            .range
            .map(|r| format!("line {}, column {}: ", r.start.line, r.start.column))
            .unwrap_or_default();
        let more = match diagnostics.len() {
            0 | 1 => String::new(),
            2 => " (and 1 more error)".to_string(),
            n => format!(" (and {} more errors)", n - 1),
        };
        format!("failed to parse {file}: {at}{}{more}", first.message)
    })
}
