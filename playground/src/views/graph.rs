//! The dependency graph of the editor's bundle, resolved through the proxy and drawn by the
//! core's SVG renderer (`pacto_core::graph::to_svg_with_layout`, the same picture as
//! `pacto graph --output-format svg`). Nodes are focusable: a click (or Enter) shows the
//! contract's summary and can open it in the editor; the SVG can be downloaded.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pacto_core::graph::{self, to_svg_with_layout, Graph, NodeState, SvgLayout};
use wasm_bindgen::JsCast;

use crate::app::{Actions, AppState, SideView};
use crate::editor;
use crate::registry_client::ProxySource;
use crate::views::registry::RegistryState;
use crate::workspace::Workspace;

/// What the drawing depends on in the editor's contract: the root's name and version and each
/// dependency (ref, required, compatibility); `None` while the contract does not parse.
fn graph_key(ws: &Workspace) -> Option<String> {
    let parsed = pacto_core::parse(ws.contract_text()).ok()?;
    let c = &parsed.contract;
    let mut key = format!("{}@{}", c.service.name, c.service.version);
    for d in &c.dependencies {
        key.push_str(&format!("\n{} {} {}", d.r#ref, d.required, d.compatibility));
    }
    Some(key)
}

/// The clicked node's index, from the `data-node` of the `<g>` around the event's target.
fn node_of(ev: &web_sys::Event) -> Option<usize> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let node = target.closest("[data-node]").ok()??;
    node.get_attribute("data-node")?.parse().ok()
}

fn summary(graph: &Graph, index: usize, actions: Actions) -> impl IntoView {
    let Some((_, node)) = graph.nodes().find(|(id, _)| id.index() == index) else {
        return view! { <p>"That node is no longer in the graph."</p> }.into_any();
    };
    let reference = if node.reference.is_empty() {
        "the editor's bundle".to_string()
    } else {
        node.reference.clone()
    };
    match &node.state {
        NodeState::Failed(reason) => view! {
            <div class="node-summary" role="region" aria-label="Selected service">
                <h4>{reference}</h4>
                <p class="registry-status error">{format!("Not loaded: {reason}")}</p>
            </div>
        }
        .into_any(),
        NodeState::Resolved(resolved) => {
            let c = &resolved.contract;
            let title = format!("{} {}", c.service.name, c.service.version);
            let owner = c.service.owner.clone();
            let interfaces: Vec<String> = c
                .interfaces
                .iter()
                .map(|i| format!("{} ({})", i.name, i.r#type))
                .collect();
            let deps: Vec<String> = c.dependencies.iter().map(|d| d.r#ref.clone()).collect();
            let bundle = resolved.bundle.clone();
            let name = title.clone();
            view! {
                <div class="node-summary" role="region" aria-label="Selected service">
                    <h4>{title}</h4>
                    <p class="muted">{reference}</p>
                    {(!owner.is_empty()).then(|| view! { <p>"Owner: "{owner}</p> })}
                    <p>{format!("Interfaces: {}", if interfaces.is_empty() { "none".to_string() } else { interfaces.join(", ") })}</p>
                    <p>{format!("Dependencies: {}", if deps.is_empty() { "none".to_string() } else { deps.join(", ") })}</p>
                    {(index != 0).then(|| view! {
                        <button type="button" on:click=move |_| {
                            actions.load(Workspace::from_bundle(&bundle), &format!("Opened {name} from the graph."));
                        }>"Open in the editor"</button>
                    })}
                </div>
            }
            .into_any()
        }
    }
}

#[component]
pub fn GraphPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let reg = expect_context::<RegistryState>();
    // The graph is not `Send`-free of big data; it lives here, the SVG text in a signal.
    let graph = StoredValue::new(None::<Graph>);
    let svg = RwSignal::new(None::<(String, SvgLayout)>);
    let selected = RwSignal::new(None::<usize>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // Only the newest drawing is shown (a click while the tab redraws on its own).
    let generation = StoredValue::new(0u64);
    // What the picture shows: the root's name and version and its dependencies, as drawn.
    let drawn_key = StoredValue::new(None::<String>);
    let draw_now = move |reuse_recent: bool| {
        busy.set(true);
        error.set(None);
        let bundle = state.ws.with_untracked(Workspace::bundle);
        let key = state.ws.with_untracked(graph_key);
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        spawn_local(async move {
            let source = ProxySource {
                proxy: reg.ready_proxy().await,
                keyring: reg.keyring.get_value(),
                reuse_recent,
            };
            let resolved = graph::resolve(&bundle, ".", &source).await;
            if generation.get_value() != mine {
                return;
            }
            match resolved {
                Ok(g) => {
                    selected.set(None);
                    svg.set(Some(to_svg_with_layout(&g)));
                    graph.set_value(Some(g));
                    drawn_key.set_value(key);
                }
                Err(diagnostics) => error.set(Some(format!(
                    "The contract does not parse: {}",
                    diagnostics
                        .first()
                        .map_or("invalid contract", |d| d.message.as_str())
                ))),
            }
            busy.set(false);
        });
    };
    // The picture follows the bundle while the tab is shown: drawn when first shown, and again
    // when the root's name, version or dependencies change (other edits do not change it).
    // Dependencies resolved in the last few seconds are reused; the button asks the registries.
    Effect::new(move |_| {
        // Hidden, it follows nothing (no parse per edit); shown again, it compares once.
        if state.side.get() != SideView::Graph {
            return;
        }
        let key = state.settled.with(graph_key);
        if key.is_some() && key != drawn_key.get_value() {
            draw_now(true);
        }
    });
    let draw = move |_| draw_now(false);
    let download = move |_| {
        if let Some((text, _)) = svg.get_untracked() {
            editor::download_bytes("pacto-graph.svg", text.as_bytes(), "image/svg+xml");
        }
    };

    view! {
        <section class="graph-panel" aria-labelledby="graph-heading">
            <h2 id="graph-heading">"Graph"</h2>
            <div class="row">
                <button type="button" class="primary" on:click=draw>"Draw the dependency graph"</button>
                <button type="button" on:click=download disabled=move || svg.with(Option::is_none)>"Download SVG"</button>
            </div>
            <p class="progress" aria-live="polite">{move || busy.get().then_some("Resolving the dependencies…")}</p>
            {move || error.get().map(|e| view! { <p class="registry-status error" role="alert">{e}</p> })}
            {move || svg.get().map(|(text, layout)| {
                let note = match layout {
                    SvgLayout::Summary => "Too many services to draw: a summary.",
                    SvgLayout::Grid => "A large graph: a simple layered placement.",
                    SvgLayout::Layered => "Click a service (or focus it and press Enter) for its summary.",
                };
                view! {
                    <p class="muted">{note}</p>
                    <div class="graph-svg" inner_html=text
                        on:click=move |ev| { if let Some(i) = node_of(&ev) { selected.set(Some(i)); } }
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                if let Some(i) = node_of(&ev) {
                                    ev.prevent_default();
                                    selected.set(Some(i));
                                }
                            }
                        }></div>
                }
            })}
            {move || selected.get().and_then(|i| graph.with_value(|g| g.as_ref().map(|g| summary(g, i, actions))))}
        </section>
    }
}
