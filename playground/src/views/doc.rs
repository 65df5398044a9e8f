//! Doc: the generated Markdown document, rendered to HTML that cannot run anything
//! (markdown.rs escapes raw HTML and keeps only http(s) links).

use leptos::prelude::*;

use crate::app::AppState;
use crate::markdown::to_safe_html;

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
    view! {
        {move || match html.get() {
            Ok(h) => view! { <article class="doc markdown" inner_html=h></article> }.into_any(),
            Err(n) => view! {
                <p class="empty">
                    "The contract does not parse yet (" {n} " problem" {if n == 1 { "" } else { "s" }}
                    "): fix what the Problems panel lists and the document appears here."
                </p>
            }.into_any(),
        }}
    }
}
