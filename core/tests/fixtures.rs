//! Fixture-driven validation tests: every directory under `tests/fixtures/` is a bundle with an
//! `expected.json` listing the `[code, path]` pairs of its errors and warnings (compared as sets,
//! since the Go tool's schema errors have no stable order or multiplicity).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use pacto_core::{validate, Bundle, Diagnostic};

type Pairs = BTreeSet<(String, String)>;

fn load_bundle(dir: &Path) -> Bundle {
    let mut bundle = Bundle::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = fs::read_dir(dir.join(&rel)).expect("read fixture dir");
        for entry in entries {
            let entry = entry.expect("dir entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel_path = rel.join(&name);
            let key = rel_path.to_string_lossy().replace('\\', "/");
            if rel.as_os_str().is_empty() && name == "expected.json" {
                continue;
            }
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

fn pairs(list: &[Diagnostic]) -> Pairs {
    list.iter()
        .map(|d| (d.code.as_str().to_string(), d.path.clone()))
        .collect()
}

fn expected_pairs(v: &serde_json::Value, key: &str) -> Pairs {
    v.get(key)
        .and_then(|l| l.as_array())
        .map(|l| {
            l.iter()
                .map(|p| {
                    let code = p.get(0).and_then(|c| c.as_str()).unwrap_or_default();
                    let path = p.get(1).and_then(|c| c.as_str()).unwrap_or_default();
                    (code.to_string(), path.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() > 50,
        "expected a full fixture corpus, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let expected: serde_json::Value =
            serde_json::from_slice(&fs::read(case.join("expected.json")).expect("read expected"))
                .expect("expected.json is JSON");
        let report = validate(&load_bundle(case));
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (want_e, want_w) = (
            expected_pairs(&expected, "errors"),
            expected_pairs(&expected, "warnings"),
        );
        let (got_e, got_w) = (pairs(&report.errors), pairs(&report.warnings));
        if want_e != got_e || want_w != got_w || report.valid != want_e.is_empty() {
            failures.push(format!(
                "{name}:\n  want errors {want_e:?}\n  got  errors {got_e:?}\n  want warnings {want_w:?}\n  got  warnings {got_w:?}\n  messages: {:?}",
                report.errors.iter().chain(&report.warnings).map(|d| &d.message).collect::<Vec<_>>()
            ));
        }
        for d in report.errors.iter().chain(&report.warnings) {
            assert!(
                !d.message.is_empty(),
                "{name}: empty message for {}",
                d.code
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
