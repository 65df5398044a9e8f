//! `Transport` over the global `fetch` (Node ≥ 18 and browsers, window or worker).
//!
//! Written against `fetch` directly rather than through gloo-net: gloo-net turns a rejected
//! fetch into its own error and drops `error.cause` (where Node puts `ECONNREFUSED`,
//! `ENOTFOUND`, certificate errors), and it panics (`unreachable!`) when the rejection is not an
//! `Error` object, which would abort the whole wasm instance. Here every JS failure becomes a
//! `TransportError` with the cause's text.
//!
//! Redirects: in Node, requests use `redirect: "manual"` and the core follows 3xx itself, so
//! credentials only ever go to the registry's own origin. Browsers do not expose manual
//! redirects; there fetch follows them and, per the Fetch standard, drops `Authorization` on a
//! cross-origin redirect.
//!
//! Bounds (the same in Node and browsers): bodies are read from `response.body` chunk by chunk
//! through the core's `BodyLimit` (a `Content-Length` over the request's `max_body` is refused
//! before reading, and reading stops one chunk past the limit); every request has an idle timer,
//! re-armed on every chunk, and the operation an overall deadline, both aborting through one
//! `AbortController` per request. A timeout says which host stalled and for how long.
//!
//! Shared by the npm package's wasm (the JS API and the CLI) and the playground, which talks to
//! registries through `pacto serve` with [`FetchTransport::for_page`].

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use pacto_core::oci::{
    parse_content_length, url, BodyLimit, HttpRequest, HttpResponse, Method, Next, Transport,
    TransportError,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Default for the longest wait for a byte (the answer's headers, or the next chunk).
pub const DEFAULT_IDLE_TIMEOUT_MS: f64 = 30_000.0;
/// Default for the longest a whole operation (a push, a pull, a resolve) may take.
pub const DEFAULT_TIMEOUT_MS: f64 = 300_000.0;
/// Upload allowance: waiting for the answer to a request with a body, the idle timeout grows
/// by one second per this many bytes sent (fetch does not report upload progress).
const UPLOAD_BYTES_PER_SECOND: f64 = 256.0 * 1024.0;
/// The name given to the abort reasons of our timers, to tell them from other failures.
const TIMEOUT_ERROR_NAME: &str = "PactoTimeoutError";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, millis: f64) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// The time bounds of one operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeBounds {
    /// No byte for this long fails the request.
    pub idle_timeout_ms: f64,
    /// The whole operation, from the transport's creation, fails after this long.
    pub timeout_ms: f64,
}

impl Default for TimeBounds {
    fn default() -> Self {
        TimeBounds {
            idle_timeout_ms: DEFAULT_IDLE_TIMEOUT_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

/// One transport per operation: its deadline starts when it is made.
pub struct FetchTransport {
    manual_redirects: bool,
    bounds: TimeBounds,
    deadline: f64,
    page: bool,
}

impl FetchTransport {
    pub fn new(bounds: TimeBounds) -> Self {
        FetchTransport {
            manual_redirects: is_node(),
            bounds,
            deadline: date_now() + bounds.timeout_ms,
            page: false,
        }
    }

    /// For a page that talks to registries only through its own `pacto serve`: never the
    /// browser's cookies or cached credentials (only what the user typed goes out) and never
    /// the HTTP cache (tags and manifests are asked for every time).
    pub fn for_page(bounds: TimeBounds) -> Self {
        FetchTransport {
            page: true,
            ..FetchTransport::new(bounds)
        }
    }
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Calls `target[method](...args)`.
fn call(target: &JsValue, method: &str, args: &Array) -> Result<JsValue, TransportError> {
    let function = get(target, method);
    let Some(function) = function.dyn_ref::<Function>() else {
        return Err(TransportError::new(format!(
            "{method} is not available here"
        )));
    };
    Reflect::apply(function, target, args).map_err(|e| failure(&e))
}

/// Node exposes `process.versions.node`; browsers and workers do not.
fn is_node() -> bool {
    let process = get(&js_sys::global(), "process");
    process.is_object() && get(&get(&process, "versions"), "node").is_string()
}

/// `30 s`, `0.5 s`.
fn seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// The host (and port) of a URL, for messages.
fn host_of(request_url: &str) -> String {
    url::origin(request_url)
        .and_then(|o| o.split_once("://").map(|(_, host)| host.to_string()))
        .unwrap_or_else(|| "the registry".to_string())
}

/// An `AbortController` whose `abort(reason)` fires from two timers: the operation's deadline
/// and the idle timer (re-armed for every wait). Both are cleared when the request is done (also
/// on an early return): a pending timer would keep Node running.
struct Aborter {
    controller: JsValue,
    abort: Function,
    deadline: Option<JsValue>,
    idle: Option<JsValue>,
}

impl Aborter {
    fn new() -> Result<Self, TransportError> {
        let constructor = get(&js_sys::global(), "AbortController");
        let Some(constructor) = constructor.dyn_ref::<Function>() else {
            return Err(TransportError::new("AbortController is not available here"));
        };
        let controller = Reflect::construct(constructor, &Array::new()).map_err(|e| failure(&e))?;
        let abort = get(&controller, "abort")
            .dyn_into::<Function>()
            .map_err(|_| TransportError::new("AbortController.abort is not available here"))?;
        Ok(Aborter {
            controller,
            abort,
            deadline: None,
            idle: None,
        })
    }

    fn signal(&self) -> JsValue {
        get(&self.controller, "signal")
    }

    /// A timer that aborts with a timeout error saying `message` after `millis`.
    fn timer(&self, millis: f64, message: &str) -> Option<JsValue> {
        let reason = js_sys::Error::new(message);
        reason.set_name(TIMEOUT_ERROR_NAME);
        let fire: Function = self.abort.bind1(&self.controller, &reason).unchecked_into();
        set_timeout(&fire, millis.max(0.0)).ok()
    }

    fn arm_deadline(&mut self, millis: f64, message: &str) {
        clear(self.deadline.take());
        self.deadline = self.timer(millis, message);
    }

    /// (Re-)arms the idle timer.
    fn arm_idle(&mut self, millis: f64, message: &str) {
        clear(self.idle.take());
        self.idle = self.timer(millis, message);
    }

    fn disarm_idle(&mut self) {
        clear(self.idle.take());
    }

    /// Stops the request now (a body over its limit, or one not worth reading on).
    fn abort_now(&self) {
        let _ = self.abort.call0(&self.controller);
    }

    /// When a timer fired: the timeout it stands for.
    fn timed_out(&self) -> Option<TransportError> {
        let signal = self.signal();
        if get(&signal, "aborted").as_bool() != Some(true) {
            return None;
        }
        let reason = get(&signal, "reason");
        (get(&reason, "name").as_string().as_deref() == Some(TIMEOUT_ERROR_NAME)).then(|| {
            TransportError::timeout(get(&reason, "message").as_string().unwrap_or_default())
        })
    }

    /// A failure of the request: our timeout when a timer fired, else what JS said.
    fn failed(&self, error: &JsValue) -> TransportError {
        self.timed_out().unwrap_or_else(|| failure(error))
    }
}

impl Drop for Aborter {
    fn drop(&mut self) {
        clear(self.idle.take());
        clear(self.deadline.take());
    }
}

fn clear(timer: Option<JsValue>) {
    if let Some(id) = timer {
        let _ = clear_timeout(&id);
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let host = host_of(&request.url);
        let idle = self.bounds.idle_timeout_ms;
        let idle_message = format!(
            "no data from {host} for {} (the idle timeout)",
            seconds(idle)
        );
        let remaining = self.deadline - date_now();
        let deadline_message = format!(
            "the operation did not finish within {} (its deadline), waiting for {host}",
            seconds(self.bounds.timeout_ms)
        );
        if remaining <= 0.0 {
            return Err(TransportError::timeout(deadline_message));
        }
        let mut aborter = Aborter::new()?;
        aborter.arm_deadline(remaining, &deadline_message);

        let init = Object::new();
        set(&init, "method", &JsValue::from_str(request.method.as_str()));
        let headers = Array::new();
        for (name, value) in &request.headers {
            headers.push(&Array::of2(
                &JsValue::from_str(name),
                &JsValue::from_str(value),
            ));
        }
        set(&init, "headers", &headers);
        if !request.body.is_empty() || matches!(request.method, Method::Put | Method::Post) {
            set(&init, "body", &Uint8Array::from(request.body.as_slice()));
        }
        if self.manual_redirects {
            set(&init, "redirect", &JsValue::from_str("manual"));
        }
        if self.page {
            set(&init, "credentials", &JsValue::from_str("omit"));
            set(&init, "cache", &JsValue::from_str("no-store"));
        }
        set(&init, "signal", &aborter.signal());

        // Until the answer's headers: the idle timeout, plus time to send the body.
        let upload_ms = request.body.len() as f64 / UPLOAD_BYTES_PER_SECOND * 1000.0;
        if upload_ms > 0.0 {
            let message = format!(
                "no answer from {host} within {} of sending {} bytes (the idle timeout plus 1 s \
                 per 256 KiB sent)",
                seconds(((idle + upload_ms) / 100.0).round() * 100.0),
                request.body.len()
            );
            aborter.arm_idle(idle + upload_ms, &message);
        } else {
            aborter.arm_idle(idle, &idle_message);
        }
        let promise = global_fetch(&request.url, &init).map_err(|e| aborter.failed(&e))?;
        let response = JsFuture::from(promise)
            .await
            .map_err(|e| aborter.failed(&e))?;
        aborter.disarm_idle();

        let status = get(&response, "status")
            .as_f64()
            .filter(|s| (0.0..=999.0).contains(s))
            .map_or(0, |s| s as u16);
        if status == 0 {
            aborter.abort_now();
            return Err(TransportError::new(
                "the answer is not readable (an opaque or redirected cross-origin response)",
            ));
        }
        let mut header_list = Vec::new();
        if let Ok(Some(entries)) = js_sys::try_iter(&get(&response, "headers")) {
            for entry in entries.flatten() {
                let pair: Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    header_list.push((k, v));
                }
            }
        }
        let body = if request.method == Method::Head {
            Vec::new()
        } else {
            read_body(
                &response,
                &header_list,
                status,
                &request,
                &mut aborter,
                idle,
                &idle_message,
            )
            .await?
        };
        Ok(HttpResponse {
            status,
            headers: header_list,
            body,
        })
    }

    async fn wait(&self, millis: u32) {
        let promise = Promise::new(&mut |resolve, _reject| {
            if set_timeout(&resolve, f64::from(millis)).is_err() {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}

/// Reads `response.body` chunk by chunk within the request's limit, re-arming the idle timer
/// for every chunk.
async fn read_body(
    response: &JsValue,
    headers: &[(String, String)],
    status: u16,
    request: &HttpRequest,
    aborter: &mut Aborter,
    idle_ms: f64,
    idle_message: &str,
) -> Result<Vec<u8>, TransportError> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    // With a Content-Encoding, Content-Length counts the encoded bytes, not what we read.
    let declared = header("content-length")
        .filter(|_| header("content-encoding").is_none())
        .and_then(parse_content_length);
    let mut body = match BodyLimit::new(status, request.max_body, declared) {
        Ok(body) => body,
        Err(e) => {
            aborter.abort_now();
            return Err(e);
        }
    };
    let stream = get(response, "body");
    if stream.is_null() || stream.is_undefined() {
        return Ok(body.finish());
    }
    let reader = call(&stream, "getReader", &Array::new())?;
    loop {
        aborter.arm_idle(idle_ms, idle_message);
        let read = call(&reader, "read", &Array::new())?;
        let read: Promise = read
            .dyn_into()
            .map_err(|_| TransportError::new("the body reader did not return a promise"))?;
        let chunk = JsFuture::from(read).await.map_err(|e| aborter.failed(&e))?;
        aborter.disarm_idle();
        if get(&chunk, "done").as_bool() == Some(true) {
            return Ok(body.finish());
        }
        let value = get(&chunk, "value");
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            aborter.abort_now();
            return Err(TransportError::new(
                "the body stream gave something other than bytes",
            ));
        };
        match body.push(&bytes.to_vec()) {
            Ok(Next::Read) => {}
            Ok(Next::Stop) => {
                aborter.abort_now();
                return Ok(body.finish());
            }
            Err(e) => {
                aborter.abort_now();
                return Err(e);
            }
        }
    }
}

/// A rejected fetch as a transport error: the error's message, then its `cause` (Node puts
/// the system error there), marked temporary for resets. Timeouts of the JS side (undici's
/// own header and body timeouts) are final, like ours.
fn failure(error: &JsValue) -> TransportError {
    let name = get(error, "name").as_string().unwrap_or_default();
    let mut message = get(error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "fetch failed".to_string());
    let cause = get(error, "cause");
    let mut code = get(error, "code").as_string().unwrap_or_default();
    if cause.is_object() {
        if let Some(detail) = get(&cause, "message").as_string() {
            if !detail.is_empty() && detail != message {
                message = format!("{message}: {detail}");
            }
        }
        if let Some(c) = get(&cause, "code").as_string() {
            code = c;
        }
    }
    if message == "Failed to fetch" || message == "NetworkError when attempting to fetch resource."
    {
        message.push_str(
            " (the registry is unreachable, or it does not allow this page's origin via CORS)",
        );
    }
    // A timeout is final: retrying would multiply an already long wait.
    if name == "TimeoutError"
        || matches!(
            code.as_str(),
            "UND_ERR_HEADERS_TIMEOUT" | "UND_ERR_BODY_TIMEOUT" | "UND_ERR_CONNECT_TIMEOUT"
        )
    {
        return TransportError::timeout(message);
    }
    if matches!(
        code.as_str(),
        "ECONNRESET" | "EPIPE" | "EAI_AGAIN" | "UND_ERR_SOCKET"
    ) {
        TransportError::temporary(message)
    } else {
        TransportError::new(message)
    }
}
