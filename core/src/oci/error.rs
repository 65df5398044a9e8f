//! What can go wrong talking to a registry, as one error type with a stable code per kind.
//!
//! Messages follow spec `oci-graph-cli.md` §4.5 where the Go tool has a wording, and never
//! contain a credential: every value in a message is shown through [`crate::safe_text`]
//! (control and format characters escaped, long values cut); a session redacts its own
//! secrets on top.

use std::fmt;

use crate::archive::ArchiveError;
use crate::diagnostic::Diagnostic;
use crate::safe_text::printable;

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
    /// No byte for the idle timeout, or the operation's deadline passed. Never retried.
    Timeout { reference: String, detail: String },
    /// An answer longer than what may be accepted for it (a blob past its descriptor's size, a
    /// manifest past 4 MiB, ...). Never retried; nothing of it is used, written or cached.
    TooLarge {
        reference: String,
        /// The most bytes accepted.
        limit: u64,
        /// The `Content-Length` that was refused before reading, when there was one.
        declared: Option<u64>,
        /// Completes "more than the {limit} bytes …": `the manifest declares for blob …`.
        what: String,
    },
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
    /// `NETWORK`, `TIMEOUT`, `TOO_LARGE`, `DIGEST_MISMATCH`, `BAD_ARCHIVE` or `NO_CONTRACT`.
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
            OciError::Timeout { .. } => "TIMEOUT",
            OciError::TooLarge { .. } => "TOO_LARGE",
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
            | OciError::Timeout { detail, .. }
            | OciError::TooLarge { what: detail, .. }
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

    /// Names what a [`OciError::TooLarge`] limit is (`a manifest may have`); other errors
    /// pass through.
    pub(crate) fn limit_named(self, what: &str) -> Self {
        match self {
            OciError::TooLarge {
                reference,
                limit,
                declared,
                ..
            } => OciError::TooLarge {
                reference,
                limit,
                declared,
                what: what.to_string(),
            },
            other => other,
        }
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
        // Every value may hold text from a registry, an archive or a contract.
        let r = |reference: &str| printable(reference, MAX_REFERENCE_CHARS);
        let d = |detail: &str| printable(detail, MAX_DETAIL_CHARS);
        match self {
            OciError::InvalidReference { detail, .. } => f.write_str(&d(detail)),
            OciError::InvalidConstraint { constraint, detail } => {
                write!(f, "invalid constraint \"{}\": {}", r(constraint), d(detail))
            }
            OciError::ValidationFailed { diagnostics } => write!(
                f,
                "contract validation failed with {} error(s)",
                diagnostics.len()
            ),
            OciError::LocalDependency { reference } => write!(
                f,
                "local dependency detected: {}\nLocal dependencies are not allowed when \
                 publishing. All dependencies must use OCI references (oci://...)",
                r(reference)
            ),
            OciError::AuthFailed { reference, detail } => write!(
                f,
                "authentication failed for {}: {} \u{2014} run `pacto login` or \
                 set PACTO_REGISTRY_TOKEN",
                r(reference),
                d(detail)
            ),
            OciError::NotFound { reference, detail } => {
                write!(f, "artifact not found: {}", r(reference))?;
                if let Some(detail) = detail {
                    write!(f, " ({})", d(detail))?;
                }
                Ok(())
            }
            OciError::NoMatchingTag {
                constraint: Some(c),
                ..
            } => write!(f, "no tags satisfy constraint \"{}\"", r(c)),
            OciError::NoMatchingTag {
                constraint: None, ..
            } => f.write_str("no semver tags found"),
            OciError::TooManyRequests { reference, detail } => write!(
                f,
                "too many requests for {}: the registry is rate limiting ({}); retry later",
                r(reference),
                d(detail)
            ),
            OciError::Registry {
                reference, detail, ..
            } => write!(f, "registry error for {}: {}", r(reference), d(detail)),
            OciError::Network { reference, detail } => {
                write!(
                    f,
                    "registry unreachable for {}: {}",
                    r(reference),
                    d(detail)
                )
            }
            OciError::Timeout { reference, detail } => {
                write!(f, "registry timed out for {}: {}", r(reference), d(detail))
            }
            OciError::TooLarge {
                reference,
                limit,
                declared: None,
                what,
            } => write!(
                f,
                "answer too large from {}: the registry sent more than the {limit} bytes {}",
                r(reference),
                d(what)
            ),
            OciError::TooLarge {
                reference,
                limit,
                declared: Some(declared),
                what,
            } => write!(
                f,
                "answer too large from {}: the registry announced {declared} bytes \
                 (Content-Length), more than the {limit} bytes {}",
                r(reference),
                d(what)
            ),
            OciError::DigestMismatch { reference, detail } => write!(
                f,
                "content verification failed for {}: {}",
                r(reference),
                d(detail)
            ),
            OciError::BadArchive {
                reference: Some(reference),
                detail,
            } => write!(
                f,
                "failed to extract bundle from {}: {}",
                r(reference),
                d(detail)
            ),
            OciError::BadArchive {
                reference: None,
                detail,
            } => f.write_str(&d(detail)),
            OciError::NoContract { detail, .. } => f.write_str(&d(detail)),
        }
    }
}

/// Longest reference and detail shown in a message (cut with `…`).
const MAX_REFERENCE_CHARS: usize = 300;
const MAX_DETAIL_CHARS: usize = 1000;

impl std::error::Error for OciError {}

impl OciError {
    pub(crate) fn archive(reference: Option<&str>, e: &ArchiveError) -> Self {
        OciError::BadArchive {
            reference: reference.map(str::to_string),
            detail: e.to_string(),
        }
    }
}

/// Text from a registry answer made safe to show ([`printable`]), at most `max` characters.
pub(crate) fn clean(text: &str, max: usize) -> String {
    printable(text, max)
}
