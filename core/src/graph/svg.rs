//! The dependency graph drawn as SVG: `pacto graph --output-format svg` and the playground's
//! graph view, so a picture needs neither Graphviz nor a megabyte of JavaScript.
//!
//! Placement: up to [`LAYOUT_LIMIT`] nodes, layout-rs's layered layout (Sugiyama style: ranks,
//! crossing reduction, routed curves). It grows like n³ (natively ~50 ms at 100 nodes, 2.3 s at
//! 400), so bigger graphs get a plain layered placement of our own: the breadth-first depth of a
//! node's owning edge is its layer, claim order its place, long layers wrap into rows, edges are
//! straight. Above [`DRAW_LIMIT`] nodes a drawing stops being readable at any zoom, and the SVG
//! says so and summarises the graph instead.
//!
//! The markup is ours, not layout-rs's writer: layout-rs only places (its draw calls are
//! recorded), so every node is a `<g class="pacto-node …" data-node="N">` with a `<title>`, every
//! edge a `<g class="pacto-edge …" data-from data-to>`, colours are presentation attributes a
//! page can override with CSS, and no `<style>` element is needed (pages under a strict CSP).
//! Text is XML-escaped and stripped of characters XML cannot hold.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use petgraph::graph::{EdgeIndex, NodeIndex};

use super::{EdgeKind, Graph};
use crate::reference::short_display;
use crate::safe_text::is_unsafe_char;

/// Largest graph placed by layout-rs; above it, the plain layered placement.
pub const LAYOUT_LIMIT: usize = 60;
/// Largest graph drawn at all; above it, a summary.
pub const DRAW_LIMIT: usize = 2_000;

/// How the SVG was produced (also written as `data-layout` on the root element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvgLayout {
    /// layout-rs's layered layout with routed edges.
    Layered,
    /// Our linear placement for large graphs: layers by depth, straight edges.
    Grid,
    /// Too many nodes to draw: counts and a pointer to the other formats.
    Summary,
}

impl SvgLayout {
    fn as_str(self) -> &'static str {
        match self {
            SvgLayout::Layered => "layered",
            SvgLayout::Grid => "grid",
            SvgLayout::Summary => "summary",
        }
    }
}

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const NODE_HEIGHT: f64 = 44.0;
const MARGIN: f64 = 16.0;
/// Approximate advance of one character at the sizes used (13 px bold / 12 px regular).
const CHAR_WIDTH: f64 = 7.6;
const MAX_LABEL_CHARS: usize = 48;
/// A failed node shows the start of its reason; the whole reason is in its tooltip.
const MAX_REASON_CHARS: usize = 34;

const INK: &str = "#1f2328";
const MUTED: &str = "#59636e";
const EDGE: &str = "#59636e";
const ROOT: &str = "#0969da";
const ERROR: &str = "#cf222e";
const ERROR_FILL: &str = "#ffebe9";
const CONFLICT: &str = "#9a6700";
const CONFLICT_FILL: &str = "#fff8c5";

/// One node as drawn.
struct NodeView {
    title: String,
    subtitle: String,
    tooltip: String,
    classes: Vec<&'static str>,
    width: f64,
}

/// One declared dependency as drawn.
struct EdgeView {
    from: usize,
    to: usize,
    classes: Vec<&'static str>,
    tooltip: String,
    /// Shown on the edge: "cycle" for an edge closing a cycle.
    label: Option<&'static str>,
    error: bool,
    dashed: bool,
}

/// The graph as a standalone SVG document (UTF-8 text, no XML declaration so it can also be
/// inlined in HTML).
pub fn to_svg(graph: &Graph) -> String {
    to_svg_with_layout(graph).0
}

/// [`to_svg`] and the placement it used.
pub fn to_svg_with_layout(graph: &Graph) -> (String, SvgLayout) {
    let (nodes, edges) = views(graph);
    let n = nodes.len();
    if n > DRAW_LIMIT {
        return (summary(graph, &nodes, &edges), SvgLayout::Summary);
    }
    let placed = if n <= LAYOUT_LIMIT {
        layered(&nodes, &edges).map(|p| (p, SvgLayout::Layered))
    } else {
        None
    };
    let (placed, layout) = placed.unwrap_or_else(|| (grid(graph, &nodes, &edges), SvgLayout::Grid));
    (draw(graph, &nodes, &edges, &placed, layout), layout)
}

/// The edges (by id) and nodes on the graph's reported cycles, and the edges that close one.
/// A cycle is a path of refs from the root; its loop starts where the last ref leads back to.
fn cycle_members(graph: &Graph) -> (HashSet<EdgeIndex>, HashSet<usize>, HashSet<EdgeIndex>) {
    let (mut edges, mut nodes, mut closing) = (HashSet::new(), HashSet::new(), HashSet::new());
    for cycle in graph.cycles() {
        let mut at = graph.root();
        let mut path: Vec<(NodeIndex, EdgeIndex)> = Vec::new();
        for reference in cycle.iter().skip(1) {
            let Some(dep) = graph
                .dependencies(at)
                .find(|d| &d.edge.reference == reference)
            else {
                break;
            };
            path.push((at, dep.id));
            at = dep.target;
        }
        let Some(start) = path.iter().position(|(from, _)| *from == at) else {
            continue;
        };
        for (from, edge) in &path[start..] {
            nodes.insert(from.index());
            edges.insert(*edge);
        }
        if let Some((_, last)) = path.last() {
            closing.insert(*last);
        }
    }
    (edges, nodes, closing)
}

fn views(graph: &Graph) -> (Vec<NodeView>, Vec<EdgeView>) {
    let conflicted: HashSet<&str> = graph.conflicts().iter().map(|c| c.name.as_str()).collect();
    let (cycle_edges, on_cycle, closing) = cycle_members(graph);
    let mut edges = Vec::new();
    let mut shared = HashSet::new();
    for (id, _) in graph.nodes() {
        for dep in graph.dependencies(id) {
            let from = id.index();
            let to = dep.target.index();
            let mut classes = vec!["pacto-edge"];
            if !dep.edge.required {
                classes.push("pacto-optional");
            }
            if dep.edge.kind == EdgeKind::Shared {
                classes.push("pacto-shared");
                shared.insert(to);
            }
            let closes = closing.contains(&dep.id) || dep.edge.kind == EdgeKind::Cycle;
            if closes || cycle_edges.contains(&dep.id) {
                classes.push("pacto-cycle");
            }
            if closes {
                classes.push("pacto-closes-cycle");
            }
            let error = dep.error();
            if error.is_some() {
                classes.push("pacto-error");
            }
            let mut tooltip = dep.edge.reference.clone();
            if !dep.edge.compatibility.is_empty() {
                let _ = write!(tooltip, " (compatibility {})", dep.edge.compatibility);
            }
            if !dep.edge.required {
                tooltip.push_str(", optional");
            }
            if let Some(message) = &error {
                let _ = write!(tooltip, ": {message}");
            }
            edges.push(EdgeView {
                from,
                to,
                classes,
                tooltip,
                label: closes.then_some("cycle"),
                error: error.is_some() || closes,
                dashed: !dep.edge.required,
            });
        }
    }
    let nodes = graph
        .nodes()
        .map(|(id, node)| {
            let i = id.index();
            let mut classes = vec!["pacto-node"];
            if i == 0 {
                classes.push("pacto-root");
            }
            let (title, mut subtitle, mut tooltip) = match node.error() {
                None => {
                    let mut subtitle = node.version().to_string();
                    if node.local {
                        subtitle.push_str(" · local");
                    }
                    let mut tooltip = format!("{}@{}", node.name(), node.version());
                    if !node.reference.is_empty() {
                        let _ = write!(tooltip, "\n{}", node.reference);
                    }
                    (node.name().to_string(), subtitle, tooltip)
                }
                Some(message) => {
                    classes.push("pacto-failed");
                    let reference = short_display(&node.reference);
                    let tooltip = format!("{}\n{message}", node.reference);
                    (reference, shorten_to(message, MAX_REASON_CHARS), tooltip)
                }
            };
            if shared.contains(&i) {
                classes.push("pacto-shared");
                tooltip.push_str("\nshared: declared by more than one service");
                // In the node, where no edge can cover it (the edges end on its border).
                if node.error().is_none() {
                    subtitle.push_str(" · shared");
                }
            }
            if conflicted.contains(node.name()) && node.error().is_none() {
                classes.push("pacto-conflict");
                tooltip
                    .push_str("\nversion conflict: this service is resolved at several versions");
            }
            if on_cycle.contains(&i) {
                classes.push("pacto-on-cycle");
            }
            let title = shorten(&title);
            let subtitle = shorten(&subtitle);
            let chars = title.chars().count().max(subtitle.chars().count()).max(6);
            NodeView {
                width: (chars as f64 * CHAR_WIDTH + 28.0).round(),
                title,
                subtitle,
                tooltip,
                classes,
            }
        })
        .collect();
    (nodes, edges)
}

fn shorten(text: &str) -> String {
    shorten_to(text, MAX_LABEL_CHARS)
}

fn shorten_to(text: &str, max: usize) -> String {
    let text = text.lines().next().unwrap_or("");
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Where things are: the top-left corner of each node, and a path per edge.
struct Placement {
    nodes: Vec<(f64, f64)>,
    edges: Vec<EdgePath>,
}

enum EdgePath {
    /// An SVG path `d` from layout-rs, and whether its arrowhead sits at the start (a reversed
    /// back edge) rather than at the end.
    Routed {
        d: String,
        head_at_start: bool,
        mid: (f64, f64),
        /// Bounding box of the curve's points and control points.
        bounds: ((f64, f64), (f64, f64)),
    },
    /// Straight from the source's bottom to the target's top (or a loop for a self edge).
    Straight,
    /// A bow between the two nodes' centres, for the second edge of a pair drawn both ways.
    Bent,
}

/// A curve as layout-rs draws it, and whether it has a head at its start and at its end.
type RecordedArrow = (Vec<(Point, Point)>, (bool, bool));

/// Records what layout-rs draws: node rectangles and edge curves, keyed by the properties we
/// gave them ("n<index>", "e<index>").
#[derive(Default)]
struct Recorder {
    rects: HashMap<usize, (Point, Point)>,
    arrows: HashMap<usize, RecordedArrow>,
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(i) = properties
            .as_deref()
            .and_then(|p| p.strip_prefix('n')?.parse().ok())
        {
            self.rects.insert(i, (xy, size));
        }
    }
    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}
    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(i) = properties
            .as_deref()
            .and_then(|p| p.strip_prefix('e')?.parse().ok())
        {
            self.arrows.insert(i, (path.to_vec(), head));
        }
    }
    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// layout-rs placement. Parallel edges are laid out once and self edges not at all (layout-rs
/// asserts on shapes it does not expect; every pair is still drawn, self edges as loops).
fn layered(nodes: &[NodeView], edges: &[EdgeView]) -> Option<Placement> {
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let look = StyleAttr::simple();
    let handles: Vec<_> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let label = if node.title.is_empty() {
                "?"
            } else {
                node.title.as_str()
            };
            vg.add_node(Element::create_with_properties(
                ShapeKind::new_box(label),
                look.clone(),
                Orientation::TopToBottom,
                Point::new(node.width, NODE_HEIGHT),
                format!("n{i}"),
            ))
        })
        .collect();
    // The first edge of each unordered pair stands for all edges between the two nodes.
    let mut laid: HashMap<(usize, usize), usize> = HashMap::new();
    for (k, edge) in edges.iter().enumerate() {
        let key = (edge.from.min(edge.to), edge.from.max(edge.to));
        if edge.from == edge.to || laid.contains_key(&key) {
            continue;
        }
        laid.insert(key, k);
        let (from, to) = (handles.get(edge.from)?, handles.get(edge.to)?);
        vg.add_edge(
            Arrow::simple_with_properties("", format!("e{k}")),
            *from,
            *to,
        );
    }
    let mut recorder = Recorder::default();
    vg.do_it(false, false, false, &mut recorder);

    let mut placed = Vec::with_capacity(nodes.len());
    for i in 0..nodes.len() {
        let (xy, _) = recorder.rects.get(&i)?;
        placed.push((xy.x, xy.y));
    }
    let paths = edges
        .iter()
        .enumerate()
        .map(|(k, edge)| {
            let key = (edge.from.min(edge.to), edge.from.max(edge.to));
            let Some(&first) = laid.get(&key) else {
                return EdgePath::Straight;
            };
            let Some((path, head)) = recorder.arrows.get(&first) else {
                return EdgePath::Straight;
            };
            // The other direction between the same pair (a two-service cycle) bows beside the
            // laid-out curve instead of hiding under it.
            if k != first && edges.get(first).is_some_and(|f| f.from != edge.from) {
                return EdgePath::Bent;
            }
            routed(path, *head, false)
        })
        .collect();
    Some(Placement {
        nodes: placed,
        edges: paths,
    })
}

/// An SVG path from layout-rs's curve: `M p0 C c0, p1 c1 S …` (see its SVG backend).
fn routed(path: &[(Point, Point)], head: (bool, bool), reversed: bool) -> EdgePath {
    if path.len() < 2 {
        return EdgePath::Straight;
    }
    let mut d = format!(
        "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
        path[0].0.x,
        path[0].0.y,
        path[0].1.x,
        path[0].1.y,
        path[1].0.x,
        path[1].0.y,
        path[1].1.x,
        path[1].1.y
    );
    for point in &path[2..] {
        let _ = write!(
            d,
            " S {:.1} {:.1}, {:.1} {:.1}",
            point.0.x, point.0.y, point.1.x, point.1.y
        );
    }
    let mid = path[path.len() / 2].1;
    let mut bounds = (
        (f64::INFINITY, f64::INFINITY),
        (f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for p in path.iter().flat_map(|(a, b)| [a, b]) {
        bounds.0 = (bounds.0 .0.min(p.x), bounds.0 .1.min(p.y));
        bounds.1 = (bounds.1 .0.max(p.x), bounds.1 .1.max(p.y));
    }
    // layout-rs puts the head where the edge arrives; a reused curve of the opposite edge has
    // its head at the other end.
    let head_at_start = head.0 != reversed;
    EdgePath::Routed {
        d,
        head_at_start,
        mid: (mid.x, mid.y),
        bounds,
    }
}

/// Linear placement for large graphs: layer = depth of the owning edge, rows of at most
/// `ROW` nodes per layer.
fn grid(graph: &Graph, nodes: &[NodeView], edges: &[EdgeView]) -> Placement {
    const ROW: usize = 24;
    const GAP_X: f64 = 24.0;
    const GAP_Y: f64 = 56.0;
    let mut depth = vec![0usize; nodes.len()];
    // Owners are claimed before what they own, so an owner's depth is known first.
    for i in 1..nodes.len() {
        if let Some((owner, _)) = graph.owner(NodeIndex::new(i)) {
            if owner.index() < i {
                depth[i] = depth[owner.index()] + 1;
            }
        }
    }
    let layers = depth.iter().copied().max().unwrap_or(0) + 1;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, d) in depth.iter().enumerate() {
        members[*d].push(i);
    }
    let cell = nodes.iter().map(|n| n.width).fold(0.0, f64::max) + GAP_X;
    let widest = members.iter().map(|m| m.len().min(ROW)).max().unwrap_or(1) as f64 * cell;
    let mut placed = vec![(0.0, 0.0); nodes.len()];
    let mut y = 0.0;
    for layer in &members {
        for row in layer.chunks(ROW) {
            let offset = (widest - row.len() as f64 * cell) / 2.0;
            for (j, &i) in row.iter().enumerate() {
                let x = offset + j as f64 * cell + (cell - GAP_X - nodes[i].width) / 2.0;
                placed[i] = (x, y);
            }
            y += NODE_HEIGHT + GAP_Y;
        }
    }
    Placement {
        nodes: placed,
        edges: edges.iter().map(|_| EdgePath::Straight).collect(),
    }
}

fn draw(
    graph: &Graph,
    nodes: &[NodeView],
    edges: &[EdgeView],
    placed: &Placement,
    layout: SvgLayout,
) -> String {
    // Bounds over nodes and routed curves, then everything shifted by the margin.
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut grow = |x: f64, y: f64| {
        min = (min.0.min(x), min.1.min(y));
        max = (max.0.max(x), max.1.max(y));
    };
    for (node, &(x, y)) in nodes.iter().zip(&placed.nodes) {
        grow(x, y);
        grow(x + node.width, y + NODE_HEIGHT);
    }
    for edge in &placed.edges {
        if let EdgePath::Routed { bounds, .. } = edge {
            grow(bounds.0 .0, bounds.0 .1);
            grow(bounds.1 .0, bounds.1 .1);
        }
    }
    if !min.0.is_finite() {
        min = (0.0, 0.0);
        max = (0.0, 0.0);
    }
    let legend_height = 28.0;
    let width = (max.0 - min.0 + 2.0 * MARGIN).max(420.0);
    let height = max.1 - min.1 + 2.0 * MARGIN + legend_height;
    let (dx, dy) = (MARGIN - min.0, MARGIN - min.1);

    let mut out = String::with_capacity(512 + nodes.len() * 400 + edges.len() * 300);
    header(
        &mut out,
        graph,
        width,
        height,
        layout,
        nodes.len(),
        edges.len(),
    );
    out.push_str("<g class=\"pacto-edges\" fill=\"none\">\n");
    for (edge, path) in edges.iter().zip(&placed.edges) {
        let stroke = if edge.error { ERROR } else { EDGE };
        let marker = if edge.error {
            "pacto-graph-arrow-error"
        } else {
            "pacto-graph-arrow"
        };
        let _ = write!(
            out,
            "<g class=\"{}\" data-from=\"{}\" data-to=\"{}\"><title>{}</title>",
            edge.classes.join(" "),
            edge.from,
            edge.to,
            escape(&edge.tooltip)
        );
        let dash = if edge.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let (d, head_at_start, mid) = match path {
            EdgePath::Routed {
                d,
                head_at_start,
                mid,
                ..
            } => (d.clone(), *head_at_start, (mid.0 + dx, mid.1 + dy)),
            EdgePath::Straight => straight(nodes, placed, edge, dx, dy),
            EdgePath::Bent => bent(nodes, placed, edge, dx, dy),
        };
        let head = if head_at_start {
            "marker-start"
        } else {
            "marker-end"
        };
        let transform = match path {
            EdgePath::Routed { .. } => format!(" transform=\"translate({dx:.1} {dy:.1})\""),
            EdgePath::Straight | EdgePath::Bent => String::new(),
        };
        let _ = write!(
            out,
            "<path d=\"{d}\"{transform} stroke=\"{stroke}\" stroke-width=\"1.5\"{dash} {head}=\"url(#{marker})\"/>"
        );
        if let Some(label) = edge.label {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"600\" fill=\"{ERROR}\" text-anchor=\"middle\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{label}</text>",
                mid.0,
                mid.1 - 4.0
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"pacto-nodes\">\n");
    for (i, (node, &(x, y))) in nodes.iter().zip(&placed.nodes).enumerate() {
        let (x, y) = (x + dx, y + dy);
        let failed = node.classes.contains(&"pacto-failed");
        let conflict = node.classes.contains(&"pacto-conflict");
        let (stroke, fill, stroke_width) = if failed {
            (ERROR, ERROR_FILL, 1.5)
        } else if conflict {
            (CONFLICT, CONFLICT_FILL, 2.0)
        } else if i == 0 {
            (ROOT, "#ffffff", 2.0)
        } else {
            (MUTED, "#ffffff", 1.0)
        };
        let dash = if node.classes.contains(&"pacto-on-cycle") && !failed {
            format!(" stroke=\"{ERROR}\"")
        } else {
            format!(" stroke=\"{stroke}\"")
        };
        let _ = write!(
            out,
            "<g class=\"{}\" data-node=\"{i}\" tabindex=\"0\" role=\"img\" aria-label=\"{}\"><title>{}</title>\
<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{NODE_HEIGHT}\" rx=\"6\" fill=\"{fill}\"{dash} stroke-width=\"{stroke_width}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" font-weight=\"600\" fill=\"{}\" text-anchor=\"middle\">{}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{}\" text-anchor=\"middle\">{}</text>",
            node.classes.join(" "),
            escape(&node.tooltip.replace('\n', ", ")),
            escape(&node.tooltip),
            node.width,
            x + node.width / 2.0,
            y + 18.0,
            if failed { ERROR } else { INK },
            escape(&node.title),
            x + node.width / 2.0,
            y + 34.0,
            if failed { ERROR } else { MUTED },
            escape(&node.subtitle),
        );
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    legend(&mut out, height - legend_height + 4.0);
    out.push_str("</svg>\n");
    out
}

/// A straight edge between two placed nodes (a loop for a self edge), and its midpoint.
fn straight(
    nodes: &[NodeView],
    placed: &Placement,
    edge: &EdgeView,
    dx: f64,
    dy: f64,
) -> (String, bool, (f64, f64)) {
    let at = |i: usize| placed.nodes.get(i).copied().unwrap_or((0.0, 0.0));
    let width = |i: usize| nodes.get(i).map_or(0.0, |n| n.width);
    let (fx, fy) = at(edge.from);
    let (tx, ty) = at(edge.to);
    let (fx, fy, tx, ty) = (fx + dx, fy + dy, tx + dx, ty + dy);
    if edge.from == edge.to {
        let x = fx + width(edge.from);
        let y = fy + NODE_HEIGHT / 2.0;
        let d = format!(
            "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
            x,
            y - 8.0,
            x + 36.0,
            y - 30.0,
            x + 36.0,
            y + 30.0,
            x,
            y + 8.0
        );
        return (d, false, (x + 28.0, y));
    }
    let (sx, sy) = (fx + width(edge.from) / 2.0, fy + NODE_HEIGHT);
    let (ex, ey) = (tx + width(edge.to) / 2.0, ty);
    let (sx, sy, ex, ey) = if ty > fy {
        (sx, sy, ex, ey)
    } else {
        // Pointing up (a back edge): leave from the top, arrive at the bottom.
        (sx, fy, ex, ty + NODE_HEIGHT)
    };
    let d = format!("M {sx:.1} {sy:.1} L {ex:.1} {ey:.1}");
    (d, false, ((sx + ex) / 2.0, (sy + ey) / 2.0))
}

/// A quadratic bow from the source's edge to the target's, 36 px to the side of the line
/// between their centres, and its midpoint.
fn bent(
    nodes: &[NodeView],
    placed: &Placement,
    edge: &EdgeView,
    dx: f64,
    dy: f64,
) -> (String, bool, (f64, f64)) {
    let centre = |i: usize| {
        let (x, y) = placed.nodes.get(i).copied().unwrap_or((0.0, 0.0));
        let w = nodes.get(i).map_or(0.0, |n| n.width);
        (x + dx + w / 2.0, y + dy + NODE_HEIGHT / 2.0)
    };
    let ((fx, fy), (tx, ty)) = (centre(edge.from), centre(edge.to));
    let (vx, vy) = (tx - fx, ty - fy);
    let length = (vx * vx + vy * vy).sqrt().max(1.0);
    let (ux, uy) = (vx / length, vy / length);
    // Leave and arrive at the boxes' rims (half height along the line), bowed to the right.
    let rim = NODE_HEIGHT / 2.0 + 2.0;
    let (sx, sy) = (fx + ux * rim, fy + uy * rim);
    let (ex, ey) = (tx - ux * rim, ty - uy * rim);
    let (cx, cy) = ((sx + ex) / 2.0 - uy * 36.0, (sy + ey) / 2.0 + ux * 36.0);
    let d = format!("M {sx:.1} {sy:.1} Q {cx:.1} {cy:.1}, {ex:.1} {ey:.1}");
    (
        d,
        false,
        ((sx + ex) / 2.0 - uy * 18.0, (sy + ey) / 2.0 + ux * 18.0),
    )
}

fn header(
    out: &mut String,
    graph: &Graph,
    width: f64,
    height: f64,
    layout: SvgLayout,
    n: usize,
    e: usize,
) {
    let root = graph.root_node();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pacto-graph\" data-layout=\"{}\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"pacto-graph-title\" font-family=\"{FONT}\">\n\
<title id=\"pacto-graph-title\">Dependency graph of {}@{}: {n} service{}, {e} dependenc{}</title>\n\
<defs>\
<marker id=\"pacto-graph-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{EDGE}\"/></marker>\
<marker id=\"pacto-graph-arrow-error\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{ERROR}\"/></marker>\
</defs>\n\
<rect class=\"pacto-background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        layout.as_str(),
        escape(root.name()),
        escape(root.version()),
        if n == 1 { "" } else { "s" },
        if e == 1 { "y" } else { "ies" },
    );
}

fn legend(out: &mut String, y: f64) {
    let _ = writeln!(
        out,
        "<g class=\"pacto-legend\" font-size=\"11\" fill=\"{MUTED}\">\
<line x1=\"{MARGIN}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{EDGE}\" stroke-width=\"1.5\"/><text x=\"{:.1}\" y=\"{:.1}\">required</text>\
<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{EDGE}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"{:.1}\">optional</text>\
<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" rx=\"2\" fill=\"{ERROR_FILL}\" stroke=\"{ERROR}\"/><text x=\"{:.1}\" y=\"{:.1}\">error or cycle</text>\
<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" rx=\"2\" fill=\"{CONFLICT_FILL}\" stroke=\"{CONFLICT}\"/><text x=\"{:.1}\" y=\"{:.1}\">version conflict</text>\
</g>",
        MARGIN + 24.0,
        MARGIN + 30.0,
        y + 4.0,
        MARGIN + 90.0,
        MARGIN + 114.0,
        MARGIN + 120.0,
        y + 4.0,
        MARGIN + 180.0,
        y - 5.0,
        MARGIN + 198.0,
        y + 4.0,
        MARGIN + 290.0,
        y - 5.0,
        MARGIN + 308.0,
        y + 4.0,
    );
}

/// Too many nodes to draw: what the graph holds, and where to see it whole.
fn summary(graph: &Graph, nodes: &[NodeView], edges: &[EdgeView]) -> String {
    let failed = nodes
        .iter()
        .filter(|n| n.classes.contains(&"pacto-failed"))
        .count();
    let names: BTreeSet<&str> = graph
        .nodes()
        .map(|(_, n)| n.name())
        .filter(|n| !n.is_empty())
        .collect();
    let lines = [
        format!(
            "{} services and {} dependencies: too many to draw (the limit is {DRAW_LIMIT}).",
            nodes.len(),
            edges.len()
        ),
        format!(
            "{} distinct service names, {} cycles, {} version conflicts, {} dependencies that could not be loaded.",
            names.len(),
            graph.cycles().len(),
            graph.conflicts().len(),
            failed
        ),
        "See the whole graph with --output-format dot (Graphviz), json or text.".to_string(),
    ];
    let width = 760.0;
    let height = 2.0 * MARGIN + 22.0 * lines.len() as f64;
    let mut out = String::new();
    header(
        &mut out,
        graph,
        width,
        height,
        SvgLayout::Summary,
        nodes.len(),
        edges.len(),
    );
    for (k, line) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"13\" fill=\"{INK}\">{}</text>",
            MARGIN + 14.0 + 22.0 * k as f64,
            escape(line)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// XML text and attribute escaping; control and format characters are written as `\u{…}`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(c),
            // Control and format characters (bidirectional overrides among them) are shown
            // escaped, as everywhere else untrusted text is shown (safe_text).
            c if is_unsafe_char(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
