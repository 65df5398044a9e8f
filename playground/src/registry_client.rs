//! How the playground reaches registries: `fetch` as the core's OCI `Transport`, every request
//! through the `pacto serve` proxy that served the page (`/registry/<host[:port]>/v2/...`), the
//! proxy's `/api/config`, a `BundleSource` that pulls dependencies through it, and the failures
//! as sentences a person can act on.
//!
//! The transport is `pacto-fetch`'s, the same as the npm package's: bodies bounded by the
//! core's `max_body` and read as a stream, an idle timeout and a deadline per operation, every JS
//! failure a `TransportError` with its text.

use std::cell::RefCell;
use std::collections::HashMap;

use pacto_core::graph::{BundleSource, DepRef, SourceError};
use pacto_core::oci::{
    self, BlobCache, Credentials, HttpRequest, Method, OciError, RegistryOptions, Transport,
};
use pacto_core::version::Version;
use pacto_core::Bundle;
use pacto_fetch::{FetchTransport, TimeBounds};
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// The transport of one registry operation: the shared fetch transport (bounded bodies, idle
/// timeout, deadline), for a page that talks only to its own `pacto serve`.
pub fn transport() -> FetchTransport {
    FetchTransport::for_page(TimeBounds::default())
}

/// One registry the proxy allows (from `/api/config`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProxiedRegistry {
    pub host: String,
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub local: bool,
}

/// `pacto serve`'s `/api/config`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyConfig {
    #[serde(default)]
    pub version: String,
    pub registries: Vec<ProxiedRegistry>,
    #[serde(default)]
    pub default_registry: Option<String>,
}

impl ProxyConfig {
    /// The registry new refs start with: the configured default, else the first.
    pub fn default_host(&self) -> Option<&str> {
        self.default_registry
            .as_deref()
            .or_else(|| self.registries.first().map(|r| r.host.as_str()))
    }
}

/// The page's origin with a trailing slash: the proxy base every registry request goes under.
pub fn proxy_base() -> Option<String> {
    let origin = web_sys::window()?.location().origin().ok()?;
    Some(format!("{origin}/"))
}

/// Asks the server that served the page for its proxy configuration. Anything but a
/// `pacto serve` answer means there is no proxy (the page is hosted as static files).
pub async fn load_config() -> Result<ProxyConfig, String> {
    const NO_PROXY: &str = "No registry proxy: this page is not served by `pacto serve`, so \
         pull, push and dependency resolution are off (run `npx pacto serve` or `make playground`).";
    let Some(base) = proxy_base() else {
        return Err(NO_PROXY.to_string());
    };
    let mut request = HttpRequest::new(Method::Get, format!("{base}api/config"));
    request
        .headers
        .push(("Accept".to_string(), "application/json".to_string()));
    let response = transport().send(request).await.map_err(|_| NO_PROXY)?;
    if response.status != 200 {
        return Err(NO_PROXY.to_string());
    }
    serde_json::from_slice::<ProxyConfig>(&response.body).map_err(|_| NO_PROXY.to_string())
}

/// The `host[:port]` of an `oci://` ref, for the credentials it needs.
pub fn registry_of(raw_ref: &str) -> Option<String> {
    let location = raw_ref.strip_prefix("oci://")?;
    let host = location.split('/').next()?;
    (!host.is_empty() && location.contains('/')).then(|| host.to_string())
}

/// Credentials typed by the user, per registry host, for this page's lifetime only (never
/// written to storage, the URL or the console).
#[derive(Clone, Default)]
pub struct Keyring {
    by_host: HashMap<String, Credentials>,
}

impl Keyring {
    pub fn for_ref(&self, raw_ref: &str) -> Credentials {
        registry_of(raw_ref)
            .and_then(|h| self.by_host.get(&h).cloned())
            .unwrap_or_default()
    }

    pub fn set(&mut self, host: &str, credentials: Credentials) {
        self.by_host.insert(host.to_string(), credentials);
    }

    /// Every registry host with its credentials (to hand them to the compare worker).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Credentials)> {
        self.by_host.iter().map(|(h, c)| (h.as_str(), c))
    }
}

thread_local! {
    /// Layer blobs pulled in this page, by digest (verified by the core before every use).
    static BLOBS: RefCell<HashMap<String, Vec<u8>>> = RefCell::new(HashMap::new());
}

/// The page's in-memory blob cache: a recomputed compare or graph does not download the same
/// dependency layer again (manifests and tags are always asked for).
pub struct PageCache;

impl BlobCache for PageCache {
    fn get(&self, digest: &str) -> Option<Vec<u8>> {
        BLOBS.with(|b| b.borrow().get(digest).cloned())
    }

    fn put(&self, digest: &str, bytes: &[u8]) {
        BLOBS.with(|b| {
            let mut b = b.borrow_mut();
            // A bounded page: a long session does not hold every layer it ever saw.
            if b.len() > 256 {
                b.clear();
            }
            b.insert(digest.to_string(), bytes.to_vec());
        });
    }
}

/// How long a resolved dependency is reused: Compare re-resolves both graphs each time edits
/// pause, and without this every pause would list tags and fetch manifests again.
const RECENT_MS: f64 = 30_000.0;

type LoadKey = (String, String);

thread_local! {
    static RECENT: RefCell<HashMap<LoadKey, (f64, Bundle)>> = RefCell::new(HashMap::new());
}

fn recent_load(key: &LoadKey) -> Option<Bundle> {
    let now = js_sys::Date::now();
    RECENT.with(|r| {
        r.borrow()
            .get(key)
            .filter(|(at, _)| now - at < RECENT_MS)
            .map(|(_, b)| b.clone())
    })
}

fn remember_load(key: LoadKey, bundle: &Bundle) {
    let now = js_sys::Date::now();
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        r.retain(|_, (at, _)| now - *at < RECENT_MS);
        r.insert(key, (now, bundle.clone()));
    });
}

/// Options for one operation: through the proxy, with the user's credentials for the ref.
pub fn options<'a>(
    proxy: &str,
    keyring: &Keyring,
    raw_ref: &str,
    progress: Option<&'a dyn Fn(&oci::ProgressEvent)>,
) -> RegistryOptions<'a> {
    RegistryOptions {
        plain_http: false,
        credentials: keyring.for_ref(raw_ref),
        progress,
        proxy: Some(proxy.to_string()),
    }
}

/// Dependencies of the graph and of compare: `oci://` refs pulled through the proxy (tag-less
/// refs resolved within their `compatibility`); local refs cannot be read from a page.
pub struct ProxySource {
    /// `None`: no proxy, every registry dependency fails with that reason.
    pub proxy: Option<String>,
    pub keyring: Keyring,
    /// Reuse a dependency loaded in the last few seconds (Compare, recomputed as you type);
    /// an explicit action (drawing the graph) always asks the registry.
    pub reuse_recent: bool,
}

impl BundleSource for ProxySource {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        match reference {
            DepRef::Local { path } => Err(SourceError::new(format!(
                "{path}: a local dependency cannot be read in the browser (publish it and \
                 depend on its oci:// ref)"
            ))),
            DepRef::Oci {
                location,
                constraint,
            } => {
                let Some(proxy) = &self.proxy else {
                    return Err(SourceError::new(
                        "no registry proxy (the page is not served by pacto serve)",
                    ));
                };
                let key = (location.clone(), constraint.clone());
                if let Some(bundle) = self.reuse_recent.then(|| recent_load(&key)).flatten() {
                    return Ok(bundle);
                }
                let raw = format!("oci://{location}");
                let opts = options(proxy, &self.keyring, &raw, None);
                let constraint = (!constraint.is_empty()).then_some(constraint.as_str());
                // One operation, one deadline: resolving and pulling this dependency.
                let fetch = transport();
                let resolved = oci::resolve(&fetch, &raw, constraint, &opts)
                    .await
                    .map_err(|e| SourceError::new(explain(&e)))?;
                let pulled = oci::pull(&fetch, &format!("oci://{resolved}"), &opts, &PageCache)
                    .await
                    .map_err(|e| SourceError::new(explain(&e)))?;
                remember_load(key, &pulled.bundle);
                Ok(pulled.bundle)
            }
        }
    }
}

/// What went wrong, as a sentence that names the kind of failure first.
pub fn explain(error: &OciError) -> String {
    let text = error.to_string();
    // The pacto serve proxy's own refusals come back as registry errors with its JSON codes.
    const PROXY_CODES: [&str; 6] = [
        "REGISTRY_NOT_ALLOWED",
        "TARGET_REFUSED",
        "TOKEN_REALM_NOT_ANNOUNCED",
        "CROSS_ORIGIN",
        "HOST_NOT_SERVED",
        "PAYLOAD_TOO_LARGE",
    ];
    if PROXY_CODES.iter().any(|c| text.contains(c)) {
        return format!("Refused by the pacto serve proxy: {text}");
    }
    // The CLI's hint (`pacto login`) means nothing in a page.
    let text = text
        .split(" \u{2014} run `pacto login`")
        .next()
        .unwrap_or_default()
        .to_string();
    // The proxy answers 502/504 when the registry behind it does not answer.
    if let OciError::Registry {
        status: Some(502..=504),
        ..
    } = error
    {
        return format!("Unreachable: {text}.");
    }
    match error.code() {
        "AUTH_FAILED" => format!("Unauthorised: {text}. Enter credentials for this registry."),
        "NOT_FOUND" => format!("Not found: {text}."),
        "NETWORK" => format!("Unreachable: {text}."),
        "DIGEST_MISMATCH" => format!("Digest mismatch (the registry sent other bytes): {text}."),
        "VALIDATION_FAILED" => format!("Not pushed, nothing was sent: {text}."),
        "LOCAL_DEPENDENCY" => format!("Not pushed, nothing was sent: {text}."),
        "INVALID_REFERENCE" => format!("Not a valid reference: {text}."),
        _ => format!("{text}."),
    }
}

/// Tags newest first: semver tags by precedence, then the others as the registry listed them.
pub fn newest_first(tags: Vec<String>) -> Vec<String> {
    let mut semver: Vec<(Version, String)> = Vec::new();
    let mut other = Vec::new();
    for tag in tags {
        match Version::parse(&tag) {
            Ok(v) => semver.push((v, tag)),
            Err(_) => other.push(tag),
        }
    }
    semver.sort_by(|a, b| b.0.cmp(&a.0));
    semver.into_iter().map(|(_, t)| t).chain(other).collect()
}

/// `oci://host/repo@sha256:…` of a pushed or pulled reference (`host/repo:tag`).
pub fn digest_ref(reference: &str, digest: &str) -> String {
    let repo = match reference.rsplit_once('@') {
        Some((repo, _)) => repo,
        None => match reference.rsplit_once(':') {
            // A colon after the last slash is a tag; before it, a port.
            Some((repo, tag)) if !tag.contains('/') => repo,
            _ => reference,
        },
    };
    format!("oci://{repo}@{digest}")
}

/// A share link that carries a digest ref instead of the bundle: `<page>?ref=oci://…@sha256:…`.
pub fn share_ref_link(oci_ref: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    let encoded = js_sys::encode_uri_component(oci_ref).as_string()?;
    Some(format!("{origin}{path}?ref={encoded}"))
}

/// The `ref` of a share-by-reference link this page was opened with, if any.
pub fn ref_from_page_url() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let query = search.strip_prefix('?')?;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ref="))?;
    let decoded = js_sys::decode_uri_component(value).ok()?.as_string()?;
    decoded.starts_with("oci://").then_some(decoded)
}

/// Removes `?ref=…` from the address bar once it has been followed, keeping the fragment.
pub fn forget_ref_in_url() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(hash)) = (location.pathname(), location.hash()) else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{hash}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_newest_semver_first() {
        let tags = vec!["1.0.0", "latest", "1.10.0", "1.2.0", "2.0.0-rc.1"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            newest_first(tags),
            vec!["2.0.0-rc.1", "1.10.0", "1.2.0", "1.0.0", "latest"]
        );
    }

    #[test]
    fn digest_refs_drop_the_tag_but_keep_the_port() {
        assert_eq!(
            digest_ref("127.0.0.1:5000/acme/svc:1.0.0", "sha256:ab"),
            "oci://127.0.0.1:5000/acme/svc@sha256:ab"
        );
        assert_eq!(
            digest_ref("127.0.0.1:5000/acme/svc", "sha256:ab"),
            "oci://127.0.0.1:5000/acme/svc@sha256:ab"
        );
        assert_eq!(
            registry_of("oci://127.0.0.1:5000/acme/svc").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(registry_of("oci://nohost"), None);
    }
}
