//! The registry half of the JS API: push, pull, resolve, listTags over fetch, and the
//! pack/unpack of bundle archives. Failures are JS `Error`s with a stable `code`.

use js_sys::{Function, Object, Reflect, Uint8Array};
use pacto_core::oci::{self, BlobCache, Credentials, OciError, ProgressEvent, RegistryOptions};
use pacto_core::Bundle;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{bundle_from_js, to_js};
use pacto_fetch::{FetchTransport, TimeBounds};

#[wasm_bindgen(typescript_custom_section)]
const REGISTRY_TS: &'static str = r#"
export interface RegistryOptions {
  /** Use plain http even for hosts other than localhost, 127.0.0.1 and [::1]. */
  plainHttp?: boolean;
  /** Either basic credentials or a registry token; omitted = anonymous. */
  credentials?: { username: string; password: string } | { token: string };
  /** Receives progress events (for a CLI progress line). */
  onProgress?: (event: ProgressEvent) => void;
  /** Milliseconds without a byte from the registry (waiting for an answer, or between two chunks of one) after which a request fails with TIMEOUT; never retried. Default 30000. */
  idleTimeoutMs?: number;
  /** Milliseconds the whole operation (a push, a pull, a resolve, one dependency) may take before it fails with TIMEOUT. Default 300000. */
  timeoutMs?: number;
  /**
   * The base URL of a `pacto serve` (`"/"` in a page it serves, `"http://127.0.0.1:8080/"` in
   * Node; a relative URL is resolved against the page's location). Every registry request then
   * goes to `<proxy>/registry/<host[:port]>/v2/...`: the registry must be allowlisted there.
   */
  proxy?: string;
}
export interface ProgressEvent { phase: "resolve" | "manifest" | "download" | "upload" | "done"; bytes?: number; total?: number; digest?: string }
/** Layer blobs keyed by digest. What `get` returns is verified before use. */
export interface BlobCache { get(digest: string): Uint8Array | undefined | null; put(digest: string, bytes: Uint8Array): void }
export interface PushOptions extends RegistryOptions { force?: boolean }
export interface PushResult {
  /** The reference pushed to, without oci://, with the tag: "ghcr.io/acme/svc:1.0.0". */
  reference: string;
  /** sha256:<hex> of the manifest (the existing one when `existed`). */
  digest: string;
  name: string;
  version: string;
  /** The tag was already there and `force` was off: nothing was uploaded. */
  existed: boolean;
}
export interface PullOptions extends RegistryOptions { cache?: BlobCache }
export interface PullResult { reference: string; manifestDigest: string; layerDigest: string; bundle: Record<string, Uint8Array> }
export type RegistryErrorCode =
  | "INVALID_REFERENCE" | "INVALID_CONSTRAINT" | "VALIDATION_FAILED" | "LOCAL_DEPENDENCY"
  | "AUTH_FAILED" | "NOT_FOUND" | "TOO_MANY_REQUESTS" | "REGISTRY_ERROR" | "NETWORK"
  | "TIMEOUT" | "TOO_LARGE" | "DIGEST_MISMATCH" | "BAD_ARCHIVE" | "NO_CONTRACT";
/**
 * What push, pull, resolve, listTags, pack and unpack throw or reject with. Wrongly typed arguments throw a TypeError instead.
 * Every answer is read within a limit known before reading (a blob its manifest's size, a manifest 4 MiB): TOO_LARGE when a
 * registry sends more; TIMEOUT when it stalls (idleTimeoutMs) or the operation runs out of time (timeoutMs). Neither is retried.
 * Messages are safe to print: control and format characters from the registry or the archive are escaped, long values cut.
 */
export interface RegistryError extends Error {
  code: RegistryErrorCode;
  /** VALIDATION_FAILED: the contract's errors; NO_CONTRACT: why pacto.yaml did not parse. */
  diagnostics?: Diagnostic[];
  /** The HTTP status, for REGISTRY_ERROR and TOO_MANY_REQUESTS. */
  status?: number;
}
/** Validates, refuses local dependencies, then publishes to `ref` ("oci://host/repo[:tag]"; no tag = service.version). */
export function push(ref: string, bundle: Bundle, options?: PushOptions): Promise<PushResult>;
/** Fetches a bundle; a ref without tag resolves to the highest semver tag. Every digest is verified. */
export function pull(ref: string, options?: PullOptions): Promise<PullResult>;
/** "host/repo:tag": the ref itself when it has a tag or digest, else its highest semver tag within `constraint`. */
export function resolve(ref: string, constraint?: string, options?: RegistryOptions): Promise<string>;
/** Every tag of the ref's repository, in the registry's order. */
export function listTags(ref: string, options?: RegistryOptions): Promise<string[]>;
/** Validates like push (throws VALIDATION_FAILED with diagnostics), then the deterministic tar.gz. */
export function pack(bundle: Bundle): Uint8Array;
/** Reads a .tar.gz (or .tar) bundle with the size limits; hostile entries throw BAD_ARCHIVE. */
export function unpack(archive: Uint8Array): Bundle;
"#;

/// Options read from JS.
pub(crate) struct Options {
    pub(crate) plain_http: bool,
    pub(crate) credentials: Credentials,
    pub(crate) on_progress: Option<Function>,
    pub(crate) force: bool,
    pub(crate) cache: Option<JsCache>,
    pub(crate) time: TimeBounds,
    pub(crate) proxy: Option<String>,
}

/// A member of a JS object; `undefined` when it is missing or `target` is not an object
/// (`undefined`, `null`, a primitive: `Reflect.get` throws and that reads as missing).
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `undefined` or `null`: an omitted argument or member.
pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// The boolean member `key` of `target` (shown as `name` in the error), `default` when omitted.
pub(crate) fn optional_bool(
    target: &JsValue,
    name: &str,
    key: &str,
    default: bool,
) -> Result<bool, JsValue> {
    let value = get(target, key);
    if is_absent(&value) {
        return Ok(default);
    }
    value
        .as_bool()
        .ok_or_else(|| type_error(&format!("{name}.{key} must be a boolean")))
}

pub(crate) fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    let mut out = Options {
        plain_http: false,
        credentials: Credentials::Anonymous,
        on_progress: None,
        force: false,
        cache: None,
        time: TimeBounds::default(),
        proxy: None,
    };
    if is_absent(options) {
        return Ok(out);
    }
    if !options.is_object() {
        return Err(type_error("options must be an object"));
    }
    out.plain_http = optional_bool(options, "options", "plainHttp", false)?;
    out.force = optional_bool(options, "options", "force", false)?;
    out.credentials = read_credentials(&get(options, "credentials"))?;
    out.time = TimeBounds {
        idle_timeout_ms: optional_millis(options, "idleTimeoutMs", out.time.idle_timeout_ms)?,
        timeout_ms: optional_millis(options, "timeoutMs", out.time.timeout_ms)?,
    };
    out.proxy = read_proxy(&get(options, "proxy"))?;
    let on_progress = get(options, "onProgress");
    if !is_absent(&on_progress) {
        out.on_progress = Some(
            on_progress
                .dyn_into::<Function>()
                .map_err(|_| type_error("options.onProgress must be a function"))?,
        );
    }
    let cache = get(options, "cache");
    if !is_absent(&cache) {
        let (Ok(get_fn), Ok(put_fn)) = (
            get(&cache, "get").dyn_into::<Function>(),
            get(&cache, "put").dyn_into::<Function>(),
        ) else {
            return Err(type_error(
                "options.cache must have get(digest) and put(digest, bytes) methods",
            ));
        };
        out.cache = Some(JsCache {
            this: cache,
            get: get_fn,
            put: put_fn,
        });
    }
    Ok(out)
}

/// A positive, finite number of milliseconds (at most a day), `default` when omitted.
fn optional_millis(options: &JsValue, key: &str, default: f64) -> Result<f64, JsValue> {
    let value = get(options, key);
    if is_absent(&value) {
        return Ok(default);
    }
    value
        .as_f64()
        .filter(|ms| ms.is_finite() && *ms > 0.0 && *ms <= 86_400_000.0)
        .ok_or_else(|| {
            type_error(&format!(
                "options.{key} must be a number of milliseconds above 0 (at most 86400000)"
            ))
        })
}

/// `options.proxy` as an absolute URL: a relative one (`"/"` in a page) is resolved against
/// `location.href`.
fn read_proxy(value: &JsValue) -> Result<Option<String>, JsValue> {
    if is_absent(value) {
        return Ok(None);
    }
    let bad = || {
        type_error("options.proxy must be the http(s) URL of a pacto serve (\"/\" in a page it serves, \"http://127.0.0.1:8080/\" in Node)")
    };
    let Some(text) = value.as_string() else {
        return Err(bad());
    };
    if oci::proxy::is_valid_proxy_url(&text) {
        return Ok(Some(text));
    }
    let base = get(&get(&js_sys::global(), "location"), "href");
    let url_class = get(&js_sys::global(), "URL");
    let (Some(base), Some(url_class)) = (base.as_string(), url_class.dyn_ref::<Function>()) else {
        return Err(bad());
    };
    let args = js_sys::Array::of2(&JsValue::from_str(&text), &JsValue::from_str(&base));
    let absolute = Reflect::construct(url_class, &args)
        .ok()
        .and_then(|url| get(&url, "href").as_string())
        .filter(|href| oci::proxy::is_valid_proxy_url(href));
    absolute.map(Some).ok_or_else(bad)
}

fn read_credentials(value: &JsValue) -> Result<Credentials, JsValue> {
    if is_absent(value) {
        return Ok(Credentials::Anonymous);
    }
    let bad = || {
        type_error(
            "options.credentials must be { username: string, password: string } or { token: string }",
        )
    };
    if !value.is_object() {
        return Err(bad());
    }
    let token = get(value, "token");
    if !token.is_undefined() {
        return match token.as_string() {
            Some(token) if !token.is_empty() => Ok(Credentials::Token(token)),
            _ => Err(bad()),
        };
    }
    match (
        get(value, "username").as_string(),
        get(value, "password").as_string(),
    ) {
        (Some(username), Some(password)) => Ok(Credentials::Basic { username, password }),
        _ => Err(bad()),
    }
}

/// A JS `BlobCache`. A cache that throws or answers something odd is treated as empty: the
/// cache is an optimisation and never decides an outcome.
pub(crate) struct JsCache {
    this: JsValue,
    get: Function,
    put: Function,
}

impl BlobCache for JsCache {
    fn get(&self, digest: &str) -> Option<Vec<u8>> {
        let value = self
            .get
            .call1(&self.this, &JsValue::from_str(digest))
            .ok()?;
        value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
    }

    fn put(&self, digest: &str, bytes: &[u8]) {
        let _ = self.put.call2(
            &self.this,
            &JsValue::from_str(digest),
            &Uint8Array::from(bytes),
        );
    }
}

/// Calls `onProgress`; its exceptions are ignored (a broken progress line must not fail a pull).
pub(crate) struct Progress(pub(crate) Option<Function>);

impl Progress {
    pub(crate) fn report(&self, event: &ProgressEvent) {
        if let Some(callback) = &self.0 {
            if let Ok(value) = to_js(event) {
                let _ = callback.call1(&JsValue::NULL, &value);
            }
        }
    }
}

/// An `OciError` as a JS `Error` with `code`, and `diagnostics` / `status` when known.
fn oci_error(e: &OciError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let _ = Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.code()),
    );
    if !e.diagnostics().is_empty() {
        if let Ok(list) = to_js(&e.diagnostics()) {
            let _ = Reflect::set(&error, &JsValue::from_str("diagnostics"), &list);
        }
    }
    if let Some(status) = e.status() {
        let _ = Reflect::set(
            &error,
            &JsValue::from_str("status"),
            &JsValue::from_f64(f64::from(status)),
        );
    }
    error.into()
}

#[derive(Serialize)]
struct PushResult {
    reference: String,
    digest: String,
    name: String,
    version: String,
    existed: bool,
}

#[wasm_bindgen(skip_typescript)]
pub async fn push(
    reference: String,
    bundle: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let bundle = bundle_from_js(&bundle).map_err(JsValue::from)?;
    let opts = read_options(&options)?;
    let progress = Progress(opts.on_progress);
    let report = |event: &ProgressEvent| progress.report(event);
    let push_options = oci::PushOptions {
        force: opts.force,
        plain_http: opts.plain_http,
        credentials: opts.credentials,
        progress: Some(&report),
        proxy: opts.proxy,
    };
    let transport = FetchTransport::new(opts.time);
    let outcome = oci::push(&transport, &reference, &bundle, &push_options)
        .await
        .map_err(|e| oci_error(&e))?;
    to_js(&PushResult {
        reference: outcome.reference,
        digest: outcome.digest,
        name: outcome.name,
        version: outcome.version,
        existed: outcome.existed,
    })
    .map_err(JsValue::from)
}

#[wasm_bindgen(skip_typescript)]
pub async fn pull(reference: String, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options)?;
    let progress = Progress(opts.on_progress);
    let report = |event: &ProgressEvent| progress.report(event);
    let pull_options = RegistryOptions {
        plain_http: opts.plain_http,
        credentials: opts.credentials,
        progress: Some(&report),
        proxy: opts.proxy,
    };
    let transport = FetchTransport::new(opts.time);
    let pulled = match &opts.cache {
        Some(cache) => oci::pull(&transport, &reference, &pull_options, cache).await,
        None => oci::pull(&transport, &reference, &pull_options, &oci::NoCache).await,
    }
    .map_err(|e| oci_error(&e))?;
    let result = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&result, &JsValue::from_str(key), value)
            .map(|_| ())
            .map_err(|_| {
                JsValue::from(js_sys::Error::new(
                    "internal error: could not build the result",
                ))
            })
    };
    set("reference", &JsValue::from_str(&pulled.reference))?;
    set(
        "manifestDigest",
        &JsValue::from_str(&pulled.manifest_digest),
    )?;
    set("layerDigest", &JsValue::from_str(&pulled.layer_digest))?;
    set("bundle", &bundle_to_js(&pulled.bundle)?)?;
    Ok(result.into())
}

#[wasm_bindgen(skip_typescript)]
pub async fn resolve(
    reference: String,
    constraint: Option<String>,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = read_options(&options)?;
    let progress = Progress(opts.on_progress);
    let report = |event: &ProgressEvent| progress.report(event);
    let registry_options = RegistryOptions {
        plain_http: opts.plain_http,
        credentials: opts.credentials,
        progress: Some(&report),
        proxy: opts.proxy,
    };
    let transport = FetchTransport::new(opts.time);
    oci::resolve(
        &transport,
        &reference,
        constraint.as_deref(),
        &registry_options,
    )
    .await
    .map(|r| JsValue::from_str(&r))
    .map_err(|e| oci_error(&e))
}

#[wasm_bindgen(js_name = listTags, skip_typescript)]
pub async fn list_tags(reference: String, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options)?;
    let progress = Progress(opts.on_progress);
    let report = |event: &ProgressEvent| progress.report(event);
    let registry_options = RegistryOptions {
        plain_http: opts.plain_http,
        credentials: opts.credentials,
        progress: Some(&report),
        proxy: opts.proxy,
    };
    let transport = FetchTransport::new(opts.time);
    let tags = oci::list_tags(&transport, &reference, &registry_options)
        .await
        .map_err(|e| oci_error(&e))?;
    let array = js_sys::Array::new();
    for tag in tags {
        array.push(&JsValue::from_str(&tag));
    }
    Ok(array.into())
}

#[wasm_bindgen(skip_typescript)]
pub fn pack(bundle: JsValue) -> Result<Uint8Array, JsValue> {
    let bundle = bundle_from_js(&bundle).map_err(JsValue::from)?;
    let bytes = oci::pack(&bundle).map_err(|e| oci_error(&e))?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

#[wasm_bindgen(skip_typescript)]
pub fn unpack(archive: JsValue) -> Result<JsValue, JsValue> {
    let Some(bytes) = archive.dyn_ref::<Uint8Array>() else {
        return Err(type_error("archive must be a Uint8Array"));
    };
    let bundle = pacto_core::archive::unpack(&bytes.to_vec()).map_err(|e| {
        oci_error(&OciError::BadArchive {
            reference: None,
            detail: format!("invalid bundle archive: {e}"),
        })
    })?;
    bundle_to_js(&bundle)
}

/// A bundle as `{ path: Uint8Array }`.
fn bundle_to_js(bundle: &Bundle) -> Result<JsValue, JsValue> {
    let out = Object::new();
    for (path, bytes) in bundle.files() {
        Reflect::set(&out, &JsValue::from_str(path), &Uint8Array::from(bytes)).map_err(|_| {
            JsValue::from(js_sys::Error::new(
                "internal error: could not build the bundle",
            ))
        })?;
    }
    // Directories as "dir/" keys, so empty ones survive (the Bundle convention of the JS API).
    for dir in bundle.dirs() {
        Reflect::set(
            &out,
            &JsValue::from_str(&format!("{dir}/")),
            &Uint8Array::new_with_length(0),
        )
        .map_err(|_| {
            JsValue::from(js_sys::Error::new(
                "internal error: could not build the bundle",
            ))
        })?;
    }
    Ok(out.into())
}
