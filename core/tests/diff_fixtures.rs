//! Fixture-driven diff tests: every directory under `tests/diff_fixtures/` holds two bundles,
//! `old/` and `new/`, and an `expected.json`:
//!
//! ```json
//! { "classification": "BREAKING",
//!   "changes": [["interfaces.port", "modified", "BREAKING"]],
//!   "sbom": [["zlib", "modified", "version"]],
//!   "warnings": 1,
//!   "error": "new" }
//! ```
//!
//! `changes` is `[path, type, classification]` and `sbom` is `[package, type, field]`, both
//! compared as ordered lists. A missing `changes`/`sbom` means none; a missing `warnings` means
//! zero. With `error`, the diff must fail because that side's contract does not parse.
//!
//! Set `DIFF_FIXTURE=<substring>` to run only the matching cases.

use std::fs;
use std::path::{Path, PathBuf};

use pacto_core::diff::{diff, DiffResult};
use pacto_core::Bundle;
use serde_json::Value;

fn load_bundle(dir: &Path) -> Bundle {
    let mut bundle = Bundle::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = fs::read_dir(dir.join(&rel))
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.join(&rel).display()));
        for entry in entries {
            let entry = entry.expect("dir entry");
            let rel_path = rel.join(entry.file_name());
            let key = rel_path.to_string_lossy().replace('\\', "/");
            if entry.file_type().expect("file type").is_dir() {
                bundle.insert_dir(key);
                stack.push(rel_path);
            } else {
                bundle.insert(key, fs::read(entry.path()).expect("read fixture file"));
            }
        }
    }
    bundle
}

fn tuples(v: Option<&Value>, what: &str) -> Vec<Vec<String>> {
    let Some(v) = v else {
        return Vec::new();
    };
    let list = v
        .as_array()
        .unwrap_or_else(|| panic!("`{what}` must be an array"));
    list.iter()
        .map(|t| {
            t.as_array()
                .unwrap_or_else(|| panic!("`{what}` entries must be arrays"))
                .iter()
                .map(|s| {
                    s.as_str()
                        .unwrap_or_else(|| panic!("`{what}` entries hold strings"))
                        .to_string()
                })
                .collect()
        })
        .collect()
}

fn show(list: &[Vec<String>]) -> String {
    if list.is_empty() {
        return "      (none)\n".into();
    }
    list.iter()
        .map(|t| format!("      [{}]\n", t.join(", ")))
        .collect()
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None => "-".into(),
        Some(v) => v.to_string(),
    }
}

/// Why a case failed, or `None` when it passed.
fn check(case: &Path) -> Option<String> {
    let expected: Value =
        serde_json::from_slice(&fs::read(case.join("expected.json")).expect("read expected.json"))
            .expect("expected.json is JSON");
    let old = load_bundle(&case.join("old"));
    let new = load_bundle(&case.join("new"));
    let outcome = std::panic::catch_unwind(|| diff(&old, &new));
    let result = match outcome {
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("?");
            return Some(format!("  the diff panicked: {msg}\n"));
        }
        Ok(r) => r,
    };
    if let Some(side) = expected.get("error").and_then(Value::as_str) {
        return match result {
            Err(e) if e.side == side => None,
            Err(e) => Some(format!(
                "  expected a DiffError on the {side} side, got one on the {} side: {e}\n",
                e.side
            )),
            Ok(r) => Some(format!(
                "  expected a DiffError on the {side} side, got a result ({}, {} changes)\n",
                r.classification.as_str(),
                r.changes.len()
            )),
        };
    }
    let result: DiffResult = match result {
        Ok(r) => r,
        Err(e) => return Some(format!("  unexpected DiffError: {e}\n")),
    };
    let mut why = String::new();

    let want_class = expected
        .get("classification")
        .and_then(Value::as_str)
        .expect("expected.json has a classification");
    if result.classification.as_str() != want_class {
        why += &format!(
            "  classification: expected {want_class}, got {}\n",
            result.classification.as_str()
        );
    }

    let want_changes = tuples(expected.get("changes"), "changes");
    let got_changes: Vec<Vec<String>> = result
        .changes
        .iter()
        .map(|c| {
            vec![
                c.path.clone(),
                c.r#type.as_str().to_string(),
                c.classification.as_str().to_string(),
            ]
        })
        .collect();
    if want_changes != got_changes {
        why += &format!(
            "  changes differ\n    expected:\n{}    got:\n{}",
            show(&want_changes),
            show(&got_changes)
        );
        why += "    got (reasons):\n";
        for c in &result.changes {
            why += &format!(
                "      {} | {} [{} -> {}]\n",
                c.path,
                c.reason,
                value_text(&c.old),
                value_text(&c.new)
            );
        }
    }

    let want_sbom = tuples(expected.get("sbom"), "sbom");
    let got_sbom: Vec<Vec<String>> = result
        .sbom
        .as_ref()
        .map(|s| {
            s.changes
                .iter()
                .map(|c| {
                    vec![
                        c.package.clone(),
                        c.r#type.as_str().to_string(),
                        c.field.clone(),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    if want_sbom != got_sbom {
        why += &format!(
            "  sbom changes differ\n    expected:\n{}    got:\n{}",
            show(&want_sbom),
            show(&got_sbom)
        );
    }
    if result.sbom.as_ref().is_some_and(|s| s.changes.is_empty()) {
        why += "  an empty SBOM diff must be None\n";
    }

    let want_warnings = expected
        .get("warnings")
        .map(|w| w.as_u64().expect("`warnings` is a number") as usize)
        .unwrap_or(0);
    if result.warnings.len() != want_warnings {
        why += &format!(
            "  warnings: expected {want_warnings}, got {}\n",
            result.warnings.len()
        );
        for w in &result.warnings {
            why += &format!("      {} {}: {}\n", w.side, w.file, w.message);
        }
    }
    (!why.is_empty()).then_some(why)
}

#[test]
fn diff_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff_fixtures");
    let filter = std::env::var("DIFF_FIXTURE").ok();
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/diff_fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    cases.sort();
    if filter.is_none() {
        assert!(
            cases.len() > 100,
            "expected a full fixture corpus, found {}",
            cases.len()
        );
    }
    // Keep panics inside the diff from flooding the report; they are reported per case.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        ran += 1;
        if let Some(why) = check(case) {
            failures.push((name, why));
        }
    }
    let _ = std::panic::take_hook();
    if !failures.is_empty() {
        let mut report = String::new();
        for (name, why) in &failures {
            report += &format!("\n--- {name}\n{why}");
        }
        let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
        panic!(
            "{} of {ran} diff fixtures failed:\n{report}\nfailed: {}\n",
            failures.len(),
            names.join(" ")
        );
    }
    println!("{ran} diff fixtures passed");
}
