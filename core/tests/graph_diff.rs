//! Graph diff (oci-graph-cli §7.6, diff.md §8 and §9.4): children matched by service name,
//! version_changed / added / removed, the pruned tree and its rendering, and the recursive
//! diffs of dependencies present on both sides.

#[path = "graph_fixtures/support.rs"]
mod support;

use pacto_core::graph::{self, Graph, GraphChangeType};
use support::{block_on, MemorySource};

fn contract(name: &str, version: &str, deps: &[&str]) -> String {
    let mut s = format!("pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: {version}\n");
    if !deps.is_empty() {
        s.push_str("dependencies:\n");
        for d in deps {
            s.push_str(&format!("  - ref: {d}\n    compatibility: \"*\"\n"));
        }
    }
    s
}

fn graph_of(tree: &[(&str, String)]) -> Graph {
    let pairs: Vec<(&str, &str)> = tree.iter().map(|(d, t)| (*d, t.as_str())).collect();
    let source = MemorySource::from_contracts(&pairs);
    let root = source.bundle("app");
    block_on(graph::resolve(&root, "app", &source)).expect("resolves")
}

fn old_graph() -> Graph {
    graph_of(&[
        (
            "app",
            contract("app", "1.0.0", &["../api", "../cache", "../missing"]),
        ),
        ("api", contract("api", "1.0.0", &["../db", "../auth"])),
        ("db", contract("db", "1.0.0", &[])),
        ("auth", contract("auth", "1.0.0", &[])),
        ("cache", contract("cache", "1.0.0", &[])),
    ])
}

fn new_graph() -> Graph {
    graph_of(&[
        (
            "app",
            contract(
                "app",
                "1.1.0",
                &["../api", "../queue", "../postgres-pacto-1"],
            ),
        ),
        ("api", contract("api", "1.0.0", &["../db", "../auth"])),
        ("db", contract("db", "2.0.0", &[])),
        ("auth", contract("auth", "1.0.0", &[])),
        ("queue", contract("queue", "1.0.0", &["../db"])),
        (
            "postgres-pacto-1",
            contract("postgres-pacto-1.0.0", "1.0.0", &[]),
        ),
    ])
}

#[test]
fn tree_of_changes() {
    let d = graph::diff(&old_graph(), &new_graph());
    assert_eq!(
        graph::render_diff_tree(&d),
        "app\n\
         ├─ api\n\
         │  └─ db            1.0.0 → 2.0.0\n\
         ├─ queue         +1.0.0\n\
         ├─ postgres-pacto-1.0.0+1.0.0\n\
         └─ cache         -1.0.0\n"
    );
    let flat: Vec<(&str, GraphChangeType)> = d
        .changes
        .iter()
        .map(|c| (c.name.as_str(), c.change_type))
        .collect();
    assert_eq!(
        flat,
        [
            ("cache", GraphChangeType::Removed),
            ("db", GraphChangeType::VersionChanged),
            ("postgres-pacto-1.0.0", GraphChangeType::Added),
            ("queue", GraphChangeType::Added),
        ]
    );
}

#[test]
fn json_shape() {
    let d = graph::diff(&old_graph(), &new_graph());
    let v = serde_json::to_value(&d).expect("json");
    assert_eq!(v["root"]["name"], "app");
    assert_eq!(v["root"]["version"], "1.1.0");
    assert!(v["root"].get("change").is_none());
    let api = &v["root"]["children"][0];
    assert_eq!(api["name"], "api");
    assert!(api.get("change").is_none());
    assert_eq!(
        api["children"][0]["change"],
        serde_json::json!({"name": "db", "changeType": "version_changed", "oldVersion": "1.0.0", "newVersion": "2.0.0"})
    );
    assert_eq!(
        v["changes"][0],
        serde_json::json!({"name": "cache", "changeType": "removed", "oldVersion": "1.0.0"})
    );
    assert_eq!(v["changes"][3]["newVersion"], "1.0.0");
    assert!(v["changes"][3].get("oldVersion").is_none());
}

#[test]
fn identical_graphs_have_no_changes() {
    let d = graph::diff(&old_graph(), &old_graph());
    assert!(d.is_empty());
    assert_eq!(graph::render_diff_tree(&d), "");
    assert_eq!(
        serde_json::to_value(&d).expect("json"),
        serde_json::json!({"root": {"name": "app", "version": "1.0.0", "children": []}, "changes": []})
    );
}

#[test]
fn shared_edges_are_not_compared_twice() {
    // db is reached twice on the new side; its subtree change is listed once.
    let old = graph_of(&[
        ("app", contract("app", "1.0.0", &["../a", "../b"])),
        ("a", contract("a", "1.0.0", &["../db"])),
        ("b", contract("b", "1.0.0", &["../db"])),
        ("db", contract("db", "1.0.0", &["../log"])),
        ("log", contract("log", "1.0.0", &[])),
    ]);
    let new = graph_of(&[
        ("app", contract("app", "1.0.0", &["../a", "../b"])),
        ("a", contract("a", "1.0.0", &["../db"])),
        ("b", contract("b", "1.0.0", &["../db"])),
        ("db", contract("db", "1.0.0", &["../log"])),
        ("log", contract("log", "1.5.0", &[])),
    ]);
    let d = graph::diff(&old, &new);
    assert_eq!(
        graph::render_diff_tree(&d),
        "app\n└─ a\n   └─ db\n      └─ log           1.0.0 → 1.5.0\n"
    );
    assert_eq!(d.changes.len(), 1);
}

#[test]
fn failures_and_cycles_are_ignored() {
    let old = graph_of(&[
        ("app", contract("app", "1.0.0", &["../a", "../gone"])),
        ("a", contract("a", "1.0.0", &["../app"])),
    ]);
    let new = graph_of(&[
        ("app", contract("app", "1.0.0", &["../a", "../also-gone"])),
        ("a", contract("a", "1.0.0", &["../app"])),
    ]);
    assert!(graph::diff(&old, &new).is_empty());
}

#[test]
fn dependency_contract_diffs() {
    let old = old_graph();
    let new = new_graph();
    let diffs = graph::dependency_diffs(&old, &new);
    let names: Vec<&str> = diffs.iter().map(|d| d.name.as_str()).collect();
    // db changed version; api and auth are identical; queue is new; app is the root.
    assert_eq!(names, ["db"]);
    let db = &diffs[0];
    assert!(db
        .result
        .changes
        .iter()
        .any(|c| c.path == "service.version"));
    let v = serde_json::to_value(db).expect("json");
    assert_eq!(v["name"], "db");
    assert!(v.get("classification").is_some() && v.get("changes").is_some());
}
