//! Doc: the generated Markdown document, rendered to HTML that cannot run anything
//! (markdown.rs escapes raw HTML and keeps only http(s) links).

use leptos::prelude::*;

use crate::app::AppState;
use crate::markdown::to_safe_html;
use crate::views::kept::kept_view;

/// Table-of-contents links scroll to their heading without touching the URL fragment, which
/// holds the share link.
fn follow_anchor(ev: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href^='#']").ok().flatten())
    else {
        return;
    };
    ev.prevent_default();
    let id = link
        .get_attribute("href")
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string();
    if let Some(heading) = document().get_element_by_id(&id) {
        heading.scroll_into_view();
    }
}

#[component]
pub fn Doc() -> impl IntoView {
    let state = expect_context::<AppState>();
    let html = Memo::new(move |_| {
        state.settled.with(|w| {
            pacto_core::doc::render(&w.bundle(), None)
                .map(|md| to_safe_html(&md))
                .map_err(|d| d.len())
        })
    });
    kept_view(html, "document", |h| {
        view! { <article class="doc markdown" inner_html=h on:click=follow_anchor></article> }
            .into_any()
    })
}
