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

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use pacto_core::oci::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Longest a request may take, body included, before it is aborted (where `AbortSignal.timeout`
/// exists).
const TIMEOUT_MS: f64 = 600_000.0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, millis: f64) -> Result<JsValue, JsValue>;
}

pub struct FetchTransport {
    manual_redirects: bool,
}

impl FetchTransport {
    pub fn new() -> Self {
        FetchTransport {
            manual_redirects: is_node(),
        }
    }
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Node exposes `process.versions.node`; browsers and workers do not.
fn is_node() -> bool {
    let process = get(&js_sys::global(), "process");
    process.is_object() && get(&get(&process, "versions"), "node").is_string()
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
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
        if let Some(signal) = timeout_signal() {
            set(&init, "signal", &signal);
        }

        let promise = global_fetch(&request.url, &init).map_err(|e| failure(&e))?;
        let response = JsFuture::from(promise).await.map_err(|e| failure(&e))?;
        let status = get(&response, "status")
            .as_f64()
            .filter(|s| (0.0..=999.0).contains(s))
            .map_or(0, |s| s as u16);
        if status == 0 {
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
            read_body(&response).await?
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

async fn read_body(response: &JsValue) -> Result<Vec<u8>, TransportError> {
    let method = get(response, "arrayBuffer");
    let Some(method) = method.dyn_ref::<Function>() else {
        return Err(TransportError::new("the response has no body reader"));
    };
    let promise: Promise = method
        .call0(response)
        .map_err(|e| failure(&e))?
        .dyn_into()
        .map_err(|_| TransportError::new("arrayBuffer() did not return a promise"))?;
    let buffer = JsFuture::from(promise).await.map_err(|e| failure(&e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `AbortSignal.timeout(TIMEOUT_MS)`, where the host has it.
fn timeout_signal() -> Option<JsValue> {
    let abort_signal = get(&js_sys::global(), "AbortSignal");
    let timeout = get(&abort_signal, "timeout");
    let timeout = timeout.dyn_ref::<Function>()?;
    timeout
        .call1(&abort_signal, &JsValue::from_f64(TIMEOUT_MS))
        .ok()
}

/// A rejected fetch as a transport error: the error's message, then its `cause` (Node puts
/// the system error there), marked temporary for resets and timeouts.
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
    if name == "TimeoutError" {
        message = format!(
            "no complete answer within {} s ({message})",
            TIMEOUT_MS / 1000.0
        );
    }
    if message == "Failed to fetch" || message == "NetworkError when attempting to fetch resource."
    {
        message.push_str(
            " (the registry is unreachable, or it does not allow this page's origin via CORS)",
        );
    }
    // A timeout is final: retrying would multiply an already long wait.
    let temporary = name != "TimeoutError"
        && matches!(
            code.as_str(),
            "ECONNRESET"
                | "ETIMEDOUT"
                | "EPIPE"
                | "EAI_AGAIN"
                | "UND_ERR_SOCKET"
                | "UND_ERR_CONNECT_TIMEOUT"
                | "UND_ERR_HEADERS_TIMEOUT"
                | "UND_ERR_BODY_TIMEOUT"
        );
    TransportError { message, temporary }
}
