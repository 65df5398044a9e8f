//! Graph resolution through the public API: paths (absolute, registry roots), failure
//! messages, every cycle, concurrency of loads, DOT and Mermaid, and deep chains.

#[path = "graph_fixtures/support.rs"]
mod support;

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pacto_core::graph::{self, BundleSource, DepRef, EdgeKind, Graph, NodeState, SourceError};
use pacto_core::Bundle;
use support::{block_on, MemorySource};

fn contract(name: &str, deps: &[&str]) -> String {
    let mut s = format!("pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: 1.0.0\n");
    if !deps.is_empty() {
        s.push_str("dependencies:\n");
        for d in deps {
            s.push_str(&format!(
                "  - ref: \"{d}\"\n    required: true\n    compatibility: \"^1.0.0\"\n"
            ));
        }
    }
    s
}

fn resolve(source: &MemorySource, root: &str) -> Graph {
    block_on(graph::resolve(&source.bundle(root), root, source)).expect("resolves")
}

#[test]
fn absolute_refs_and_absolute_roots() {
    let app = contract("app", &["/opt/libs/log", "file:///opt/libs/./log", "../db"]);
    let source = MemorySource::from_contracts(&[
        ("/srv/app", &app),
        ("/opt/libs/log", &contract("log", &[])),
        ("/opt/libs/./log", &contract("log", &[])),
        ("/srv/db", &contract("db", &["./../app"])),
    ]);
    let root = source.bundle("/srv/app");
    let g = block_on(graph::resolve(&root, "/srv/app/", &source)).expect("resolves");
    // Absolute refs are used as written; relative ones are joined and cleaned.
    assert_eq!(
        *source.loads.borrow(),
        ["/opt/libs/log", "/opt/libs/./log", "/srv/db"]
    );
    assert_eq!(
        graph::render_tree(&g),
        "app@1.0.0\n├─ log@1.0.0 [local]\n├─ log@1.0.0 [local]\n└─ db@1.0.0 [local]\n   └─ app (error: cycle detected: ./../app)\n\nCycles (1):\n  app -> ../db -> ./../app\n"
    );
    assert_eq!(
        g.root_node().location,
        DepRef::Local {
            path: "/srv/app".into()
        }
    );
}

#[test]
fn registry_root_resolves_local_refs_against_the_working_directory() {
    let source = MemorySource::from_contracts(&[
        (
            "oci/reg.io/app@2.0.0",
            &contract("app", &["oci://reg.io/db:1.0.0", "libs/log"]),
        ),
        (
            "oci/reg.io/db@1.0.0",
            &contract("db", &["./libs/log", "../x"]),
        ),
        ("libs/log", &contract("log", &[])),
    ]);
    let root = source.bundle("oci/reg.io/app@2.0.0");
    let location = DepRef::Oci {
        location: "reg.io/app:2.0.0".into(),
        constraint: String::new(),
    };
    let g = block_on(graph::resolve_from(&root, location, &source)).expect("resolves");
    assert_eq!(
        *source.loads.borrow(),
        ["oci://reg.io/db:1.0.0", "libs/log", "../x"]
    );
    assert_eq!(
        graph::render_tree(&g),
        "app@1.0.0\n├─ db@1.0.0\n│  ├─ log@1.0.0 [local] (shared)\n│  └─ x (error: failed to access ../x: no such file or directory)\n└─ log@1.0.0 [local]\n"
    );
}

#[test]
fn unparseable_root_is_an_error() {
    let source = MemorySource::default();
    let e = block_on(graph::resolve(
        &Bundle::from_contract("a: [\n"),
        ".",
        &source,
    ))
    .expect_err("fails");
    assert!(e.iter().all(|d| d.code.as_str() == "PARSE_ERROR"));
    assert!(source.loads.borrow().is_empty());
}

/// Answers from a closure; every load fails unless it returns a bundle.
struct FnSource<F: Fn(&DepRef) -> Result<Bundle, SourceError>>(F);

impl<F: Fn(&DepRef) -> Result<Bundle, SourceError>> BundleSource for FnSource<F> {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        (self.0)(reference)
    }
}

#[test]
fn failure_messages() {
    let mut bad = Bundle::new();
    bad.insert("pacto.yaml", vec![0xff, 0xfe]);
    let source = FnSource(|r: &DepRef| match r.to_string().as_str() {
        "no-contract" => Ok(Bundle::new()),
        "binary" => Ok(bad.clone()),
        "two-errors" => Ok(Bundle::from_contract(
            "pactoVersion: \"1.0\"\nservice:\n  name: x\n  version: 1.0.0\n  a: 1\n  b: 2\n",
        )),
        // A loader's message is shown through safe_text: its line break cannot split the tree.
        _ => Err(SourceError::new("line one\nline two")),
    });
    let root = Bundle::from_contract(&contract(
        "app",
        &["no-contract", "binary", "two-errors", "oci://r.io/x:1"],
    ));
    let g = block_on(graph::resolve(&root, "", &source)).expect("resolves");
    let tree = graph::render_tree(&g);
    assert_eq!(
        tree,
        "app@1.0.0\n\
         ├─ no-contract (error: no pacto.yaml found in no-contract)\n\
         ├─ binary (error: failed to parse binary/pacto.yaml: pacto.yaml is not valid UTF-8 (invalid byte at offset 0))\n\
         ├─ two-errors (error: failed to parse two-errors/pacto.yaml: line 5, column 3: unknown field `a` in service (allowed: name, version, owner, image) (and 1 more error))\n\
         └─ x:1 (error: line one\\nline two)\n"
    );
    assert!(g.nodes().skip(1).all(|(_, n)| n.error().is_some()));
}

#[test]
fn every_cycle_closing_edge_is_reported() {
    // a -> b -> c -> a closes at c; the chord b -> c (shared: a owns c) closes a -> b -> c -> a
    // too, so one more cycle: a -> c -> a.
    let source = MemorySource::from_contracts(&[
        ("app", &contract("app", &["../a"])),
        ("a", &contract("a", &["../b", "../c"])),
        ("b", &contract("b", &["../c"])),
        ("c", &contract("c", &["../a"])),
    ]);
    let g = resolve(&source, "app");
    assert_eq!(
        g.cycles(),
        [
            vec!["app", "../a", "../b", "../c", "../a"],
            vec!["app", "../a", "../c", "../a"],
        ]
    );
    let kinds: Vec<(String, EdgeKind)> = g
        .nodes()
        .flat_map(|(id, n)| {
            g.dependencies(id)
                .map(move |d| (format!("{}->{}", n.name(), d.node.name()), d.edge.kind))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("app->a".to_string(), EdgeKind::Owned),
            ("a->b".to_string(), EdgeKind::Owned),
            ("a->c".to_string(), EdgeKind::Owned),
            ("b->c".to_string(), EdgeKind::Shared),
            ("c->a".to_string(), EdgeKind::Cycle),
        ]
    );
}

#[test]
fn owners_and_petgraph() {
    let source = MemorySource::from_contracts(&[
        ("app", &contract("app", &["../a", "../b"])),
        ("a", &contract("a", &["../b"])),
        ("b", &contract("b", &[])),
    ]);
    let g = resolve(&source, "app");
    let (b, _) = g.nodes().find(|(_, n)| n.name() == "b").expect("b");
    let (owner, edge) = g.owner(b).expect("owned");
    assert_eq!(owner, g.root());
    assert_eq!(edge.reference, "../b");
    assert!(g.owner(g.root()).is_none());
    assert_eq!(g.petgraph().edge_count(), 3);
    assert_eq!(g.node_count(), 3);
    assert!(matches!(g.root_node().state, NodeState::Resolved(_)));
}

#[test]
fn dot_and_mermaid() {
    let source = MemorySource::from_contracts(&[
        (
            "app",
            "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ../a\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: \"../\\\"q\\\"\"\n    compatibility: \"\"\n",
        ),
        ("a", &contract("a", &["../app"])),
    ]);
    let g = resolve(&source, "app");
    assert_eq!(
        graph::to_dot(&g),
        "digraph dependencies {\n  node [shape=box];\n  n0 [label=\"app@1.0.0\"];\n  n1 [label=\"a@1.0.0\\n[local]\"];\n  n2 [label=\"\\\"q\\\"\\nfailed to access \\\"q\\\": no such file or directory\", color=red, fontcolor=red];\n  n0 -> n1 [label=\"^1.0.0\"];\n  n0 -> n2 [style=dashed];\n  n1 -> n0 [label=\"^1.0.0\", color=red];\n}\n"
    );
    assert_eq!(
        graph::to_mermaid(&g),
        "graph TD\n  n0[\"app@1.0.0\"]\n  n1[\"a@1.0.0\"]\n  n2[\"#quot;q#quot;<br/>failed to access #quot;q#quot;: no such file or directory\"]:::error\n  n0 -->|\"^1.0.0\"| n1\n  n0 -.-> n2\n  n1 -->|\"^1.0.0\"| n0\n  classDef error fill:#fee,stroke:#c00,color:#900\n"
    );
}

/// Counts loads in flight: each load stays pending for a few polls.
struct Counting {
    inner: MemorySource,
    active: Cell<usize>,
    peak: Cell<usize>,
}

struct Slow<'a> {
    source: &'a Counting,
    polls: u32,
    answer: Option<Result<Bundle, SourceError>>,
}

impl Future for Slow<'_> {
    type Output = Result<Bundle, SourceError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.polls > 0 {
            self.polls -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let s = self.source;
        s.active.set(s.active.get() - 1);
        Poll::Ready(
            self.answer
                .take()
                .unwrap_or_else(|| Err(SourceError::new("polled twice"))),
        )
    }
}

impl BundleSource for Counting {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        self.active.set(self.active.get() + 1);
        self.peak.set(self.peak.get().max(self.active.get()));
        let answer = self.inner.load(reference).await;
        Slow {
            source: self,
            polls: 2,
            answer: Some(answer),
        }
        .await
    }
}

#[test]
fn loads_overlap_within_a_window() {
    let names: Vec<String> = (0..30).map(|i| format!("../s{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut tree = vec![("app".to_string(), contract("app", &refs))];
    for i in 0..30 {
        tree.push((format!("s{i}"), contract(&format!("s{i}"), &[])));
    }
    let pairs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let source = Counting {
        inner: MemorySource::from_contracts(&pairs),
        active: Cell::new(0),
        peak: Cell::new(0),
    };
    let root = source.inner.bundle("app");
    let g = block_on(graph::resolve(&root, "app", &source)).expect("resolves");
    assert_eq!(g.node_count(), 31);
    assert!(source.peak.get() > 1, "loads never overlapped");
    assert!(source.peak.get() <= 8, "more than 8 loads in flight");
}

#[test]
fn deep_chain_without_recursion() {
    const DEPTH: usize = 10_000;
    let mut tree = Vec::new();
    for i in 0..DEPTH {
        let next = if i + 1 == DEPTH {
            "../n0".to_string()
        } else {
            format!("../n{}", i + 1)
        };
        tree.push((format!("n{i}"), contract(&format!("n{i}"), &[&next])));
    }
    let pairs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let source = MemorySource::from_contracts(&pairs);
    let g = resolve(&source, "n0");
    assert_eq!(g.node_count(), DEPTH);
    assert_eq!(g.cycles().len(), 1);
    assert_eq!(g.cycles()[0].len(), DEPTH + 1);
    let tree = graph::render_tree(&g);
    assert!(
        tree.contains(
            "└─ n0 (error: cycle detected: ../n0)\n\nCycles (1):\n  n0 -> ../n1 -> ../n2 -> "
        ),
        "{}",
        &tree[tree.len().saturating_sub(300)..]
    );
    assert!(tree.ends_with(" -> ../n9999 -> ../n0\n"));
    let json = graph::to_json(&g);
    drop(json);
    let d = graph::diff(&g, &g);
    assert!(d.is_empty());
    let doc = pacto_core::doc::render(&source.bundle("n0"), Some(&g)).expect("doc");
    assert!(doc.contains(&format!("<summary><h3>2.{}. n{} ", DEPTH - 1, DEPTH - 1)));
}

fn with_compat(name: &str, version: &str, deps: &[(&str, &str)]) -> String {
    let mut s = format!("pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: {version}\n");
    if !deps.is_empty() {
        s.push_str("dependencies:\n");
        for (r, c) in deps {
            s.push_str(&format!(
                "  - ref: \"{r}\"\n    required: true\n    compatibility: \"{c}\"\n"
            ));
        }
    }
    s
}

#[test]
fn pinned_refs_outside_their_compatibility_are_warnings() {
    let app = with_compat(
        "app",
        "1.0.0",
        &[
            // Pinned tag inside the range: fine.
            ("oci://reg.io/db:1.2.0", "^1.0.0"),
            // Pinned tag outside: the resolved version is checked.
            ("oci://reg.io/cache:2.0.0", "^1.0.0"),
            // Pinned digest: the resolved service.version is checked.
            ("oci://reg.io/log@sha256:abc", "~3.1.0"),
            // Failed to load: the tag is checked.
            ("oci://reg.io/gone:0.9.0", ">=1.0.0"),
            // Tag-less: tag resolution honours the range, nothing to say.
            ("oci://reg.io/db", "^9.0.0"),
            // Invalid range: the validator's business, not the graph's.
            ("oci://reg.io/db:1.2.0", "not a range"),
        ],
    );
    let source = MemorySource::from_contracts(&[
        ("app", &app),
        ("oci/reg.io/db@1.2.0", &with_compat("db", "1.2.0", &[])),
        (
            "oci/reg.io/cache@2.0.0",
            &with_compat("cache", "2.0.0", &[]),
        ),
        (
            "oci/reg.io/log@sha256@abc",
            &with_compat("log", "3.2.0", &[]),
        ),
        ("oci/reg.io/db", &with_compat("db", "9.1.0", &[])),
    ]);
    let g = resolve(&source, "app");
    let warnings: Vec<(String, String)> = g
        .warnings()
        .iter()
        .map(|w| (w.reference.clone(), w.message.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "oci://reg.io/cache:2.0.0".to_string(),
                "oci://reg.io/cache:2.0.0 resolves to version 2.0.0, which does not satisfy compatibility \"^1.0.0\"".to_string()
            ),
            (
                "oci://reg.io/log@sha256:abc".to_string(),
                "oci://reg.io/log@sha256:abc resolves to version 3.2.0, which does not satisfy compatibility \"~3.1.0\"".to_string()
            ),
            (
                "oci://reg.io/gone:0.9.0".to_string(),
                "oci://reg.io/gone:0.9.0 is pinned to tag 0.9.0, which does not satisfy compatibility \">=1.0.0\"".to_string()
            ),
        ]
    );
    assert!(g.warnings().iter().all(|w| w.from == "app"));
    let tree = graph::render_tree(&g);
    assert!(
        tree.ends_with("\nWarnings (3):\n  app: oci://reg.io/cache:2.0.0 resolves to version 2.0.0, which does not satisfy compatibility \"^1.0.0\"\n  app: oci://reg.io/log@sha256:abc resolves to version 3.2.0, which does not satisfy compatibility \"~3.1.0\"\n  app: oci://reg.io/gone:0.9.0 is pinned to tag 0.9.0, which does not satisfy compatibility \">=1.0.0\"\n"),
        "{tree}"
    );
    let json = serde_json::to_value(graph::to_json(&g)).expect("json");
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["warnings"][0]["from"], "app");
    assert_eq!(json["warnings"][0]["ref"], "oci://reg.io/cache:2.0.0");
}

#[test]
fn graphs_without_pinned_mismatches_have_no_warnings() {
    let source = MemorySource::from_contracts(&[
        ("app", &contract("app", &["oci://reg.io/db:1.0.0", "./db"])),
        ("oci/reg.io/db@1.0.0", &contract("db", &[])),
        ("db", &contract("db", &[])),
    ]);
    let g = resolve(&source, "app");
    assert!(g.warnings().is_empty());
    assert!(!graph::render_tree(&g).contains("Warnings"));
}
