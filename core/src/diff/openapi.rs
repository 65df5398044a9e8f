//! OpenAPI deep diff (diff.md §5): paths, methods, and per operation its parameters, request
//! body and responses, with the Go tool's path strings, values, reasons and classifications.
//!
//! Departures (spec README, 3):
//! * local `$ref`s are resolved (see [`super::refs`]): a change behind a reference is seen, a
//!   parameter given as a `$ref` is keyed by its resolved `name:in`, and a path item or
//!   operation `$ref` is followed;
//! * unquoted numeric response codes (`200:`) are compared like quoted ones;
//! * a deterministic order: keys in the new document's order, a removed key right after the key
//!   that preceded it in the old document (for paths, methods, parameters and response codes);
//!   within one operation: parameters, request body, responses;
//! * every change has a location in the new file (for a removal: the closest enclosing entry).
//!
//! As in the Go tool, only the top-level `paths` mapping is read, only lower-case method keys
//! are operations, and a `paths` value or a path item that is not a mapping (or null) makes the
//! whole diff empty (see [`shape_problem`]).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::change::{merged_order, Merged};
use super::refs::{identical_without_refs, key_str, Interner, Resolver, View};
use super::tree::{Shape, Tree, N};
use super::{Change, ChangeType, SourceFile};
use crate::source::{Resolved, Span};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The compact tree of a file: the one it was read into, or one converted from its nodes.
fn with_tree<R>(file: &SourceFile<'_>, f: impl FnOnce(&Tree<'_>) -> R) -> Option<R> {
    match &file.tree {
        Some(tree) => Some(f(tree)),
        None => Tree::from_node(file.text, &file.root).map(|tree| f(&tree)),
    }
}

/// Changes between the OpenAPI documents of one matched interface.
pub fn diff(old: &SourceFile<'_>, new: &SourceFile<'_>) -> Vec<Change> {
    with_tree(old, |o| with_tree(new, |n| diff_trees(o, n, new)))
        .flatten()
        .unwrap_or_default()
}

fn diff_trees(old: &Tree<'_>, new: &Tree<'_>, file: &SourceFile<'_>) -> Vec<Change> {
    let (old_root, new_root) = (old.root(), new.root());
    let (Ok(old_paths), Ok(new_paths)) = (paths(old_root), paths(new_root)) else {
        return Vec::new();
    };
    let mut d = Differ {
        old: Resolver::new(old_root),
        new: Resolver::new(new_root),
        interner: Interner::default(),
        file,
        changes: Vec::new(),
    };
    let paths_span = new_paths.entry.unwrap_or(new_root.span());
    for slot in merge_order(&old_paths.items, &new_paths.items) {
        match slot {
            Slot::Old(o) => {
                let p = &o.key;
                d.push(
                    format!("openapi.paths[{p}]"),
                    ChangeType::Removed,
                    format!("API path {p} removed"),
                    Some(p.to_string()),
                    None,
                    paths_span,
                );
            }
            Slot::New(n) => {
                let p = &n.key;
                d.push(
                    format!("openapi.paths[{p}]"),
                    ChangeType::Added,
                    format!("API path {p} added"),
                    None,
                    Some(p.to_string()),
                    n.span,
                );
            }
            Slot::Both(o, n) => d.path_item(&n.key, o.node, n.node, n.span),
        }
    }
    d.changes
}

/// Why a document's OpenAPI paths cannot be compared (the Go tool then compares nothing):
/// `paths` or a path item that is not a mapping. `None` when the document can be compared.
/// For the caller, to turn a silently empty OpenAPI diff into a warning.
pub fn shape_problem(file: &SourceFile<'_>) -> Option<String> {
    with_tree(file, |t| paths(t.root()).err())
        .unwrap_or_else(|| Some("the document is too large".into()))
}

/// One keyed entry (a path, method, parameter or response code).
struct Item<'n> {
    key: Cow<'n, str>,
    /// The value (for a parameter: the list entry).
    node: N<'n>,
    /// The whole entry, key included, for locations.
    span: Span,
    /// For parameters: the name and the location (`in`).
    param: (&'n str, &'n str),
}

impl Item<'_> {
    /// For parameters: `<in> param '<name>'`.
    fn label(&self) -> String {
        let (name, location) = self.param;
        format!("{location} param '{name}'")
    }
}

/// Entries keyed by text: unique keys in first-occurrence order, a later duplicate's value wins.
struct Keyed<'n> {
    items: Vec<Item<'n>>,
    /// Key -> position in `items`, once there are enough items for a look-up to be worth it.
    index: Option<HashMap<Cow<'n, str>, usize>>,
}

/// Collections from this many items on get a key index.
const INDEX_FROM: usize = 16;

impl<'n> Keyed<'n> {
    fn new() -> Self {
        Keyed {
            items: Vec::new(),
            index: None,
        }
    }

    fn insert(&mut self, item: Item<'n>) {
        let found = match &self.index {
            Some(index) => index.get(&item.key).copied(),
            None => self.items.iter().position(|i| i.key == item.key),
        };
        if let Some(i) = found {
            if let Some(slot) = self.items.get_mut(i) {
                *slot = item;
            }
            return;
        }
        match &mut self.index {
            Some(index) => {
                index.insert(item.key.clone(), self.items.len());
            }
            None if self.items.len() + 1 >= INDEX_FROM => {
                let mut index: HashMap<Cow<'n, str>, usize> = self
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| (it.key.clone(), i))
                    .collect();
                index.insert(item.key.clone(), self.items.len());
                self.index = Some(index);
            }
            None => {}
        }
        self.items.push(item);
    }
}

enum Slot<'a, 'n> {
    Old(&'a Item<'n>),
    New(&'a Item<'n>),
    Both(&'a Item<'n>, &'a Item<'n>),
}

/// The shared merged order ([`merged_order`]) over two keyed collections.
fn merge_order<'a, 'n>(old: &'a Keyed<'n>, new: &'a Keyed<'n>) -> Vec<Slot<'a, 'n>> {
    let keys = |k: &'a Keyed<'n>| k.items.iter().map(|i| i.key.as_ref()).collect::<Vec<_>>();
    merged_order(&keys(old), &keys(new))
        .into_iter()
        .filter_map(|m| match m {
            Merged::Old(i) => old.items.get(i).map(Slot::Old),
            Merged::New(j) => new.items.get(j).map(Slot::New),
            Merged::Both(i, j) => Some(Slot::Both(old.items.get(i)?, new.items.get(j)?)),
        })
        .collect()
}

struct Paths<'n> {
    /// The `paths` entry (key and value) in the document, if any.
    entry: Option<Span>,
    items: Keyed<'n>,
}

fn entry_span(key: N<'_>, value: N<'_>) -> Span {
    let (k, v) = (key.span(), value.span());
    Span {
        start: k.start,
        end: k.end.max(v.end),
    }
}

fn is_null(node: N<'_>) -> bool {
    node.scalar().is_some_and(|s| s.resolve() == Resolved::Null)
}

fn is_map(node: N<'_>) -> bool {
    matches!(node.shape(), Shape::Map(_))
}

/// The top-level `paths` of a document, loaded as the Go tool decodes it.
fn paths(root: N<'_>) -> Result<Paths<'_>, String> {
    let mut out = Paths {
        entry: None,
        items: Keyed::new(),
    };
    let entries = match root.shape() {
        Shape::Map(entries) => entries,
        _ if is_null(root) => return Ok(out),
        _ => return Err("the document is not a mapping".into()),
    };
    let Some((key, value)) = entries.pairs().rev().find(|&(k, _)| k.key_is("paths")) else {
        return Ok(out);
    };
    out.entry = Some(entry_span(key, value));
    let items = match value.shape() {
        Shape::Map(items) => items,
        _ if is_null(value) => return Ok(out),
        _ => return Err("`paths` is not a mapping".into()),
    };
    for (k, v) in items.pairs() {
        let key = key_str(k);
        if !is_map(v) && !is_null(v) {
            return Err(format!("the path item `{key}` is not a mapping"));
        }
        out.items.insert(Item {
            key: Cow::Borrowed(key),
            node: v,
            span: entry_span(k, v),
            param: ("", ""),
        });
    }
    Ok(out)
}

/// The entries of a node seen as a mapping (`$ref` followed); `None` when it is not one.
fn map_view<'n>(r: &mut Resolver<'n>, node: N<'n>) -> Option<Vec<(N<'n>, N<'n>)>> {
    match r.view(node) {
        View::Map(entries) => Some(entries),
        _ => None,
    }
}

fn member<'n>(entries: &[(N<'n>, N<'n>)], name: &str) -> Option<(N<'n>, N<'n>)> {
    entries
        .iter()
        .rev()
        .find(|&&(k, _)| k.key_is(name))
        .copied()
}

/// A member's value when it is a string (the Go tool's `.(string)`), else `""`.
fn string_member<'n>(entries: &[(N<'n>, N<'n>)], name: &str) -> &'n str {
    match member(entries, name).and_then(|(_, v)| v.scalar()) {
        Some(s) if s.resolve() == Resolved::Str => s.value,
        _ => "",
    }
}

fn methods<'n>(r: &mut Resolver<'n>, path_item: N<'n>) -> Keyed<'n> {
    let mut out = Keyed::new();
    for (k, v) in map_view(r, path_item).unwrap_or_default() {
        let key = key_str(k);
        if METHODS.contains(&key) {
            out.insert(Item {
                key: Cow::Borrowed(key),
                node: v,
                span: entry_span(k, v),
                param: ("", ""),
            });
        }
    }
    out
}

fn parameters<'n>(r: &mut Resolver<'n>, op: &[(N<'n>, N<'n>)]) -> Keyed<'n> {
    let mut out = Keyed::new();
    let Some((_, list)) = member(op, "parameters") else {
        return out;
    };
    let View::Seq(items) = r.view(list) else {
        return out;
    };
    for item in items.iter() {
        let Some(fields) = map_view(r, item) else {
            continue;
        };
        let name = string_member(&fields, "name");
        let location = string_member(&fields, "in");
        if name.is_empty() && location.is_empty() {
            continue;
        }
        out.insert(Item {
            key: Cow::Owned(format!("{name}:{location}")),
            node: item,
            span: item.span(),
            param: (name, location),
        });
    }
    out
}

fn responses<'n>(r: &mut Resolver<'n>, op: &[(N<'n>, N<'n>)]) -> Keyed<'n> {
    let mut out = Keyed::new();
    let Some((_, value)) = member(op, "responses") else {
        return out;
    };
    for (k, v) in map_view(r, value).unwrap_or_default() {
        out.insert(Item {
            key: Cow::Borrowed(key_str(k)),
            node: v,
            span: entry_span(k, v),
            param: ("", ""),
        });
    }
    out
}

struct Differ<'d, 'f> {
    old: Resolver<'d>,
    new: Resolver<'d>,
    interner: Interner,
    file: &'f SourceFile<'f>,
    changes: Vec<Change>,
}

impl<'d, 'f> Differ<'d, 'f> {
    fn push(
        &mut self,
        path: String,
        t: ChangeType,
        reason: String,
        old: Option<String>,
        new: Option<String>,
        at: Span,
    ) {
        let change = Change::new(
            path,
            t,
            reason,
            old.map(Value::String),
            new.map(Value::String),
        )
        .at(Some(self.file.location(at)));
        self.changes.push(change);
    }

    fn equal(&mut self, old: N<'d>, new: N<'d>) -> bool {
        if identical_without_refs(old, new) {
            return true;
        }
        let a = self.old.canonical(old, &mut self.interner);
        let b = self.new.canonical(new, &mut self.interner);
        a == b
    }

    fn path_item(&mut self, p: &str, old: N<'d>, new: N<'d>, new_span: Span) {
        let old_methods = methods(&mut self.old, old);
        let new_methods = methods(&mut self.new, new);
        for slot in merge_order(&old_methods, &new_methods) {
            match slot {
                Slot::Old(o) => {
                    let m = o.key.to_uppercase();
                    self.push(
                        format!("openapi.paths[{p}].methods[{m}]"),
                        ChangeType::Removed,
                        format!("{m} {p} method removed"),
                        Some(format!("{m} {p}")),
                        None,
                        new_span,
                    );
                }
                Slot::New(n) => {
                    let m = n.key.to_uppercase();
                    self.push(
                        format!("openapi.paths[{p}].methods[{m}]"),
                        ChangeType::Added,
                        format!("{m} {p} method added"),
                        None,
                        Some(format!("{m} {p}")),
                        n.span,
                    );
                }
                Slot::Both(o, n) => {
                    let m = n.key.to_uppercase();
                    self.operation(p, &m, o.node, n.node, n.span);
                }
            }
        }
    }

    fn operation(&mut self, p: &str, m: &str, old: N<'d>, new: N<'d>, op_span: Span) {
        let old_op = map_view(&mut self.old, old);
        let new_op = map_view(&mut self.new, new);
        if old_op.is_none() && new_op.is_none() {
            return;
        }
        let old_op = old_op.unwrap_or_default();
        let new_op = new_op.unwrap_or_default();
        let base = format!("openapi.paths[{p}].methods[{m}]");

        let old_params = parameters(&mut self.old, &old_op);
        let new_params = parameters(&mut self.new, &new_op);
        for slot in merge_order(&old_params, &new_params) {
            match slot {
                Slot::Old(o) => {
                    let label = format!("{m} {p} {}", o.label());
                    self.push(
                        format!("{base}.parameters[{}]", o.key),
                        ChangeType::Removed,
                        format!("{label} removed"),
                        Some(label),
                        None,
                        op_span,
                    );
                }
                Slot::New(n) => {
                    let label = format!("{m} {p} {}", n.label());
                    self.push(
                        format!("{base}.parameters[{}]", n.key),
                        ChangeType::Added,
                        format!("{label} added"),
                        None,
                        Some(label),
                        n.span,
                    );
                }
                Slot::Both(o, n) => {
                    if !self.equal(o.node, n.node) {
                        let old_label = format!("{m} {p} {}", o.label());
                        self.push(
                            format!("{base}.parameters[{}]", n.key),
                            ChangeType::Modified,
                            format!("{old_label} modified"),
                            Some(old_label),
                            Some(format!("{m} {p} {}", n.label())),
                            n.span,
                        );
                    }
                }
            }
        }

        let body_path = format!("{base}.request-body");
        let value = format!("{m} {p}");
        match (
            member(&old_op, "requestBody"),
            member(&new_op, "requestBody"),
        ) {
            (Some(_), None) => self.push(
                body_path,
                ChangeType::Removed,
                format!("{m} {p} request body removed"),
                Some(value),
                None,
                op_span,
            ),
            (None, Some((k, v))) => self.push(
                body_path,
                ChangeType::Added,
                format!("{m} {p} request body added"),
                None,
                Some(value),
                entry_span(k, v),
            ),
            (Some((_, a)), Some((k, b))) => {
                if !self.equal(a, b) {
                    self.push(
                        body_path,
                        ChangeType::Modified,
                        format!("{m} {p} request body modified"),
                        Some(value.clone()),
                        Some(value),
                        entry_span(k, b),
                    );
                }
            }
            (None, None) => {}
        }

        let old_codes = responses(&mut self.old, &old_op);
        let new_codes = responses(&mut self.new, &new_op);
        let responses_span =
            member(&new_op, "responses").map_or(op_span, |(k, v)| entry_span(k, v));
        for slot in merge_order(&old_codes, &new_codes) {
            match slot {
                Slot::Old(o) => {
                    let code = &o.key;
                    self.push(
                        format!("{base}.responses[{code}]"),
                        ChangeType::Removed,
                        format!("{m} {p} response {code} removed"),
                        Some(format!("{m} {p} {code}")),
                        None,
                        responses_span,
                    );
                }
                Slot::New(n) => {
                    let code = &n.key;
                    self.push(
                        format!("{base}.responses[{code}]"),
                        ChangeType::Added,
                        format!("{m} {p} response {code} added"),
                        None,
                        Some(format!("{m} {p} {code}")),
                        n.span,
                    );
                }
                Slot::Both(o, n) => {
                    if !self.equal(o.node, n.node) {
                        let code = &n.key;
                        let value = format!("{m} {p} {code}");
                        self.push(
                            format!("{base}.responses[{code}]"),
                            ChangeType::Modified,
                            format!("{m} {p} response {code} modified"),
                            Some(value.clone()),
                            Some(value),
                            n.span,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Classification;

    /// The changes, the same whether the files were read into the compact tree directly (as
    /// the diff reads them) or into nodes and converted.
    fn run(old: &str, new: &str) -> Vec<Change> {
        let o = SourceFile::parse_tree("old/openapi.yaml", old).expect("old parses");
        let n = SourceFile::parse_tree("interfaces/openapi.yaml", new).expect("new parses");
        let changes = diff(&o, &n);
        let o = SourceFile::parse("old/openapi.yaml", old).expect("old parses");
        let n = SourceFile::parse("interfaces/openapi.yaml", new).expect("new parses");
        assert_eq!(diff(&o, &n), changes);
        changes
    }

    fn brief(changes: &[Change]) -> Vec<(String, &'static str, &'static str)> {
        changes
            .iter()
            .map(|c| (c.path.clone(), c.r#type.as_str(), c.classification.as_str()))
            .collect()
    }

    fn s(v: &str) -> Option<Value> {
        Some(Value::String(v.to_string()))
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        c: &Change,
        path: &str,
        t: ChangeType,
        class: Classification,
        reason: &str,
        old: Option<Value>,
        new: Option<Value>,
        line: u32,
    ) {
        assert_eq!(c.path, path);
        assert_eq!(c.r#type, t, "{path}");
        assert_eq!(c.classification, class, "{path}");
        assert_eq!(c.reason, reason, "{path}");
        assert_eq!(c.old, old, "{path}");
        assert_eq!(c.new, new, "{path}");
        let at = c.location.as_ref().expect("location");
        assert_eq!(at.file, "interfaces/openapi.yaml");
        assert_eq!(at.range.start.line, line, "{path}");
    }

    const V1: &str = r#"openapi: "3.0.3"
info:
  title: user-api
  version: 1.0.0
paths:
  /users:
    get:
      parameters:
        - name: sort
          in: query
          schema:
            type: string
      responses:
        "200":
          description: A list of users
    delete:
      responses:
        "204":
          description: Deleted
"#;

    const V2: &str = r#"openapi: "3.0.3"
info:
  title: user-api
  version: 2.0.0
paths:
  /users:
    get:
      parameters:
        - name: filter
          in: query
          schema:
            type: string
      responses:
        "200":
          description: A paginated list of users
        "404":
          description: Not found
    post:
      responses:
        "201":
          description: Created
  /orders:
    get:
      responses:
        "200":
          description: OK
"#;

    #[test]
    fn worked_example() {
        use ChangeType::{Added, Modified, Removed};
        use Classification::{Breaking, NonBreaking, PotentialBreaking};
        let c = run(V1, V2);
        assert_eq!(c.len(), 7, "{:#?}", brief(&c));
        check(
            &c[0],
            "openapi.paths[/users].methods[GET].parameters[sort:query]",
            Removed,
            Breaking,
            "GET /users query param 'sort' removed",
            s("GET /users query param 'sort'"),
            None,
            7,
        );
        check(
            &c[1],
            "openapi.paths[/users].methods[GET].parameters[filter:query]",
            Added,
            PotentialBreaking,
            "GET /users query param 'filter' added",
            None,
            s("GET /users query param 'filter'"),
            9,
        );
        check(
            &c[2],
            "openapi.paths[/users].methods[GET].responses[200]",
            Modified,
            PotentialBreaking,
            "GET /users response 200 modified",
            s("GET /users 200"),
            s("GET /users 200"),
            14,
        );
        check(
            &c[3],
            "openapi.paths[/users].methods[GET].responses[404]",
            Added,
            NonBreaking,
            "GET /users response 404 added",
            None,
            s("GET /users 404"),
            16,
        );
        check(
            &c[4],
            "openapi.paths[/users].methods[DELETE]",
            Removed,
            Breaking,
            "DELETE /users method removed",
            s("DELETE /users"),
            None,
            6,
        );
        check(
            &c[5],
            "openapi.paths[/users].methods[POST]",
            Added,
            NonBreaking,
            "POST /users method added",
            None,
            s("POST /users"),
            18,
        );
        check(
            &c[6],
            "openapi.paths[/orders]",
            Added,
            NonBreaking,
            "API path /orders added",
            None,
            s("/orders"),
            22,
        );
        assert!(run(V1, V1).is_empty());
        assert!(run(V2, V2).is_empty());
    }

    #[test]
    fn path_rows() {
        use ChangeType::{Added, Removed};
        use Classification::{Breaking, NonBreaking};
        let old = "paths:\n  /a: {}\n  /b:\n    get: {}\n  /c: {}\n";
        let new = "paths:\n  /d: {}\n  /a: {}\n  /c: {}\n  /e: {}\n";
        let c = run(old, new);
        assert_eq!(
            brief(&c),
            vec![
                ("openapi.paths[/d]".into(), "added", "NON_BREAKING"),
                ("openapi.paths[/b]".into(), "removed", "BREAKING"),
                ("openapi.paths[/e]".into(), "added", "NON_BREAKING"),
            ]
        );
        check(
            &c[0],
            "openapi.paths[/d]",
            Added,
            NonBreaking,
            "API path /d added",
            None,
            s("/d"),
            2,
        );
        // A removed path points at the `paths` entry of the new file.
        check(
            &c[1],
            "openapi.paths[/b]",
            Removed,
            Breaking,
            "API path /b removed",
            s("/b"),
            None,
            1,
        );
        check(
            &c[2],
            "openapi.paths[/e]",
            Added,
            NonBreaking,
            "API path /e added",
            None,
            s("/e"),
            5,
        );
        // Template names are not normalised.
        let c = run("paths:\n  /u/{id}: {}\n", "paths:\n  /u/{userId}: {}\n");
        assert_eq!(
            brief(&c),
            vec![
                ("openapi.paths[/u/{id}]".into(), "removed", "BREAKING"),
                ("openapi.paths[/u/{userId}]".into(), "added", "NON_BREAKING"),
            ]
        );
        // All paths removed: the location falls back to the document root.
        let c = run("paths:\n  /a: {}\n", "openapi: 3.0.0\n");
        assert_eq!(
            brief(&c),
            vec![("openapi.paths[/a]".into(), "removed", "BREAKING")]
        );
        assert_eq!(c[0].location.as_ref().map(|l| l.range.start.line), Some(1));
    }

    #[test]
    fn method_rows() {
        use ChangeType::{Added, Removed};
        use Classification::{Breaking, NonBreaking};
        let old = "paths:\n  /x:\n    get: {}\n    post: {}\n    put: {}\n    delete: {}\n    summary: s\n";
        let new = "paths:\n  /x:\n    patch: {}\n    options: {}\n    head: {}\n    trace: {}\n    GET: {}\n    parameters: []\n";
        let c = run(old, new);
        let got: Vec<_> = brief(&c).into_iter().map(|(p, t, _)| (p, t)).collect();
        let want: Vec<(String, &str)> = [
            ("GET", "removed"),
            ("POST", "removed"),
            ("PUT", "removed"),
            ("DELETE", "removed"),
            ("PATCH", "added"),
            ("OPTIONS", "added"),
            ("HEAD", "added"),
            ("TRACE", "added"),
        ]
        .iter()
        .map(|(m, t)| (format!("openapi.paths[/x].methods[{m}]"), *t))
        .collect();
        assert_eq!(got, want);
        check(
            &c[0],
            "openapi.paths[/x].methods[GET]",
            Removed,
            Breaking,
            "GET /x method removed",
            s("GET /x"),
            None,
            2,
        );
        check(
            &c[4],
            "openapi.paths[/x].methods[PATCH]",
            Added,
            NonBreaking,
            "PATCH /x method added",
            None,
            s("PATCH /x"),
            3,
        );
    }

    #[test]
    fn parameter_rows() {
        use ChangeType::{Added, Modified, Removed};
        use Classification::{Breaking, PotentialBreaking};
        let old = r#"paths:
  /u:
    get:
      parameters:
        - {name: a, in: query}
        - {name: b, in: query}
        - {name: c, in: query, required: false}
        - {name: id, in: path}
"#;
        let new = r#"paths:
  /u:
    get:
      parameters:
        - {name: a, in: query}
        - {name: c, in: query, required: true}
        - {name: d, in: query}
        - {name: id, in: header}
"#;
        let c = run(old, new);
        assert_eq!(
            brief(&c),
            vec![
                (
                    "openapi.paths[/u].methods[GET].parameters[b:query]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[c:query]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[id:path]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[d:query]".into(),
                    "added",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[id:header]".into(),
                    "added",
                    "POTENTIAL_BREAKING"
                ),
            ]
        );
        check(
            &c[0],
            "openapi.paths[/u].methods[GET].parameters[b:query]",
            Removed,
            Breaking,
            "GET /u query param 'b' removed",
            s("GET /u query param 'b'"),
            None,
            3,
        );
        check(
            &c[1],
            "openapi.paths[/u].methods[GET].parameters[c:query]",
            Modified,
            PotentialBreaking,
            "GET /u query param 'c' modified",
            s("GET /u query param 'c'"),
            s("GET /u query param 'c'"),
            6,
        );
        check(
            &c[3],
            "openapi.paths[/u].methods[GET].parameters[d:query]",
            Added,
            PotentialBreaking,
            "GET /u query param 'd' added",
            None,
            s("GET /u query param 'd'"),
            7,
        );
        check(
            &c[4],
            "openapi.paths[/u].methods[GET].parameters[id:header]",
            Added,
            PotentialBreaking,
            "GET /u header param 'id' added",
            None,
            s("GET /u header param 'id'"),
            8,
        );
    }

    #[test]
    fn parameter_keys_follow_the_go_tool() {
        // Missing `in`, non-string name, non-mapping entries, `- $ref` to nowhere, duplicates.
        let old = r#"paths:
  /u:
    get:
      parameters:
        - {name: q}
        - {name: 5, in: query}
        - just-a-string
        - {$ref: 'other.yaml#/p'}
        - {name: dup, in: query, description: first}
        - {name: dup, in: query, description: second}
"#;
        let new = r#"paths:
  /u:
    get:
      parameters:
        - {name: q, in: query}
        - {name: "5", in: query}
        - {$ref: 'other.yaml#/q'}
        - {name: dup, in: query, description: second}
"#;
        let c = run(old, new);
        assert_eq!(
            brief(&c),
            vec![
                (
                    "openapi.paths[/u].methods[GET].parameters[q:]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[:query]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[q:query]".into(),
                    "added",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].parameters[5:query]".into(),
                    "added",
                    "POTENTIAL_BREAKING"
                ),
            ]
        );
        assert_eq!(c[0].reason, "GET /u  param 'q' removed");
        // Path-item-level parameters are ignored.
        let c = run(
            "paths:\n  /u:\n    parameters: [{name: a, in: query}]\n    get: {}\n",
            "paths:\n  /u:\n    parameters: [{name: b, in: query}]\n    get: {}\n",
        );
        assert!(c.is_empty());
    }

    #[test]
    fn request_body_rows() {
        use ChangeType::{Added, Modified, Removed};
        use Classification::PotentialBreaking;
        let old = r#"paths:
  /a:
    post:
      requestBody: {content: {application/json: {}}}
  /b:
    post: {}
  /c:
    post:
      requestBody: {content: {application/json: {}}}
  /d:
    post:
      requestBody: {required: true, content: {application/json: {}}}
"#;
        let new = r#"paths:
  /a:
    post: {}
  /b:
    post:
      requestBody:
  /c:
    post:
      requestBody: {content: {application/xml: {}}}
  /d:
    post:
      requestBody:
        content:
          "application/json": {}
        required: true
"#;
        let c = run(old, new);
        assert_eq!(c.len(), 3, "{:#?}", brief(&c));
        check(
            &c[0],
            "openapi.paths[/a].methods[POST].request-body",
            Removed,
            PotentialBreaking,
            "POST /a request body removed",
            s("POST /a"),
            None,
            3,
        );
        check(
            &c[1],
            "openapi.paths[/b].methods[POST].request-body",
            Added,
            PotentialBreaking,
            "POST /b request body added",
            None,
            s("POST /b"),
            6,
        );
        check(
            &c[2],
            "openapi.paths[/c].methods[POST].request-body",
            Modified,
            PotentialBreaking,
            "POST /c request body modified",
            s("POST /c"),
            s("POST /c"),
            9,
        );
    }

    #[test]
    fn response_rows() {
        use ChangeType::{Added, Modified, Removed};
        use Classification::{Breaking, NonBreaking, PotentialBreaking};
        let old = r#"paths:
  /u:
    get:
      responses:
        "200": {description: OK}
        "400": {description: Bad}
        "500": {description: Oops}
        2XX: {description: fine}
"#;
        let new = r#"paths:
  /u:
    get:
      responses:
        "201": {description: Created}
        "200": {description: OK}
        "500": {description: Server error}
        default: {description: other}
"#;
        let c = run(old, new);
        assert_eq!(
            brief(&c),
            vec![
                (
                    "openapi.paths[/u].methods[GET].responses[201]".into(),
                    "added",
                    "NON_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[400]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[500]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[2XX]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[default]".into(),
                    "added",
                    "NON_BREAKING"
                ),
            ]
        );
        check(
            &c[0],
            "openapi.paths[/u].methods[GET].responses[201]",
            Added,
            NonBreaking,
            "GET /u response 201 added",
            None,
            s("GET /u 201"),
            5,
        );
        check(
            &c[1],
            "openapi.paths[/u].methods[GET].responses[400]",
            Removed,
            Breaking,
            "GET /u response 400 removed",
            s("GET /u 400"),
            None,
            4,
        );
        check(
            &c[2],
            "openapi.paths[/u].methods[GET].responses[500]",
            Modified,
            PotentialBreaking,
            "GET /u response 500 modified",
            s("GET /u 500"),
            s("GET /u 500"),
            7,
        );
        // The whole block removed: every code removed, located at the operation.
        let c = run(old, "paths:\n  /u:\n    get:\n      summary: x\n");
        assert_eq!(c.len(), 4);
        assert!(c.iter().all(|c| c.r#type == ChangeType::Removed));
        assert_eq!(c[0].location.as_ref().map(|l| l.range.start.line), Some(3));
    }

    #[test]
    fn operation_parts_order() {
        let old = r#"paths:
  /u:
    put:
      responses: {"200": {description: a}}
      requestBody: {content: {a/b: {}}}
      parameters: [{name: limit, in: query}]
"#;
        let new = r#"paths:
  /u:
    put:
      parameters: [{name: offset, in: query}]
      responses: {"200": {description: b}, "204": {description: c}}
      requestBody: {content: {a/c: {}}}
"#;
        assert_eq!(
            brief(&run(old, new)),
            vec![
                (
                    "openapi.paths[/u].methods[PUT].parameters[limit:query]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[PUT].parameters[offset:query]".into(),
                    "added",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[PUT].request-body".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[PUT].responses[200]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[PUT].responses[204]".into(),
                    "added",
                    "NON_BREAKING"
                ),
            ]
        );
    }

    #[test]
    fn operations_that_are_not_mappings() {
        let with = "paths:\n  /u:\n    get:\n      responses: {\"200\": {description: OK}}\n";
        assert!(run("paths:\n  /u:\n    get:\n", "paths:\n  /u:\n    get: x\n").is_empty());
        assert_eq!(
            brief(&run("paths:\n  /u:\n    get:\n", with)),
            vec![(
                "openapi.paths[/u].methods[GET].responses[200]".into(),
                "added",
                "NON_BREAKING"
            )]
        );
        assert_eq!(
            brief(&run(with, "paths:\n  /u:\n    get: [1]\n")),
            vec![(
                "openapi.paths[/u].methods[GET].responses[200]".into(),
                "removed",
                "BREAKING"
            )]
        );
        // A null path item is an empty one.
        assert_eq!(
            brief(&run("paths:\n  /u:\n", with)),
            vec![(
                "openapi.paths[/u].methods[GET]".into(),
                "added",
                "NON_BREAKING"
            )]
        );
    }

    #[test]
    fn deep_equality_is_canonical() {
        let base = "paths:\n  /u:\n    get:\n      parameters:\n        - {name: s, in: query, schema: {type: integer, maximum: 1, enum: [a, b]}}\n";
        let same = "paths:\n  /u:\n    get:\n      parameters:\n        - \"in\": 'query'\n          schema:\n            maximum: 1.0\n            enum: [\"a\", b]\n            type: integer  # comment\n          name: s\n";
        assert!(run(base, same).is_empty());
        let quoted = base.replace("maximum: 1", "maximum: '1'");
        assert_eq!(run(base, &quoted).len(), 1);
        let reordered = base.replace("[a, b]", "[b, a]");
        assert_eq!(run(base, &reordered).len(), 1);
        let extra = base.replace("type: integer", "type: integer, minimum: 0");
        assert_eq!(run(base, &extra).len(), 1);
    }

    #[test]
    fn numeric_response_codes_compare_like_quoted() {
        let quoted = "paths:\n  /u:\n    get:\n      responses:\n        \"200\": {description: OK}\n        \"404\": {description: NF}\n";
        let plain = "paths:\n  /u:\n    get:\n      responses:\n        200: {description: OK}\n        404: {description: NF}\n";
        assert!(run(quoted, plain).is_empty());
        assert!(run(plain, quoted).is_empty());
        let changed = "paths:\n  /u:\n    get:\n      responses:\n        200: {description: Fine}\n        201: {description: New}\n";
        assert_eq!(
            brief(&run(plain, changed)),
            vec![
                (
                    "openapi.paths[/u].methods[GET].responses[200]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[404]".into(),
                    "removed",
                    "BREAKING"
                ),
                (
                    "openapi.paths[/u].methods[GET].responses[201]".into(),
                    "added",
                    "NON_BREAKING"
                ),
            ]
        );
    }

    #[test]
    fn documents_that_cannot_be_compared() {
        let good = "paths:\n  /u:\n    get: {}\n";
        let list = "paths:\n  - /u\n";
        let scalar_item = "paths:\n  /u:\n    get: {}\n  /o: not-a-mapping\n";
        let seq_item = "paths:\n  /o: [get]\n";
        for bad in [list, scalar_item, seq_item, "just text", "- a\n- b\n"] {
            assert!(run(good, bad).is_empty(), "{bad}");
            assert!(run(bad, good).is_empty(), "{bad}");
            let f = SourceFile::parse("x.yaml", bad).expect("parses");
            assert!(shape_problem(&f).is_some(), "{bad}");
        }
        let f = SourceFile::parse("x.yaml", scalar_item).expect("parses");
        assert_eq!(
            shape_problem(&f).as_deref(),
            Some("the path item `/o` is not a mapping")
        );
        // No `paths`, `paths: null` or an empty document: an empty path set.
        for empty in ["openapi: 3.0.0\n", "paths:\n", "~\n"] {
            let f = SourceFile::parse("x.yaml", empty).expect("parses");
            assert_eq!(shape_problem(&f), None);
            assert_eq!(
                brief(&run(empty, good)),
                vec![("openapi.paths[/u]".into(), "added", "NON_BREAKING")]
            );
        }
    }

    const COMPONENTS: &str = r#"
components:
  parameters:
    limit: {name: limit, in: query, schema: {type: integer, maximum: 100}}
  requestBodies:
    NewUser: {content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
  responses:
    NotFound: {description: Not found}
  schemas:
    User:
      type: object
      properties:
        id: {type: string}
        address: {$ref: '#/components/schemas/Address'}
    Address:
      type: object
      properties:
        city: {type: string}
    Node:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        name: {type: string}
    Unused: {type: string}
"#;

    fn with_refs(paths: &str, components: &str) -> String {
        format!("openapi: 3.0.3\npaths:\n{paths}{components}")
    }

    const REF_PATHS: &str = r#"  /users:
    get:
      parameters:
        - $ref: '#/components/parameters/limit'
      responses:
        "200":
          description: OK
          content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}
        "404": {$ref: '#/components/responses/NotFound'}
    post:
      requestBody: {$ref: '#/components/requestBodies/NewUser'}
      responses:
        "201": {description: Created}
  /tree:
    get:
      responses:
        "200":
          description: A tree
          content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}
"#;

    #[test]
    fn refs_are_resolved() {
        let old = with_refs(REF_PATHS, COMPONENTS);
        assert!(run(&old, &old).is_empty());
        // Unreferenced component: invisible.
        let new = with_refs(
            REF_PATHS,
            &COMPONENTS.replace("Unused: {type: string}", "Unused: {type: integer}"),
        );
        assert!(run(&old, &new).is_empty());
        // A change two references deep (response -> User -> Address) and in the request body.
        let new = with_refs(
            REF_PATHS,
            &COMPONENTS.replace("city: {type: string}", "city: {type: integer}"),
        );
        assert_eq!(
            brief(&run(&old, &new)),
            vec![
                (
                    "openapi.paths[/users].methods[GET].responses[200]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/users].methods[POST].request-body".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
            ]
        );
        // A referenced parameter and response.
        let new = with_refs(
            REF_PATHS,
            &COMPONENTS
                .replace("maximum: 100", "maximum: 50")
                .replace("description: Not found", "description: Gone"),
        );
        let c = run(&old, &new);
        assert_eq!(
            brief(&c),
            vec![
                (
                    "openapi.paths[/users].methods[GET].parameters[limit:query]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
                (
                    "openapi.paths[/users].methods[GET].responses[404]".into(),
                    "modified",
                    "POTENTIAL_BREAKING"
                ),
            ]
        );
        assert_eq!(c[0].reason, "GET /users query param 'limit' modified");
        // The parameter entry in the operation is the location.
        assert_eq!(c[0].location.as_ref().map(|l| l.range.start.line), Some(6));
        // A self-referencing schema: changed and unchanged.
        let new = with_refs(
            REF_PATHS,
            &COMPONENTS.replace("name: {type: string}", "name: {type: integer}"),
        );
        assert_eq!(
            brief(&run(&old, &new)),
            vec![(
                "openapi.paths[/tree].methods[GET].responses[200]".into(),
                "modified",
                "POTENTIAL_BREAKING"
            )]
        );
        // Inlining a referenced value is no change; renaming the target without changing it
        // neither.
        let inlined = with_refs(
            &REF_PATHS.replace(
                "\"404\": {$ref: '#/components/responses/NotFound'}",
                "\"404\": {description: Not found}",
            ),
            COMPONENTS,
        );
        assert!(run(&old, &inlined).is_empty());
        let renamed = with_refs(
            &REF_PATHS.replace("responses/NotFound", "responses/Missing"),
            &COMPONENTS.replace("NotFound:", "Missing:"),
        );
        assert!(run(&old, &renamed).is_empty());
    }

    #[test]
    fn parameter_refs_are_keyed_by_the_resolved_name() {
        let comp = "components:\n  parameters:\n    limit: {name: limit, in: query}\n";
        let old = format!("paths:\n  /u:\n    get: {{}}\n{comp}");
        let new = format!("paths:\n  /u:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/limit'\n{comp}");
        let c = run(&old, &new);
        assert_eq!(
            brief(&c),
            vec![(
                "openapi.paths[/u].methods[GET].parameters[limit:query]".into(),
                "added",
                "POTENTIAL_BREAKING"
            )]
        );
        assert_eq!(c[0].new, s("GET /u query param 'limit'"));
        assert_eq!(c[0].location.as_ref().map(|l| l.range.start.line), Some(5));
        // Inline on one side, by reference on the other: the same parameter.
        let inline = format!("paths:\n  /u:\n    get:\n      parameters:\n        - {{in: query, name: limit}}\n{comp}");
        assert!(run(&inline, &new).is_empty());
    }

    #[test]
    fn missing_and_foreign_refs_compare_as_text() {
        let doc = |target: &str| {
            format!("paths:\n  /u:\n    get:\n      responses:\n        \"200\": {{$ref: '{target}'}}\n")
        };
        assert!(run(
            &doc("#/components/responses/Nope"),
            &doc("#/components/responses/Nope")
        )
        .is_empty());
        assert_eq!(
            run(
                &doc("#/components/responses/Nope"),
                &doc("#/components/responses/Nada")
            )
            .len(),
            1
        );
        assert!(run(&doc("other.yaml#/Ok"), &doc("other.yaml#/Ok")).is_empty());
        assert_eq!(run(&doc("other.yaml#/Ok"), &doc("other.yaml#/Ko")).len(), 1);
    }

    #[test]
    fn path_item_and_operation_refs_are_followed() {
        let comp = "x-items:\n  users:\n    get:\n      responses: {\"200\": {description: OK}}\n    post: {$ref: '#/x-ops/create'}\nx-ops:\n  create:\n    responses: {\"201\": {description: Created}}\n";
        let old = format!("paths:\n  /users: {{$ref: '#/x-items/users'}}\n{comp}");
        let inline = "paths:\n  /users:\n    get:\n      responses: {\"200\": {description: OK}}\n    post:\n      responses: {\"201\": {description: Created}}\n";
        assert!(run(&old, inline).is_empty());
        let changed = inline.replace("description: Created", "description: Made");
        assert_eq!(
            brief(&run(&old, &changed)),
            vec![(
                "openapi.paths[/users].methods[POST].responses[201]".into(),
                "modified",
                "POTENTIAL_BREAKING"
            )]
        );
        // A path item referring to itself terminates.
        let looped = "paths:\n  /a: {$ref: '#/paths/~1a'}\n";
        assert!(run(looped, looped).is_empty());
    }

    #[test]
    fn cyclic_and_fan_out_refs_stay_bounded() {
        // Acyclic fan-out ("billion laughs"): 10^30 nodes if expanded naively.
        let mut comp = String::from("components:\n  schemas:\n    s0: {type: string}\n");
        for i in 1..=30 {
            let refs = vec![format!("{{$ref: '#/components/schemas/s{}'}}", i - 1); 10].join(", ");
            comp.push_str(&format!("    s{i}: {{allOf: [{refs}]}}\n"));
        }
        let doc = |leaf: &str| {
            format!(
                "paths:\n  /u:\n    get:\n      responses:\n        \"200\": {{$ref: '#/components/schemas/s30'}}\n{}",
                comp.replace("s0: {type: string}", leaf)
            )
        };
        assert!(run(&doc("s0: {type: string}"), &doc("s0: {type: string}")).is_empty());
        assert_eq!(
            run(&doc("s0: {type: string}"), &doc("s0: {type: integer}")).len(),
            1
        );

        // Every schema referring to every other one: expansion inside the cycle is capped.
        let n = 9;
        let mut comp = String::from("components:\n  schemas:\n");
        for i in 0..n {
            let refs: Vec<String> = (0..n)
                .filter(|&j| j != i)
                .map(|j| format!("p{j}: {{$ref: '#/components/schemas/c{j}'}}"))
                .collect();
            comp.push_str(&format!(
                "    c{i}: {{properties: {{{}}}}}\n",
                refs.join(", ")
            ));
        }
        let doc = format!(
            "paths:\n  /u:\n    get:\n      responses:\n        \"200\": {{$ref: '#/components/schemas/c0'}}\n        \"201\": {{$ref: '#/components/schemas/c1'}}\n{comp}"
        );
        assert!(run(&doc, &doc).is_empty());
    }

    /// Two generated specs of `n` paths (every tenth one changed), with shared references.
    fn generated(n: usize, changed: bool) -> String {
        let mut out = String::from("openapi: 3.0.3\ninfo: {title: big, version: 1.0.0}\npaths:\n");
        for i in 0..n {
            let desc = if changed && i % 10 == 0 {
                "Changed"
            } else {
                "OK"
            };
            out.push_str(&format!(
                "  /r{i}/{{id}}:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - $ref: '#/components/parameters/limit'\n      responses:\n        \"200\":\n          description: {desc}\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Item{}'}}}}}}\n        \"404\": {{$ref: '#/components/responses/NotFound'}}\n    post:\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Item{}'}}}}}}}}\n      responses:\n        \"201\": {{description: Created}}\n",
                i % 50,
                i % 50
            ));
        }
        out.push_str("components:\n  parameters:\n    limit: {name: limit, in: query, schema: {type: integer}}\n  responses:\n    NotFound: {description: Not found}\n  schemas:\n");
        for j in 0..50 {
            out.push_str(&format!(
                "    Item{j}:\n      type: object\n      properties:\n        id: {{type: string}}\n        parent: {{$ref: '#/components/schemas/Item{j}'}}\n        tags: {{type: array, items: {{type: string}}}}\n"
            ));
        }
        out
    }

    #[test]
    fn generated_specs_compare() {
        let old = generated(200, false);
        let new = generated(200, true);
        let c = run(&old, &new);
        assert_eq!(c.len(), 20);
        assert!(run(&old, &old).is_empty());
    }

    /// `cargo test --release -p pacto-core --lib diff::openapi::tests::timing -- --ignored --nocapture`
    /// (the 20,000-path documents are trimmed to stay under the parser's node limit).
    #[test]
    #[ignore]
    fn timing() {
        for n in [2_000, 20_000] {
            let mut old = generated(n, false);
            let mut new = generated(n, true);
            if n > 2_000 {
                let trim = |doc: String| {
                    doc.lines()
                        .filter(|l| !l.contains("in: path") && !l.contains("\"404\""))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                old = trim(old);
                new = trim(new);
            }
            let o = SourceFile::parse("old.yaml", &old).expect("old parses");
            let nw = SourceFile::parse("new.yaml", &new).expect("new parses");
            let start = std::time::Instant::now();
            let c = diff(&o, &nw);
            println!(
                "{n} paths ({} + {} bytes): diff {:?}, {} changes",
                old.len(),
                new.len(),
                start.elapsed(),
                c.len()
            );
        }
    }
}
