//! The SVG drawing of dependency graphs (`graph::to_svg`): well-formed XML holding every node
//! and every declared edge with the right classes, on every fixture layout, on random graphs of
//! every shape layout-rs might choke on (self edges, parallel edges, cycles, failures), and on
//! the large-graph fallbacks.

#[path = "graph_fixtures/support.rs"]
mod support;

use std::fmt::Write as _;
use std::path::Path;

use pacto_core::graph::{self, Graph, SvgLayout, DRAW_LIMIT, LAYOUT_LIMIT};
use petgraph::graph::NodeIndex;
use support::{block_on, MemorySource};

fn resolve(source: &MemorySource, root: &str) -> Graph {
    let bundle = source.bundle(root);
    block_on(graph::resolve(&bundle, root, source)).expect("root parses")
}

struct Drawn {
    layout: String,
    nodes: Vec<(usize, String, String)>,
    edges: Vec<(usize, usize, String)>,
    text: Vec<String>,
}

/// Parses the SVG and collects its nodes (index, classes, texts) and edges (from, to, classes).
fn parse(svg: &str) -> Drawn {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let mut drawn = Drawn {
        layout: root
            .attribute("data-layout")
            .unwrap_or_default()
            .to_string(),
        nodes: Vec::new(),
        edges: Vec::new(),
        text: Vec::new(),
    };
    for node in doc.descendants() {
        if let Some(i) = node.attribute("data-node") {
            let texts: Vec<&str> = node
                .children()
                .filter(|c| c.has_tag_name("text"))
                .filter_map(|t| t.text())
                .collect();
            drawn.nodes.push((
                i.parse().expect("index"),
                node.attribute("class").unwrap_or_default().to_string(),
                texts.join("|"),
            ));
        }
        if let (Some(f), Some(t)) = (node.attribute("data-from"), node.attribute("data-to")) {
            assert!(
                node.children().any(|c| c.has_tag_name("path")),
                "an edge without a path"
            );
            drawn.edges.push((
                f.parse().expect("from"),
                t.parse().expect("to"),
                node.attribute("class").unwrap_or_default().to_string(),
            ));
        }
        if node.has_tag_name("text") {
            if let Some(t) = node.text() {
                drawn.text.push(t.to_string());
            }
        }
    }
    drawn
}

/// Every node once, every declared edge once, in declaration order, with its classes.
fn check_complete(graph: &Graph, drawn: &Drawn) {
    let indices: Vec<usize> = drawn.nodes.iter().map(|n| n.0).collect();
    assert_eq!(indices, (0..graph.node_count()).collect::<Vec<_>>());
    let mut expected = Vec::new();
    for (id, _) in graph.nodes() {
        for dep in graph.dependencies(id) {
            expected.push((
                id.index(),
                dep.target.index(),
                dep.edge.required,
                dep.error().is_some(),
            ));
        }
    }
    assert_eq!(drawn.edges.len(), expected.len());
    for ((from, to, classes), (ef, et, required, error)) in drawn.edges.iter().zip(&expected) {
        assert_eq!((*from, *to), (*ef, *et));
        assert_eq!(classes.contains("pacto-optional"), !required, "{classes}");
        assert_eq!(classes.contains("pacto-error"), *error, "{classes}");
    }
    for (i, classes, texts) in &drawn.nodes {
        let node = graph.node(NodeIndex::new(*i)).expect("node");
        match node.error() {
            None => {
                assert!(
                    texts.starts_with(&format!("{}|{}", node.name(), node.version()))
                        || node.name().chars().count() > 47,
                    "{texts}"
                );
                assert!(!classes.contains("pacto-failed"));
            }
            Some(_) => assert!(classes.contains("pacto-failed"), "{classes}"),
        }
    }
}

#[test]
fn every_fixture_layout_draws_every_node_and_edge() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&base).expect("fixtures") {
        let dir = entry.expect("entry").path();
        if !dir.join("tree").is_dir() {
            continue;
        }
        let root = std::fs::read_to_string(dir.join("root.txt"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "app".to_string());
        let source = MemorySource::from_dir(&dir.join("tree"));
        let graph = resolve(&source, &root);
        let (svg, layout) = graph::to_svg_with_layout(&graph);
        assert_eq!(layout, SvgLayout::Layered, "{}", dir.display());
        let drawn = parse(&svg);
        assert_eq!(drawn.layout, "layered");
        check_complete(&graph, &drawn);
        seen += 1;
    }
    assert!(seen >= 15);
}

#[test]
fn cycles_conflicts_shared_and_failures_are_marked() {
    let source = MemorySource::from_contracts(&[
        (
            "app",
            "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ../a\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: ../b\n    required: false\n    compatibility: \"^1.0.0\"\n  - ref: ../missing\n    required: true\n    compatibility: \"^1.0.0\"\n",
        ),
        (
            "a",
            "pactoVersion: \"1.0\"\nservice:\n  name: a\n  version: 1.0.0\ndependencies:\n  - ref: ../db1\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: ../app\n    required: true\n    compatibility: \"^1.0.0\"\n",
        ),
        (
            "b",
            "pactoVersion: \"1.0\"\nservice:\n  name: b\n  version: 1.0.0\ndependencies:\n  - ref: ../db2\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: ../a\n    required: true\n    compatibility: \"^1.0.0\"\n",
        ),
        ("db1", "pactoVersion: \"1.0\"\nservice:\n  name: db\n  version: 1.0.0\n"),
        ("db2", "pactoVersion: \"1.0\"\nservice:\n  name: db\n  version: 2.0.0\n"),
    ]);
    let graph = resolve(&source, "app");
    let svg = graph::to_svg(&graph);
    let drawn = parse(&svg);
    check_complete(&graph, &drawn);
    let class_of = |name: &str| {
        drawn
            .nodes
            .iter()
            .find(|n| n.2.starts_with(&format!("{name}|")))
            .map(|n| n.1.clone())
            .unwrap_or_else(|| panic!("no node {name}"))
    };
    assert!(class_of("app").contains("pacto-root"));
    assert!(
        class_of("a").contains("pacto-shared"),
        "a is declared by app and b"
    );
    // The mark sits inside the node (its second line), where no arrowhead can cover it.
    assert!(
        drawn
            .nodes
            .iter()
            .any(|n| n.2.starts_with("a|1.0.0") && n.2.ends_with(" · shared")),
        "{:?}",
        drawn.nodes
    );
    assert!(class_of("a").contains("pacto-on-cycle"));
    assert!(
        drawn
            .nodes
            .iter()
            .filter(|n| n.1.contains("pacto-conflict"))
            .count()
            == 2
    );
    assert!(drawn
        .nodes
        .iter()
        .any(|n| n.1.contains("pacto-failed") && n.2.contains("missing")));
    let cycle_edges: Vec<_> = drawn
        .edges
        .iter()
        .filter(|e| e.2.contains("pacto-cycle"))
        .collect();
    // app -> a -> app and app -> b -> a -> app: four edges on cycles, one closes both.
    assert_eq!(graph.cycles().len(), 2);
    assert_eq!(cycle_edges.len(), 4);
    assert_eq!(drawn.text.iter().filter(|t| *t == "cycle").count(), 1);
    let closing: Vec<_> = drawn
        .edges
        .iter()
        .filter(|e| e.2.contains("pacto-closes-cycle"))
        .collect();
    assert_eq!(closing.len(), 1, "a -> app closes both cycles");
    assert!(drawn.edges.iter().any(|e| e.2.contains("pacto-optional")));
    assert!(svg.contains("stroke-dasharray=\"6 4\""));
}

#[test]
fn hostile_names_are_escaped() {
    let source = MemorySource::from_contracts(&[(
        "app",
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: \"../<script>&\\u0001\\u202e\\\"x'\"\n    required: true\n    compatibility: \"^1.0.0\"\n",
    )]);
    let graph = resolve(&source, "app");
    let svg = graph::to_svg(&graph);
    assert!(!svg.contains("<script"));
    assert!(
        svg.contains("\\u{0001}"),
        "a control character is shown escaped"
    );
    let drawn = parse(&svg);
    check_complete(&graph, &drawn);
}

/// Deterministic pseudo-random numbers (no dev-dependency for a handful of draws).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn random_source(rng: &mut Lcg, n: usize, missing: bool) -> MemorySource {
    let mut source = MemorySource::default();
    for i in 0..n {
        let mut text = format!(
            "pactoVersion: \"1.0\"\nservice:\n  name: s{}\n  version: 1.{}.0\n",
            i % (n / 2 + 1),
            i % 3
        );
        let degree = rng.below(4) + usize::from(i == 0);
        if degree > 0 {
            text.push_str("dependencies:\n");
        }
        for _ in 0..degree {
            // Any target: self edges, parallel edges, back edges, and now and then a missing one.
            let j = rng.below(n + usize::from(missing));
            let required = rng.below(3) > 0;
            let _ = write!(
                text,
                "  - ref: ../s{j}\n    required: {required}\n    compatibility: \"^1.0.0\"\n"
            );
        }
        source
            .dirs
            .insert(format!("s{i}"), pacto_core::Bundle::from_contract(&text));
    }
    source
}

#[test]
fn random_graphs_of_every_shape_draw_without_panicking() {
    let mut rng = Lcg(0x5eed);
    for round in 0..400 {
        let n = 1 + rng.below(if round % 10 == 0 { 60 } else { 14 });
        let source = random_source(&mut rng, n, round % 3 == 0);
        let graph = resolve(&source, "s0");
        let (svg, layout) = graph::to_svg_with_layout(&graph);
        let expected = if graph.node_count() <= LAYOUT_LIMIT {
            SvgLayout::Layered
        } else {
            SvgLayout::Grid
        };
        assert_eq!(layout, expected);
        check_complete(&graph, &parse(&svg));
    }
}

#[test]
fn large_graphs_fall_back_to_a_grid_then_a_summary() {
    let mut rng = Lcg(7);
    let source = random_source(&mut rng, LAYOUT_LIMIT + 80, false);
    let graph = resolve(&source, "s0");
    assert!(graph.node_count() > LAYOUT_LIMIT, "{}", graph.node_count());
    let (svg, layout) = graph::to_svg_with_layout(&graph);
    assert_eq!(layout, SvgLayout::Grid);
    check_complete(&graph, &parse(&svg));

    // A chain longer than the drawing limit.
    let mut source = MemorySource::default();
    for i in 0..=DRAW_LIMIT {
        let mut text = format!("pactoVersion: \"1.0\"\nservice:\n  name: s{i}\n  version: 1.0.0\n");
        if i < DRAW_LIMIT {
            let _ = write!(text, "dependencies:\n  - ref: ../s{}\n    required: true\n    compatibility: \"^1.0.0\"\n", i + 1);
        }
        source
            .dirs
            .insert(format!("s{i}"), pacto_core::Bundle::from_contract(&text));
    }
    let graph = resolve(&source, "s0");
    let (svg, layout) = graph::to_svg_with_layout(&graph);
    assert_eq!(layout, SvgLayout::Summary);
    let drawn = parse(&svg);
    assert!(drawn.nodes.is_empty());
    assert!(drawn
        .text
        .iter()
        .any(|t| t.contains(&format!("{} services", DRAW_LIMIT + 1))
            && t.contains("too many to draw")));
}

/// `PACTO_SVG_DUMP=dir cargo test --test graph_svg dump` writes the drawings to look at them.
#[test]
fn dump() {
    let Some(dir) = std::env::var_os("PACTO_SVG_DUMP") else {
        return;
    };
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_fixtures");
    for name in [
        "diamond",
        "conflict",
        "failures",
        "self-cycle",
        "long-cycle",
        "doc-full",
        "mutual-siblings",
        "cycle-to-root",
    ] {
        let source = MemorySource::from_dir(&base.join(name).join("tree"));
        let root = std::fs::read_to_string(base.join(name).join("root.txt"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "app".into());
        let graph = resolve(&source, &root);
        std::fs::write(
            Path::new(&dir).join(format!("{name}.svg")),
            graph::to_svg(&graph),
        )
        .expect("write");
    }
    let mut rng = Lcg(11);
    let graph = resolve(&random_source(&mut rng, 40, true), "s0");
    std::fs::write(Path::new(&dir).join("random40.svg"), graph::to_svg(&graph)).expect("write");
    let graph = resolve(&random_source(&mut rng, 300, false), "s0");
    std::fs::write(Path::new(&dir).join("grid300.svg"), graph::to_svg(&graph)).expect("write");
}
