//! A compact, read-only YAML tree for the documents the diff reads whole (OpenAPI).
//!
//! A [`Node`] tree allocates every scalar and every collection on its own: for a 10 MB OpenAPI
//! document that is more than half a million allocations, most of the diff's time (building and
//! freeing them) and several times the text's size in memory. This tree holds the same content
//! in three vectors: a 20-byte record per node, the children of every collection in one list,
//! and scalar values as slices of the source text (only values with escapes or doubled quotes
//! are copied, into one string). Tags are not kept: nothing the diff compares depends on them
//! (a `!!str` tag already makes the scalar an indicated string).
//!
//! [`parse`] reads it with the fast YAML path (`source_fast`, with [`TreeBuilder`]); a document
//! outside that path's subset is read by the saphyr-based builder and converted
//! ([`Tree::from_node`]), so both give the same tree for the same text.

use crate::source::{self, Node, NodeKind, Resolved, Span, SyntaxIssue};
use crate::source_fast::{self, Build};

/// Texts beyond this many bytes are not read (offsets are kept in 32 bits).
const MAX_TEXT: usize = (u32::MAX / 2) as usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A plain scalar (typed as yaml.v3 types it).
    Plain,
    /// A quoted or block scalar, or one tagged `!!str`: always a string.
    Quoted,
    Seq,
    Map,
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    /// The span, in characters.
    start: u32,
    end: u32,
    /// Scalar: byte offset and length of its value (in the text, or in `owned`). Collection:
    /// index of its first child in `kids` and number of children (two per mapping entry).
    a: u32,
    b: u32,
    kind: Kind,
    owned: bool,
}

/// A parsed document; see the module documentation.
#[derive(Debug)]
pub struct Tree<'t> {
    text: &'t str,
    owned: String,
    recs: Vec<Rec>,
    kids: Vec<u32>,
    root: u32,
}

/// A node of a [`Tree`]: a reference to the tree and the node's index.
#[derive(Debug, Clone, Copy)]
pub struct N<'n> {
    tree: &'n Tree<'n>,
    id: u32,
}

/// A scalar's value and whether it is an indicated string (quoted, block or `!!str`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sc<'n> {
    pub value: &'n str,
    pub indicated: bool,
}

impl Sc<'_> {
    /// Typed as yaml.v3 types it ([`crate::source::Scalar::resolve`]).
    pub fn resolve(&self) -> Resolved {
        source::resolve_scalar(self.value, self.indicated)
    }
}

/// The children of a collection.
#[derive(Debug, Clone, Copy)]
pub struct Kids<'n> {
    tree: &'n Tree<'n>,
    ids: &'n [u32],
}

/// What a node is.
pub enum Shape<'n> {
    Scalar(Sc<'n>),
    Seq(Kids<'n>),
    /// Entries as key, value, key, value...
    Map(Kids<'n>),
}

impl<'t> Tree<'t> {
    pub fn root(&self) -> N<'_> {
        N {
            tree: self,
            id: self.root,
        }
    }

    #[inline]
    fn rec(&self, id: u32) -> Rec {
        self.recs.get(id as usize).copied().unwrap_or(Rec {
            start: 0,
            end: 0,
            a: 0,
            b: 0,
            kind: Kind::Plain,
            owned: true,
        })
    }

    #[inline]
    fn value(&self, r: Rec) -> &str {
        let range = r.a as usize..(r.a as usize + r.b as usize);
        let from = if r.owned { &self.owned[..] } else { self.text };
        from.get(range).unwrap_or("")
    }

    /// The same content as a [`Node`] tree (read from `text`): a document the fast path does not
    /// read, or a file parsed before. `None` when it is too large for 32-bit offsets.
    pub fn from_node(text: &'t str, root: &Node) -> Option<Tree<'t>> {
        let mut t = Tree {
            text,
            owned: String::new(),
            recs: Vec::new(),
            kids: Vec::new(),
            root: 0,
        };
        t.root = t.convert(root, 0)?;
        Some(t)
    }

    fn convert(&mut self, node: &Node, depth: usize) -> Option<u32> {
        // The builder nests at most 256 levels; stay safe with trees built elsewhere.
        if depth > 1000 {
            return None;
        }
        let span = (
            u32::try_from(node.span.start).ok()?,
            u32::try_from(node.span.end).ok()?,
        );
        let rec = match &node.kind {
            NodeKind::Scalar(s) => {
                let a = u32::try_from(self.owned.len()).ok()?;
                let b = u32::try_from(s.value.len()).ok()?;
                a.checked_add(b)?;
                self.owned.push_str(&s.value);
                Rec {
                    start: span.0,
                    end: span.1,
                    a,
                    b,
                    kind: if s.indicated_string {
                        Kind::Quoted
                    } else {
                        Kind::Plain
                    },
                    owned: true,
                }
            }
            NodeKind::Seq(items) => {
                let ids = items
                    .iter()
                    .map(|n| self.convert(n, depth + 1))
                    .collect::<Option<Vec<u32>>>()?;
                self.collection(Kind::Seq, &ids, span)?
            }
            NodeKind::Map(entries) => {
                let mut ids = Vec::with_capacity(entries.len() * 2);
                for (k, v) in entries {
                    ids.push(self.convert(k, depth + 1)?);
                    ids.push(self.convert(v, depth + 1)?);
                }
                self.collection(Kind::Map, &ids, span)?
            }
        };
        let id = u32::try_from(self.recs.len()).ok()?;
        self.recs.push(rec);
        Some(id)
    }

    fn collection(&mut self, kind: Kind, ids: &[u32], span: (u32, u32)) -> Option<Rec> {
        let a = u32::try_from(self.kids.len()).ok()?;
        let b = u32::try_from(ids.len()).ok()?;
        a.checked_add(b)?;
        self.kids.extend_from_slice(ids);
        Some(Rec {
            start: span.0,
            end: span.1,
            a,
            b,
            kind,
            owned: false,
        })
    }
}

/// Reads the first YAML document of `text` (a byte-order mark already removed): `Ok(None)` when
/// it is empty, the first problem the YAML reader reports otherwise (as
/// [`crate::source::parse_document`] reports it).
pub fn parse(text: &str) -> Result<Option<Tree<'_>>, SyntaxIssue> {
    if text.len() > MAX_TEXT {
        return Err(too_large());
    }
    let builder = TreeBuilder {
        text,
        owned: String::new(),
        recs: Vec::new(),
        kids: Vec::new(),
    };
    if let Some((root, b)) = source_fast::parse_into(text, builder) {
        return Ok(root.map(|root| Tree {
            text,
            owned: b.owned,
            recs: b.recs,
            kids: b.kids,
            root,
        }));
    }
    let doc = source::parse_document_slow(text);
    if let Some(issue) = doc.issues.into_iter().next() {
        return Err(issue);
    }
    match doc.root {
        None => Ok(None),
        Some(root) => Tree::from_node(text, &root).map(Some).ok_or_else(too_large),
    }
}

fn too_large() -> SyntaxIssue {
    SyntaxIssue {
        message: "document too large".into(),
        path: String::new(),
        span: Span::default(),
    }
}

/// Builds a [`Tree`] from the fast path (the text is at most [`MAX_TEXT`] bytes, so offsets and
/// counts fit in 32 bits).
pub(crate) struct TreeBuilder<'t> {
    text: &'t str,
    owned: String,
    recs: Vec<Rec>,
    kids: Vec<u32>,
}

impl TreeBuilder<'_> {
    #[inline]
    fn push(&mut self, rec: Rec) -> u32 {
        let id = self.recs.len() as u32;
        self.recs.push(rec);
        id
    }

    fn collection(&mut self, kind: Kind, ids: impl Iterator<Item = u32>, span: Span) -> u32 {
        let a = self.kids.len() as u32;
        self.kids.extend(ids);
        let b = self.kids.len() as u32 - a;
        self.push(Rec {
            start: span.start as u32,
            end: span.end as u32,
            a,
            b,
            kind,
            owned: false,
        })
    }
}

impl Build for TreeBuilder<'_> {
    type Node = u32;

    #[inline]
    fn scalar(&mut self, value: &str, at: usize, quoted: bool, span: Span) -> u32 {
        self.push(Rec {
            start: span.start as u32,
            end: span.end as u32,
            a: at as u32,
            b: value.len() as u32,
            kind: if quoted { Kind::Quoted } else { Kind::Plain },
            owned: false,
        })
    }

    fn scalar_owned(&mut self, value: String, quoted: bool, span: Span) -> u32 {
        let a = self.owned.len() as u32;
        self.owned.push_str(&value);
        self.push(Rec {
            start: span.start as u32,
            end: span.end as u32,
            a,
            b: value.len() as u32,
            kind: if quoted { Kind::Quoted } else { Kind::Plain },
            owned: true,
        })
    }

    fn seq(&mut self, items: &mut Vec<u32>, base: usize, span: Span) -> u32 {
        let id = self.collection(
            Kind::Seq,
            items.get(base..).unwrap_or(&[]).iter().copied(),
            span,
        );
        items.truncate(base);
        id
    }

    fn map(&mut self, entries: &mut Vec<(u32, u32)>, base: usize, span: Span) -> u32 {
        let ids = entries
            .get(base..)
            .unwrap_or(&[])
            .iter()
            .flat_map(|&(k, v)| [k, v]);
        let id = self.collection(Kind::Map, ids, span);
        entries.truncate(base);
        id
    }

    #[inline]
    fn span(&self, node: &u32) -> Span {
        let r = self.recs.get(*node as usize);
        Span {
            start: r.map_or(0, |r| r.start as usize),
            end: r.map_or(0, |r| r.end as usize),
        }
    }

    #[inline]
    fn key_is(&self, node: &u32, key: &str) -> bool {
        let Some(r) = self.recs.get(*node as usize) else {
            return false;
        };
        if r.b as usize != key.len() || matches!(r.kind, Kind::Seq | Kind::Map) {
            return false;
        }
        let range = r.a as usize..(r.a as usize + r.b as usize);
        let from = if r.owned { &self.owned[..] } else { self.text };
        from.as_bytes().get(range) == Some(key.as_bytes())
    }

    #[inline]
    fn key<'s>(&'s self, node: &'s u32) -> Option<&'s str> {
        let r = self.recs.get(*node as usize)?;
        if matches!(r.kind, Kind::Seq | Kind::Map) {
            return None;
        }
        let range = r.a as usize..(r.a as usize + r.b as usize);
        if r.owned {
            self.owned.get(range)
        } else {
            self.text.get(range)
        }
    }
}

impl<'n> N<'n> {
    /// The node's index in its tree: equal indices are the same node of the same tree.
    pub fn id(self) -> u32 {
        self.id
    }

    #[inline]
    pub fn span(self) -> Span {
        let r = self.tree.rec(self.id);
        Span {
            start: r.start as usize,
            end: r.end as usize,
        }
    }

    #[inline]
    pub fn shape(self) -> Shape<'n> {
        let r = self.tree.rec(self.id);
        match r.kind {
            Kind::Plain | Kind::Quoted => Shape::Scalar(Sc {
                value: self.tree.value(r),
                indicated: r.kind == Kind::Quoted,
            }),
            Kind::Seq => Shape::Seq(self.kids(r)),
            Kind::Map => Shape::Map(self.kids(r)),
        }
    }

    #[inline]
    fn kids(self, r: Rec) -> Kids<'n> {
        let range = r.a as usize..(r.a as usize + r.b as usize);
        Kids {
            tree: self.tree,
            ids: self.tree.kids.get(range).unwrap_or(&[]),
        }
    }

    /// Whether the node is a scalar whose value is `value` (whatever its style).
    #[inline]
    pub fn value_is(self, value: &str) -> bool {
        match self.tree.recs.get(self.id as usize) {
            Some(&r) if matches!(r.kind, Kind::Plain | Kind::Quoted) => {
                r.b as usize == value.len() && self.tree.bytes(r) == value.as_bytes()
            }
            _ => false,
        }
    }

    /// Whether the node, as a mapping key, reads as `key` (`refs::key_str(node) == key`: null
    /// keys read as `""`).
    #[inline]
    pub fn key_is(self, key: &str) -> bool {
        if matches!(key, "" | "~" | "null" | "Null" | "NULL") {
            return match self.scalar() {
                Some(s) if !s.indicated && matches!(s.value, "~" | "null" | "Null" | "NULL") => {
                    key.is_empty()
                }
                Some(s) => s.value == key,
                None => key.is_empty(),
            };
        }
        self.value_is(key)
    }

    /// The scalar, if the node is one.
    #[inline]
    pub fn scalar(self) -> Option<Sc<'n>> {
        match self.shape() {
            Shape::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if the node is a mapping.
    #[inline]
    pub fn entries(self) -> Option<Kids<'n>> {
        match self.shape() {
            Shape::Map(k) => Some(k),
            _ => None,
        }
    }

    /// The value of the first entry whose key's value is `key` (mappings only).
    #[cfg(test)]
    pub fn get(self, key: &str) -> Option<N<'n>> {
        self.entries()?
            .pairs()
            .find(|(k, _)| k.scalar().is_some_and(|s| s.value == key))
            .map(|(_, v)| v)
    }

    /// The value as loosely typed JSON ([`Node::to_json_lossy`]).
    pub fn to_json_lossy(self) -> serde_json::Value {
        use serde_json::Value;
        match self.shape() {
            Shape::Scalar(s) => source::scalar_to_json_lossy(s.value, s.indicated),
            Shape::Seq(items) => Value::Array(items.iter().map(N::to_json_lossy).collect()),
            Shape::Map(entries) => Value::Object(
                entries
                    .pairs()
                    .map(|(k, v)| (key_text(k), v.to_json_lossy()))
                    .collect(),
            ),
        }
    }
}

/// Whether two subtrees are written identically (same kinds, scalar values and styles, same
/// keys in the same order) and hold no `$ref` key at all. Such subtrees have the same canonical
/// value whichever documents they belong to (see `refs`), so this answers most comparisons
/// without building canonical values; `false` only means "compare canonically". Subtrees
/// nested deeper than `max_depth` are not compared.
pub fn identical_without_refs(a: N<'_>, b: N<'_>, max_depth: usize) -> bool {
    identical(a.tree, a.id, b.tree, b.id, max_depth)
}

fn identical(ta: &Tree<'_>, a: u32, tb: &Tree<'_>, b: u32, depth: usize) -> bool {
    let (Some(ra), Some(rb)) = (ta.recs.get(a as usize), tb.recs.get(b as usize)) else {
        return false;
    };
    if ra.kind != rb.kind || ra.b != rb.b || depth == 0 {
        return false;
    }
    match ra.kind {
        Kind::Plain | Kind::Quoted => ta.bytes(*ra) == tb.bytes(*rb),
        Kind::Seq => {
            let (ka, kb) = (ta.kid_ids(*ra), tb.kid_ids(*rb));
            ka.len() == kb.len()
                && ka
                    .iter()
                    .zip(kb)
                    .all(|(&x, &y)| identical(ta, x, tb, y, depth - 1))
        }
        Kind::Map => {
            let (ka, kb) = (ta.kid_ids(*ra), tb.kid_ids(*rb));
            ka.len() == kb.len()
                && ka.chunks_exact(2).zip(kb.chunks_exact(2)).all(|(x, y)| {
                    same_key(ta, x[0], tb, y[0]) && identical(ta, x[1], tb, y[1], depth - 1)
                })
        }
    }
}

/// Keys written identically, scalars, and not `$ref`.
fn same_key(ta: &Tree<'_>, a: u32, tb: &Tree<'_>, b: u32) -> bool {
    let (Some(ra), Some(rb)) = (ta.recs.get(a as usize), tb.recs.get(b as usize)) else {
        return false;
    };
    if ra.kind != rb.kind || ra.b != rb.b || !matches!(ra.kind, Kind::Plain | Kind::Quoted) {
        return false;
    }
    let key = ta.bytes(*ra);
    key == tb.bytes(*rb) && key != b"$ref"
}

impl Tree<'_> {
    /// A scalar's value as bytes (no character-boundary checks: for comparisons).
    #[inline]
    fn bytes(&self, r: Rec) -> &[u8] {
        let range = r.a as usize..(r.a as usize + r.b as usize);
        let from = if r.owned { &self.owned[..] } else { self.text };
        from.as_bytes().get(range).unwrap_or(&[])
    }

    #[inline]
    fn kid_ids(&self, r: Rec) -> &[u32] {
        self.kids
            .get(r.a as usize..(r.a as usize + r.b as usize))
            .unwrap_or(&[])
    }
}

/// [`Node::key_text`]: the text form of a mapping key (`null` keys are empty).
fn key_text(node: N<'_>) -> String {
    match node.scalar() {
        Some(s) if s.resolve() == Resolved::Null => String::new(),
        Some(s) => s.value.to_string(),
        None => String::new(),
    }
}

impl<'n> Kids<'n> {
    /// Number of children (for a mapping: twice its entries).
    pub fn len(self) -> usize {
        self.ids.len()
    }

    /// The children of a sequence.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = N<'n>> + ExactSizeIterator {
        let tree = self.tree;
        self.ids.iter().map(move |&id| N { tree, id })
    }

    /// The entries of a mapping, as (key, value).
    pub fn pairs(self) -> impl DoubleEndedIterator<Item = (N<'n>, N<'n>)> + ExactSizeIterator {
        let tree = self.tree;
        self.ids
            .chunks_exact(2)
            .map(move |c| (N { tree, id: c[0] }, N { tree, id: c[1] }))
    }

    pub fn get(self, i: usize) -> Option<N<'n>> {
        self.ids.get(i).map(|&id| N {
            tree: self.tree,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree read by the fast path and the tree converted from the saphyr builder's nodes
    /// hold the same content, with the same spans.
    fn same(a: N<'_>, b: N<'_>) -> bool {
        if a.span() != b.span() {
            return false;
        }
        match (a.shape(), b.shape()) {
            (Shape::Scalar(x), Shape::Scalar(y)) => x == y,
            (Shape::Seq(x), Shape::Seq(y)) | (Shape::Map(x), Shape::Map(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
            }
            _ => false,
        }
    }

    fn check(text: &str) -> bool {
        let Some((Some(root), b)) = source_fast::parse_into(
            text,
            TreeBuilder {
                text,
                owned: String::new(),
                recs: Vec::new(),
                kids: Vec::new(),
            },
        ) else {
            return false;
        };
        let fast = Tree {
            text,
            owned: b.owned,
            recs: b.recs,
            kids: b.kids,
            root,
        };
        let doc = source::parse_document_slow(text);
        let slow = Tree::from_node(text, doc.root.as_ref().expect("root")).expect("converts");
        assert!(same(fast.root(), slow.root()), "trees differ: {text:?}");
        assert_eq!(
            fast.root().to_json_lossy(),
            doc.root.as_ref().expect("root").to_json_lossy()
        );
        true
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                files(&path, out);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(path);
            }
        }
    }

    #[test]
    fn fast_tree_equals_converted_tree() {
        let cases = [
            "a: 1\nb: 'it''s'\nc: \"x\\ty\\u00e9\"\nd:\n  - e\n  - {f: [1, 2], g: \"\"}\n",
            "{\"paths\": {\"/a\": {\"get\": {\"responses\": {\"200\": {\"description\": \"é\"}}}}}}",
            "k: été\nl: [ä, 'ö''', \"ü\"]\nm:\n- x\n- y: z\n  w: ~\n",
            "key:\nother: null\n",
        ];
        for text in cases {
            assert!(check(text), "fast path declined {text:?}");
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("tests"), &mut paths);
        files(&root.join("../examples"), &mut paths);
        let mut fast = 0;
        for path in &paths {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            if check(text.strip_prefix('\u{feff}').unwrap_or(&text)) {
                fast += 1;
            }
        }
        assert!(fast > 100, "only {fast} of {} files read fast", paths.len());
    }

    #[test]
    fn parse_reports_like_the_builder() {
        assert!(matches!(parse(""), Ok(None)));
        assert!(matches!(parse("# only a comment\n"), Ok(None)));
        let err = parse("a: 1\na: 2\n").expect_err("duplicate");
        assert!(err.message.contains("already defined"), "{}", err.message);
        let err = parse("a: [\n").expect_err("syntax");
        assert!(err.message.contains("YAML syntax error"), "{}", err.message);
        // Outside the fast path (a block scalar, an anchor): converted from the builder's nodes.
        let t = parse("a: |\n  text\nb: &x {c: 1}\nd: *x\n")
            .expect("parses")
            .expect("root");
        let root = t.root();
        assert_eq!(
            root.get("a").and_then(N::scalar),
            Some(Sc {
                value: "text\n",
                indicated: true
            })
        );
        assert_eq!(
            root.get("d").map(N::to_json_lossy),
            Some(serde_json::json!({"c": 1}))
        );
    }
}
