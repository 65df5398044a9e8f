//! References as the registry client reads them (spec `oci-graph-cli.md` §2.2): the rules of
//! go-containerregistry's `name` package with its default (non-strict) options, plus the choice
//! between https and plain http.
//!
//! The loose validation-time split lives in `crate::reference`; this one is stricter because
//! its parts become URL paths.

use std::fmt;

/// The registry a reference names when its first component is not a host (`alpine`,
/// `acme/svc`): Docker Hub, under the name go-containerregistry gives it.
pub const DOCKER_HUB: &str = "index.docker.io";
const DOCKER_HUB_ALIAS: &str = "docker.io";

const REPOSITORY_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
const TAG_CHARS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

/// A parsed registry reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `host` or `host:port`; [`DOCKER_HUB`] when the reference names none.
    pub registry: String,
    /// The repository path on the registry, with Docker Hub's implicit `library/` added.
    pub repository: String,
    /// The tag, without `:`. When a digest is present too, the digest decides what is fetched.
    pub tag: Option<String>,
    /// `sha256:<64 lowercase hex>`.
    pub digest: Option<String>,
    /// The registry and repository as written, without tag or digest (`alpine`,
    /// `localhost:5000/team/svc`). Results and messages show references in this form, as the
    /// Go tool does.
    pub name: String,
}

/// Why a reference was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    /// `"reference"`, or `"repository"` when only a repository was asked for (tag listing).
    pub subject: &'static str,
    /// The reference as given (without `oci://`).
    pub reference: String,
    pub detail: String,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: {}",
            self.subject, self.reference, self.detail
        )
    }
}

impl std::error::Error for ReferenceError {}

impl Reference {
    /// Parses a location (the part after `oci://`): `[registry/]repository[:tag][@sha256:hex]`.
    pub fn parse(location: &str) -> Result<Reference, ReferenceError> {
        let fail = |detail: String| {
            Err(ReferenceError {
                subject: "reference",
                reference: location.to_string(),
                detail,
            })
        };
        let (rest, digest) = match location.split_once('@') {
            None => (location, None),
            Some((_, digest)) if digest.contains('@') => {
                return fail(
                    "a digest must follow exactly one `@` (registry/repository@sha256:<hex>)"
                        .to_string(),
                )
            }
            Some((rest, digest)) => match check_digest(digest) {
                Ok(()) => (rest, Some(digest.to_string())),
                Err(detail) => return fail(detail),
            },
        };
        let (name, tag) = match rest.rsplit_once(':') {
            Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
            _ => (rest, None),
        };
        if let Some(tag) = tag {
            if let Err(detail) = check_tag(tag) {
                return fail(detail);
            }
        }
        let repo = match Repository::parse(name) {
            Ok(repo) => repo,
            Err(detail) => return fail(detail),
        };
        Ok(Reference {
            registry: repo.registry,
            repository: repo.repository,
            tag: tag.map(str::to_string),
            digest,
            name: name.to_string(),
        })
    }

    /// Parses a location for tag listing: only the repository matters, a tag or digest is
    /// dropped. Errors are worded for a repository (`invalid repository "…": …`).
    pub fn parse_repository(location: &str) -> Result<Reference, ReferenceError> {
        let mut r = Reference::parse(location).map_err(|e| ReferenceError {
            subject: "repository",
            ..e
        })?;
        r.tag = None;
        r.digest = None;
        Ok(r)
    }

    /// The same repository with `tag` (and no digest).
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        check_tag(tag).map_err(|detail| ReferenceError {
            subject: "reference",
            reference: format!("{}:{tag}", self.name),
            detail,
        })?;
        Ok(Reference {
            tag: Some(tag.to_string()),
            digest: None,
            ..self.clone()
        })
    }

    /// What `/v2/<repo>/manifests/<…>` addresses: the digest, else the tag, else `latest`.
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }

    /// `https://<registry>` or, for a local registry or when asked, `http://<registry>`.
    pub fn base_url(&self, plain_http: bool) -> String {
        let scheme = if plain_http || is_local_registry(&self.registry) {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{}", self.registry)
    }
}

/// `name[:tag][@digest]`, the form results and messages show (no scheme).
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Registries reached over plain http without being asked: `localhost`, `127.0.0.1` and
/// `[::1]`, with any port. Everything else needs `plain_http`.
pub fn is_local_registry(registry: &str) -> bool {
    let host = match registry.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, _)) => return inside == "::1",
            None => return false,
        },
        None => registry.split_once(':').map_or(registry, |(host, _)| host),
    };
    host == "localhost" || host == "127.0.0.1"
}

struct Repository {
    registry: String,
    repository: String,
}

impl Repository {
    /// go-containerregistry `NewRepository`: the first component is the registry only when it
    /// contains `.` or `:`; Docker Hub adds `library/` to single-component repositories.
    fn parse(name: &str) -> Result<Repository, String> {
        if name.is_empty() {
            return Err("a repository name must be specified".to_string());
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest)) if first.contains('.') || first.contains(':') => (first, rest),
            _ => ("", name),
        };
        check_repository(repository)?;
        let registry = match registry {
            "" | DOCKER_HUB_ALIAS => DOCKER_HUB,
            other => {
                check_registry(other)?;
                other
            }
        };
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository.to_string()
        };
        Ok(Repository {
            registry: registry.to_string(),
            repository,
        })
    }
}

fn check_repository(repository: &str) -> Result<(), String> {
    let len = repository.chars().count();
    if !(2..=255).contains(&len) {
        return Err(format!(
            "repository must be between 2 and 255 characters in length: {repository}"
        ));
    }
    if !repository.chars().all(|c| REPOSITORY_CHARS.contains(c)) {
        let hint = if repository.chars().any(|c| c.is_ascii_uppercase()) {
            " (repository names are lowercase)"
        } else {
            ""
        };
        return Err(format!(
            "repository can only contain the characters `{REPOSITORY_CHARS}`: {repository}{hint}"
        ));
    }
    // Stricter than the Go library: an empty path component would make the URL ambiguous.
    if repository.split('/').any(str::is_empty) {
        return Err(format!(
            "repository path components must not be empty: {repository}"
        ));
    }
    Ok(())
}

fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("a tag name must follow the `:`".to_string());
    }
    if tag.len() > 128 {
        return Err(format!(
            "tag must be between 1 and 128 characters in length: {tag}"
        ));
    }
    if !tag.chars().all(|c| TAG_CHARS.contains(c)) {
        let hint = if tag.contains('+') {
            " (tags cannot carry `+build` metadata)"
        } else {
            ""
        };
        return Err(format!(
            "tag can only contain the characters `{TAG_CHARS}`: {tag}{hint}"
        ));
    }
    Ok(())
}

/// Only sha256 digests, as go-containerregistry accepts.
fn check_digest(digest: &str) -> Result<(), String> {
    match digest.strip_prefix("sha256:") {
        Some(hex) if is_sha256_hex(hex) => Ok(()),
        Some(_) => Err(format!(
            "a sha256 digest needs exactly 64 lowercase hex characters: {digest}"
        )),
        None => Err(format!(
            "unsupported digest {digest}: only sha256:<64 hex> digests are accepted"
        )),
    }
}

/// Whether `digest` is `sha256:<64 lowercase hex>`, the only form this client verifies.
pub fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(is_sha256_hex)
}

fn is_sha256_hex(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A URI authority (`host`, `host:port`, `[v6]:port`) that is safe to put into a URL. Stricter
/// than Go's `url.Parse` round trip: only the characters host names and ports use.
fn check_registry(registry: &str) -> Result<(), String> {
    let bad = || {
        Err(format!(
            "registries must be valid RFC 3986 URI authorities (host or host:port): {registry}"
        ))
    };
    let (host, port) = if let Some(rest) = registry.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return bad();
        };
        if inside.is_empty()
            || !inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return bad();
        }
        match after {
            "" => (registry, None),
            p => match p.strip_prefix(':') {
                Some(port) => (registry, Some(port)),
                None => return bad(),
            },
        }
    } else {
        match registry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (registry, None),
        }
    };
    let host_ok = host.starts_with('[')
        || (!host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')));
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if host_ok && port_ok {
        Ok(())
    } else {
        bad()
    }
}
