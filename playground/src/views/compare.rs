//! Compare: the editor's bundle against a baseline (a pulled version, a `.tar.gz`, or a snapshot
//! of the editor), dependency graphs included (resolved through the proxy). Recomputed once
//! edits pause (the `settled` workspace), in the compare worker (`compare_worker`), so a large
//! diff never holds up typing; only the newest computation is shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pacto_core::diagnostic::Range;
use pacto_core::graph::DepRef;
use pacto_core::{Code, Diagnostic};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::app::{Actions, AppState};
use crate::compare_worker::{self, Outcome, Request};
use crate::editor;
use crate::views::counted;
use crate::views::registry::{Baseline, RegistryState};

/// A comparison on screen: what it was read from, against what, and what it says.
#[derive(Clone)]
struct Shown {
    json: String,
    label: String,
    result: Compared,
}

/// The parts of the core's `DiffResult` JSON this view shows (the worker sends the JSON).
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Compared {
    classification: String,
    changes: Vec<ChangeRow>,
    #[serde(default)]
    warnings: Vec<WarningRow>,
    #[serde(default)]
    dependency_diffs: Vec<DependencyRow>,
    #[serde(default)]
    graph_diff: Option<GraphRows>,
}

#[derive(Clone, Deserialize)]
struct ChangeRow {
    path: String,
    classification: String,
    reason: String,
    /// Absent when there is no old value; `null` is a value.
    #[serde(default, deserialize_with = "present")]
    old: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    new: Option<Value>,
    #[serde(default)]
    location: Option<LocationRow>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Clone, Deserialize)]
struct LocationRow {
    file: String,
    range: Range,
}

#[derive(Clone, Deserialize)]
struct WarningRow {
    side: String,
    file: String,
    message: String,
}

#[derive(Clone, Deserialize)]
struct DependencyRow {
    name: String,
    classification: String,
    #[serde(default)]
    changes: Vec<ChangeRow>,
}

#[derive(Clone, Deserialize)]
struct GraphRows {
    #[serde(default)]
    changes: Vec<NodeChangeRow>,
}

#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NodeChangeRow {
    name: String,
    change_type: String,
    #[serde(default)]
    old_version: Option<String>,
    #[serde(default)]
    new_version: Option<String>,
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The CSS class of a classification (`BREAKING`, `POTENTIAL_BREAKING`, `NON_BREAKING`).
fn class_name(c: &str) -> &'static str {
    match c {
        "BREAKING" => "breaking",
        "POTENTIAL_BREAKING" => "potential",
        _ => "non-breaking",
    }
}

/// Puts the editor's cursor on a change's location in the new files.
fn jump(actions: Actions, state: AppState, location: &LocationRow) {
    if state.ws.with_untracked(|w| w.active != location.file) {
        actions.open_file(&location.file);
    }
    let mut at = Diagnostic::error(Code::ParseError, "", "");
    at.range = Some(location.range);
    editor::select(&at);
}

fn change_rows(changes: Vec<ChangeRow>, actions: Actions, state: AppState) -> impl IntoView {
    changes
        .into_iter()
        .map(|c| {
            let class = class_name(&c.classification);
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
                <li class=format!("change {class}")>
                    <div class="change-head">
                        <span class=format!("badge {class}")>{c.classification.clone()}</span>
                        {path_cell}
                    </div>
                    <div class="reason">{c.reason.clone()}</div>
                    <div class="values">
                        <code class="old">{value_text(&c.old)}</code>
                        <span class="arrow">" → "</span>
                        <code class="new">{value_text(&c.new)}</code>
                    </div>
                </li>
            }
        })
        .collect_view()
}

/// How many change rows are drawn before "Show all": a diff of thousands of changes lands in
/// the page at once, and drawing every row would hold up the next keystrokes.
const FIRST_ROWS: usize = 200;

/// The classes in the order changes are listed (the worst first), with their filter labels.
const CLASSES: [(&str, &str); 3] = [
    ("BREAKING", "Breaking"),
    ("POTENTIAL_BREAKING", "Potentially breaking"),
    ("NON_BREAKING", "Non-breaking"),
];

fn rank(classification: &str) -> usize {
    CLASSES
        .iter()
        .position(|(c, _)| *c == classification)
        .unwrap_or(CLASSES.len() - 1)
}

fn change_table(mut changes: Vec<ChangeRow>, actions: Actions, state: AppState) -> impl IntoView {
    // The worst first (in the core's order within a class), so none hides behind "Show all".
    changes.sort_by_key(|c| rank(&c.classification));
    let counts = CLASSES.map(|(class, _)| {
        changes
            .iter()
            .filter(|c| rank(&c.classification) == rank(class))
            .count()
    });
    let changes = StoredValue::new(changes);
    // Which classes are listed (toggled by the filter buttons), and whether past FIRST_ROWS.
    let listed = RwSignal::new([true; 3]);
    let all = RwSignal::new(false);
    // How many changes the listed classes hold.
    let chosen = Memo::new(move |_| {
        let listed = listed.get();
        (0..CLASSES.len())
            .filter(|i| listed[*i])
            .map(|i| counts[i])
            .sum::<usize>()
    });
    view! {
        <div class="change-filter" role="group" aria-label="Show changes of these classes">
            {CLASSES.iter().enumerate().filter(|(i, _)| counts[*i] > 0).map(|(i, (class, label))| view! {
                <button type="button" class=format!("filter {}", class_name(class))
                    aria-pressed=move || listed.get()[i].to_string()
                    on:click=move |_| listed.update(|l| l[i] = !l[i])>
                    {format!("{label} ({})", counts[i])}
                </button>
            }).collect_view()}
        </div>
        {move || {
            let listed = listed.get();
            let limit = if all.get() { usize::MAX } else { FIRST_ROWS };
            let rows: Vec<ChangeRow> = changes.with_value(|cs| {
                cs.iter()
                    .filter(|c| listed[rank(&c.classification)])
                    .take(limit)
                    .cloned()
                    .collect()
            });
            view! { <ol class="changes" aria-label="Changes">{change_rows(rows, actions, state)}</ol> }
        }}
        {move || {
            let hidden = chosen.get().saturating_sub(FIRST_ROWS);
            (hidden > 0 && !all.get()).then(|| view! {
                <p class="more-changes">
                    <button type="button" on:click=move |_| all.set(true)>
                        {format!("Show the other {}", counted(hidden, "change"))}
                    </button>
                </p>
            })
        }}
    }
}

fn graph_changes(diff: Option<GraphRows>) -> impl IntoView {
    let changes = diff.map(|d| d.changes).unwrap_or_default();
    (!changes.is_empty()).then(|| {
        view! {
            <h4>"Graph changes"</h4>
            <ul class="graph-changes">
                {changes.into_iter().map(|c| {
                    let kind = c.change_type;
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
    result: Compared,
    label: String,
    actions: Actions,
    state: AppState,
) -> impl IntoView {
    let overall = result.classification;
    let class = class_name(&overall);
    let count = result.changes.len();
    let deps = result.dependency_diffs;
    let warnings = result.warnings;
    view! {
        <p class=format!("verdict {class}") role="status">
            <strong class="verdict-class">{overall.clone()}</strong>
            <span>{format!(" {} against {label}", counted(count, "change"))}</span>
        </p>
        {(count > 0).then(|| change_table(result.changes, actions, state))}
        {(!deps.is_empty()).then(|| view! {
            <h4>"Dependency diffs"</h4>
            {deps.into_iter().map(|d| {
                let n = d.changes.len();
                view! {
                    <details class="dependency-diff">
                        <summary><span class=format!("badge {}", class_name(&d.classification))>{d.classification.clone()}</span>" "{d.name.clone()}
                            {format!(" ({})", counted(n, "change"))}</summary>
                        <ul>{d.changes.into_iter().map(|ch| view! {
                            <li><code>{ch.path.clone()}</code>" "{ch.classification.clone()}": "{value_text(&ch.old)}" → "{value_text(&ch.new)}</li>
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
    // The result on screen, with the JSON it was read from: an equal answer (typing back to
    // what was compared) leaves the page alone instead of drawing the same table again.
    let shown = RwSignal::new(None::<Shown>);
    // Set while the editor's side does not parse: the result below stays, marked out of date.
    let stale = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let computing = RwSignal::new(false);
    let generation = StoredValue::new(0u64);

    Effect::new(move |_| {
        // Compared again once the proxy's configuration arrives: dependencies resolve through it.
        reg.config.track();
        let Some(base) = reg.baseline.get() else {
            // Still follow the edits, so setting a baseline later compares the latest text.
            state.settled.track();
            shown.set(None);
            stale.set(None);
            return;
        };
        let next = state.settled.get();
        // Only the newest computation may show its result.
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        computing.set(true);
        let request = Request {
            id: mine,
            base: base.bundle,
            base_key: base.key,
            base_at: base.at,
            next,
            proxy: reg.proxy(),
            keyring: reg.keyring.get_value(),
        };
        let label = base.label;
        compare_worker::submit(request, move |outcome| {
            if generation.get_value() != mine {
                return;
            }
            computing.set(false);
            match outcome {
                Outcome::Diff(json) => {
                    failure.set(None);
                    stale.set(None);
                    let same = shown.with_untracked(|s| {
                        s.as_ref()
                            .is_some_and(|s| s.json == json && s.label == label)
                    });
                    if !same {
                        match serde_json::from_str::<Compared>(&json) {
                            Ok(result) => shown.set(Some(Shown {
                                json,
                                label,
                                result,
                            })),
                            Err(e) => {
                                shown.set(None);
                                failure.set(Some(format!("The comparison could not be read: {e}")));
                            }
                        }
                    }
                }
                Outcome::NewUnparsable(why) => {
                    if shown.with_untracked(Option::is_some) {
                        failure.set(None);
                        stale.set(Some(format!(
                            "The editor's bundle does not parse ({why}): below is the comparison \
                             of the last version that did, out of date."
                        )));
                    } else {
                        failure.set(Some(format!("The new side does not parse: {why}")));
                    }
                }
                Outcome::Failed(why) => {
                    shown.set(None);
                    stale.set(None);
                    failure.set(Some(why));
                }
            }
        });
    });

    let snapshot = move |_| {
        let bundle = state.ws.with_untracked(|w| w.bundle());
        let time = js_sys::Date::new_0()
            .to_locale_time_string("en-GB")
            .as_string()
            .unwrap_or_default();
        reg.baseline.set(Some(Baseline::new(
            format!("the snapshot of {time}"),
            bundle,
            DepRef::Local {
                path: ".".to_string(),
            },
        )));
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
                        failure.set(Some(e));
                        return;
                    }
                };
                let Some((name, bytes)) = picked.into_iter().next() else {
                    return;
                };
                match pacto_core::archive::unpack(&bytes) {
                    Ok(bundle) => reg.baseline.set(Some(Baseline::new(
                        name,
                        bundle,
                        DepRef::Local {
                            path: ".".to_string(),
                        },
                    ))),
                    Err(e) => failure.set(Some(format!("{name} is not a bundle archive: {e}"))),
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
            {move || failure.get().map(|e| view! { <p class="registry-status error" role="alert">{e}</p> })}
            {move || stale.get().map(|n| view! { <p class="kept-note" role="status">{n}</p> })}
            {move || shown.get().map(|s| view! {
                <div class="compare-result" class:stale=move || stale.with(Option::is_some)>
                    {result_view(s.result, s.label, actions, state)}
                </div>
            })}
        </section>
    }
}
