//! Explain, rendered: the contract's summary as headings, lists and tables.

use leptos::prelude::*;
use pacto_core::doc::enum_description;
use pacto_core::Explanation;

use crate::app::AppState;
use crate::views::kept::kept_view;

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "–".into()
    } else {
        s.to_string()
    }
}

fn described(field: &'static str, value: String) -> impl IntoView {
    let note = enum_description(field, &value);
    view! {
        <dd>
            <span class="value">{or_dash(&value)}</span>
            {note.map(|n| view! { <span class="note">{n}</span> })}
        </dd>
    }
}

fn render(e: Explanation) -> impl IntoView {
    let rt = e.runtime;
    let interfaces = (!e.interfaces.is_empty()).then(|| {
        view! {
            <h4>"Interfaces"</h4>
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Type"</th><th scope="col">"Port"</th><th scope="col">"Visibility"</th></tr></thead>
                <tbody>
                    {e.interfaces.into_iter().map(|i| view! {
                        <tr>
                            <td>{i.name}</td>
                            <td>{i.r#type}</td>
                            <td>{i.port.map(|p| p.to_string()).unwrap_or_else(|| "–".into())}</td>
                            <td>{or_dash(&i.visibility)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let dependencies = (!e.dependencies.is_empty()).then(|| {
        view! {
            <h4>"Dependencies"</h4>
            <table>
                <thead><tr><th scope="col">"Reference"</th><th scope="col">"Required"</th><th scope="col">"Compatibility"</th></tr></thead>
                <tbody>
                    {e.dependencies.into_iter().map(|d| view! {
                        <tr>
                            <td><code>{d.r#ref}</code></td>
                            <td>{if d.required { "yes" } else { "no" }}</td>
                            <td><code>{or_dash(&d.compatibility)}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let scaling = e.scaling.map(|s| {
        let text = match s.replicas {
            Some(r) => format!("{r} replicas"),
            None => format!("{} to {} replicas", s.min, s.max),
        };
        view! { <h4>"Scaling"</h4><p>{text}</p> }
    });
    let metadata = (!e.metadata.is_empty()).then(|| {
        view! {
            <h4>"Metadata"</h4>
            <dl class="pairs">
                {e.metadata.into_iter().map(|(k, v)| {
                    let v = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    view! { <dt>{k}</dt><dd>{v}</dd> }
                }).collect_view()}
            </dl>
        }
    });
    view! {
        <h3 class="service">{e.name} " " <span class="version">{e.version}</span></h3>
        <p class="meta">
            {(!e.owner.is_empty()).then(|| format!("Owned by {}. ", e.owner))}
            "Pacto " {e.pacto_version}
        </p>
        <h4>"Runtime"</h4>
        <dl class="pairs">
            <dt>"Workload"</dt>{described("runtime.workload", rt.workload_type)}
            <dt>"State"</dt>{described("runtime.state.type", rt.state_type)}
            <dt>"Persistence scope"</dt>{described("runtime.state.persistence.scope", rt.scope)}
            <dt>"Durability"</dt>{described("runtime.state.persistence.durability", rt.durability)}
            <dt>"Data criticality"</dt>{described("runtime.state.dataCriticality", rt.data_criticality)}
        </dl>
        {interfaces}
        {dependencies}
        {scaling}
        {metadata}
    }
}

#[component]
pub fn Explain() -> impl IntoView {
    let state = expect_context::<AppState>();
    let explanation = Memo::new(move |_| {
        state
            .settled
            .with(|w| {
                pacto_core::explanation(&pacto_core::Bundle::from_contract(w.contract_text()))
            })
            .map_err(|d| d.len())
    });
    view! {
        <div class="explain">
            {kept_view(explanation, "explanation", |e| render(e).into_any())}
        </div>
    }
}
