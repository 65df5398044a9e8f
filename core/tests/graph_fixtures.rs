//! Fixture-driven graph tests. Each directory under `tests/graph_fixtures/` holds a `tree/` of
//! bundle directories (served by an in-memory source, as the CLI serves the disk), an optional
//! `root.txt` naming the root directory inside it (default `app`), and the expected outputs:
//! `expected.txt` (the tree text), `expected.json` (the JSON form), `loads.txt` (every load, in
//! order) and, when present, `doc.md` (the generated document of the root).
//!
//! `PACTO_BLESS=1 cargo test --test graph_fixtures` rewrites the expected files.

#[path = "graph_fixtures/support.rs"]
mod support;

use std::fs;
use std::path::Path;

use pacto_core::graph::{self, Graph};
use support::{block_on, MemorySource};

struct Outputs {
    tree: String,
    json: String,
    loads: String,
    graph: Graph,
}

fn run(tree: &Path, root_dir: &str, stagger: bool) -> (Outputs, MemorySource) {
    let mut source = MemorySource::from_dir(tree);
    source.stagger = stagger;
    let root = source.bundle(root_dir);
    let graph = block_on(graph::resolve(&root, root_dir, &source))
        .unwrap_or_else(|d| panic!("root of {} does not parse: {d:?}", tree.display()));
    let json = serde_json::to_string_pretty(&graph::to_json(&graph)).expect("json") + "\n";
    let loads: String = source
        .loads
        .borrow()
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    (
        Outputs {
            tree: graph::render_tree(&graph),
            json,
            loads,
            graph,
        },
        source,
    )
}

#[test]
fn graph_fixtures() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_fixtures");
    let bless = std::env::var_os("PACTO_BLESS").is_some();
    let mut cases: Vec<_> = fs::read_dir(&base)
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("tree").is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "expected the graph fixture cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        let root_dir = fs::read_to_string(case.join("root.txt"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "app".to_string());
        let (out, source) = run(&case.join("tree"), &root_dir, false);
        let mut actual = vec![
            ("expected.txt", out.tree.clone()),
            ("expected.json", out.json.clone()),
            ("loads.txt", out.loads.clone()),
        ];
        if case.join("doc.md").exists() || (bless && case.join("doc").exists()) {
            let root = source.bundle(&root_dir);
            let doc = pacto_core::doc::render(&root, Some(&out.graph)).expect("doc renders");
            actual.push(("doc.md", doc));
        }
        for (file, text) in &actual {
            let path = case.join(file);
            if bless {
                fs::write(&path, text).expect("write expected");
                continue;
            }
            let expected = fs::read_to_string(&path).unwrap_or_default();
            if &expected != text {
                failures.push(format!(
                    "{name}/{file}:\n--- expected\n{expected}\n--- actual\n{text}"
                ));
            }
        }
        // Loads that finish out of claim order give the same graph.
        let (staggered, _) = run(&case.join("tree"), &root_dir, true);
        if staggered.tree != out.tree || staggered.json != out.json || staggered.loads != out.loads
        {
            failures.push(format!(
                "{name}: staggered loads changed the result:\n{}",
                staggered.tree
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
