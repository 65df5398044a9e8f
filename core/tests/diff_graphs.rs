//! `diff_with_graphs` (diff.md §8, oci-graph-cli §7.6): the root comparison plus both dependency
//! graphs, the recursive dependency diffs and their effect on the overall classification, and
//! the new side's sibling-directory override for registry dependencies.

#[path = "graph_fixtures/support.rs"]
mod support;

use pacto_core::diff::{diff_with_graphs, Classification, DiffError, DiffResult};
use pacto_core::graph::{render_diff_tree, DepRef};
use support::{block_on, MemorySource};

fn contract(name: &str, version: &str, port: u16, deps: &[&str]) -> String {
    let mut s = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: {version}\ninterfaces:\n  - name: api\n    type: grpc\n    port: {port}\n"
    );
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

fn local(path: &str) -> DepRef {
    DepRef::Local { path: path.into() }
}

/// Both sides from `source`: the old root a local directory, the new one at `new_at`.
fn diff_at(
    source: &MemorySource,
    old_root: &str,
    new_root: &str,
    new_at: DepRef,
    siblings: bool,
) -> Result<DiffResult, DiffError> {
    block_on(diff_with_graphs(
        &source.bundle(old_root),
        local(old_root),
        source,
        &source.bundle(new_root),
        new_at,
        source,
        siblings,
    ))
}

fn run(source: &MemorySource, old_root: &str, new_root: &str) -> DiffResult {
    diff_at(source, old_root, new_root, local(new_root), true).expect("diffs")
}

#[test]
fn a_breaking_change_inside_a_dependency_makes_the_diff_breaking() {
    let source = MemorySource::from_contracts(&[
        ("old/app", &contract("app", "1.0.0", 8080, &["../db"])),
        ("old/db", &contract("db", "1.0.0", 5432, &[])),
        ("new/app", &contract("app", "1.0.0", 8080, &["../db"])),
        ("new/db", &contract("db", "1.0.0", 5433, &[])),
    ]);
    let result = run(&source, "old/app", "new/app");
    assert!(result.changes.is_empty(), "the root contract is unchanged");
    assert_eq!(result.classification, Classification::Breaking);
    assert_eq!(result.dependency_diffs.len(), 1);
    let dep = &result.dependency_diffs[0];
    assert_eq!(dep.name, "db");
    assert_eq!(dep.result.classification, Classification::Breaking);
    let paths: Vec<&str> = dep.result.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["interfaces.port"]);
    let graph_diff = result.graph_diff.as_ref().expect("graph diff");
    assert!(graph_diff.is_empty(), "same versions: no graph change");
    let json = serde_json::to_value(&result).expect("json");
    assert_eq!(json["dependencyDiffs"][0]["name"], "db");
    assert_eq!(json["dependencyDiffs"][0]["classification"], "BREAKING");
    assert_eq!(
        json["dependencyDiffs"][0]["changes"][0]["path"],
        "interfaces.port"
    );
    assert_eq!(json["graphDiff"]["root"]["name"], "app");
    assert_eq!(json["graphDiff"]["changes"], serde_json::json!([]));
}

#[test]
fn graph_changes_and_unchanged_dependencies() {
    let source = MemorySource::from_contracts(&[
        (
            "old/app",
            &contract("app", "1.0.0", 8080, &["../db", "../cache"]),
        ),
        ("old/db", &contract("db", "1.0.0", 5432, &[])),
        ("old/cache", &contract("cache", "1.0.0", 6379, &[])),
        (
            "new/app",
            &contract("app", "1.1.0", 8080, &["../db", "../queue"]),
        ),
        ("new/db", &contract("db", "1.2.0", 5432, &[])),
        ("new/queue", &contract("queue", "1.0.0", 4222, &[])),
    ]);
    let result = run(&source, "old/app", "new/app");
    let graph_diff = result.graph_diff.as_ref().expect("graph diff");
    assert_eq!(
        render_diff_tree(graph_diff),
        "app\n├─ db            1.0.0 → 1.2.0\n├─ queue         +1.0.0\n└─ cache         -1.0.0\n"
    );
    // db changed its version only: a dependency diff with the version change, non-breaking.
    let deps: Vec<(&str, Classification)> = result
        .dependency_diffs
        .iter()
        .map(|d| (d.name.as_str(), d.result.classification))
        .collect();
    assert_eq!(deps, [("db", Classification::NonBreaking)]);
    // Root: the version change and the dependency list changes.
    assert!(result.changes.iter().any(|c| c.path == "service.version"));
}

#[test]
fn identical_sides_have_nothing_at_all() {
    let source = MemorySource::from_contracts(&[
        ("app", &contract("app", "1.0.0", 8080, &["../db"])),
        ("db", &contract("db", "1.0.0", 5432, &[])),
    ]);
    let result = run(&source, "app", "app");
    assert_eq!(result.classification, Classification::NonBreaking);
    assert!(result.changes.is_empty());
    assert!(result.dependency_diffs.is_empty());
    assert!(result.graph_diff.as_ref().is_some_and(|g| g.is_empty()));
}

#[test]
fn failing_dependencies_do_not_fail_the_diff() {
    let source = MemorySource::from_contracts(&[
        ("old/app", &contract("app", "1.0.0", 8080, &["../db"])),
        ("old/db", "service: [unterminated"),
        (
            "new/app",
            &contract("app", "1.0.0", 8080, &["../db", "../gone"]),
        ),
        ("new/db", &contract("db", "1.0.0", 5432, &[])),
    ]);
    let result = run(&source, "old/app", "new/app");
    // The old db does not parse: the graph diff sees it as added, and there is nothing to diff it with.
    let graph_diff = result.graph_diff.as_ref().expect("graph diff");
    assert_eq!(
        render_diff_tree(graph_diff),
        "app\n└─ db            +1.0.0\n"
    );
    assert!(result.dependency_diffs.is_empty());
}

#[test]
fn the_new_side_prefers_sibling_directories_for_registry_dependencies() {
    // new/app depends on oci://reg.io/org/db:1.0.0; new/db holds the work in progress (a port
    // change, breaking). The registry has the published 1.0.0, which the old side uses.
    let old_app = contract("app", "1.0.0", 8080, &["oci://reg.io/org/db:1.0.0"]);
    let new_app = contract("app", "1.0.0", 8080, &["oci://reg.io/org/db:1.0.0"]);
    let source = MemorySource::from_contracts(&[
        ("old/app", &old_app),
        ("new/app", &new_app),
        (
            "oci/reg.io/org/db@1.0.0",
            &contract("db", "1.0.0", 5432, &["oci://reg.io/org/log:1.0.0"]),
        ),
        (
            "oci/reg.io/org/log@1.0.0",
            &contract("log", "1.0.0", 514, &[]),
        ),
        // Applies at every depth: log is also taken from its sibling directory.
        (
            "new/db",
            &contract("db", "1.0.0", 6432, &["oci://reg.io/org/log:1.0.0"]),
        ),
        ("new/log", &contract("log", "1.1.0", 514, &[])),
    ]);
    let result = run(&source, "old/app", "new/app");
    let loads = source.loads.borrow().clone();
    // The old side never looks for siblings.
    assert!(!loads.iter().any(|l| l == "old/db"), "{loads:?}");
    assert!(loads.iter().any(|l| l == "new/db"), "{loads:?}");
    assert_eq!(result.classification, Classification::Breaking);
    let names: Vec<&str> = result
        .dependency_diffs
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["db", "log"]);
    assert_eq!(
        render_diff_tree(result.graph_diff.as_ref().expect("graph diff")),
        "app\n└─ db\n   └─ log           1.0.0 → 1.1.0\n"
    );
}

#[test]
fn siblings_off_uses_the_registry_only() {
    let app = contract("app", "1.0.0", 8080, &["oci://reg.io/org/db:1.0.0"]);
    let source = MemorySource::from_contracts(&[
        ("old/app", &app),
        ("new/app", &app),
        (
            "oci/reg.io/org/db@1.0.0",
            &contract("db", "1.0.0", 5432, &[]),
        ),
        ("new/db", &contract("db", "1.0.0", 6432, &[])),
    ]);
    let result = diff_at(&source, "old/app", "new/app", local("new/app"), false).expect("diffs");
    assert!(result.dependency_diffs.is_empty());
    assert!(!source.loads.borrow().iter().any(|l| l == "new/db"));
}

#[test]
fn no_sibling_falls_back_to_the_registry() {
    let app = contract("app", "1.0.0", 8080, &["oci://reg.io/org/db:1.0.0"]);
    let source = MemorySource::from_contracts(&[
        ("old/app", &app),
        ("new/app", &app),
        (
            "oci/reg.io/org/db@1.0.0",
            &contract("db", "1.0.0", 5432, &[]),
        ),
    ]);
    let result = run(&source, "old/app", "new/app");
    assert_eq!(result.classification, Classification::NonBreaking);
    assert!(result.dependency_diffs.is_empty());
    assert!(result.graph_diff.as_ref().is_some_and(|g| g.is_empty()));
}

#[test]
fn a_registry_new_root_gets_no_sibling_override() {
    let app = contract("app", "1.0.0", 8080, &["oci://reg.io/org/db:1.0.0"]);
    let source = MemorySource::from_contracts(&[
        ("old/app", &app),
        ("oci/reg.io/org/app@1.0.0", &app),
        (
            "oci/reg.io/org/db@1.0.0",
            &contract("db", "1.0.0", 5432, &[]),
        ),
        ("db", &contract("db", "9.0.0", 1, &[])),
    ]);
    let new_at = DepRef::Oci {
        location: "reg.io/org/app:1.0.0".into(),
        constraint: String::new(),
    };
    let result =
        diff_at(&source, "old/app", "oci/reg.io/org/app@1.0.0", new_at, true).expect("diffs");
    assert!(result.dependency_diffs.is_empty());
    assert!(!source.loads.borrow().iter().any(|l| l == "db"));
}

#[test]
fn an_unparseable_root_names_its_side() {
    let source = MemorySource::from_contracts(&[
        ("old/app", &contract("app", "1.0.0", 8080, &[])),
        ("new/app", "service: ["),
    ]);
    let err = diff_at(&source, "old/app", "new/app", local("new/app"), true)
        .expect_err("new side does not parse");
    assert_eq!(err.side, "new");
}
