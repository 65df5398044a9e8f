//! "Problems (N)": every diagnostic of the contract, sorted by position. A row moves the cursor
//! to its range (click or Enter); a missing-file row offers to create the file.

use leptos::prelude::*;
use pacto_core::{Code, Diagnostic, Severity};

use crate::app::{Actions, AppState};
use crate::views::counted;

/// `line:column`, or `–` for a diagnostic about the whole contract.
pub fn position(d: &Diagnostic) -> String {
    match d.range {
        Some(r) => format!("{}:{}", r.start.line, r.start.column),
        None => "–".into(),
    }
}

/// What a screen reader announces after each check.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    match (errors, warnings) {
        (0, 0) => "No problems: the contract is valid.".into(),
        (0, w) => format!("The contract is valid, with {}.", counted(w, "warning")),
        (e, w) => format!(
            "{}{}: the contract is invalid.",
            counted(e, "error"),
            match w {
                0 => String::new(),
                w => format!(", {}", counted(w, "warning")),
            }
        ),
    }
}

fn move_between_rows(ev: leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let forward = match ev.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return,
    };
    let Some(row) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest(".problem").ok().flatten())
    else {
        return;
    };
    let sibling = if forward {
        row.next_element_sibling()
    } else {
        row.previous_element_sibling()
    };
    if let Some(button) = sibling
        .and_then(|s| s.query_selector(".problem-row").ok().flatten())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        ev.prevent_default();
        let _ = button.focus();
    }
}

#[component]
pub fn Problems() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let problems = state.problems;
    let missing = state.missing;
    let rows = move || {
        problems
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let pos = position(&d);
                // A missing file the contract names here can be created from the row.
                let create = (d.code == Code::FileNotFound)
                    .then(|| {
                        missing
                            .get_untracked()
                            .into_iter()
                            .find(|m| m.field == d.path)
                    })
                    .flatten();
                let target = d.clone();
                view! {
                    <li class="problem" class:error=severity == "error" class:warning=severity == "warning">
                        <button
                            type="button"
                            class="problem-row"
                            data-index=i.to_string()
                            on:click=move |_| actions.go_to(&target)
                        >
                            // The spaces between the cells make the row's accessible name
                            // read "error PARSE_ERROR 5:3 service.Owner unknown field …".
                            <span class="sev" aria-hidden="true">{if severity == "error" { "✕" } else { "!" }}</span>
                            <span class="sev-text">{severity}</span>" "
                            <code class="code">{d.code.as_str()}</code>" "
                            <span class="pos">{pos.clone()}</span>" "
                            <span class="path">{if d.path.is_empty() { "(root)".to_string() } else { d.path.clone() }}</span>" "
                            <span class="msg">{d.message.clone()}</span>
                        </button>
                        {create.map(|m| {
                            let path = m.path.clone();
                            view! {
                                <button type="button" class="create" on:click=move |_| actions.create_missing(&path)>
                                    "Create " {m.path.clone()}
                                </button>
                            }
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="problems" aria-labelledby="problems-title">
            <h2 id="problems-title" class="panel-title">
                "Problems (" {move || problems.with(Vec::len)} ")"
            </h2>
            <p class="sr-only" role="status" aria-live="polite" aria-atomic="true">
                {move || problems.with(|p| summary(p))}
            </p>
            <Show when=move || problems.with(Vec::is_empty)>
                <p class="valid">"✓ No problems: the contract is valid."</p>
            </Show>
            // Up and down move between the rows; Enter (or a click) jumps to the problem.
            <ul class="problem-list" aria-label="Problems" on:keydown=move_between_rows>{rows}</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_say_valid_or_invalid() {
        let e = Diagnostic::error(Code::ParseError, "", "x");
        let w = Diagnostic::warning(Code::TagNotDigest, "", "y");
        assert_eq!(summary(&[]), "No problems: the contract is valid.");
        assert_eq!(
            summary(std::slice::from_ref(&w)),
            "The contract is valid, with 1 warning."
        );
        assert_eq!(
            summary(&[e.clone(), e, w]),
            "2 errors, 1 warning: the contract is invalid."
        );
    }
}
