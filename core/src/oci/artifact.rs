//! The OCI artifact of a bundle (spec `oci-graph-cli.md` §1.1–§1.3, §1.7): one layer (the
//! bundle's tar.gz), a config blob carrying the contract's labels, and an OCI image manifest,
//! serialised byte for byte as the Go tool's `encoding/json` writes them, so identical layers
//! give identical manifest digests.

use crate::archive::{self, sha256_digest};
use crate::bundle::Bundle;
use crate::reference::{split_scheme, DependencyRef};
use crate::validate;

use super::error::OciError;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// The Docker config type the Go tool's config descriptor keeps (spec §1.3).
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.container.image.v1+json";
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.pacto.bundle.layer.v1.tar+gzip";
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_MANIFEST_LIST_MEDIA_TYPE: &str =
    "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_SCHEMA1_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_SCHEMA1_SIGNED_MEDIA_TYPE: &str =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The manifest `Accept` list of the Go client, in its order (spec §1.6).
pub const MANIFEST_ACCEPT: &str = "application/vnd.docker.distribution.manifest.v1+json,\
application/vnd.docker.distribution.manifest.v1+prettyjws,\
application/vnd.docker.distribution.manifest.v2+json,\
application/vnd.oci.image.manifest.v1+json,\
application/vnd.docker.distribution.manifest.list.v2+json,\
application/vnd.oci.image.index.v1+json";

/// A content descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub size: u64,
    /// `sha256:<hex>`.
    pub digest: String,
}

impl Descriptor {
    fn of(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            size: bytes.len() as u64,
            digest: sha256_digest(bytes),
        }
    }

    /// `{"mediaType":…,"size":…,"digest":…}`, the Go key order.
    fn json(&self) -> String {
        format!(
            "{{\"mediaType\":{},\"size\":{},\"digest\":{}}}",
            go_json_string(&self.media_type),
            self.size,
            go_json_string(&self.digest)
        )
    }
}

/// Everything a push uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub layer: Vec<u8>,
    pub layer_descriptor: Descriptor,
    pub config: Vec<u8>,
    pub config_descriptor: Descriptor,
    pub manifest: Vec<u8>,
    /// `sha256:<hex>` of `manifest`: the digest a push reports.
    pub manifest_digest: String,
    /// `service.name` of the contract.
    pub name: String,
    /// `service.version` of the contract.
    pub version: String,
}

/// The service a publishable bundle describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publishable {
    pub name: String,
    pub version: String,
    pub pacto_version: String,
}

/// The checks before anything is packed for publishing (spec §4.2 steps 2–3): the contract
/// validates without errors, and every dependency is an `oci://` reference.
pub fn check_publishable(bundle: &Bundle) -> Result<Publishable, OciError> {
    let contract = check_valid(bundle)?;
    if let Some(dep) = contract
        .dependencies
        .iter()
        .find(|d| matches!(split_scheme(&d.r#ref), DependencyRef::Local(_)))
    {
        return Err(OciError::LocalDependency {
            reference: dep.r#ref.clone(),
        });
    }
    Ok(Publishable {
        name: contract.service.name,
        version: contract.service.version,
        pacto_version: contract.pacto_version,
    })
}

/// Validates the bundle (all three layers); errors refuse it, warnings do not. A bundle
/// without `pacto.yaml` is `NO_CONTRACT`.
pub fn check_valid(bundle: &Bundle) -> Result<crate::Contract, OciError> {
    if bundle.contract_bytes().is_none() {
        return Err(OciError::NoContract {
            detail: "no pacto.yaml found at the root of the bundle".to_string(),
            diagnostics: Vec::new(),
        });
    }
    let report = validate::validate(bundle);
    if !report.valid {
        return Err(OciError::ValidationFailed {
            diagnostics: report.errors,
        });
    }
    let text = bundle
        .contract_bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default();
    // A valid report means the contract parsed; this only fails if validation and parsing
    // ever disagree.
    validate::parse(text)
        .map(|parsed| parsed.contract)
        .map_err(|diagnostics| OciError::ValidationFailed { diagnostics })
}

/// `pacto pack`: validates, then the deterministic tar.gz (local dependencies are allowed).
pub fn pack(bundle: &Bundle) -> Result<Vec<u8>, OciError> {
    check_valid(bundle)?;
    archive::pack(bundle).map_err(|e| OciError::archive(None, &e))
}

/// Checks the bundle as a push does and builds its artifact.
pub fn build(bundle: &Bundle) -> Result<Artifact, OciError> {
    let service = check_publishable(bundle)?;
    let layer = archive::pack_layer(bundle).map_err(|e| OciError::archive(None, &e))?;
    let config = config_json(
        &layer.diff_id,
        &service.name,
        &service.pacto_version,
        &service.version,
    )
    .into_bytes();
    let layer_descriptor = Descriptor {
        media_type: LAYER_MEDIA_TYPE.to_string(),
        size: layer.tar_gz.len() as u64,
        digest: layer.digest,
    };
    let config_descriptor = Descriptor::of(CONFIG_MEDIA_TYPE, &config);
    let manifest = manifest_json(&config_descriptor, &layer_descriptor).into_bytes();
    Ok(Artifact {
        manifest_digest: sha256_digest(&manifest),
        layer: layer.tar_gz,
        layer_descriptor,
        config,
        config_descriptor,
        manifest,
        name: service.name,
        version: service.version,
    })
}

/// The config blob of spec §1.3, compact, keys in the Go tool's order.
pub fn config_json(diff_id: &str, name: &str, pacto_version: &str, version: &str) -> String {
    format!(
        "{{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{{\"created\":\"0001-01-01T00:00:00Z\"}}],\"os\":\"\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}},\"config\":{{\"Labels\":{{\"io.pacto.name\":{},\"io.pacto.pactoVersion\":{},\"io.pacto.version\":{}}}}}}}",
        go_json_string(diff_id),
        go_json_string(name),
        go_json_string(pacto_version),
        go_json_string(version)
    )
}

/// The image manifest of spec §1.2, compact, keys in the Go tool's order, no annotations.
pub fn manifest_json(config: &Descriptor, layer: &Descriptor) -> String {
    format!(
        "{{\"schemaVersion\":2,\"mediaType\":{},\"config\":{},\"layers\":[{}]}}",
        go_json_string(MANIFEST_MEDIA_TYPE),
        config.json(),
        layer.json()
    )
}

/// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped
/// as `\u…`, control characters as `\b \f \n \r \t` or `\u00xx`.
pub fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
