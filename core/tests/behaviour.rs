//! What users see beyond code sets: positions, ordering, messages, explain and init output.

use pacto_core::{explain, init, validate, Bundle, ExplainFormat, Position};

const BASE: &str = r#"pactoVersion: "1.0"
service:
  name: orders
  version: 1.2.0
  owner: team/orders
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
"#;

fn bundle(text: &str) -> Bundle {
    Bundle::from_contract(text)
}

#[test]
fn init_scaffold_is_valid_without_warnings() {
    let files = init("my-service").expect("scaffold");
    let mut b = Bundle::new();
    for (path, content) in &files {
        b.insert(path.clone(), content.clone().into_bytes());
    }
    let report = validate(&b);
    assert!(report.valid, "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "pacto.yaml",
            "interfaces/openapi.yaml",
            "configuration/schema.json"
        ]
    );
    assert!(init("").is_err());
}

#[test]
fn schema_errors_carry_positions_in_document_order() {
    let text = BASE.replace("port: 8080", "port: 0") + "scaling:\n  replicas: -1\n";
    let report = validate(&bundle(&text));
    assert!(!report.valid);
    let found: Vec<(&str, Position)> = report
        .errors
        .iter()
        .map(|d| (d.path.as_str(), d.range.expect("range").start))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "interfaces[0].port",
                Position {
                    line: 9,
                    column: 11
                }
            ),
            (
                "scaling.replicas",
                Position {
                    line: 12,
                    column: 13
                }
            ),
        ]
    );
    assert!(report.errors[0].message.contains("at least 1"));
}

#[test]
fn every_parse_error_is_reported_with_its_position() {
    let text = BASE.replace("port: 8080", "Port: 8080\n    colour: red") + "extra: 1\n";
    let report = validate(&bundle(&text));
    let found: Vec<(&str, &str, u32)> = report
        .errors
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.path.as_str(),
                d.range.expect("range").start.line,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("PARSE_ERROR", "interfaces[0].Port", 9),
            ("PARSE_ERROR", "interfaces[0].colour", 10),
            ("PARSE_ERROR", "extra", 12),
        ]
    );
    assert!(report.errors[0].message.contains("did you mean `port`"));
}

#[test]
fn missing_field_points_at_the_object_that_lacks_it() {
    let text = BASE.replace("    port: 8080\n", "");
    let report = validate(&bundle(&text));
    assert_eq!(report.errors.len(), 1);
    let d = &report.errors[0];
    assert_eq!(d.path, "interfaces[0]");
    assert_eq!(
        d.range.expect("range").start,
        Position { line: 7, column: 5 }
    );
    assert!(d.message.contains("`port`"));
}

#[test]
fn columns_count_utf16_units() {
    let text = BASE.replace("team/orders", "\"équipe 😀\"") + "scaling: {replicas: 1, min: 😀}\n";
    let report = validate(&bundle(&text));
    // `min: 😀` is a string into an integer field: a parse error at the value.
    let d = &report.errors[0];
    assert_eq!(d.path, "scaling.min");
    let r = d.range.expect("range");
    assert_eq!(
        r.start,
        Position {
            line: 11,
            column: 29
        }
    );
    assert_eq!(
        r.end,
        Position {
            line: 11,
            column: 31
        }
    );
}

#[test]
fn explain_text_matches_the_reference_layout() {
    let text = BASE.to_string()
        + "dependencies:\n  - ref: oci://ghcr.io/acme/db:1.0.0\n    compatibility: \"^1.0.0\"\n    required: true\nscaling:\n  replicas: 3\n";
    let out = explain(&bundle(&text), ExplainFormat::Text).expect("explain");
    assert_eq!(
        out,
        "Service: orders@1.2.0\nOwner: team/orders\nPacto Version: 1.0\n\nInterfaces (1):\n  - api (http, port 8080, public)\n\nDependencies (1):\n  - oci://ghcr.io/acme/db:1.0.0 (^1.0.0, required)\n\nScaling: 3 replicas\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&explain(&bundle(&text), ExplainFormat::Json).expect("json"))
            .expect("valid json");
    assert_eq!(
        json["scaling"],
        serde_json::json!({"replicas": 3, "min": 3, "max": 3})
    );
    assert_eq!(json["runtime"]["workloadType"], "");
    assert_eq!(json["pactoVersion"], "1.0");
    assert!(json.get("metadata").is_none());
}

#[test]
fn explain_refuses_unparseable_contracts_with_diagnostics() {
    let err = explain(&bundle("service: [\n"), ExplainFormat::Text).expect_err("parse error");
    assert_eq!(err[0].code.as_str(), "PARSE_ERROR");
}

#[test]
fn hostile_inputs_give_diagnostics_not_panics() {
    let deep = format!("pactoVersion: \"1.0\"\nmetadata: {}\n", "[".repeat(100_000));
    assert!(!validate(&bundle(&deep)).valid);
    let big = format!(
        "{BASE}metadata:\n{}",
        (0..50_000)
            .map(|i| format!("  k{i}: v{i}\n"))
            .collect::<String>()
    );
    assert!(validate(&bundle(&big)).valid);
    let mut b = Bundle::new();
    b.insert("pacto.yaml", vec![0xff, 0xfe, 0x00]);
    assert_eq!(validate(&b).errors[0].code.as_str(), "PARSE_ERROR");
    assert!(!validate(&Bundle::new()).valid);
}
