//! The graph's JSON text, written without recursion.
//!
//! The JSON tree nests three levels per dependency (node, edge, node), so a long chain is a
//! deep document. Recursive serialisers (serde_json, serde-wasm-bindgen) and `JSON.stringify`
//! overflow the stack on it: `JSON.stringify` at about 2,000 services in a chain,
//! serde-wasm-bindgen at about 10,000, where the RangeError escapes from inside the wasm module.
//! This writer keeps its own stack; `JSON.parse` (iterative in V8) turns the compact text into
//! the result object, which is also faster than building it value by value.
//!
//! Compact text is serde_json's `to_string`, pretty text its pretty printer (which is also
//! `JSON.stringify(value, null, 2)`): the tests below compare both on every shape.

use pacto_core::graph::{EdgeJson, GraphJson, NodeJson};
use serde::Serialize;

/// One piece of output still to write; the stack holds them in reverse order.
enum Item<'a> {
    Text(&'static str),
    Newline(usize),
    Node(&'a NodeJson, usize),
    Edge(&'a EdgeJson, usize),
    /// What follows an edge's `node`.
    EdgeTail(&'a EdgeJson, usize),
}

struct Writer {
    out: Vec<u8>,
    pretty: bool,
}

/// `graph` as JSON text: pretty (2-space indent) or compact; no trailing newline.
pub(crate) fn to_text(graph: &GraphJson, pretty: bool) -> String {
    let mut w = Writer {
        out: Vec::with_capacity(4096),
        pretty,
    };
    w.out.push(b'{');
    w.key(1, "root", true);
    w.tree(&graph.root, 1);
    w.key(1, "cycles", false);
    w.flat(&graph.cycles, 1);
    w.key(1, "conflicts", false);
    w.flat(&graph.conflicts, 1);
    w.key(1, "warnings", false);
    w.flat(&graph.warnings, 1);
    w.newline(0);
    w.out.push(b'}');
    String::from_utf8(w.out).unwrap_or_default()
}

impl Writer {
    fn newline(&mut self, level: usize) {
        if self.pretty {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + 2 * level, b' ');
        }
    }

    fn string(&mut self, s: &str) {
        // Writing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    /// A key at `level`, after its separator.
    fn key(&mut self, level: usize, name: &str, first: bool) {
        if !first {
            self.out.push(b',');
        }
        self.newline(level);
        self.string(name);
        self.out
            .extend_from_slice(if self.pretty { b": " } else { b":" });
    }

    fn boolean(&mut self, value: bool) {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A value without deep nesting (cycles, conflicts, warnings) through serde_json, re-indented
    /// to `level` (a JSON string never holds a raw newline, so every newline is structure).
    fn flat<T: Serialize>(&mut self, value: &T, level: usize) {
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .unwrap_or_else(|_| "null".to_string());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline(level);
            }
            self.out.extend_from_slice(line.as_bytes());
        }
    }

    fn tree(&mut self, root: &NodeJson, level: usize) {
        let mut stack = vec![Item::Node(root, level)];
        while let Some(item) = stack.pop() {
            match item {
                Item::Text(text) => self.out.extend_from_slice(text.as_bytes()),
                Item::Newline(level) => self.newline(level),
                Item::Node(node, level) => {
                    self.out.push(b'{');
                    self.key(level + 1, "name", true);
                    self.string(&node.name);
                    self.key(level + 1, "version", false);
                    self.string(&node.version);
                    if let Some(reference) = &node.reference {
                        self.key(level + 1, "ref", false);
                        self.string(reference);
                    }
                    self.key(level + 1, "local", false);
                    self.boolean(node.local);
                    self.key(level + 1, "dependencies", false);
                    if node.dependencies.is_empty() {
                        self.out.extend_from_slice(b"[]");
                        self.newline(level);
                        self.out.push(b'}');
                        continue;
                    }
                    self.out.push(b'[');
                    stack.push(Item::Text("}"));
                    stack.push(Item::Newline(level));
                    stack.push(Item::Text("]"));
                    stack.push(Item::Newline(level + 1));
                    for (i, edge) in node.dependencies.iter().enumerate().rev() {
                        stack.push(Item::Edge(edge, level + 2));
                        stack.push(Item::Newline(level + 2));
                        if i > 0 {
                            stack.push(Item::Text(","));
                        }
                    }
                }
                Item::Edge(edge, level) => {
                    self.out.push(b'{');
                    self.key(level + 1, "ref", true);
                    self.string(&edge.reference);
                    self.key(level + 1, "required", false);
                    self.boolean(edge.required);
                    self.key(level + 1, "compatibility", false);
                    self.string(&edge.compatibility);
                    match &edge.node {
                        Some(node) => {
                            self.key(level + 1, "node", false);
                            stack.push(Item::EdgeTail(edge, level));
                            stack.push(Item::Node(node, level + 1));
                        }
                        None => self.edge_tail(edge, level),
                    }
                }
                Item::EdgeTail(edge, level) => self.edge_tail(edge, level),
            }
        }
    }

    /// The keys after `node`, and the closing brace.
    fn edge_tail(&mut self, edge: &EdgeJson, level: usize) {
        if let Some(error) = &edge.error {
            self.key(level + 1, "error", false);
            self.string(error);
        }
        self.key(level + 1, "shared", false);
        self.boolean(edge.shared);
        self.key(level + 1, "local", false);
        self.boolean(edge.local);
        self.newline(level);
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::future::Future;
    use std::path::Path;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use pacto_core::graph::{self, BundleSource, DepRef, SourceError};
    use pacto_core::Bundle;

    use super::to_text;

    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    /// Contracts by directory; an `oci://` location is looked up as `oci/<location>` with `:`
    /// spelled `@` (the core fixtures' convention).
    struct Memory(BTreeMap<String, String>);

    impl BundleSource for Memory {
        async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
            let key = match reference {
                DepRef::Local { path } => path.clone(),
                DepRef::Oci { location, .. } => format!("oci/{}", location.replace(':', "@")),
            };
            self.0
                .get(&key)
                .map(|text| Bundle::from_contract(text))
                .ok_or_else(|| SourceError::new(format!("{key}: \"not\" found\n\tbye \u{1}")))
        }
    }

    fn check(contracts: Memory, root: &str) -> String {
        let bundle = Bundle::from_contract(&contracts.0[root]);
        let g = block_on(graph::resolve(&bundle, root, &contracts)).expect("root parses");
        let json = graph::to_json(&g);
        let compact = to_text(&json, false);
        assert_eq!(
            compact,
            serde_json::to_string(&json).expect("serialises"),
            "{root}"
        );
        let pretty = to_text(&json, true);
        assert_eq!(
            pretty,
            serde_json::to_string_pretty(&json).expect("serialises"),
            "{root}"
        );
        pretty
    }

    fn contract(name: &str, deps: &[&str]) -> String {
        let mut text =
            format!("pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: 1.0.0\n");
        if !deps.is_empty() {
            text.push_str("dependencies:\n");
            for d in deps {
                text.push_str(&format!(
                    "  - ref: {d}\n    required: false\n    compatibility: \"^1.0.0\"\n"
                ));
            }
        }
        text
    }

    #[test]
    fn same_text_as_serde_json_on_every_core_fixture() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/graph_fixtures");
        let mut cases = 0;
        for case in std::fs::read_dir(&base).expect("fixtures").flatten() {
            let tree = case.path().join("tree");
            if !tree.is_dir() {
                continue;
            }
            let mut contracts = BTreeMap::new();
            let mut dirs = vec![tree.clone()];
            while let Some(dir) = dirs.pop() {
                for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        dirs.push(p);
                    } else if p.file_name().is_some_and(|n| n == "pacto.yaml") {
                        let rel = dir.strip_prefix(&tree).expect("inside");
                        let key = rel.to_string_lossy().replace('\\', "/");
                        contracts.insert(key, std::fs::read_to_string(&p).expect("read"));
                    }
                }
            }
            let root = std::fs::read_to_string(case.path().join("root.txt"))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "app".to_string());
            check(Memory(contracts), &root);
            cases += 1;
        }
        assert!(cases >= 15, "only {cases} fixture cases");
    }

    #[test]
    fn escapes_errors_and_empty_lists() {
        let contracts = BTreeMap::from([
            (
                "app".to_string(),
                contract("app", &["../a", "../gone", "\"../q\\\"x\""]),
            ),
            ("a".to_string(), contract("a\u{e9}", &["../app"])),
        ]);
        let text = check(Memory(contracts), "app");
        assert!(text.contains("\\\"not\\\" found\\n\\tbye \\u0001"));
        let lone = BTreeMap::from([("solo".to_string(), contract("solo", &[]))]);
        assert!(check(Memory(lone), "solo").contains("\"dependencies\": []"));
    }

    #[test]
    fn a_chain_far_deeper_than_any_stack() {
        // Compact: the pretty text of a chain grows with the square of its length.
        let n = 20_000;
        let contracts: BTreeMap<String, String> = (0..n)
            .map(|i| {
                let deps = if i + 1 < n {
                    vec![format!("../s{}", i + 1)]
                } else {
                    vec![]
                };
                let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
                (format!("s{i}"), contract(&format!("s{i}"), &refs))
            })
            .collect();
        let bundle = Bundle::from_contract(&contracts["s0"]);
        let memory = Memory(contracts);
        let g = block_on(graph::resolve(&bundle, "s0", &memory)).expect("root parses");
        let text = to_text(&graph::to_json(&g), false);
        assert_eq!(text.matches("\"name\":").count(), n);
        assert!(text.ends_with("]}"));
    }
}
