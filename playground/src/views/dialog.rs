//! The one question the playground asks: a name (new file, new folder, rename, the scaffold's
//! service name), in a native modal <dialog>, so focus is trapped and Escape cancels.

use leptos::html;
use leptos::prelude::*;

use crate::app::{Actions, AppState};

#[component]
pub fn NameDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let input_ref = NodeRef::<html::Input>::new();
    let error = RwSignal::new(String::new());

    Effect::new(move |_| {
        let prompt = state.prompt.get();
        let (Some(dialog), Some(input)) = (dialog_ref.get(), input_ref.get()) else {
            return;
        };
        match prompt {
            Some(p) => {
                error.set(String::new());
                input.set_value(&p.initial());
                if !dialog.open() {
                    let _ = dialog.show_modal();
                }
                input.select();
            }
            None => {
                if dialog.open() {
                    dialog.close();
                }
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = input_ref.get().map(|i| i.value()).unwrap_or_default();
        match actions.answer(&value) {
            Ok(()) => state.prompt.set(None),
            Err(e) => error.set(e),
        }
    };
    let title = move || state.prompt.get().map(|p| p.title()).unwrap_or_default();
    let label = move || state.prompt.get().map(|p| p.label()).unwrap_or_default();
    view! {
        <dialog node_ref=dialog_ref class="name-dialog" aria-labelledby="dialog-title"
            on:close=move |_| state.prompt.set(None)>
            <form method="dialog" on:submit=submit>
                <h2 id="dialog-title">{title}</h2>
                <label for="dialog-input">{label}</label>
                <input id="dialog-input" node_ref=input_ref type="text" autocomplete="off" spellcheck="false"
                    aria-describedby="dialog-error" />
                <p id="dialog-error" class="dialog-error" role="alert">{move || error.get()}</p>
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| state.prompt.set(None)>"Cancel"</button>
                    <button type="submit" class="primary">"OK"</button>
                </div>
            </form>
        </dialog>
    }
}
