//! Compare: the editor's bundle against a baseline (a pulled version, a `.tar.gz`, or a snapshot
//! of the editor), dependency graphs included (resolved through the proxy). Recomputed once
//! edits pause (the `settled` workspace), and only the newest computation is shown, so typing
//! never waits for a diff.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pacto_core::diff::{diff_with_graphs, Change, Classification, DiffResult, Location};
use pacto_core::graph::{DepRef, GraphDiff};
use pacto_core::{Code, Diagnostic};
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::app::{Actions, AppState};
use crate::editor;
use crate::registry_client::ProxySource;
use crate::views::registry::{Baseline, RegistryState};

fn value_text(v: &Option<Value>) -> String {
    match v {
        None => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn class_name(c: Classification) -> &'static str {
    match c {
        Classification::Breaking => "breaking",
        Classification::PotentialBreaking => "potential",
        Classification::NonBreaking => "non-breaking",
    }
}

/// Puts the editor's cursor on a change's location in the new files.
fn jump(actions: Actions, state: AppState, location: &Location) {
    if state.ws.with_untracked(|w| w.active != location.file) {
        actions.open_file(&location.file);
    }
    let mut at = Diagnostic::error(Code::ParseError, "", "");
    at.range = Some(location.range);
    editor::select(&at);
}

fn change_rows(changes: Vec<Change>, actions: Actions, state: AppState) -> impl IntoView {
    changes
        .into_iter()
        .map(|c| {
            let class = class_name(c.classification);
            let path_cell = match c.location.clone() {
                Some(loc) => {
                    let label = format!(
                        "{} (line {} of {})",
                        c.path, loc.range.start.line, loc.file
                    );
                    view! {
                        <button type="button" class="link change-path" title=label.clone() aria-label=label
                            on:click=move |_| jump(actions, state, &loc)>{c.path.clone()}</button>
                    }
                    .into_any()
                }
                None => view! { <span class="change-path">{c.path.clone()}</span> }.into_any(),
            };
            view! {
                <tr class=format!("change {class}")>
                    <td><span class=format!("badge {class}")>{c.classification.as_str()}</span></td>
                    <td>{path_cell}<div class="reason">{c.reason.clone()}</div></td>
                    <td class="value">{value_text(&c.old)}</td>
                    <td class="value">{value_text(&c.new)}</td>
                </tr>
            }
        })
        .collect_view()
}

fn graph_changes(diff: Option<GraphDiff>) -> impl IntoView {
    let changes = diff.map(|d| d.changes).unwrap_or_default();
    (!changes.is_empty()).then(|| {
        view! {
            <h4>"Graph changes"</h4>
            <ul class="graph-changes">
                {changes.into_iter().map(|c| {
                    let kind = serde_json::to_value(c.change_type)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let versions = match (c.old_version, c.new_version) {
                        (Some(o), Some(n)) => format!(" {o} → {n}"),
                        (None, Some(n)) => format!(" {n}"),
                        (Some(o), None) => format!(" {o}"),
                        (None, None) => String::new(),
                    };
                    view! { <li><strong>{c.name}</strong>" "{kind}{versions}</li> }
                }).collect_view()}
            </ul>
        }
    })
}

fn result_view(
    result: DiffResult,
    label: String,
    actions: Actions,
    state: AppState,
) -> impl IntoView {
    let overall = result.classification;
    let class = class_name(overall);
    let count = result.changes.len();
    let deps = result.dependency_diffs;
    let warnings = result.warnings;
    view! {
        <p class=format!("verdict {class}") role="status">
            <strong class="verdict-class">{overall.as_str()}</strong>
            <span>{format!(" {count} change{} against {label}", if count == 1 { "" } else { "s" })}</span>
        </p>
        {(count > 0).then(|| view! {
            <table class="changes">
                <thead><tr><th scope="col">"Class"</th><th scope="col">"Path"</th><th scope="col">"Old"</th><th scope="col">"New"</th></tr></thead>
                <tbody>{change_rows(result.changes, actions, state)}</tbody>
            </table>
        })}
        {(!deps.is_empty()).then(|| view! {
            <h4>"Dependency diffs"</h4>
            {deps.into_iter().map(|d| {
                let c = d.result.classification;
                view! {
                    <details class="dependency-diff">
                        <summary><span class=format!("badge {}", class_name(c))>{c.as_str()}</span>" "{d.name.clone()}
                            {format!(" ({} change{})", d.result.changes.len(), if d.result.changes.len() == 1 { "" } else { "s" })}</summary>
                        <ul>{d.result.changes.into_iter().map(|ch| view! {
                            <li><code>{ch.path.clone()}</code>" "{ch.classification.as_str()}": "{value_text(&ch.old)}" → "{value_text(&ch.new)}</li>
                        }).collect_view()}</ul>
                    </details>
                }
            }).collect_view()}
        })}
        {graph_changes(result.graph_diff)}
        {(!warnings.is_empty()).then(|| view! {
            <ul class="diff-warnings">{warnings.into_iter().map(|w| view! {
                <li>{format!("{} side, {}: {}", w.side, w.file, w.message)}</li>
            }).collect_view()}</ul>
        })}
    }
}

#[component]
pub fn Compare() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let reg = expect_context::<RegistryState>();
    let outcome = RwSignal::new(None::<Result<(DiffResult, String), String>>);
    let computing = RwSignal::new(false);
    let generation = StoredValue::new(0u64);

    Effect::new(move |_| {
        let Some(base) = reg.baseline.get() else {
            // Still follow the edits, so setting a baseline later compares the latest text.
            state.settled.track();
            outcome.set(None);
            return;
        };
        let new = state.settled.with(|w| w.bundle());
        // Only the newest computation may show its result.
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        computing.set(true);
        let source = ProxySource {
            proxy: reg.proxy(),
            keyring: reg.keyring.get_value(),
            reuse_recent: true,
        };
        spawn_local(async move {
            let result = diff_with_graphs(
                &base.bundle,
                base.at.clone(),
                &source,
                &new,
                DepRef::Local {
                    path: ".".to_string(),
                },
                &source,
                false,
            )
            .await;
            if generation.get_value() != mine {
                return;
            }
            computing.set(false);
            outcome.set(Some(match result {
                Ok(r) => Ok((r, base.label.clone())),
                Err(e) => Err(format!(
                    "The {} side does not parse: {}",
                    e.side,
                    e.diagnostics
                        .first()
                        .map_or("invalid contract", |d| d.message.as_str())
                )),
            }));
        });
    });

    let snapshot = move |_| {
        let bundle = state.ws.with_untracked(|w| w.bundle());
        let time = js_sys::Date::new_0()
            .to_locale_time_string("en-GB")
            .as_string()
            .unwrap_or_default();
        reg.baseline.set(Some(Baseline {
            label: format!("the snapshot of {time}"),
            bundle,
            at: DepRef::Local {
                path: ".".to_string(),
            },
        }));
    };
    // The picker is made on demand, so the page keeps one file input (the toolbar's "Open…").
    let pick_tarball = move |_| {
        let Some(input) = document()
            .create_element("input")
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        input.set_type("file");
        input.set_accept(".tar.gz,.tgz,application/gzip");
        let chosen = input.clone();
        let on_change = wasm_bindgen::closure::Closure::once_into_js(move || {
            let files: wasm_bindgen::JsValue = chosen.files().map(Into::into).unwrap_or_default();
            let read = editor::read_picked_later(files);
            spawn_local(async move {
                let picked = match read.await {
                    Ok(p) => p,
                    Err(e) => {
                        outcome.set(Some(Err(e)));
                        return;
                    }
                };
                let Some((name, bytes)) = picked.into_iter().next() else {
                    return;
                };
                match pacto_core::archive::unpack(&bytes) {
                    Ok(bundle) => reg.baseline.set(Some(Baseline {
                        label: name,
                        bundle,
                        at: DepRef::Local {
                            path: ".".to_string(),
                        },
                    })),
                    Err(e) => {
                        outcome.set(Some(Err(format!("{name} is not a bundle archive: {e}"))))
                    }
                }
            });
        });
        input.set_onchange(Some(on_change.unchecked_ref()));
        input.click();
    };

    view! {
        <section class="compare-panel" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare"</h2>
            <p class="baseline">{move || match reg.baseline.get() {
                Some(b) => format!("Old side: {}", b.label),
                None => "Choose the old side: pull a version and use it as the baseline, open a .tar.gz, or snapshot the editor.".to_string(),
            }}</p>
            <div class="row">
                <button type="button" on:click=snapshot>"Set the current bundle as baseline"</button>
                <button type="button" on:click=pick_tarball>"Baseline from .tar.gz…"</button>
            </div>
            <p class="progress" aria-live="polite">{move || computing.get().then_some("Comparing…")}</p>
            {move || outcome.get().map(|o| match o {
                Ok((result, label)) => result_view(result, label, actions, state).into_any(),
                Err(e) => view! { <p class="registry-status error" role="alert">{e}</p> }.into_any(),
            })}
        </section>
    }
}
