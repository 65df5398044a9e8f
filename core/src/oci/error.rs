//! What can go wrong talking to a registry, as one error type with a stable code per kind.
//!
//! Messages follow spec `oci-graph-cli.md` §4.5 where the Go tool has a wording, and never
//! contain a credential: registry answers are quoted only through [`clean`], which escapes
//! control characters and cuts long text, and a session redacts its own secrets on top.

use std::fmt;

use crate::archive::ArchiveError;
use crate::diagnostic::Diagnostic;

use super::reference::ReferenceError;

/// An OCI operation's failure. [`OciError::code`] is the stable, machine-readable kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OciError {
    /// The ref is not `oci://…` or does not parse (spec §2.1, §2.2).
    InvalidReference { reference: String, detail: String },
    /// A tag-resolution constraint does not parse (spec §3 step 3).
    InvalidConstraint { constraint: String, detail: String },
    /// The contract has validation errors; nothing was sent (spec §4.2 step 2).
    ValidationFailed { diagnostics: Vec<Diagnostic> },
    /// A dependency that is not `oci://` in a contract being published (spec §4.2 step 3).
    LocalDependency { reference: String },
    /// 401/403 from the registry or its token service.
    AuthFailed { reference: String, detail: String },
    /// 404: no such repository, tag, manifest or blob.
    NotFound {
        reference: String,
        detail: Option<String>,
    },
    /// Tag resolution found no tag to use (spec §3 step 4).
    NoMatchingTag {
        repository: String,
        constraint: Option<String>,
    },
    /// 429: the registry is rate limiting.
    TooManyRequests { reference: String, detail: String },
    /// Any other failure status, or an answer that breaks the protocol (malformed JSON,
    /// missing headers, unsupported manifest).
    Registry {
        reference: String,
        status: Option<u16>,
        detail: String,
    },
    /// The request never got an answer (DNS, TLS, connection refused, CORS in browsers).
    Network { reference: String, detail: String },
    /// Bytes whose sha256 or size differs from what the manifest or reference says.
    DigestMismatch { reference: String, detail: String },
    /// The layer is not a usable bundle archive (or a bundle could not be packed).
    BadArchive {
        reference: Option<String>,
        detail: String,
    },
    /// The bundle has no `pacto.yaml`, or it does not parse (`diagnostics` say why).
    NoContract {
        detail: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl OciError {
    /// The stable code: `INVALID_REFERENCE`, `INVALID_CONSTRAINT`, `VALIDATION_FAILED`,
    /// `LOCAL_DEPENDENCY`, `AUTH_FAILED`, `NOT_FOUND`, `TOO_MANY_REQUESTS`, `REGISTRY_ERROR`,
    /// `NETWORK`, `DIGEST_MISMATCH`, `BAD_ARCHIVE` or `NO_CONTRACT`.
    pub fn code(&self) -> &'static str {
        match self {
            OciError::InvalidReference { .. } => "INVALID_REFERENCE",
            OciError::InvalidConstraint { .. } => "INVALID_CONSTRAINT",
            OciError::ValidationFailed { .. } => "VALIDATION_FAILED",
            OciError::LocalDependency { .. } => "LOCAL_DEPENDENCY",
            OciError::AuthFailed { .. } => "AUTH_FAILED",
            OciError::NotFound { .. } | OciError::NoMatchingTag { .. } => "NOT_FOUND",
            OciError::TooManyRequests { .. } => "TOO_MANY_REQUESTS",
            OciError::Registry { .. } => "REGISTRY_ERROR",
            OciError::Network { .. } => "NETWORK",
            OciError::DigestMismatch { .. } => "DIGEST_MISMATCH",
            OciError::BadArchive { .. } => "BAD_ARCHIVE",
            OciError::NoContract { .. } => "NO_CONTRACT",
        }
    }

    /// The diagnostics behind `VALIDATION_FAILED` and `NO_CONTRACT`; empty otherwise.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            OciError::ValidationFailed { diagnostics }
            | OciError::NoContract { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            OciError::Registry { status, .. } => *status,
            OciError::TooManyRequests { .. } => Some(429),
            _ => None,
        }
    }

    /// Replaces every occurrence of each non-empty secret with `***` in the error's texts.
    pub(crate) fn redact(mut self, secrets: &[&str]) -> Self {
        let scrub = |s: &mut String| {
            for secret in secrets.iter().filter(|s| s.len() >= 3) {
                if s.contains(secret) {
                    *s = s.replace(secret, "***");
                }
            }
        };
        match &mut self {
            OciError::AuthFailed { detail, .. }
            | OciError::TooManyRequests { detail, .. }
            | OciError::Registry { detail, .. }
            | OciError::Network { detail, .. }
            | OciError::DigestMismatch { detail, .. }
            | OciError::BadArchive { detail, .. } => scrub(detail),
            OciError::NotFound {
                detail: Some(detail),
                ..
            } => scrub(detail),
            _ => {}
        }
        self
    }
}

impl From<ReferenceError> for OciError {
    fn from(e: ReferenceError) -> Self {
        OciError::InvalidReference {
            reference: e.reference.clone(),
            detail: e.to_string(),
        }
    }
}

impl fmt::Display for OciError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OciError::InvalidReference { detail, .. } => f.write_str(detail),
            OciError::InvalidConstraint { constraint, detail } => {
                write!(f, "invalid constraint {constraint:?}: {detail}")
            }
            OciError::ValidationFailed { diagnostics } => write!(
                f,
                "contract validation failed with {} error(s)",
                diagnostics.len()
            ),
            OciError::LocalDependency { reference } => write!(
                f,
                "local dependency detected: {reference}\nLocal dependencies are not allowed when \
                 publishing. All dependencies must use OCI references (oci://...)"
            ),
            OciError::AuthFailed { reference, detail } => write!(
                f,
                "authentication failed for {reference}: {detail} \u{2014} run `pacto login` or \
                 set PACTO_REGISTRY_TOKEN"
            ),
            OciError::NotFound { reference, detail } => {
                write!(f, "artifact not found: {reference}")?;
                if let Some(detail) = detail {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            OciError::NoMatchingTag {
                constraint: Some(c),
                ..
            } => write!(f, "no tags satisfy constraint {c:?}"),
            OciError::NoMatchingTag {
                constraint: None, ..
            } => f.write_str("no semver tags found"),
            OciError::TooManyRequests { reference, detail } => write!(
                f,
                "too many requests for {reference}: the registry is rate limiting ({detail}); \
                 retry later"
            ),
            OciError::Registry {
                reference, detail, ..
            } => write!(f, "registry error for {reference}: {detail}"),
            OciError::Network { reference, detail } => {
                write!(f, "registry unreachable for {reference}: {detail}")
            }
            OciError::DigestMismatch { reference, detail } => {
                write!(f, "content verification failed for {reference}: {detail}")
            }
            OciError::BadArchive {
                reference: Some(reference),
                detail,
            } => write!(f, "failed to extract bundle from {reference}: {detail}"),
            OciError::BadArchive {
                reference: None,
                detail,
            } => f.write_str(detail),
            OciError::NoContract { detail, .. } => f.write_str(detail),
        }
    }
}

impl std::error::Error for OciError {}

impl OciError {
    pub(crate) fn archive(reference: Option<&str>, e: &ArchiveError) -> Self {
        OciError::BadArchive {
            reference: reference.map(str::to_string),
            detail: e.to_string(),
        }
    }
}

/// Text from a registry answer made safe to show: control characters escaped, at most
/// `max` characters kept.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
