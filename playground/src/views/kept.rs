//! What Explain and Doc show around their rendering of the contract: while an edit leaves
//! pacto.yaml unparsable for a moment, the last rendering of a contract that parsed stays,
//! marked as out of date, instead of the view emptying under the cursor; and a contract that
//! parses but has errors is rendered as written, with a note saying it is not a valid one.

use leptos::prelude::*;
use pacto_core::Severity;

use crate::app::AppState;
use crate::views::counted;

/// `result` is the view's value from the settled workspace, or the number of problems that keep
/// pacto.yaml from parsing; `noun` names what the view shows ("explanation", "document").
pub fn kept_view<T>(
    result: Memo<Result<T, usize>>,
    noun: &'static str,
    render: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    let last_good = StoredValue::new(None::<T>);
    let errors = Memo::new(move |_| {
        state
            .problems
            .with(|p| p.iter().filter(|d| d.severity == Severity::Error).count())
    });
    move || {
        match result.get() {
        Ok(value) => {
            last_good.set_value(Some(value.clone()));
            view! {
                // The note follows the problems as they change; the rendering only once edits
                // pause, so a keystroke does not render it again.
                {move || {
                    let n = errors.get();
                    (n > 0).then(|| view! {
                        <p class="kept-note" role="status">
                            {format!("The bundle has {} (see Problems): this is the contract as written, not a valid one.", counted(n, "error"))}
                        </p>
                    })
                }}
                {render(value)}
            }
            .into_any()
        }
        Err(n) => match last_good.get_value() {
            Some(value) => view! {
                <p class="kept-note" role="status">
                    {format!("pacto.yaml does not parse ({}): this {noun} is of the last version that did, and out of date.", counted(n, "problem"))}
                </p>
                <div class="stale">{render(value)}</div>
            }
            .into_any(),
            None => view! {
                <p class="empty">
                    {format!("The contract does not parse yet ({}): fix what the Problems panel lists and the {noun} appears here.", counted(n, "problem"))}
                </p>
            }
            .into_any(),
        },
    }
    }
}
