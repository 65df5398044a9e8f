//! The layout (files | editor + problems | explain/doc) and the actions that change the
//! workspace. Data flows one way: the editor reports edits into the workspace signal, memos
//! derive the diagnostics and views, and an effect hands the diagnostics to the editor.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pacto_core::bundle::CONTRACT_FILE;
use pacto_core::{Diagnostic, Severity};
use wasm_bindgen::JsCast;

use crate::editor;
use crate::share;
use crate::storage;
use crate::templates;
use crate::views::dialog::NameDialog;
use crate::views::doc::Doc;
use crate::views::explain::Explain;
use crate::views::files::Files;
use crate::views::problems::Problems;
use crate::workspace::{from_picked, FileBody, MissingFile, Workspace};

/// The tabs of the views panel beside the editor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SideView {
    Explain,
    Doc,
    Compare,
    Graph,
    Registry,
}

impl SideView {
    pub const ALL: [SideView; 5] = [
        SideView::Explain,
        SideView::Doc,
        SideView::Compare,
        SideView::Graph,
        SideView::Registry,
    ];

    fn label(self) -> &'static str {
        match self {
            SideView::Explain => "Explain",
            SideView::Doc => "Doc",
            SideView::Compare => "Compare",
            SideView::Graph => "Graph",
            SideView::Registry => "Registry",
        }
    }

    fn id(self) -> &'static str {
        match self {
            SideView::Explain => "explain",
            SideView::Doc => "doc",
            SideView::Compare => "compare",
            SideView::Graph => "graph",
            SideView::Registry => "registry",
        }
    }

    /// The views that reach registries through the proxy.
    pub fn uses_registry(self) -> bool {
        matches!(
            self,
            SideView::Compare | SideView::Graph | SideView::Registry
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// What the name dialog is asking for.
#[derive(Clone, PartialEq, Eq)]
pub enum Prompt {
    NewFile,
    NewFolder,
    Rename(String),
    Init,
}

impl Prompt {
    pub fn title(&self) -> String {
        match self {
            Prompt::NewFile => "New file".into(),
            Prompt::NewFolder => "New folder".into(),
            Prompt::Rename(p) => format!("Rename {p}"),
            Prompt::Init => "New bundle from the init scaffold".into(),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Prompt::NewFile => "Path of the file, e.g. interfaces/openapi.yaml".into(),
            Prompt::NewFolder => "Path of the folder, e.g. interfaces".into(),
            Prompt::Rename(_) => "New path".into(),
            Prompt::Init => "Service name".into(),
        }
    }
    pub fn initial(&self) -> String {
        match self {
            Prompt::Rename(p) => p.clone(),
            Prompt::Init => "my-service".into(),
            _ => String::new(),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    /// The workspace before the change the message is about, for its Undo button.
    pub undo: Option<Workspace>,
}

/// Panel sizes in CSS pixels, remembered across visits.
#[derive(Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sizes {
    pub files: f64,
    pub views: f64,
    pub problems: f64,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            files: 220.0,
            views: 460.0,
            problems: 190.0,
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub ws: RwSignal<Workspace>,
    /// `ws` once edits pause (a moment after the last one): what the Explain and Doc views
    /// render, so re-rendering them stays off the keystroke-to-diagnostics path.
    pub settled: RwSignal<Workspace>,
    pub problems: Memo<Vec<Diagnostic>>,
    pub missing: Memo<Vec<MissingFile>>,
    pub prompt: RwSignal<Option<Prompt>>,
    pub message: RwSignal<Option<Message>>,
    pub share_link: RwSignal<Option<String>>,
    pub sizes: RwSignal<Sizes>,
    /// The tab shown in the views panel.
    pub side: RwSignal<SideView>,
}

/// Diagnostics in reading order: whole-contract ones first, then by position, errors first.
fn sorted(report: pacto_core::Report) -> Vec<Diagnostic> {
    let mut all = report.errors;
    all.extend(report.warnings);
    all.sort_by_key(|d| {
        (
            d.range.map(|r| (r.start.line, r.start.column)),
            d.severity != Severity::Error,
        )
    });
    all
}

/// What a new file starts with, so a created interface or schema is already well-formed.
fn starter(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".json") {
        "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"type\": \"object\",\n  \"properties\": {}\n}\n".into()
    } else if lower.contains("openapi") && (lower.ends_with(".yaml") || lower.ends_with(".yml")) {
        "openapi: 3.1.0\ninfo:\n  title: API\n  version: 1.0.0\npaths: {}\n".into()
    } else if lower.ends_with(".proto") {
        "syntax = \"proto3\";\n".into()
    } else {
        String::new()
    }
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn current_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn page_url() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

fn set_hash(fragment: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let url = if fragment.is_empty() {
            // Keep path and query, drop the fragment.
            let href = page_url();
            href.split('#').next().unwrap_or_default().to_string()
        } else {
            format!("#{fragment}")
        };
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[derive(Clone, Copy)]
pub struct Actions {
    state: AppState,
    /// The fragment this page last wrote, to tell our own updates from a pasted link.
    last_hash: StoredValue<String>,
}

impl Actions {
    pub fn say(&self, text: impl Into<String>, error: bool, undo: Option<Workspace>) {
        self.state.message.set(Some(Message {
            text: text.into(),
            error,
            undo,
        }));
    }

    /// Replaces the workspace (a template, an opened bundle, a link); Undo brings the old back.
    pub fn load(&self, ws: Workspace, what: &str) {
        let previous = self.state.ws.get_untracked();
        editor::forget_all();
        let (active, text) = (
            ws.active.clone(),
            ws.text(&ws.active).unwrap_or("").to_string(),
        );
        // A new bundle is not typing: the views show it at once.
        self.state.settled.set(ws.clone());
        self.state.ws.set(ws);
        editor::open(&active, &text);
        if !what.is_empty() {
            self.say(what, false, Some(previous));
        }
    }

    pub fn undo(&self, previous: Workspace) {
        self.load(previous, "");
        self.say("Undone.", false, None);
    }

    pub fn open_file(&self, path: &str) {
        let found = self
            .state
            .ws
            .with_untracked(|w| w.text(path).map(str::to_string));
        match found {
            Some(text) => {
                editor::open(path, &text);
                let path = path.to_string();
                self.state.ws.update(|w| w.active = path);
            }
            None => self.say(
                format!("{path} is not text: it stays in the bundle as it is, but cannot be edited here."),
                false,
                None,
            ),
        }
    }

    /// An edit from the editor (after the keystroke was applied).
    pub fn edited(&self, path: String, text: String) {
        self.state.ws.maybe_update(|w| w.set_text(&path, text));
    }

    pub fn go_to(&self, d: &Diagnostic) {
        if self.state.ws.with_untracked(|w| w.active != CONTRACT_FILE) {
            self.open_file(CONTRACT_FILE);
        }
        editor::select(d);
    }

    /// F8 / Shift+F8: the next (previous) problem after (before) the cursor, wrapping around.
    pub fn next_problem(&self, forward: bool) {
        let problems = self.state.problems.get_untracked();
        if problems.is_empty() {
            self.say("No problems: the contract is valid.", false, None);
            return;
        }
        let on_contract = self.state.ws.with_untracked(|w| w.active == CONTRACT_FILE);
        let cursor = if on_contract {
            editor::cursor().unwrap_or((1, 1))
        } else {
            (0, 0)
        };
        let start = |d: &Diagnostic| d.range.map_or((0, 0), |r| (r.start.line, r.start.column));
        let target = if forward {
            problems
                .iter()
                .find(|d| start(d) > cursor)
                .or(problems.first())
        } else {
            problems
                .iter()
                .rev()
                .find(|d| start(d) < cursor)
                .or(problems.last())
        };
        if let Some(d) = target {
            self.go_to(&d.clone());
        }
    }

    pub fn create_missing(&self, path: &str) {
        let result = self
            .state
            .ws
            .try_update(|w| w.add_file(path, starter(path)));
        match result {
            Some(Ok(path)) => {
                self.open_file(&path);
                self.say(format!("Created {path}."), false, None);
            }
            Some(Err(e)) => self.say(e, true, None),
            None => {}
        }
    }

    pub fn delete(&self, path: &str) {
        let previous = self.state.ws.get_untracked();
        let was_active = previous.active.clone();
        match self.state.ws.try_update(|w| w.delete(path)) {
            Some(Ok(())) => {
                let active = self.state.ws.with_untracked(|w| w.active.clone());
                if active != was_active {
                    self.open_file(&active);
                }
                // After switching away: the editor files the state it leaves under its path.
                editor::forget(path);
                self.say(format!("Deleted {path}."), false, Some(previous));
            }
            Some(Err(e)) => self.say(e, true, None),
            None => {}
        }
    }

    pub fn ask(&self, prompt: Prompt) {
        self.state.prompt.set(Some(prompt));
    }

    /// The name dialog's answer; an error keeps the dialog open with the reason.
    pub fn answer(&self, value: &str) -> Result<(), String> {
        let Some(prompt) = self.state.prompt.get_untracked() else {
            return Ok(());
        };
        match prompt {
            Prompt::NewFile => {
                let path = self
                    .state
                    .ws
                    .try_update(|w| w.add_file(value, starter(value)))
                    .unwrap_or_else(|| Err("the workspace is gone".into()))?;
                self.open_file(&path);
            }
            Prompt::NewFolder => {
                self.state
                    .ws
                    .try_update(|w| w.add_folder(value))
                    .unwrap_or_else(|| Err("the workspace is gone".into()))?;
            }
            Prompt::Rename(from) => {
                let mut probe = self.state.ws.get_untracked();
                probe.rename(&from, value)?;
                let was_active = self.state.ws.with_untracked(|w| w.active.clone());
                self.state.ws.set(probe);
                let active = self.state.ws.with_untracked(|w| w.active.clone());
                if active != was_active {
                    self.open_file(&active);
                }
                editor::forget(&from);
            }
            Prompt::Init => {
                let name = value.trim().to_string();
                let ws = templates::scaffold(&name)?;
                self.load(ws, &format!("New bundle {name} from the init scaffold."));
            }
        }
        Ok(())
    }

    pub fn template(&self, id: &str) {
        if id == "init" {
            self.ask(Prompt::Init);
        } else if let Some(ws) = templates::example(id) {
            let label = templates::EXAMPLES
                .iter()
                .find(|t| t.id == id)
                .map_or(id, |t| t.label);
            self.load(ws, &format!("Loaded the template “{label}”."));
        }
    }

    pub fn download(&self) {
        let (bundle, name) = self
            .state
            .ws
            .with_untracked(|w| (w.bundle(), w.archive_name()));
        match pacto_core::archive::pack(&bundle) {
            Ok(bytes) => {
                editor::download_bytes(&name, &bytes, "application/gzip");
                self.say(format!("Downloaded {name}."), false, None);
            }
            Err(e) => self.say(format!("Could not pack the bundle: {e}"), true, None),
        }
    }

    pub fn open_picked(&self, files: Result<Vec<(String, Vec<u8>)>, String>) {
        let count = files.as_ref().map_or(0, Vec::len);
        match files.and_then(from_picked) {
            Ok(ws) => {
                let n = ws.files.len();
                self.load(
                    ws,
                    &format!(
                        "Opened a bundle of {} ({count} read).",
                        crate::views::counted(n, "file")
                    ),
                )
            }
            Err(e) => self.say(e, true, None),
        }
    }

    /// Puts the bundle in the URL fragment and keeps it there (updated at most every second).
    pub fn share(&self) {
        let fragment = match self.state.ws.with_untracked(share::encode) {
            Ok(f) => f,
            Err(e) => return self.say(format!("No link: {e}."), true, None),
        };
        self.write_hash(&fragment);
        let url = page_url();
        self.state.share_link.set(Some(url.clone()));
        let actions = *self;
        spawn_local(async move {
            let copied = editor::copy_text(&url).await;
            let mut text = if copied {
                format!("Link copied ({} characters).", url.len())
            } else {
                format!(
                    "Link ready ({} characters): copy it from the field.",
                    url.len()
                )
            };
            if url.len() > share::LONG_LINK {
                text.push_str(&format!(
                    " It is longer than {} characters: some chat tools and browsers cut such links; download the .tar.gz to share a big bundle.",
                    share::LONG_LINK
                ));
            }
            actions.say(text, false, None);
        });
    }

    fn write_hash(&self, fragment: &str) {
        self.last_hash.set_value(format!("#{fragment}"));
        set_hash(fragment);
    }
}

#[component]
fn Splitter(
    /// Which size this separator changes.
    which: &'static str,
    label: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let vertical = which != "problems";
    let drag = StoredValue::new(None::<(f64, f64)>);
    let get = move |s: &Sizes| match which {
        "files" => s.files,
        "views" => s.views,
        _ => s.problems,
    };
    let set = move |value: f64| {
        let value = value.clamp(120.0, 1200.0);
        state.sizes.update(|s| match which {
            "files" => s.files = value,
            "views" => s.views = value,
            _ => s.problems = value,
        });
    };
    // Moving right widens the files panel; it narrows the views panel. Moving down shrinks problems.
    let sign = if which == "files" { 1.0 } else { -1.0 };
    let pos = move |ev: &ev::PointerEvent| {
        if vertical {
            f64::from(ev.client_x())
        } else {
            f64::from(ev.client_y())
        }
    };
    view! {
        <div
            class="splitter"
            class:vertical=vertical
            class:horizontal=!vertical
            role="separator"
            tabindex="0"
            aria-label=label
            aria-orientation=if vertical { "vertical" } else { "horizontal" }
            aria-valuemin="120"
            aria-valuemax="1200"
            aria-valuenow=move || (get(&state.sizes.get()) as i64).to_string()
            on:pointerdown=move |ev| {
                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
                drag.set_value(Some((pos(&ev), get(&state.sizes.get_untracked()))));
            }
            on:pointermove=move |ev| {
                if let Some((start, size)) = drag.get_value() {
                    set(size + sign * (pos(&ev) - start));
                }
            }
            on:pointerup=move |_| drag.set_value(None)
            on:pointercancel=move |_| drag.set_value(None)
            on:keydown=move |ev| {
                let step = match (vertical, ev.key().as_str()) {
                    (true, "ArrowRight") | (false, "ArrowDown") => 24.0,
                    (true, "ArrowLeft") | (false, "ArrowUp") => -24.0,
                    _ => return,
                };
                ev.prevent_default();
                set(get(&state.sizes.get_untracked()) + sign * step);
            }
        ></div>
    }
}

#[component]
fn MessageBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let actions = expect_context::<Actions>();
    view! {
        <div class="message-bar" role="status" aria-live="polite">
            {move || state.message.get().map(|m| {
                let undo = m.undo.clone();
                view! {
                    <p class="message" class:error=m.error>
                        <span>{m.text.clone()}</span>
                        {undo.map(|u| view! {
                            <button type="button" class="small" on:click=move |_| actions.undo(u.clone())>"Undo"</button>
                        })}
                        <button type="button" class="icon" aria-label="Dismiss message" on:click=move |_| state.message.set(None)>"✕"</button>
                    </p>
                }
            })}
        </div>
    }
}

#[component]
fn SharePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || state.share_link.get().map(|url| {
            let long = url.len() > share::LONG_LINK;
            view! {
                <div class="share-panel" class:long=long>
                    <label for="share-link">"Share link (the bundle lives in the link; nothing is uploaded)"</label>
                    <input id="share-link" type="text" readonly prop:value=url.clone()
                        on:focus=move |ev| {
                            if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                i.select();
                            }
                        } />
                    <button type="button" class="icon" aria-label="Close the share link" on:click=move |_| state.share_link.set(None)>"✕"</button>
                </div>
            }
        })}
    }
}

fn initial_workspace(actions_message: &mut Option<Message>) -> (Workspace, bool) {
    let hash = current_hash();
    if hash.len() > 1 {
        match share::decode(&hash) {
            Ok(ws) => return (ws, true),
            Err(e) => {
                *actions_message = Some(Message {
                    text: format!("The link could not be opened: {e}"),
                    error: true,
                    undo: None,
                })
            }
        }
    }
    if let Some(ws) = storage::get(storage::WORKSPACE).and_then(|j| Workspace::from_json(&j).ok()) {
        return (ws, false);
    }
    let ws = templates::scaffold("my-service").unwrap_or_default();
    (ws, false)
}

#[component]
pub fn App() -> impl IntoView {
    let mut first_message = None;
    let (initial, from_link) = initial_workspace(&mut first_message);
    let ws = RwSignal::new(initial);
    // Validation needs the contract text and which files exist, not their contents: the set of
    // names is memoised so a keystroke re-validates without copying the bundle.
    let names = Memo::new(move |_| {
        ws.with(|w| {
            let mut b = pacto_core::Bundle::new();
            for path in w.files.keys() {
                b.insert(path.clone(), Vec::new());
            }
            for d in &w.dirs {
                b.insert_dir(d.clone());
            }
            b
        })
    });
    let problems = Memo::new(move |_| {
        ws.with(|w| match w.files.get(CONTRACT_FILE) {
            // Not UTF-8: the core says so, with the offset of the first bad byte.
            Some(FileBody::Binary(_)) => sorted(pacto_core::validate(&w.bundle())),
            _ => names.with(|b| sorted(pacto_core::validate_text(w.contract_text(), b))),
        })
    });
    let missing = Memo::new(move |_| ws.with(Workspace::missing_files));
    let sizes = storage::get(storage::SIZES)
        .and_then(|s| serde_json::from_str::<Sizes>(&s).ok())
        .unwrap_or_default();
    let settled = RwSignal::new(ws.get_untracked());
    let state = AppState {
        ws,
        settled,
        problems,
        missing,
        prompt: RwSignal::new(None),
        message: RwSignal::new(first_message),
        share_link: RwSignal::new(None),
        sizes: RwSignal::new(sizes),
        side: RwSignal::new(SideView::Explain),
    };
    let actions = Actions {
        state,
        last_hash: StoredValue::new(current_hash()),
    };
    provide_context(state);
    provide_context(actions);
    crate::views::registry::provide_registry(state, actions);

    let side = state.side;
    let theme = RwSignal::new(Theme::parse(
        &storage::get(storage::THEME).unwrap_or_default(),
    ));
    let share_live = RwSignal::new(from_link);
    let dragging = RwSignal::new(false);
    let editor_ref = NodeRef::<html::Div>::new();
    let open_input = NodeRef::<html::Input>::new();
    let folder_input = NodeRef::<html::Input>::new();

    // The editor mounts once its element exists.
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(el) = editor_ref.get() else {
            return false;
        };
        editor::mount(&el, move |path, text| actions.edited(path, text));
        let (active, text) = ws.with_untracked(|w| {
            (
                w.active.clone(),
                w.text(&w.active).unwrap_or("").to_string(),
            )
        });
        editor::open(&active, &text);
        true
    });

    // A folder picker: the attribute has no typed form in the view macro.
    Effect::new(move |_| {
        if let Some(i) = folder_input.get() {
            i.set_webkitdirectory(true);
        }
    });

    // Diagnostics go to the editor when they change or the contract comes into view.
    let active = Memo::new(move |_| ws.with(|w| w.active.clone()));
    Effect::new(move |_| {
        let on_contract = active.get() == CONTRACT_FILE;
        problems.with(|p| editor::show_diagnostics(if on_contract { p } else { &[] }));
    });

    // The views follow the workspace once edits pause.
    let settle_timer = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    Effect::new(move |_| {
        ws.track();
        if let Some(t) = settle_timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(
            move || settled.set(ws.get_untracked()),
            std::time::Duration::from_millis(120),
        )
        .ok();
        settle_timer.set_value(handle);
    });

    // The workspace is saved shortly after edits stop.
    let save_timer = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let storage_warned = StoredValue::new(false);
    Effect::new(move |_| {
        ws.track();
        if let Some(t) = save_timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let json = ws.with_untracked(Workspace::to_json);
                if let Err(e) = storage::set(storage::WORKSPACE, &json) {
                    if !storage_warned.get_value() {
                        storage_warned.set_value(true);
                        actions.say(
                            format!("Your work is not being saved in this browser: {e}. Download the bundle or share a link to keep it."),
                            true,
                            None,
                        );
                    }
                }
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        save_timer.set_value(handle);
    });

    // Leaving the page saves at once, so the last keystrokes are not lost to the delay above.
    let leaving = window_event_listener(ev::pagehide, move |_| {
        let json = ws.with_untracked(Workspace::to_json);
        let _ = storage::set(storage::WORKSPACE, &json);
    });
    on_cleanup(move || leaving.remove());

    // A shared page keeps its link current, rewriting the fragment at most once a second.
    let share_pending = StoredValue::new(false);
    Effect::new(move |_| {
        ws.track();
        if !share_live.get() || share_pending.get_value() {
            return;
        }
        share_pending.set_value(true);
        set_timeout(
            move || {
                share_pending.set_value(false);
                match ws.with_untracked(share::encode) {
                    Ok(fragment) => actions.write_hash(&fragment),
                    Err(e) => {
                        // Too big now: stop following edits rather than leave a stale link.
                        share_live.set(false);
                        state.share_link.set(None);
                        actions.write_hash("");
                        actions.say(
                            format!("The link no longer follows your edits: {e}."),
                            true,
                            None,
                        );
                        return;
                    }
                }
                if state.share_link.get_untracked().is_some() {
                    state.share_link.set(Some(page_url()));
                }
            },
            std::time::Duration::from_secs(1),
        );
    });

    // Theme and panel sizes apply to the document root and are remembered.
    Effect::new(move |_| {
        let t = theme.get();
        if let Some(root) = document().document_element() {
            let _ = match t {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.as_str()),
            };
        }
        let _ = storage::set(storage::THEME, t.as_str());
    });
    Effect::new(move |_| {
        let s = state.sizes.get();
        if let Some(root) = document()
            .document_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let style = root.style();
            let _ = style.set_property("--files-w", &format!("{}px", s.files));
            let _ = style.set_property("--views-w", &format!("{}px", s.views));
            let _ = style.set_property("--problems-h", &format!("{}px", s.problems));
        }
        if let Ok(json) = serde_json::to_string(&s) {
            let _ = storage::set(storage::SIZES, &json);
        }
    });

    // F8 / Shift+F8 anywhere: the next / previous problem.
    let keys = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "F8" {
            ev.prevent_default();
            actions.next_problem(!ev.shift_key());
        }
    });
    // A link pasted into this tab's address bar opens without a reload.
    let hashes = window_event_listener(ev::hashchange, move |_| {
        let hash = current_hash();
        if hash.len() > 1 && hash != actions.last_hash.get_value() {
            match share::decode(&hash) {
                Ok(ws) => {
                    actions.last_hash.set_value(hash);
                    share_live.set(true);
                    actions.load(ws, "Opened the bundle from the link.");
                }
                Err(e) => actions.say(format!("The link could not be opened: {e}"), true, None),
            }
        }
    });
    on_cleanup(move || {
        keys.remove();
        hashes.remove();
    });

    let share = move |_| {
        share_live.set(true);
        actions.share();
    };
    let pick = move |input: NodeRef<html::Input>| {
        move |_| {
            if let Some(i) = input.get() {
                i.click();
            }
        }
    };
    let picked = move |ev: ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: wasm_bindgen::JsValue = input.files().map(Into::into).unwrap_or_default();
        let read = editor::read_picked_later(files);
        input.set_value("");
        spawn_local(async move { actions.open_picked(read.await) });
    };
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let Some(dt) = ev.data_transfer() else {
            return;
        };
        // The entries must be taken during the event; reading them may finish later.
        let read = editor::read_dropped_later(&dt.into());
        spawn_local(async move { actions.open_picked(read.await) });
    };

    view! {
        <div
            class="app"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <header class="top">
                <h1><span class="logo" aria-hidden="true">"◆"</span>" Pacto playground"</h1>
                <div class="toolbar">
                    <label class="field">
                        <span>"Start from"</span>
                        <select on:change=move |ev| {
                            let id = event_target_value(&ev);
                            if let Some(s) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                                s.set_value("");
                            }
                            actions.template(&id);
                        }>
                            <option value="" selected>"a template…"</option>
                            <option value="init">"New service (init scaffold)…"</option>
                            {templates::EXAMPLES.iter().map(|t| view! { <option value=t.id>{t.label}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="button" on:click=pick(open_input)>"Open…"</button>
                    <button type="button" on:click=pick(folder_input)>"Open folder…"</button>
                    <button type="button" on:click=move |_| actions.download()>"Download .tar.gz"</button>
                    <button type="button" class="primary" on:click=share>"Share"</button>
                    <label class="field">
                        <span>"Theme"</span>
                        <select on:change=move |ev| theme.set(Theme::parse(&event_target_value(&ev)))>
                            <option value="system" selected=move || theme.get() == Theme::System>"System"</option>
                            <option value="light" selected=move || theme.get() == Theme::Light>"Light"</option>
                            <option value="dark" selected=move || theme.get() == Theme::Dark>"Dark"</option>
                        </select>
                    </label>
                </div>
                <input node_ref=open_input type="file" class="hidden-input" tabindex="-1" aria-hidden="true"
                    accept=".tar.gz,.tgz,.yaml,.yml,application/gzip" on:change=picked />
                <input node_ref=folder_input type="file" class="hidden-input" tabindex="-1" aria-hidden="true"
                    multiple on:change=picked />
            </header>
            <MessageBar />
            <SharePanel />
            <main class="workspace">
                <Files />
                <Splitter which="files" label="Resize the files panel" />
                <div class="center">
                    <div class="editor-head">
                        <h2 class="current-file">{move || active.get()}</h2>
                        <span class="hint">"F8 next problem · Ctrl+F search · Esc then Tab leaves the editor"</span>
                    </div>
                    <div class="editor-host" node_ref=editor_ref></div>
                    <Splitter which="problems" label="Resize the problems panel" />
                    <Problems />
                </div>
                <Splitter which="views" label="Resize the views panel" />
                <section class="views" aria-label="Views">
                    // The tabs pattern: one tab stop, arrow keys move between the tabs.
                    <div class="tabs" role="tablist" aria-label="Views of the bundle"
                        on:keydown=move |ev| {
                            let all = SideView::ALL;
                            let at = all.iter().position(|v| *v == side.get_untracked()).unwrap_or(0);
                            let next = match ev.key().as_str() {
                                "ArrowRight" => all[(at + 1) % all.len()],
                                "ArrowLeft" => all[(at + all.len() - 1) % all.len()],
                                "Home" => all[0],
                                "End" => all[all.len() - 1],
                                _ => return,
                            };
                            ev.prevent_default();
                            side.set(next);
                            if let Some(tab) = document()
                                .get_element_by_id(&format!("tab-{}", next.id()))
                                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                            {
                                let _ = tab.focus();
                            }
                        }>
                        {SideView::ALL.into_iter().map(|v| view! {
                            <button type="button" role="tab" id=format!("tab-{}", v.id())
                                aria-controls=format!("panel-{}", v.id())
                                aria-selected=move || (side.get() == v).to_string()
                                tabindex=move || if side.get() == v { "0" } else { "-1" }
                                on:click=move |_| side.set(v)>{v.label()}</button>
                        }).collect_view()}
                    </div>
                    // Explain and Doc are drawn while shown; Compare, Graph and Registry stay
                    // mounted when hidden, so a comparison, a drawing or a form survives a look
                    // at another tab.
                    <div id="panel-explain" class="view-panel" role="tabpanel" tabindex="0"
                        aria-labelledby="tab-explain" hidden=move || side.get() != SideView::Explain>
                        {move || (side.get() == SideView::Explain).then(|| view! { <Explain /> })}
                    </div>
                    <div id="panel-doc" class="view-panel" role="tabpanel" tabindex="0"
                        aria-labelledby="tab-doc" hidden=move || side.get() != SideView::Doc>
                        {move || (side.get() == SideView::Doc).then(|| view! { <Doc /> })}
                    </div>
                    <div id="panel-compare" class="view-panel tool-panel" role="tabpanel" tabindex="0"
                        aria-labelledby="tab-compare" hidden=move || side.get() != SideView::Compare>
                        <crate::views::compare::Compare />
                    </div>
                    <div id="panel-graph" class="view-panel tool-panel" role="tabpanel" tabindex="0"
                        aria-labelledby="tab-graph" hidden=move || side.get() != SideView::Graph>
                        <crate::views::graph::GraphPanel />
                    </div>
                    <div id="panel-registry" class="view-panel tool-panel" role="tabpanel" tabindex="0"
                        aria-labelledby="tab-registry" hidden=move || side.get() != SideView::Registry>
                        <crate::views::registry::RegistryPanel />
                    </div>
                </section>
            </main>
            <NameDialog />
            <p class="drop-hint" aria-hidden="true">"Drop a bundle folder, a pacto.yaml or a .tar.gz to open it"</p>
        </div>
    }
}
