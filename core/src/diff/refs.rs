//! Local `$ref` resolution for OpenAPI documents and JSON schemas (spec README, departure 3).
//!
//! Only references of the form `#...` (a JSON pointer in a URI fragment, percent-decoded, then
//! `~1` -> `/` and `~0` -> `~`) are followed; anything else (`other.yaml#/x`, URLs, `#anchor`,
//! a pointer to nothing) stays as its text.
//!
//! Two services are offered over a parsed [`Tree`]:
//!
//! * [`Resolver::view`]: the structure of a node with its `$ref` followed, for walking keys
//!   (path items, operations, parameters, responses, schema `properties`). A mapping that has a
//!   `$ref` next to other keys is seen as the referenced mapping with those keys overriding.
//! * [`Resolver::canonical`]: an interned canonical value of a node with every local `$ref`
//!   expanded, so two values are deep-equal exactly when their ids are equal. Key order,
//!   formatting and quoting do not matter; sequence order, values, keys and scalar types do
//!   (the typing of [`crate::source::Node::to_json_lossy`]: `1` equals `1.0`).
//!
//! Expansion is bounded. A `$ref` whose target is already being expanded stays unexpanded (its
//! text), so cycles terminate. The canonical value of a target is memoised whenever it cannot
//! depend on where it is reached from, which is when no target of its strongly connected
//! component of the reference graph is on the expansion stack; shared references ("billion
//! laughs") therefore cost nothing after their first expansion. Expansion inside a cycle is not
//! memoised and is capped at [`MAX_EXPANDED`] nodes per document, after which further
//! references are compared as their text.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::tree::{Kids, Shape, N};
use crate::source::Resolved;

/// Nodes visited inside `$ref` expansions (memo hits excluded) before references stop being
/// expanded, per document.
pub const MAX_EXPANDED: usize = 1_000_000;
/// Recursion depth from which a reference is no longer expanded (keeps the native stack small:
/// documents themselves nest at most 256 levels).
const MAX_REF_DEPTH: usize = 320;
/// Hard recursion bound for trees that were not built by the parser.
const MAX_DEPTH: usize = 700;
/// Longest chain of `$ref`-to-`$ref` mappings followed by [`Resolver::view`].
const MAX_HOPS: usize = 64;
/// Mappings with at least this many keys get a key index for pointer look-ups.
const INDEX_FROM: usize = 16;

/// The id of an interned canonical value; equal ids mean deep-equal values.
pub type CanonId = usize;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Canon {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(Box<str>),
    Seq(Box<[CanonId]>),
    /// Sorted by key, keys unique.
    Map(Box<[(Box<str>, CanonId)]>),
}

/// Hash-consing table shared by the two documents of one comparison.
#[derive(Default)]
pub struct Interner {
    index: HashMap<Rc<Canon>, CanonId>,
    values: Vec<Rc<Canon>>,
}

impl Interner {
    fn intern(&mut self, canon: Canon) -> CanonId {
        if let Some(&id) = self.index.get(&canon) {
            return id;
        }
        let id = self.values.len();
        let rc = Rc::new(canon);
        self.values.push(Rc::clone(&rc));
        self.index.insert(rc, id);
        id
    }

    fn get(&self, id: CanonId) -> Option<&Canon> {
        self.values.get(id).map(|rc| &**rc)
    }

    /// A mapping from unsorted entries; for a repeated key the last entry wins.
    fn map(&mut self, mut entries: Vec<(Box<str>, CanonId)>) -> CanonId {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                std::mem::swap(later, kept);
                true
            } else {
                false
            }
        });
        self.intern(Canon::Map(entries.into_boxed_slice()))
    }
}

/// The structure of a node once its `$ref` is followed.
pub enum View<'n> {
    /// Entries in document order: the node's own keys first, then those of the referenced
    /// mapping(s) that they do not override. A followed `$ref` entry is left out.
    Map(Vec<(N<'n>, N<'n>)>),
    Seq(Kids<'n>),
    /// A scalar (null included).
    Scalar,
}

/// The reference graph of a document (target A -> B when A's subtree holds a `$ref` to B),
/// discovered from the references actually expanded, with its strongly connected components
/// computed incrementally (Tarjan's algorithm, resumed from each new target).
#[derive(Default)]
struct Graph<'n> {
    /// Target node -> target index.
    index: HashMap<u32, usize>,
    nodes: Vec<N<'n>>,
    /// Out-edges, filled when the target is first visited.
    edges: Vec<Vec<usize>>,
    order: Vec<usize>,
    low: Vec<usize>,
    on: Vec<bool>,
    /// Component of each target, `UNSEEN` until known.
    component: Vec<usize>,
    tarjan_stack: Vec<usize>,
    next: usize,
    /// Targets currently on the expansion stack, per component.
    active: Vec<usize>,
    /// Whether each target is on the expansion stack.
    on_stack: Vec<bool>,
}

const UNSEEN: usize = usize::MAX;

/// Resolves the local references of one document.
pub struct Resolver<'n> {
    root: N<'n>,
    pointers: HashMap<String, Option<N<'n>>>,
    key_index: HashMap<u32, HashMap<&'n str, usize>>,
    graph: Graph<'n>,
    memo: HashMap<usize, CanonId>,
    expanded: usize,
    stack_len: usize,
}

/// The `$ref` string of a mapping, if it has one.
pub fn ref_of(node: N<'_>) -> Option<&str> {
    node.entries()?
        .pairs()
        .find(|&(k, v)| is_ref_entry(k, v))
        .and_then(|(_, v)| v.scalar())
        .map(|s| s.value)
}

/// A mapping key's text as [`crate::source::Node::key_text`] gives it (null keys are empty),
/// without copying.
pub fn key_str(node: N<'_>) -> &str {
    match node.scalar() {
        Some(s) if !s.indicated && matches!(s.value, "~" | "null" | "Null" | "NULL") => "",
        Some(s) => s.value,
        None => "",
    }
}

/// A `$ref: <string>` entry.
fn is_ref_entry(key: N<'_>, value: N<'_>) -> bool {
    key.value_is("$ref")
        && value
            .scalar()
            .is_some_and(|v| v.indicated || v.resolve() == Resolved::Str)
}

/// The reference tokens of a local JSON-pointer reference (`#/a/b~1c` -> `["a", "b/c"]`);
/// `None` for a non-local reference or a fragment that is not a JSON pointer.
pub fn pointer_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = percent_decode(reference.strip_prefix('#')?)?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let rest = fragment.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(decoded) = hex {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// A token as an array index (`0`, `12`; no sign, no leading zeros).
pub fn index_token(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

fn leaf(node: N<'_>) -> Canon {
    if let Some(s) = node.scalar() {
        if s.indicated {
            return Canon::Str(s.value.into());
        }
    }
    match node.to_json_lossy() {
        Value::Null => Canon::Null,
        Value::Bool(b) => Canon::Bool(b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Canon::Uint(u)
            } else if let Some(i) = n.as_i64() {
                Canon::Int(i)
            } else {
                Canon::Float(n.as_f64().unwrap_or(0.0).to_bits())
            }
        }
        Value::String(s) => Canon::Str(s.into_boxed_str()),
        // Not reachable for a scalar; kept total.
        other => Canon::Str(other.to_string().into_boxed_str()),
    }
}

/// See [`super::tree::identical_without_refs`] (depth-bounded like the expansion).
pub fn identical_without_refs(a: N<'_>, b: N<'_>) -> bool {
    super::tree::identical_without_refs(a, b, MAX_DEPTH)
}

fn view_leaf(node: N<'_>) -> View<'_> {
    match node.shape() {
        Shape::Seq(items) => View::Seq(items),
        _ => View::Scalar,
    }
}

/// Whether a mapping has a `$ref` key (with any value).
fn has_ref_key(entries: Kids<'_>) -> bool {
    entries.pairs().any(|(k, _)| k.value_is("$ref"))
}

/// Result of canonicalising a node: its id and whether it was cut short by a bound (depth or
/// budget), which makes it depend on where it was reached from.
type Canonical = (CanonId, bool);

impl<'n> Resolver<'n> {
    pub fn new(root: N<'n>) -> Self {
        Resolver {
            root,
            pointers: HashMap::new(),
            key_index: HashMap::new(),
            graph: Graph::default(),
            memo: HashMap::new(),
            expanded: 0,
            stack_len: 0,
        }
    }

    /// The node a local reference points to.
    pub fn lookup(&mut self, reference: &str) -> Option<N<'n>> {
        if let Some(hit) = self.pointers.get(reference) {
            return *hit;
        }
        let found = self.walk(reference);
        self.pointers.insert(reference.to_string(), found);
        found
    }

    fn walk(&mut self, reference: &str) -> Option<N<'n>> {
        let tokens = pointer_tokens(reference)?;
        let mut node = self.root;
        for token in &tokens {
            node = self.child(node, token)?;
        }
        Some(node)
    }

    fn child(&mut self, node: N<'n>, token: &str) -> Option<N<'n>> {
        match node.shape() {
            Shape::Map(entries) if entries.len() / 2 >= INDEX_FROM => {
                let index = self.key_index.entry(node.id()).or_insert_with(|| {
                    entries
                        .pairs()
                        .enumerate()
                        .map(|(i, (k, _))| (key_str(k), i))
                        .collect()
                });
                let i = *index.get(token)?;
                entries.get(2 * i + 1)
            }
            Shape::Map(entries) => entries
                .pairs()
                .rev()
                .find(|&(k, _)| k.key_is(token))
                .map(|(_, v)| v),
            Shape::Seq(items) => items.get(index_token(token)?),
            Shape::Scalar(_) => None,
        }
    }

    /// The target of a mapping's local `$ref`, if it resolves.
    fn local_target(&mut self, node: N<'n>) -> Option<N<'n>> {
        let reference = ref_of(node)?;
        if !reference.starts_with('#') {
            return None;
        }
        self.lookup(reference)
    }

    /// The node's structure with its `$ref` (chain) followed; see [`View`].
    pub fn view(&mut self, node: N<'n>) -> View<'n> {
        let entries = match node.shape() {
            Shape::Scalar(_) => return View::Scalar,
            Shape::Seq(items) => return View::Seq(items),
            Shape::Map(entries) => entries,
        };
        if !has_ref_key(entries) {
            // The common case: nothing to follow.
            return View::Map(entries.pairs().collect());
        }
        let mut out: Vec<(N<'n>, N<'n>)> = Vec::new();
        let mut seen: Option<HashSet<&'n str>> = None;
        let mut visited: Vec<u32> = vec![node.id()];
        let mut current = node;
        while let Some(entries) = current.entries() {
            let target = self
                .local_target(current)
                .filter(|t| !visited.contains(&t.id()) && visited.len() <= MAX_HOPS);
            let follow = match target {
                Some(t) => match t.shape() {
                    Shape::Map(_) => Some(t),
                    // A bare reference to a sequence or scalar is that value.
                    _ if out.is_empty() && entries.pairs().all(|(k, v)| is_ref_entry(k, v)) => {
                        return view_leaf(t);
                    }
                    _ => None,
                },
                None => None,
            };
            for (k, v) in entries.pairs() {
                if follow.is_some() && is_ref_entry(k, v) {
                    continue;
                }
                if let Some(seen) = &mut seen {
                    if !seen.insert(key_str(k)) {
                        continue;
                    }
                }
                out.push((k, v));
            }
            let Some(next) = follow else {
                break;
            };
            if seen.is_none() {
                seen = Some(out.iter().map(|&(k, _)| key_str(k)).collect());
            }
            visited.push(next.id());
            current = next;
        }
        View::Map(out)
    }

    /// The canonical value of `node` with its local references expanded.
    pub fn canonical(&mut self, node: N<'n>, interner: &mut Interner) -> CanonId {
        self.canon(node, interner, 0).0
    }

    fn canon(&mut self, node: N<'n>, it: &mut Interner, depth: usize) -> Canonical {
        if self.stack_len > 0 {
            self.expanded = self.expanded.saturating_add(1);
        }
        if depth > MAX_DEPTH {
            return (it.intern(Canon::Str("$too-deep".into())), true);
        }
        match node.shape() {
            Shape::Scalar(_) => (it.intern(leaf(node)), false),
            Shape::Seq(items) => {
                let mut ids = Vec::with_capacity(items.len());
                let mut cut = false;
                for item in items.iter() {
                    let (id, c) = self.canon(item, it, depth + 1);
                    cut |= c;
                    ids.push(id);
                }
                (it.intern(Canon::Seq(ids.into_boxed_slice())), cut)
            }
            Shape::Map(entries) => match self.local_target(node) {
                Some(target) => self.canon_ref(entries, target, it, depth),
                None => self.literal(entries, it, depth),
            },
        }
    }

    /// A mapping as written (a `$ref` in it stays text).
    fn literal(&mut self, entries: Kids<'n>, it: &mut Interner, depth: usize) -> Canonical {
        let mut out = Vec::with_capacity(entries.len() / 2);
        let mut cut = false;
        for (k, v) in entries.pairs() {
            let (id, c) = self.canon(v, it, depth + 1);
            cut |= c;
            out.push((key_str(k).into(), id));
        }
        (it.map(out), cut)
    }

    fn canon_ref(
        &mut self,
        entries: Kids<'n>,
        target: N<'n>,
        it: &mut Interner,
        depth: usize,
    ) -> Canonical {
        let ti = self.target_id(target);
        let component = self.component_of(ti);
        let inside_cycle = self.graph.active.get(component).is_some_and(|&n| n > 0);
        let memo = if inside_cycle {
            None
        } else {
            self.memo.get(&ti).copied()
        };
        let (target_id, mut cut) = match memo {
            Some(id) => (id, false),
            None => {
                let on_stack = self.graph.on_stack.get(ti).copied().unwrap_or(true);
                if on_stack {
                    // A cycle: keep this reference as its text.
                    return self.literal(entries, it, depth);
                }
                if depth >= MAX_REF_DEPTH || self.expanded >= MAX_EXPANDED {
                    let (id, _) = self.literal(entries, it, depth);
                    return (id, true);
                }
                self.enter(ti, component, true);
                let (id, c) = self.canon(target, it, depth + 1);
                self.enter(ti, component, false);
                if !inside_cycle && !c {
                    self.memo.insert(ti, id);
                }
                (id, c)
            }
        };
        let siblings: Vec<(N<'n>, N<'n>)> = entries
            .pairs()
            .filter(|&(k, v)| !is_ref_entry(k, v))
            .collect();
        if siblings.is_empty() {
            return (target_id, cut);
        }
        let mut own = Vec::with_capacity(siblings.len() + 1);
        for (k, v) in siblings {
            let (id, c) = self.canon(v, it, depth + 1);
            cut |= c;
            own.push((key_str(k).into(), id));
        }
        let merged = match it.get(target_id) {
            // Siblings override the referenced mapping's keys.
            Some(Canon::Map(base)) => {
                let mut all: Vec<(Box<str>, CanonId)> = base.to_vec();
                all.extend(own);
                all
            }
            _ => {
                own.push(("$ref".into(), target_id));
                own
            }
        };
        (it.map(merged), cut)
    }

    fn enter(&mut self, target: usize, component: usize, push: bool) {
        if let Some(flag) = self.graph.on_stack.get_mut(target) {
            *flag = push;
        }
        if let Some(n) = self.graph.active.get_mut(component) {
            *n = if push {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
        }
        self.stack_len = if push {
            self.stack_len.saturating_add(1)
        } else {
            self.stack_len.saturating_sub(1)
        };
    }

    /// The index of a reference target, registering it on first sight.
    fn target_id(&mut self, target: N<'n>) -> usize {
        let g = &mut self.graph;
        let next = g.nodes.len();
        let id = *g.index.entry(target.id()).or_insert(next);
        if id == next {
            g.nodes.push(target);
            g.edges.push(Vec::new());
            g.order.push(UNSEEN);
            g.low.push(0);
            g.on.push(false);
            g.component.push(UNSEEN);
            g.on_stack.push(false);
        }
        id
    }

    /// The targets referenced anywhere inside a target's subtree.
    fn scan_edges(&mut self, target: N<'n>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut todo: Vec<N<'n>> = vec![target];
        while let Some(node) = todo.pop() {
            match node.shape() {
                Shape::Scalar(_) => {}
                Shape::Seq(items) => todo.extend(items.iter()),
                Shape::Map(entries) => {
                    if let Some(t) = self.local_target(node) {
                        out.push(self.target_id(t));
                    }
                    todo.extend(entries.pairs().map(|(_, v)| v));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The strongly connected component of a target, exploring what it reaches if needed.
    fn component_of(&mut self, target: usize) -> usize {
        let known = self.graph.component.get(target).copied().unwrap_or(UNSEEN);
        if known != UNSEEN {
            return known;
        }
        if self.graph.order.get(target).copied() == Some(UNSEEN) {
            self.tarjan(target);
        }
        self.graph.component.get(target).copied().unwrap_or(0)
    }

    fn tarjan_visit(&mut self, v: usize, calls: &mut Vec<(usize, usize)>) {
        let g = &mut self.graph;
        if let (Some(o), Some(l), Some(f)) = (g.order.get_mut(v), g.low.get_mut(v), g.on.get_mut(v))
        {
            *o = g.next;
            *l = g.next;
            *f = true;
        }
        g.next += 1;
        g.tarjan_stack.push(v);
        calls.push((v, 0));
        if let Some(&node) = self.graph.nodes.get(v) {
            let edges = self.scan_edges(node);
            if let Some(slot) = self.graph.edges.get_mut(v) {
                *slot = edges;
            }
        }
    }

    fn tarjan(&mut self, start: usize) {
        let mut calls: Vec<(usize, usize)> = Vec::new();
        self.tarjan_visit(start, &mut calls);
        while let Some(&(v, edge)) = calls.last() {
            let next = self.graph.edges.get(v).and_then(|e| e.get(edge)).copied();
            if let Some(w) = next {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                let w_order = self.graph.order.get(w).copied().unwrap_or(0);
                if w_order == UNSEEN {
                    self.tarjan_visit(w, &mut calls);
                } else if self.graph.on.get(w).copied().unwrap_or(false) {
                    self.lower(v, w_order);
                }
                continue;
            }
            calls.pop();
            let v_low = self.graph.low.get(v).copied().unwrap_or(0);
            if let Some(&(u, _)) = calls.last() {
                self.lower(u, v_low);
            }
            if Some(v_low) == self.graph.order.get(v).copied() {
                let g = &mut self.graph;
                let id = g.active.len();
                g.active.push(0);
                while let Some(w) = g.tarjan_stack.pop() {
                    if let Some(f) = g.on.get_mut(w) {
                        *f = false;
                    }
                    if let Some(c) = g.component.get_mut(w) {
                        *c = id;
                    }
                    if w == v {
                        break;
                    }
                }
            }
        }
    }

    fn lower(&mut self, v: usize, to: usize) {
        if let Some(l) = self.graph.low.get_mut(v) {
            *l = (*l).min(to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::tree::{self, Tree};

    fn file(text: &str) -> Tree<'_> {
        tree::parse(text).expect("parses").expect("not empty")
    }

    #[test]
    fn pointer_tokens_unescape() {
        assert_eq!(
            pointer_tokens("#/paths/~1users~1{id}/get"),
            Some(vec!["paths".into(), "/users/{id}".into(), "get".into()])
        );
        assert_eq!(pointer_tokens("#/a~01"), Some(vec!["a~1".into()]));
        assert_eq!(
            pointer_tokens("#/a%20b/%7E1"),
            Some(vec!["a b".into(), "/".into()])
        );
        assert_eq!(pointer_tokens("#"), Some(vec![]));
        assert_eq!(pointer_tokens("#anchor"), None);
        assert_eq!(pointer_tokens("other.yaml#/a"), None);
        assert_eq!(pointer_tokens("#/bad%zz"), Some(vec!["bad%zz".into()]));
        assert_eq!(pointer_tokens("#/a%+f"), Some(vec!["a%+f".into()]));
        assert_eq!(pointer_tokens("#/%C3"), None);
        assert_eq!(index_token("01"), None);
        assert_eq!(index_token("12"), Some(12));
    }

    #[test]
    fn lookup_maps_sequences_and_big_mappings() {
        let mut text = String::from("list: [a, b]\nbig:\n");
        for i in 0..40 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        let f = file(&text);
        let mut r = Resolver::new(f.root());
        let b = r.lookup("#/list/1").expect("found");
        assert_eq!(b.to_json_lossy(), Value::from("b"));
        assert_eq!(
            r.lookup("#/big/k33").map(N::to_json_lossy),
            Some(Value::from(33))
        );
        assert!(r.lookup("#/big/k99").is_none());
        assert!(r.lookup("#/list/5").is_none());
        assert!(r.lookup("#").is_some());
    }

    #[test]
    fn canonical_ignores_order_and_style_but_not_types() {
        let f = file("a: {x: 1, y: [1, 2]}\nb: {\"y\": [1, 2.0], x: 1.0}\nc: {x: '1', y: [1, 2]}\nd: {x: 1, y: [2, 1]}\n");
        let mut it = Interner::default();
        let mut r = Resolver::new(f.root());
        let mut id = |k: &str| {
            let n = f.root().get(k).expect("key");
            r.canonical(n, &mut it)
        };
        let a = id("a");
        assert_eq!(a, id("b"));
        assert_ne!(a, id("c"));
        assert_ne!(a, id("d"));
    }

    #[test]
    fn refs_expand_with_sibling_override() {
        let f = file(
            "defs:\n  A: {type: object, description: x}\nr1: {$ref: '#/defs/A'}\nr2: {type: object, description: x}\nr3: {$ref: '#/defs/A', description: y}\nr4: {type: object, description: y}\nr5: {$ref: 'other.yaml#/A'}\nr6: {$ref: '#/nowhere'}\n",
        );
        let mut it = Interner::default();
        let mut r = Resolver::new(f.root());
        let mut c = |k: &str| {
            let n = f.root().get(k).expect("key");
            r.canonical(n, &mut it)
        };
        assert_eq!(c("r1"), c("r2"));
        assert_eq!(c("r3"), c("r4"));
        assert_ne!(c("r5"), c("r6"));
        assert_ne!(c("r1"), c("r6"));
    }

    #[test]
    fn cycles_terminate_and_do_not_depend_on_visit_order() {
        let text = "A: {b: {$ref: '#/B'}}\nB: {a: {$ref: '#/A'}}\nra: {$ref: '#/A'}\nrb: {$ref: '#/B'}\nself: {next: {$ref: '#/self'}}\n";
        let f1 = file(text);
        let f2 = file(text);
        let mut it = Interner::default();
        let mut r1 = Resolver::new(f1.root());
        let mut r2 = Resolver::new(f2.root());
        let ra1 = r1.canonical(f1.root().get("ra").expect("ra"), &mut it);
        let rb1 = r1.canonical(f1.root().get("rb").expect("rb"), &mut it);
        // Opposite order on the other copy.
        let rb2 = r2.canonical(f2.root().get("rb").expect("rb"), &mut it);
        let ra2 = r2.canonical(f2.root().get("ra").expect("ra"), &mut it);
        assert_eq!(ra1, ra2);
        assert_eq!(rb1, rb2);
        assert_ne!(ra1, rb1);
        let s = r1.canonical(f1.root().get("self").expect("self"), &mut it);
        assert_eq!(
            s,
            r2.canonical(f2.root().get("self").expect("self"), &mut it)
        );
    }

    #[test]
    fn views_follow_chains_and_stop_on_cycles() {
        let f = file(
            "a: {$ref: '#/b', own: 1}\nb: {$ref: '#/c', own: 2, mid: 2}\nc: {own: 3, deep: 3}\nloop: {$ref: '#/loop', k: 1}\nlist: {$ref: '#/items'}\nitems: [1, 2]\n",
        );
        let mut r = Resolver::new(f.root());
        let View::Map(entries) = r.view(f.root().get("a").expect("a")) else {
            panic!("map")
        };
        let got: Vec<(String, Value)> = entries
            .iter()
            .map(|&(k, v)| (key_str(k).to_string(), v.to_json_lossy()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("own".into(), Value::from(1)),
                ("mid".into(), Value::from(2)),
                ("deep".into(), Value::from(3)),
            ]
        );
        let View::Map(entries) = r.view(f.root().get("loop").expect("loop")) else {
            panic!("map")
        };
        assert_eq!(entries.len(), 2);
        assert!(
            matches!(r.view(f.root().get("list").expect("list")), View::Seq(s) if s.len() == 2)
        );
    }

    #[test]
    fn components_are_found_incrementally() {
        let f = file(
            "a: {x: {$ref: '#/b'}}\nb: {y: {$ref: '#/c'}}\nc: {z: {$ref: '#/a'}, w: {$ref: '#/d'}}\nd: {v: 1}\ne: {$ref: '#/e'}\n",
        );
        let mut r = Resolver::new(f.root());
        let id = |r: &mut Resolver<'_>, p: &str| {
            let t = r.lookup(p).expect("target");
            r.target_id(t)
        };
        let d = id(&mut r, "#/d");
        let cd = r.component_of(d);
        let a = id(&mut r, "#/a");
        let ca = r.component_of(a);
        let b = id(&mut r, "#/b");
        let c = id(&mut r, "#/c");
        assert_eq!(r.component_of(b), ca);
        assert_eq!(r.component_of(c), ca);
        assert_ne!(ca, cd);
        let e = id(&mut r, "#/e");
        let ce = r.component_of(e);
        assert_ne!(ce, ca);
        assert_ne!(ce, cd);
    }

    #[test]
    fn long_reference_chains_stay_shallow() {
        // 3,000 schemas, each nesting the next three levels deep: expansion stops at the depth
        // bound instead of overflowing the stack, the same way on both copies.
        let mut text = String::from("root: {$ref: '#/s0'}\n");
        for i in 0..3000 {
            text.push_str(&format!("s{i}: {{a: {{b: {{$ref: '#/s{}'}}}}}}\n", i + 1));
        }
        text.push_str("s3000: {end: true}\n");
        let f1 = file(&text);
        let changed = text.replace("end: true", "end: false");
        let f2 = file(&changed);
        let mut it = Interner::default();
        let mut r1 = Resolver::new(f1.root());
        let mut r2 = Resolver::new(f2.root());
        let a = r1.canonical(f1.root().get("root").expect("root"), &mut it);
        let b = r2.canonical(f2.root().get("root").expect("root"), &mut it);
        assert_eq!(a, b);
        // Near the end of the chain the change is seen.
        let a = r1.canonical(f1.root().get("s2990").expect("s"), &mut it);
        let b = r2.canonical(f2.root().get("s2990").expect("s"), &mut it);
        assert_ne!(a, b);
    }
}
