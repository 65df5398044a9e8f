//! Compare off the main thread. The diff of two bundles (dependency graphs included, resolved
//! through the proxy) can take a few hundred milliseconds on a large OpenAPI document; run on the
//! page's thread it would hold up the keystrokes typed meanwhile. So the page starts one module
//! worker (`worker.js`, which loads this same wasm module) the first time something is compared,
//! and sends it each comparison:
//!
//! - page → worker: `{ header, base, baseDirs, next, nextDirs }`: `header` is the JSON of
//!   [`Header`] (the request id, the proxy, the credentials typed in this page, the old side's
//!   key and where it was loaded from). `base` is `[path, bytes, …]`, sent only when the worker
//!   does not hold that old side yet (a new baseline); `next` is `[path, bytes or null, …]` for
//!   every file of the editor's bundle, `null` for a file unchanged since the previous request
//!   (the worker keeps the last bundle it was sent). The bytes' buffers are transferred, not
//!   copied. So an edit sends the one file that changed, not the megabytes of a large OpenAPI.
//! - worker → page: `{ id, json }` (the core's `DiffResult` as JSON, as the npm package's `diff`
//!   gives it), `{ id, unparsable }` (the editor's side does not parse) or `{ id, error }`; the
//!   last two a sentence for the page.
//!
//! One comparison is in flight at a time; while it runs, only the newest request waits (older
//! ones are dropped: their results would be stale). A worker that fails is dropped and the next
//! request starts a new one. Where no module worker can start, the comparison runs on the page's
//! thread as before.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::task::spawn_local;
use pacto_core::diff::diff_with_graphs;
use pacto_core::graph::DepRef;
use pacto_core::oci::Credentials;
use pacto_core::Bundle;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::registry_client::{Keyring, ProxySource};
use crate::workspace::{FileBody, Workspace};

#[wasm_bindgen(module = "/js/glue.js")]
extern "C" {
    /// `new Worker(<assets>/worker.js, { type: 'module' })`; throws where it cannot.
    #[wasm_bindgen(js_name = startCompareWorker, catch)]
    fn start_compare_worker() -> Result<web_sys::Worker, JsValue>;
}

/// One comparison: the old side and where it came from, the editor's bundle, and how to reach
/// the registries their dependencies live in.
pub struct Request {
    pub id: u64,
    pub base: Arc<Bundle>,
    /// The old side's identity in this page ([`crate::views::registry::Baseline::key`]).
    pub base_key: u64,
    pub base_at: DepRef,
    pub next: Workspace,
    pub proxy: Option<String>,
    pub keyring: Keyring,
}

/// What a comparison gives the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The diff, as the core's `DiffResult` JSON.
    Diff(String),
    /// The editor's side does not parse (for a moment, while typing): what was shown can stay.
    /// The first problem's message.
    NewUnparsable(String),
    /// Anything else: the old side does not parse, the request or the worker failed.
    Failed(String),
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum WireCredentials {
    Basic { username: String, password: String },
    Token { token: String },
}

/// Everything of a request but the files.
#[derive(Serialize, Deserialize)]
struct Header {
    id: u64,
    proxy: Option<String>,
    credentials: Vec<(String, WireCredentials)>,
    base_key: u64,
    base_at: DepRef,
}

fn keyring_to_wire(keyring: &Keyring) -> Vec<(String, WireCredentials)> {
    keyring
        .entries()
        .filter_map(|(host, c)| {
            let wire = match c {
                Credentials::Anonymous => return None,
                Credentials::Basic { username, password } => WireCredentials::Basic {
                    username: username.clone(),
                    password: password.clone(),
                },
                Credentials::Token(token) => WireCredentials::Token {
                    token: token.clone(),
                },
            };
            Some((host.to_string(), wire))
        })
        .collect()
}

fn keyring_from_wire(entries: Vec<(String, WireCredentials)>) -> Keyring {
    let mut keyring = Keyring::default();
    for (host, c) in entries {
        let credentials = match c {
            WireCredentials::Basic { username, password } => {
                Credentials::Basic { username, password }
            }
            WireCredentials::Token { token } => Credentials::Token(token),
        };
        keyring.set(&host, credentials);
    }
    keyring
}

/// `[path, bytes or null, …]` and the list of (empty) directories: `null` for a file given
/// without bytes (unchanged since the last request); the bytes' buffers go in `transfer`.
fn files_to_js<'a>(
    files: impl Iterator<Item = (&'a str, Option<&'a [u8]>)>,
    dirs: impl Iterator<Item = &'a str>,
    transfer: &Array,
) -> (Array, Array) {
    let out = Array::new();
    for (path, bytes) in files {
        out.push(&JsValue::from_str(path));
        match bytes {
            Some(bytes) => {
                let array = Uint8Array::from(bytes);
                transfer.push(&array.buffer());
                out.push(&array);
            }
            None => {
                out.push(&JsValue::NULL);
            }
        }
    }
    (out, dirs.map(JsValue::from_str).collect())
}

/// Reads `[path, bytes or null, …]`; a `null` takes the file from `previous`.
fn bundle_from_js(
    files: &JsValue,
    dirs: &JsValue,
    previous: Option<&Bundle>,
) -> Result<Bundle, String> {
    let files: Array = files.clone().dyn_into().map_err(|_| "no files")?;
    let mut bundle = Bundle::new();
    let mut i = 0;
    while i + 1 < files.length() {
        let path = files.get(i).as_string().ok_or("a file path is not text")?;
        let value = files.get(i + 1);
        let bytes = if value.is_null() {
            previous
                .and_then(|b| b.get(&path))
                .ok_or_else(|| format!("{path} was not sent before"))?
                .to_vec()
        } else {
            value
                .dyn_into::<Uint8Array>()
                .map_err(|_| "no file bytes")?
                .to_vec()
        };
        bundle.insert(path, bytes);
        i += 2;
    }
    if let Ok(dirs) = dirs.clone().dyn_into::<Array>() {
        for dir in dirs.iter().filter_map(|d| d.as_string()) {
            bundle.insert_dir(dir);
        }
    }
    Ok(bundle)
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object created here cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// The comparison itself, wherever it runs.
async fn compare(
    base: &Bundle,
    base_at: DepRef,
    next: &Bundle,
    proxy: Option<String>,
    keyring: Keyring,
) -> Outcome {
    let source = ProxySource {
        proxy,
        keyring,
        reuse_recent: true,
    };
    let new_at = DepRef::Local {
        path: ".".to_string(),
    };
    match diff_with_graphs(base, base_at, &source, next, new_at, &source, false).await {
        Ok(result) => match serde_json::to_string(&result) {
            Ok(json) => Outcome::Diff(json),
            Err(e) => Outcome::Failed(format!("The comparison could not be read: {e}")),
        },
        Err(e) => {
            let first = e
                .diagnostics
                .first()
                .map_or("invalid contract", |d| d.message.as_str());
            if e.side == "new" {
                Outcome::NewUnparsable(first.to_string())
            } else {
                Outcome::Failed(format!("The old side does not parse: {first}"))
            }
        }
    }
}

/// The worker's side: one message in, one answer out (called by `worker.js`).
#[wasm_bindgen(js_name = compareInWorker)]
pub async fn compare_in_worker(message: JsValue) -> JsValue {
    let header: Result<Header, String> = get(&message, "header")
        .as_string()
        .ok_or_else(|| "no header".to_string())
        .and_then(|h| serde_json::from_str(&h).map_err(|e| e.to_string()));
    let answer = Object::new();
    let outcome = match header {
        Err(e) => Outcome::Failed(format!("The comparison request is malformed: {e}")),
        Ok(header) => {
            set(&answer, "id", &JsValue::from_f64(header.id as f64));
            match worker_sides(&message, header.base_key) {
                Err(e) => Outcome::Failed(format!("The comparison request is malformed: {e}")),
                Ok((base, next)) => {
                    compare(
                        &base,
                        header.base_at,
                        &next,
                        header.proxy,
                        keyring_from_wire(header.credentials),
                    )
                    .await
                }
            }
        }
    };
    match outcome {
        Outcome::Diff(json) => set(&answer, "json", &JsValue::from_str(&json)),
        Outcome::NewUnparsable(e) => set(&answer, "unparsable", &JsValue::from_str(&e)),
        Outcome::Failed(e) => set(&answer, "error", &JsValue::from_str(&e)),
    }
    answer.into()
}

thread_local! {
    /// In the worker: the old side it holds, by key, and the last editor's bundle it was sent.
    static WORKER_BASE: RefCell<Option<(u64, Rc<Bundle>)>> = const { RefCell::new(None) };
    static WORKER_NEXT: RefCell<Option<Rc<Bundle>>> = const { RefCell::new(None) };
}

/// Both sides of a request, from what it carries and what the worker kept from before.
fn worker_sides(message: &JsValue, base_key: u64) -> Result<(Rc<Bundle>, Rc<Bundle>), String> {
    let sent_base = get(message, "base");
    let base = if sent_base.is_undefined() || sent_base.is_null() {
        WORKER_BASE
            .with(|b| {
                b.borrow()
                    .as_ref()
                    .filter(|(key, _)| *key == base_key)
                    .map(|(_, bundle)| bundle.clone())
            })
            .ok_or("the old side was not sent")?
    } else {
        let bundle = Rc::new(bundle_from_js(&sent_base, &get(message, "baseDirs"), None)?);
        WORKER_BASE.with(|b| *b.borrow_mut() = Some((base_key, bundle.clone())));
        bundle
    };
    let previous = WORKER_NEXT.with(|n| n.borrow().clone());
    let next = Rc::new(bundle_from_js(
        &get(message, "next"),
        &get(message, "nextDirs"),
        previous.as_deref(),
    )?);
    WORKER_NEXT.with(|n| *n.borrow_mut() = Some(next.clone()));
    Ok((base, next))
}

// ---- the page's side ----

type Done = Box<dyn FnOnce(Outcome)>;

/// The page's worker and what it is doing.
struct Runner {
    worker: web_sys::Worker,
    /// Kept alive as long as the worker: they are its `onmessage` and `onerror`.
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    /// Whether it has answered once: a worker that fails before that cannot run here at all.
    answered: bool,
    /// The request being computed, and who waits for it.
    in_flight: Option<(Request, Done)>,
    /// The newest request that arrived meanwhile.
    queued: Option<(Request, Done)>,
    /// What the worker holds: the old side's key, and the editor's files it was last sent.
    sent_base: Option<u64>,
    sent_next: BTreeMap<String, FileBody>,
}

enum Slot {
    /// Not started yet, or dropped after a failure.
    Idle,
    Running(Box<Runner>),
    /// No module worker here: compare on the page's thread.
    Unavailable,
}

thread_local! {
    static SLOT: RefCell<Slot> = const { RefCell::new(Slot::Idle) };
}

/// Compares `request` and calls `done` with the outcome, unless a newer request replaces it
/// first (then `done` is dropped uncalled). `done` is always called later, never from inside.
pub fn submit(request: Request, done: impl FnOnce(Outcome) + 'static) {
    enqueue(request, Box::new(done));
}

fn enqueue(request: Request, done: Done) {
    let here = SLOT.with(|slot| {
        let mut slot = slot.borrow_mut();
        if matches!(*slot, Slot::Idle) {
            *slot = match start() {
                Some(runner) => Slot::Running(Box::new(runner)),
                None => Slot::Unavailable,
            };
        }
        match &mut *slot {
            Slot::Running(runner) if runner.in_flight.is_some() => {
                runner.queued = Some((request, done));
                None
            }
            Slot::Running(runner) => post(runner, request, done).err(),
            _ => Some(Box::new((request, done))),
        }
    });
    if let Some(job) = here {
        let (request, done) = *job;
        on_this_thread(request, done);
    }
}

fn on_this_thread(request: Request, done: Done) {
    spawn_local(async move {
        let next = request.next.bundle();
        let outcome = compare(
            &request.base,
            request.base_at,
            &next,
            request.proxy,
            request.keyring,
        )
        .await;
        done(outcome);
    });
}

fn start() -> Option<Runner> {
    let worker = start_compare_worker().ok()?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            let data = event.data();
            let id = get(&data, "id").as_f64().map(|n| n as u64);
            let text = |key| get(&data, key).as_string();
            let outcome = if let Some(json) = text("json") {
                Outcome::Diff(json)
            } else if let Some(why) = text("unparsable") {
                Outcome::NewUnparsable(why)
            } else {
                Outcome::Failed(
                    text("error").unwrap_or_else(|| "The comparison gave no answer.".to_string()),
                )
            };
            finished(id, outcome);
        });
    // A worker that cannot start (a policy forbids it, the script does not load) fires a plain
    // `Event`; an exception inside it fires an `ErrorEvent` with the message.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        event.prevent_default();
        let message = event
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .unwrap_or_default();
        failed(if message.is_empty() {
            "The comparison stopped: its worker failed (see the browser console).".to_string()
        } else {
            format!("The comparison stopped: {message}")
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Runner {
        worker,
        _on_message: on_message,
        _on_error: on_error,
        answered: false,
        in_flight: None,
        queued: None,
        sent_base: None,
        sent_next: BTreeMap::new(),
    })
}

/// Sends a request to the worker; gives it back when it cannot be sent.
fn post(runner: &mut Runner, request: Request, done: Done) -> Result<(), Box<(Request, Done)>> {
    let header = Header {
        id: request.id,
        proxy: request.proxy.clone(),
        credentials: keyring_to_wire(&request.keyring),
        base_key: request.base_key,
        base_at: request.base_at.clone(),
    };
    let Ok(header) = serde_json::to_string(&header) else {
        return Err(Box::new((request, done)));
    };
    let message = Object::new();
    let transfer = Array::new();
    set(&message, "header", &JsValue::from_str(&header));
    if runner.sent_base != Some(request.base_key) {
        let (base, base_dirs) = files_to_js(
            request
                .base
                .files()
                .map(|(path, bytes)| (path, Some(bytes))),
            request.base.dirs(),
            &transfer,
        );
        set(&message, "base", &base);
        set(&message, "baseDirs", &base_dirs);
    }
    // A file the worker was sent before, as the same allocation, goes as `null`: nothing is
    // compared byte by byte and an edit sends only the file it changed.
    let sent = &runner.sent_next;
    let (next, next_dirs) = files_to_js(
        request.next.files.iter().map(|(path, body)| {
            let unchanged = sent.get(path).is_some_and(|s| s.same_as(body));
            (path.as_str(), (!unchanged).then(|| body.bytes()))
        }),
        request.next.dirs.iter().map(String::as_str),
        &transfer,
    );
    set(&message, "next", &next);
    set(&message, "nextDirs", &next_dirs);
    match runner
        .worker
        .post_message_with_transfer(&message, &transfer)
    {
        Ok(()) => {
            runner.sent_base = Some(request.base_key);
            runner.sent_next = request.next.files.clone();
            runner.in_flight = Some((request, done));
            Ok(())
        }
        Err(_) => Err(Box::new((request, done))),
    }
}

/// An answer came back: hand it over, then send the newest waiting request.
fn finished(id: Option<u64>, outcome: Outcome) {
    let (done, here) = SLOT.with(|slot| {
        let Slot::Running(runner) = &mut *slot.borrow_mut() else {
            return (None, None);
        };
        runner.answered = true;
        let done = match runner.in_flight.take() {
            Some((request, done)) if Some(request.id) == id => done,
            other => {
                runner.in_flight = other;
                return (None, None);
            }
        };
        let here = runner
            .queued
            .take()
            .and_then(|(request, next)| post(runner, request, next).err());
        (Some(done), here)
    });
    // Called with the slot released: `done` may submit again.
    if let Some(done) = done {
        done(outcome);
    }
    if let Some(job) = here {
        let (request, done) = *job;
        on_this_thread(request, done);
    }
}

/// The worker failed. One that never answered cannot run in this browser (no module workers,
/// or a policy forbids them): from now on the page compares on its own thread, starting with
/// what was waiting. One that had answered before is replaced by a new worker for the next
/// request, and whoever waited hears why.
fn failed(why: String) {
    let (waiting, queued, never_answered) = SLOT.with(|slot| {
        let mut slot = slot.borrow_mut();
        let Slot::Running(runner) = std::mem::replace(&mut *slot, Slot::Idle) else {
            return (None, None, false);
        };
        runner.worker.terminate();
        if !runner.answered {
            *slot = Slot::Unavailable;
        }
        (runner.in_flight, runner.queued, !runner.answered)
    });
    if let Some((request, done)) = waiting {
        if never_answered {
            on_this_thread(request, done);
        } else {
            done(Outcome::Failed(why));
        }
    }
    if let Some((request, done)) = queued {
        enqueue(request, done);
    }
}
