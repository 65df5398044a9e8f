//! OCI registries: push, pull, tag resolution and tag listing of Pacto bundles over the OCI
//! distribution API (spec `oci-graph-cli.md` §1–§6), with the registry-safety departure of the
//! spec README (every manifest and blob digest verified, hostile archives refused, tags always
//! resolved against the registry).
//!
//! The core performs no I/O: every operation is an `async fn` over an injected [`Transport`].
//! The host supplies the HTTP (fetch in wasm) and, for pulls, a [`BlobCache`].

pub mod artifact;
pub mod auth;
pub mod client;
pub mod error;
pub mod proxy;
pub mod reference;
pub mod tags;
pub mod url;

use serde::Serialize;

use crate::archive;
use crate::bundle::Bundle;
use crate::reference::has_explicit_tag_or_digest;
use crate::validate;

pub use artifact::{pack, Artifact, Descriptor};
pub use auth::{Access, Credentials};
pub use client::{HttpRequest, HttpResponse, Method, Registry, Transport, TransportError};
pub use error::OciError;
pub use reference::Reference;
pub use tags::select_tag;

/// A step of an operation, for progress lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Resolve,
    Manifest,
    Download,
    Upload,
    Done,
}

/// A progress report: `bytes` of `total` for blob transfers, with the blob's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    pub phase: Phase,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl ProgressEvent {
    fn phase(phase: Phase) -> Self {
        ProgressEvent {
            phase,
            bytes: None,
            total: None,
            digest: None,
        }
    }

    fn transfer(phase: Phase, bytes: u64, total: u64, digest: &str) -> Self {
        ProgressEvent {
            phase,
            bytes: Some(bytes),
            total: Some(total),
            digest: Some(digest.to_string()),
        }
    }
}

/// How to reach a registry.
#[derive(Clone, Default)]
pub struct RegistryOptions<'a> {
    /// Use http even for hosts other than localhost, 127.0.0.1 and [::1].
    pub plain_http: bool,
    pub credentials: Credentials,
    /// Receives progress events.
    pub progress: Option<&'a dyn Fn(&ProgressEvent)>,
    /// The base URL of a `pacto serve` proxy: every request goes through it ([`proxy`]).
    pub proxy: Option<String>,
}

impl RegistryOptions<'_> {
    fn report(&self, event: ProgressEvent) {
        if let Some(progress) = self.progress {
            progress(&event);
        }
    }
}

/// Options of [`pull`].
pub type PullOptions<'a> = RegistryOptions<'a>;

/// Options of [`push`].
#[derive(Clone, Default)]
pub struct PushOptions<'a> {
    /// Overwrite an existing tag instead of leaving it alone.
    pub force: bool,
    pub plain_http: bool,
    pub credentials: Credentials,
    pub progress: Option<&'a dyn Fn(&ProgressEvent)>,
    /// As [`RegistryOptions::proxy`].
    pub proxy: Option<String>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushOutcome {
    /// The reference pushed to, without `oci://`, with the tag (`ghcr.io/acme/svc:1.0.0`).
    pub reference: String,
    /// `sha256:<hex>` of the manifest: the one uploaded, or the existing one when `existed`.
    pub digest: String,
    /// `service.name`.
    pub name: String,
    /// `service.version`.
    pub version: String,
    /// The tag was already there and `force` was off: nothing was uploaded.
    pub existed: bool,
}

/// What a pull brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The resolved reference, without `oci://` (`ghcr.io/acme/svc:1.2.0`).
    pub reference: String,
    pub manifest_digest: String,
    pub layer_digest: String,
    pub bundle: Bundle,
}

/// Layer blobs kept by the host between pulls, keyed by digest. Only content-addressed blobs
/// are cached, and what comes back is verified before use, so a stale or corrupt cache can
/// never change what a pull returns.
pub trait BlobCache {
    fn get(&self, digest: &str) -> Option<Vec<u8>>;
    fn put(&self, digest: &str, bytes: &[u8]);
}

/// A cache that keeps nothing.
pub struct NoCache;

impl BlobCache for NoCache {
    fn get(&self, _digest: &str) -> Option<Vec<u8>> {
        None
    }

    fn put(&self, _digest: &str, _bytes: &[u8]) {}
}

/// The location after `oci://`, or the Go tool's error for a ref without it.
pub fn oci_location<'r>(operation: &str, raw: &'r str) -> Result<&'r str, OciError> {
    raw.strip_prefix("oci://")
        .ok_or_else(|| OciError::InvalidReference {
            reference: raw.to_string(),
            detail: format!("{operation} requires an OCI reference (oci://...): got {raw:?}"),
        })
}

/// Publishes a bundle (spec §4.2): validates it (errors refuse it), refuses local
/// dependencies, tags it with the ref's tag or `service.version`, and, unless `force`, leaves an
/// existing tag alone (`existed`). Blobs the registry already has are not uploaded again.
pub async fn push<T: Transport>(
    transport: &T,
    raw_ref: &str,
    bundle: &Bundle,
    options: &PushOptions<'_>,
) -> Result<PushOutcome, OciError> {
    let location = oci_location("push", raw_ref)?;
    let artifact = artifact::build(bundle)?;
    let reference = if has_explicit_tag_or_digest(location) {
        Reference::parse(location)?
    } else {
        Reference::parse(&format!("{location}:{}", artifact.version))?
    };
    let tag = match (&reference.tag, &reference.digest) {
        (Some(tag), None) => tag.clone(),
        _ => {
            return Err(OciError::InvalidReference {
                reference: location.to_string(),
                detail: format!(
                    "cannot push to {location:?}: a push names a tag, not a digest (leave the tag \
                     out to use service.version)"
                ),
            })
        }
    };
    let report = |event| {
        if let Some(progress) = options.progress {
            progress(&event);
        }
    };
    let subject = reference.to_string();
    let mut registry = Registry::new(
        transport,
        &reference,
        options.plain_http,
        options.credentials.clone(),
        Access::PushPull,
    );
    if let Some(proxy) = &options.proxy {
        registry.through_proxy(proxy::registry_base(proxy, &reference.registry));
    }
    let outcome = |digest: String, existed: bool| PushOutcome {
        reference: subject.clone(),
        digest,
        name: artifact.name.clone(),
        version: artifact.version.clone(),
        existed,
    };

    if !options.force {
        report(ProgressEvent::phase(Phase::Manifest));
        if let Some(head) = registry.head_manifest(&tag).await? {
            let digest = match head.digest {
                Some(digest) => digest,
                None => registry.get_manifest(&tag).await?.digest,
            };
            report(ProgressEvent::phase(Phase::Done));
            return Ok(outcome(digest, true));
        }
    }

    let blobs = [
        (&artifact.layer_descriptor, &artifact.layer),
        (&artifact.config_descriptor, &artifact.config),
    ];
    for (descriptor, bytes) in blobs {
        let (digest, size) = (&descriptor.digest, descriptor.size);
        report(ProgressEvent::transfer(Phase::Upload, 0, size, digest));
        if !registry.blob_exists(digest).await? {
            registry.upload_blob(digest, bytes.clone()).await?;
        }
        report(ProgressEvent::transfer(Phase::Upload, size, size, digest));
    }
    report(ProgressEvent::phase(Phase::Manifest));
    let digest = registry.put_manifest(&tag, &artifact.manifest).await?;
    report(ProgressEvent::phase(Phase::Done));
    Ok(outcome(digest, false))
}

/// Fetches a bundle (spec §4.3, §1.6). A ref without tag or digest resolves to its highest
/// semver tag; a tag is always looked up in the registry (manifest `GET`), only the layer blob
/// may come from `cache`, and every byte is verified against its digest. The layer is unpacked
/// with the archive limits and must hold a `pacto.yaml` that parses (it is not validated).
pub async fn pull<T: Transport>(
    transport: &T,
    raw_ref: &str,
    options: &PullOptions<'_>,
    cache: &dyn BlobCache,
) -> Result<Pulled, OciError> {
    let location = oci_location("pull", raw_ref)?;
    let explicit = has_explicit_tag_or_digest(location);
    let mut reference = if explicit {
        Reference::parse(location)?
    } else {
        Reference::parse_repository(location)?
    };
    let mut registry = Registry::new(
        transport,
        &reference,
        options.plain_http,
        options.credentials.clone(),
        Access::Pull,
    );
    if let Some(proxy) = &options.proxy {
        registry.through_proxy(proxy::registry_base(proxy, &reference.registry));
    }
    if !explicit {
        options.report(ProgressEvent::phase(Phase::Resolve));
        registry.set_subject(reference.name.clone());
        let tags = registry.list_tags().await?;
        let tag = select_tag(&reference.name, &tags, None)?;
        reference = reference.with_tag(&tag)?;
        registry.set_subject(reference.to_string());
    }
    let subject = reference.to_string();

    options.report(ProgressEvent::phase(Phase::Manifest));
    let manifest = registry
        .get_manifest(reference.manifest_reference())
        .await?;
    let layer = match manifest.layers.as_slice() {
        [layer] => layer.clone(),
        [] => return Err(not_a_bundle(&subject, "image has no layers".to_string())),
        more => {
            return Err(not_a_bundle(
                &subject,
                format!("expected 1 layer, got {}", more.len()),
            ))
        }
    };
    let limit = client::max_layer_size();
    if layer.size > limit {
        return Err(not_a_bundle(
            &subject,
            format!(
                "the layer is {} bytes, more than a bundle archive may be ({limit} bytes)",
                layer.size
            ),
        ));
    }

    let cached = cache
        .get(&layer.digest)
        .filter(|bytes| client::verify_blob(&subject, &layer, bytes).is_ok());
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            options.report(ProgressEvent::transfer(
                Phase::Download,
                0,
                layer.size,
                &layer.digest,
            ));
            let bytes = registry.get_blob(&layer).await?;
            cache.put(&layer.digest, &bytes);
            bytes
        }
    };
    options.report(ProgressEvent::transfer(
        Phase::Download,
        layer.size,
        layer.size,
        &layer.digest,
    ));

    let bundle = archive::unpack(&bytes).map_err(|e| OciError::archive(Some(&subject), &e))?;
    check_contract(&bundle)?;
    options.report(ProgressEvent::phase(Phase::Done));
    Ok(Pulled {
        reference: subject,
        manifest_digest: manifest.digest,
        layer_digest: layer.digest,
        bundle,
    })
}

fn not_a_bundle(subject: &str, detail: String) -> OciError {
    OciError::BadArchive {
        reference: Some(subject.to_string()),
        detail,
    }
}

/// A pulled bundle must have a `pacto.yaml` that parses (spec §1.6).
fn check_contract(bundle: &Bundle) -> Result<(), OciError> {
    let Some(bytes) = bundle.contract_bytes() else {
        return Err(OciError::NoContract {
            detail: "bundle missing pacto.yaml: open pacto.yaml: file does not exist".to_string(),
            diagnostics: Vec::new(),
        });
    };
    let text = std::str::from_utf8(bytes).map_err(|e| OciError::NoContract {
        detail: format!(
            "failed to parse contract from bundle: pacto.yaml is not valid UTF-8 (invalid byte \
             at offset {})",
            e.valid_up_to()
        ),
        diagnostics: Vec::new(),
    })?;
    match validate::parse(text) {
        Ok(_) => Ok(()),
        Err(diagnostics) => Err(OciError::NoContract {
            detail: format!(
                "failed to parse contract from bundle: {}",
                diagnostics
                    .first()
                    .map_or("invalid contract", |d| d.message.as_str())
            ),
            diagnostics,
        }),
    }
}

/// Resolves a ref to `<location>:<tag>` (spec §3). A ref with a tag or digest comes back
/// unchanged (the constraint is then ignored, as in the Go tool); otherwise the registry's tags
/// are listed and the highest semver tag satisfying `constraint` (any, when `None` or empty)
/// is chosen.
pub async fn resolve<T: Transport>(
    transport: &T,
    raw_ref: &str,
    constraint: Option<&str>,
    options: &RegistryOptions<'_>,
) -> Result<String, OciError> {
    let location = oci_location("resolve", raw_ref)?;
    if has_explicit_tag_or_digest(location) {
        Reference::parse(location)?;
        return Ok(location.to_string());
    }
    let repository = Reference::parse_repository(location)?;
    options.report(ProgressEvent::phase(Phase::Resolve));
    let tags = registry_for_tags(transport, &repository, options)
        .list_tags()
        .await?;
    let tag = select_tag(&repository.name, &tags, constraint)?;
    options.report(ProgressEvent::phase(Phase::Done));
    Ok(format!("{}:{tag}", repository.name))
}

/// Every tag of the ref's repository, in the registry's order (a tag or digest in the ref is
/// ignored).
pub async fn list_tags<T: Transport>(
    transport: &T,
    raw_ref: &str,
    options: &RegistryOptions<'_>,
) -> Result<Vec<String>, OciError> {
    let location = oci_location("listing tags", raw_ref)?;
    let repository = Reference::parse_repository(location)?;
    registry_for_tags(transport, &repository, options)
        .list_tags()
        .await
}

fn registry_for_tags<'t, T: Transport>(
    transport: &'t T,
    repository: &Reference,
    options: &RegistryOptions<'_>,
) -> Registry<'t, T> {
    let mut registry = Registry::new(
        transport,
        repository,
        options.plain_http,
        options.credentials.clone(),
        Access::Pull,
    );
    if let Some(proxy) = &options.proxy {
        registry.through_proxy(proxy::registry_base(proxy, &repository.registry));
    }
    registry.set_subject(repository.name.clone());
    registry
}
