//! `BundleSource` over a JS object: where `graph` and `doc` (and later `diff`) get the bundles
//! of dependencies. Local directories come from a JS callback (the core never reads a file);
//! registry dependencies from a JS callback or, by default, the built-in registry client over
//! `fetch`.

use js_sys::{Function, Promise};
use pacto_core::graph::{BundleSource, DepRef, SourceError};
use pacto_core::oci::{self, RegistryOptions};
use pacto_core::Bundle;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::bundle_from_js;
use crate::registry::{get, is_absent, read_options, type_error, Options, Progress};
use pacto_fetch::FetchTransport;

#[wasm_bindgen(typescript_custom_section)]
const SOURCE_TS: &'static str = r#"
/** Where a graph's bundles come from. Every member is optional. */
export interface BundleSource {
  /** Where the root bundle was loaded from: a directory (default "."; relative local refs are joined onto the declaring bundle's directory, starting here) or an "oci://" ref (local refs are then relative to "."). */
  root?: string;
  /** The bundle of a local dependency directory; `path` is already joined (relative to the same base as `root`, or absolute). Throw or reject: the message is shown on the edge. Omitted: local dependencies fail with a clear message. */
  local?: (path: string) => Bundle | Promise<Bundle>;
  /** The bundle of an oci:// dependency: `ref` without "oci://"; `constraint` = the dependency's compatibility when the ref has no tag or digest, "" otherwise. Throw or reject: the message is shown on the edge. Omitted: the built-in registry client resolves the tag (the highest satisfying the constraint) and pulls, with the `registry` options. */
  oci?: (ref: string, constraint: string) => Bundle | Promise<Bundle>;
  /** Options of the built-in registry client (credentials, plainHttp, cache, onProgress); unused when `oci` is given. */
  registry?: PullOptions;
}
"#;

/// A JS `BundleSource`. Callbacks are called with the source object as `this`.
pub(crate) struct JsSource {
    this: JsValue,
    local: Option<Function>,
    oci: Option<Function>,
    registry: Options,
}

impl JsSource {
    /// Reads a `BundleSource` (`undefined` or `null`: every member omitted) and the root's
    /// location. Wrongly typed members throw a `TypeError`.
    pub(crate) fn from_js(value: &JsValue) -> Result<(JsSource, DepRef), JsValue> {
        if !is_absent(value) && (!value.is_object() || js_sys::Array::is_array(value)) {
            return Err(type_error("source must be an object (a BundleSource)"));
        }
        let member = |key: &str| get(value, key);
        let callback = |key: &str| -> Result<Option<Function>, JsValue> {
            let v = member(key);
            if is_absent(&v) {
                return Ok(None);
            }
            v.dyn_into::<Function>()
                .map(Some)
                .map_err(|_| type_error(&format!("source.{key} must be a function")))
        };
        let root = member("root");
        let root = if is_absent(&root) {
            ".".to_string()
        } else {
            root.as_string()
                .ok_or_else(|| type_error("source.root must be a string"))?
        };
        let root = if root.is_empty() { "." } else { root.as_str() };
        let location = DepRef::from_ref(root, "", "");
        let source = JsSource {
            this: if is_absent(value) {
                JsValue::UNDEFINED
            } else {
                value.clone()
            },
            local: callback("local")?,
            oci: callback("oci")?,
            registry: read_options(&member("registry"))?,
        };
        Ok((source, location))
    }

    /// Calls a loader and waits for its bundle; a throw, a rejection or something that is not a
    /// bundle becomes the edge's message.
    async fn call(&self, loader: &Function, args: &[&str]) -> Result<Bundle, SourceError> {
        let returned = match args {
            [a] => loader.call1(&self.this, &JsValue::from_str(a)),
            [a, b] => loader.call2(&self.this, &JsValue::from_str(a), &JsValue::from_str(b)),
            _ => loader.call0(&self.this),
        }
        .map_err(|e| SourceError::new(message_of(&e)))?;
        let value = JsFuture::from(Promise::resolve(&returned))
            .await
            .map_err(|e| SourceError::new(message_of(&e)))?;
        bundle_from_js(&value).map_err(|e| {
            SourceError::new(format!(
                "the loader did not return a bundle: {}",
                message_of(&JsValue::from(e))
            ))
        })
    }

    /// The built-in path: the highest tag within the constraint, then a verified pull.
    async fn pull(&self, location: &str, constraint: &str) -> Result<Bundle, SourceError> {
        let progress = Progress(self.registry.on_progress.clone());
        let report = |event: &oci::ProgressEvent| progress.report(event);
        let options = RegistryOptions {
            plain_http: self.registry.plain_http,
            credentials: self.registry.credentials.clone(),
            progress: Some(&report),
            proxy: self.registry.proxy.clone(),
        };
        let transport = FetchTransport::new(self.registry.time);
        let failed = |e: oci::OciError| SourceError::new(e.to_string());
        let constraint = Some(constraint).filter(|c| !c.trim().is_empty());
        let resolved = oci::resolve(
            &transport,
            &format!("oci://{location}"),
            constraint,
            &options,
        )
        .await
        .map_err(failed)?;
        let raw = format!("oci://{resolved}");
        let pulled = match &self.registry.cache {
            Some(cache) => oci::pull(&transport, &raw, &options, cache).await,
            None => oci::pull(&transport, &raw, &options, &oci::NoCache).await,
        }
        .map_err(failed)?;
        Ok(pulled.bundle)
    }
}

impl BundleSource for JsSource {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        match reference {
            DepRef::Local { path } => match &self.local {
                Some(loader) => self.call(loader, &[path]).await,
                None => Err(SourceError::new(format!(
                    "{path}: local dependencies need a `local` loader in the BundleSource"
                ))),
            },
            DepRef::Oci {
                location,
                constraint,
            } => match &self.oci {
                Some(loader) => self.call(loader, &[location, constraint]).await,
                None => self.pull(location, constraint).await,
            },
        }
    }
}

/// The text of a thrown or rejected value: an `Error`'s message, a string as it is.
pub(crate) fn message_of(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    if value.is_object() {
        if let Some(message) = get(value, "message").as_string() {
            return message;
        }
    }
    if let Some(n) = value.as_f64() {
        return n.to_string();
    }
    if let Some(b) = value.as_bool() {
        return b.to_string();
    }
    "the loader failed without a message".to_string()
}
