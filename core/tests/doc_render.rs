//! `doc`: each section of the generated Markdown, the numbering with and without a
//! Configuration section, and the agreement between the table of contents and the body. The
//! complete document of a rich bundle is pinned in `graph_fixtures/doc-full/doc.md`.

#[path = "graph_fixtures/support.rs"]
mod support;

use std::collections::HashSet;
use std::path::Path;

use pacto_core::graph::{self, Graph};
use pacto_core::{doc, Bundle};
use support::{block_on, MemorySource};

const HEAD: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

fn bundle(contract: &str, files: &[(&str, &str)]) -> Bundle {
    let mut b = Bundle::from_contract(contract);
    for (path, text) in files {
        b.insert(*path, text.as_bytes().to_vec());
    }
    b
}

fn render(b: &Bundle) -> String {
    doc::render(b, None).expect("renders")
}

/// The lines between `start` (inclusive) and the next line starting with `## ` (exclusive).
fn section<'a>(doc: &'a str, start: &str) -> Vec<&'a str> {
    let mut lines = doc.lines().skip_while(|l| *l != start);
    let mut out: Vec<&str> = lines.next().into_iter().collect();
    out.extend(lines.take_while(|l| !l.starts_with("## ") && *l != "---"));
    out
}

/// GitHub's anchor for a Markdown heading.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every `(#anchor)` of the table of contents names a heading or an element id of the body.
fn assert_toc_matches_body(doc: &str) {
    let body = doc
        .split_once("## Table of Contents")
        .map_or("", |(_, rest)| rest)
        .split_once("\n## ")
        .map_or("", |(_, rest)| rest);
    let mut targets: HashSet<String> = HashSet::new();
    for line in format!("## {body}").lines() {
        if let Some(h) = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "))
        {
            targets.insert(slug(h));
        }
        for piece in line.split("id=\"").skip(1) {
            if let Some((id, _)) = piece.split_once('"') {
                targets.insert(id.to_string());
            }
        }
    }
    let toc: Vec<&str> = section(doc, "## Table of Contents");
    let mut seen = 0;
    for line in toc.iter().filter(|l| l.trim_start().starts_with("- [")) {
        let anchor = line
            .rsplit_once("](#")
            .and_then(|(_, a)| a.strip_suffix(')'))
            .expect("toc entry has an anchor");
        assert!(
            targets.contains(anchor),
            "TOC anchor #{anchor} has no target in:\n{doc}"
        );
        // The number in the entry is the number in the body.
        let title = line
            .trim_start()
            .strip_prefix("- [")
            .and_then(|l| l.split_once("](#"))
            .map(|(t, _)| t)
            .expect("title");
        assert!(
            doc.contains(title),
            "TOC title {title:?} is not in the body"
        );
        seen += 1;
    }
    assert!(seen > 0);
}

#[test]
fn summary_sentence_variants() {
    let d = render(&bundle(HEAD, &[]));
    assert!(d.starts_with("# svc\n\n**svc** `v1.0.0`.\n\n"), "{d}");

    let text = format!(
        "{HEAD}  owner: team-a\n  image:\n    ref: ghcr.io/a/svc:1.0.0\n\
         interfaces:\n  - name: api\n    type: http\n    port: 80\n\
         dependencies:\n  - ref: ../db\n    compatibility: \"^1\"\n\
         runtime:\n  workload: job\n  state:\n    type: stateless\n    persistence:\n      scope: local\n      durability: ephemeral\n    dataCriticality: low\n\
         scaling:\n  replicas: 0\n"
    );
    let d = render(&bundle(&text, &[]));
    assert!(
        d.contains(
            "**svc** `v1.0.0` is a `stateless` `job` workload exposing 1 interface with 1 dependency. \
             Owned by `team-a`, packaged as `ghcr.io/a/svc:1.0.0` (`public`), runs `0` replicas.\n"
        ),
        "{d}"
    );
}

#[test]
fn concept_table_rows_and_omissions() {
    let text = format!(
        "{HEAD}runtime:\n  workload: scheduled\n  state:\n    type: hybrid\n    persistence:\n      scope: galaxy\n      durability: persistent\n    dataCriticality: medium\n  lifecycle:\n    upgradeStrategy: ordered\n    gracefulShutdownSeconds: 0\n"
    );
    let d = render(&bundle(&text, &[]));
    let table: Vec<&str> = d
        .lines()
        .skip_while(|l| !l.starts_with("| Concept"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let concepts: Vec<&str> = table
        .iter()
        .skip(2)
        .filter_map(|l| l.split(" | ").next())
        .collect();
    // An unknown scope value has no description, so no row.
    assert_eq!(
        concepts,
        [
            "| **Workload**",
            "| **State**",
            "| **Persistence durability**",
            "| **Data criticality**",
            "| **Upgrade strategy**",
            "| **Graceful shutdown**",
        ],
        "{d}"
    );
    assert!(d.contains("| **Graceful shutdown** | `0s` |"));
    assert!(d.contains("| **Workload** | `scheduled` | A task started on a schedule"));

    // No runtime: no table, straight to the reference line.
    let d = render(&bundle(HEAD, &[]));
    assert!(!d.contains("| Concept"));
    assert!(d.contains("`v1.0.0`.\n\nFor more information on contract concepts"));
}

#[test]
fn every_enum_value_has_a_description() {
    for (field, values) in [
        ("runtime.workload", &["service", "job", "scheduled"][..]),
        ("runtime.state.type", &["stateless", "stateful", "hybrid"]),
        ("runtime.state.persistence.scope", &["local", "shared"]),
        (
            "runtime.state.persistence.durability",
            &["ephemeral", "persistent"],
        ),
        ("runtime.state.dataCriticality", &["low", "medium", "high"]),
        (
            "runtime.lifecycle.upgradeStrategy",
            &["rolling", "recreate", "ordered"],
        ),
    ] {
        for v in values {
            let d = doc::enum_description(field, v).unwrap_or_default();
            assert!(
                d.chars().next().is_some_and(char::is_uppercase) && !d.ends_with('.'),
                "{field}.{v}: {d:?}"
            );
        }
        assert_eq!(doc::enum_description(field, "other"), None);
    }
}

const WITH_CONFIG: &str = "interfaces:\n  - name: api\n    type: http\n    port: 8080\n\
configuration:\n  schema: configuration/schema.json\n\
dependencies:\n  - ref: ../db\n    required: true\n    compatibility: \"^1.0.0\"\n";

#[test]
fn numbering_without_configuration_properties_agrees_with_the_body() {
    // The `init` scaffold's schema: an object without properties. The Go tool numbered
    // Dependencies 4 in the contents and 3 in the body.
    let b = bundle(
        &format!("{HEAD}{WITH_CONFIG}"),
        &[(
            "configuration/schema.json",
            r#"{"type": "object", "properties": {}}"#,
        )],
    );
    let d = render(&b);
    assert_eq!(
        section(&d, "## Table of Contents"),
        [
            "## Table of Contents",
            "",
            "- [1. Architecture](#1-architecture)",
            "- [2. Interfaces](#2-interfaces)",
            "  - [2.1. HTTP Interface: api](#21-http-interface-api)",
            "- [3. Dependencies](#3-dependencies)",
            "",
        ]
    );
    assert!(!d.contains("Configuration"), "{d}");
    assert!(d.contains("\n## 3. Dependencies\n"));
    assert_toc_matches_body(&d);
}

#[test]
fn numbering_with_configuration_properties() {
    let b = bundle(
        &format!("{HEAD}{WITH_CONFIG}"),
        &[(
            "configuration/schema.json",
            r#"{"type": "object", "properties": {"port": {"type": "integer"}}}"#,
        )],
    );
    let d = render(&b);
    let toc = section(&d, "## Table of Contents");
    assert_eq!(
        toc.get(5).copied(),
        Some("- [3. Configuration](#3-configuration)")
    );
    assert_eq!(
        toc.get(6).copied(),
        Some("- [4. Dependencies](#4-dependencies)")
    );
    assert!(d.contains("\n## 3. Configuration\n") && d.contains("\n## 4. Dependencies\n"));
    assert_toc_matches_body(&d);

    // An unreadable schema keeps the section, with the reason.
    let b = bundle(&format!("{HEAD}{WITH_CONFIG}"), &[]);
    let d = render(&b);
    assert_eq!(
        section(&d, "## 3. Configuration"),
        [
            "## 3. Configuration",
            "",
            "_Could not read configuration schema: reading schema configuration/schema.json: no such file in the bundle_",
            "",
        ]
    );
    assert_toc_matches_body(&d);
}

#[test]
fn numbering_without_interfaces() {
    let text = format!(
        "{HEAD}configuration:\n  schema: c.json\ndependencies:\n  - ref: ../db\n    compatibility: \"^1\"\n"
    );
    let d = render(&bundle(
        &text,
        &[("c.json", r#"{"properties": {"a": {}}}"#)],
    ));
    assert!(d.contains(
        "- [2. Configuration](#2-configuration)\n- [3. Dependencies](#3-dependencies)\n"
    ));
    assert!(d.contains("\n## 2. Configuration\n") && d.contains("\n## 3. Dependencies\n"));
    // A property without a type or description.
    assert!(d.contains("| `a` | — | — | — | No |"), "{d}");
    assert_toc_matches_body(&d);
}

#[test]
fn configuration_schema_flattening_and_refs() {
    let schema = r##"{
        "$ref": "#/$defs/root",
        "$defs": {
            "root": {
                "type": "object",
                "required": ["b"],
                "properties": {
                    "b": {"type": ["string", "integer", "bogus"], "description": "B | pipe", "default": null},
                    "a": {"type": "object", "required": ["y"], "properties": {"y": {"$ref": "#/$defs/y"}, "x": {"type": "boolean", "default": false}}},
                    "self": {"$ref": "#/$defs/root"},
                    "emptyobj": {"type": "object", "properties": {}, "description": "kept as a row"}
                }
            },
            "y": {"type": "number", "default": 1.5, "description": "Why"}
        }
    }"##;
    let text = format!("{HEAD}configuration:\n  schema: s.json\n");
    let d = render(&bundle(&text, &[("s.json", schema)]));
    let rows: Vec<&str> = section(&d, "## 2. Configuration")
        .into_iter()
        .filter(|l| l.starts_with("| `"))
        .collect();
    assert_eq!(
        rows,
        [
            "| `a.x` | `boolean` | — | `false` | No |",
            "| `a.y` | `number` | Why | `1.5` | Yes |",
            "| `b` | `integer, string` | B \\| pipe | `null` | Yes |",
            "| `emptyobj` | `object` | kept as a row | — | No |",
            "| `self` | `object` | — | — | No |",
        ],
        "{d}"
    );

    for (schema, reason) in [
        ("not json", "parsing schema s.json: "),
        ("[1, 2]", "compiling schema s.json: a schema must be an object or a boolean"),
        (
            r##"{"properties": {"a": {"$ref": "#/nowhere"}}}"##,
            "compiling schema s.json: cannot resolve $ref \"#/nowhere\"",
        ),
        (
            r#"{"properties": {"a": {"$ref": "other.json#/x"}}}"#,
            "compiling schema s.json: cannot resolve $ref \"other.json#/x\": only references inside the file",
        ),
        (
            r##"{"$ref": "#"}"##,
            "compiling schema s.json: $ref \"#\" refers to itself",
        ),
    ] {
        let d = render(&bundle(&text, &[("s.json", schema)]));
        let line = format!("_Could not read configuration schema: {reason}");
        assert!(d.contains(&line), "{schema}: {d}");
    }
    // A boolean schema has no properties: the section is left out.
    let d = render(&bundle(&text, &[("s.json", "true")]));
    assert!(!d.contains("Configuration"));
}

#[test]
fn interfaces_with_openapi_operations() {
    let text = format!(
        "{HEAD}interfaces:\n  - name: rest\n    type: http\n    contract: api.json\n\
         \x20 - name: yaml\n    type: http\n    visibility: internal\n    contract: api.yaml\n\
         \x20 - name: broken\n    type: http\n    contract: broken.yaml\n\
         \x20 - name: gone\n    type: http\n    contract: ./api.yaml\n\
         \x20 - name: rpc\n    type: grpc\n    port: 9000\n    visibility: public\n    contract: x.proto\n\
         \x20 - name: custom\n    type: websocket\n"
    );
    let files = [
        (
            "api.json",
            r#"{"paths": {"/b": {"trace": {}, "get": {"summary": "B"}, "x-ext": {}}, "/a": {"put": {"summary": 3}}}}"#,
        ),
        (
            "api.yaml",
            "paths:\n  /z:\n    options:\n      summary: Z\n  /y: not-a-mapping\n",
        ),
        ("broken.yaml", "paths: [unclosed\n"),
    ];
    let d = render(&bundle(&text, &files));
    let s = section(&d, "## 2. Interfaces").join("\n");
    assert!(s.starts_with(
        "## 2. Interfaces\n\n| Name | Type | Port | Visibility |\n|------|------|------|------------|\n\
         | `rest` | `http` | — | — |\n| `yaml` | `http` | — | `internal` |\n"
    ));
    assert!(s.contains(
        "### 2.1. HTTP Interface: rest\n\nThe `rest` interface.\n\n| Method | Path | Summary |\n|--------|------|---------|\n\
         | `PUT` | `/a` | — |\n| `GET` | `/b` | B |\n| `TRACE` | `/b` | — |\n"
    ), "{s}");
    assert!(s.contains(
        "### 2.2. HTTP Interface: yaml\n\nThe `yaml` interface is `internal`.\n\n| Method | Path | Summary |\n|--------|------|---------|\n| `OPTIONS` | `/z` | Z |\n"
    ), "{s}");
    assert!(s.contains("### 2.3. HTTP Interface: broken\n\nThe `broken` interface.\n\n_Could not read OpenAPI spec: parsing OpenAPI spec broken.yaml: "), "{s}");
    assert!(s.contains("_Could not read OpenAPI spec: reading OpenAPI spec ./api.yaml: not a clean bundle-relative path_"), "{s}");
    assert!(s.contains("### 2.5. gRPC Interface: rpc\n\nThe `rpc` interface is `public` and exposes port `9000`. Its contract is defined in `x.proto`.\n"), "{s}");
    assert!(
        s.contains("### 2.6. Websocket Interface: custom\n\nThe `custom` interface.\n"),
        "{s}"
    );
    assert_toc_matches_body(&d);
}

#[test]
fn health_suffix_only_on_the_health_interface() {
    let text = format!(
        "{HEAD}interfaces:\n  - name: a\n    type: http\n    port: 1\n  - name: b\n    type: grpc\n    port: 2\n\
         runtime:\n  workload: service\n  state:\n    type: stateless\n    persistence:\n      scope: local\n      durability: ephemeral\n    dataCriticality: low\n\
         \x20 health:\n    interface: b\n    initialDelaySeconds: 7\n"
    );
    let d = render(&bundle(&text, &[]));
    assert!(d.contains("The `a` interface exposes port `1`.\n"));
    assert!(
        d.contains("The `b` interface exposes port `2`. It requires an initial delay of `7s`.\n")
    );
    assert!(d.contains("b<br/>grpc :2<br/>♥ health\"]"));
}

#[test]
fn mermaid_without_a_graph() {
    let text = format!(
        "{HEAD}dependencies:\n  - ref: oci://ghcr.io/acme/db:1.0.0@sha256:abc\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: ../cache-svc\n    compatibility: \"~2\"\n"
    );
    let d = render(&bundle(&text, &[]));
    assert_eq!(
        section(&d, "## 1. Architecture"),
        [
            "## 1. Architecture",
            "",
            "```mermaid",
            "graph TB",
            "  subgraph svc[\"svc v1.0.0\"]",
            "    direction TB",
            "    svc_info[\"svc\"]",
            "  end",
            "",
            "",
            "  svc -->|\"required · ^1.0.0\"| dep_db[\"db\"]",
            "  svc -.->|\"optional · ~2\"| dep_cachesvc[\"cache-svc\"]",
            "```",
            "",
        ]
    );
    // No dependencies: no edges, no External User without a public interface.
    let d = render(&bundle(HEAD, &[]));
    assert!(!d.contains("External User") && !d.contains("-->"));
}

#[test]
fn mermaid_ids_avoid_keywords() {
    let text = "pactoVersion: \"1.0\"\nservice:\n  name: end\n  version: 1.0.0\n";
    let d = render(&bundle(text, &[]));
    assert!(d.contains("  subgraph svc_end[\"end v1.0.0\"]"), "{d}");
}

#[test]
fn footer_with_and_without_metadata() {
    let d = render(&bundle(HEAD, &[]));
    assert!(d.ends_with("---\n\nGenerated by [Pacto](https://trianalab.github.io/pacto)\n\n"));
    let text = format!("{HEAD}metadata:\n  z: last\n  a: 1\n  nested: {{k: v}}\n");
    let d = render(&bundle(&text, &[]));
    assert!(d.ends_with(
        "---\n\n`a: 1` `nested: {\"k\":\"v\"}` `z: last` \n\nGenerated by [Pacto](https://trianalab.github.io/pacto)\n\n"
    ), "{d}");
}

#[test]
fn parse_failures_are_diagnostics() {
    let e = doc::render(&Bundle::from_contract("service: [\n"), None).expect_err("fails");
    assert!(!e.is_empty() && e.iter().all(|d| d.code.as_str() == "PARSE_ERROR"));
    let e = doc::render(&Bundle::new(), None).expect_err("fails");
    assert_eq!(e.len(), 1);
}

fn resolved(tree: &[(&str, &str)], root: &str) -> (Bundle, Graph) {
    let source = MemorySource::from_contracts(tree);
    let b = source.bundle(root);
    let g = block_on(graph::resolve(&b, root, &source)).expect("resolves");
    (b, g)
}

#[test]
fn dependencies_details_with_a_graph() {
    let dep = |name: &str, deps: &str| {
        format!("pactoVersion: \"1.0\"\nservice:\n  name: {name}\n  version: 1.0.0\n{deps}")
    };
    let on = |refs: &[&str]| {
        let mut s = String::from("dependencies:\n");
        for r in refs {
            s.push_str(&format!("  - ref: {r}\n    compatibility: \"^1\"\n"));
        }
        s
    };
    let app = dep("app", &on(&["../b", "../missing", "../a"]));
    let a = dep("a", &on(&["../b"]));
    let b = dep(
        "b",
        &format!(
            "{}interfaces:\n  - name: pub\n    type: event\n    visibility: public\n",
            on(&["../app"])
        ),
    );
    let (root, g) = resolved(&[("app", &app), ("a", &a), ("b", &b)], "app");
    let d = doc::render(&root, Some(&g)).expect("renders");
    assert!(d.contains(
        "- [2. Dependencies](#2-dependencies)\n  - [2.1. b](#dep-b)\n    - [2.1.1. Interfaces](#dep-b-interfaces)\n    - [2.1.2. Dependencies](#dep-b-dependencies)\n  - [2.2. a](#dep-a)\n    - [2.2.1. Dependencies](#dep-a-dependencies)\n"
    ), "{d}");
    assert!(d.contains("<details id=\"dep-b\">\n<summary><h3>2.1. b <code>v1.0.0</code></h3></summary>\n\n**b** `v1.0.0` exposing 1 interface with 1 dependency.\n\n<h4 id=\"dep-b-interfaces\">2.1.1. Interfaces</h4>\n"), "{d}");
    assert!(
        d.contains("<h5>2.1.1.1. Event Interface: pub</h5>\n\nThe `pub` interface is `public`.\n")
    );
    // The diagram: External User for the dependency's public interface; the cycle back to the
    // root is a real dependency, the unresolved one is not drawn.
    assert!(d.contains("  external([\"External User\"])\n"));
    assert!(d.contains("  external --> b_iface_pub\n"));
    assert!(
        d.contains("\n  app --> b\n  b --> app\n  app --> a\n  a --> b\n```\n"),
        "{d}"
    );
    assert_toc_matches_body(&d);
}

#[test]
fn full_fixture_toc_matches_body() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_fixtures/doc-full/tree");
    let source = MemorySource::from_dir(&tree);
    let root = source.bundle("app");
    let g = block_on(graph::resolve(&root, "app", &source)).expect("resolves");
    let d = doc::render(&root, Some(&g)).expect("renders");
    assert_toc_matches_body(&d);
}
