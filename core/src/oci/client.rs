//! The OCI distribution protocol over an injected [`Transport`]: one [`Registry`] session per
//! repository and operation, with the token handshake, retries, redirects and verification of
//! everything read.
//!
//! Registry answers are hostile input: every digest read is checked against the bytes, sizes
//! are bounded, and nothing in an answer can panic the client.

use std::fmt;

use serde_json::Value;

use crate::archive::{sha256_digest, Limits};

use super::artifact::{
    Descriptor, DOCKER_MANIFEST_LIST_MEDIA_TYPE, DOCKER_SCHEMA1_MEDIA_TYPE,
    DOCKER_SCHEMA1_SIGNED_MEDIA_TYPE, INDEX_MEDIA_TYPE, MANIFEST_ACCEPT, MANIFEST_MEDIA_TYPE,
};
use super::auth::{parse_challenges, token_url, Access, Challenge, Credentials};
use super::error::{clean, OciError};
use super::reference::{is_sha256_digest, Reference};
use super::url;

/// Largest manifest accepted (what registries commonly accept on upload).
pub const MAX_MANIFEST_SIZE: usize = 4 << 20;
/// Largest token-service or tag-list page answer accepted.
const MAX_JSON_ANSWER: usize = 8 << 20;
/// Attempts for idempotent requests, and the waits between them (the Go client's ≈1 s, ≈3 s).
const ATTEMPTS: usize = 3;
const RETRY_WAITS_MS: [u32; 2] = [1000, 3000];
const MAX_REDIRECTS: usize = 10;
/// Tag-list pages followed at most (a hostile `Link` chain must end).
const MAX_TAG_PAGES: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP request. `Debug` hides the `Authorization` value.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    /// An absolute `http://` or `https://` URL.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The value of a header (names compare case-insensitively).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if k.eq_ignore_ascii_case("authorization") {
                    "***"
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One HTTP response. A transport that does not follow redirects returns the 3xx as is; the
/// client follows it (and only sends credentials back to the registry's own origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of a header (names compare case-insensitively; the first one wins).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The request got no HTTP answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub message: String,
    /// Worth retrying (a reset connection, a timeout), as opposed to a refused connection or
    /// an unknown host.
    pub temporary: bool,
}

impl TransportError {
    pub fn new(message: impl Into<String>) -> Self {
        TransportError {
            message: message.into(),
            temporary: false,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends HTTP requests: the only I/O of the OCI operations, injected by the host (fetch in
/// wasm, an HTTP client in native code).
///
/// `async fn` without `Send` bounds on purpose: the wasm host is single-threaded and its
/// futures are not `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Waits before a retry. The default returns at once (no timer in pure Rust); hosts with a
    /// clock override it so that retries of transient failures are spaced out.
    async fn wait(&self, millis: u32) {
        let _ = millis;
    }
}

/// A session with one repository of one registry: the `/v2/` ping, the token handshake and
/// every request of an operation.
pub struct Registry<'t, T: Transport> {
    transport: &'t T,
    /// `scheme://registry`.
    base: String,
    origin: String,
    plain_http: bool,
    repository: String,
    /// The reference messages name.
    subject: String,
    credentials: Credentials,
    scopes: Vec<String>,
    authorization: Option<String>,
    token: Option<String>,
    pinged: bool,
}

/// What a manifest `HEAD` tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestHead {
    /// `Docker-Content-Digest`, when present and a sha256 digest.
    pub digest: Option<String>,
    pub media_type: Option<String>,
}

/// A fetched and verified image manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of `bytes`.
    pub digest: String,
    pub media_type: String,
    pub config: Option<Descriptor>,
    pub layers: Vec<Descriptor>,
}

/// A manifest body, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestBody {
    /// An image manifest (OCI or Docker schema 2).
    Image {
        config: Option<Descriptor>,
        layers: Vec<Descriptor>,
    },
    /// An image index / manifest list: the digest of its `linux/amd64` entry, if any.
    Index { linux_amd64: Option<Descriptor> },
}

impl<'t, T: Transport> Registry<'t, T> {
    /// A session for `reference`'s repository. Nothing is sent until the first request.
    pub fn new(
        transport: &'t T,
        reference: &Reference,
        plain_http: bool,
        credentials: Credentials,
        access: Access,
    ) -> Self {
        let base = reference.base_url(plain_http);
        let origin = url::origin(&base).unwrap_or_else(|| base.clone());
        let authorization = match &credentials {
            Credentials::Token(_) => credentials.direct_authorization(),
            _ => None,
        };
        Registry {
            transport,
            plain_http: base.starts_with("http://"),
            base,
            origin,
            repository: reference.repository.clone(),
            subject: reference.to_string(),
            scopes: vec![access.scope(&reference.repository)],
            credentials,
            authorization,
            token: None,
            pinged: false,
        }
    }

    /// Changes the reference that messages name (e.g. once a tag is resolved).
    pub fn set_subject(&mut self, subject: impl Into<String>) {
        self.subject = subject.into();
    }

    /// `scheme://registry`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends every request of the session to `base` (a `pacto serve` proxy's URL for this
    /// registry, [`super::proxy::registry_base`]) instead of to the registry itself.
    pub fn through_proxy(&mut self, base: String) {
        self.origin = url::origin(&base).unwrap_or_else(|| base.clone());
        self.plain_http = base.starts_with("http://");
        self.base = base;
    }

    fn redact(&self, e: OciError) -> OciError {
        let mut secrets = self.credentials.secrets();
        if let Some(token) = &self.token {
            secrets.push(token);
        }
        e.redact(&secrets)
    }

    /// `GET /v2/`: learns the registry's challenge and authenticates. Called by the first
    /// request of the session.
    pub async fn ping(&mut self) -> Result<(), OciError> {
        let result = self.ping_inner().await;
        result.map_err(|e| self.redact(e))
    }

    async fn ping_inner(&mut self) -> Result<(), OciError> {
        self.pinged = true;
        if matches!(self.credentials, Credentials::Token(_)) {
            // A registry token is sent as it is: there is nothing to learn.
            return Ok(());
        }
        let url = format!("{}/v2/", self.base);
        let response = self
            .send_following(HttpRequest::new(Method::Get, &url), true)
            .await?;
        match response.status {
            200..=299 => {
                self.authorization = self.credentials.direct_authorization();
                Ok(())
            }
            401 => {
                let challenges = response
                    .header("www-authenticate")
                    .map(parse_challenges)
                    .unwrap_or_default();
                if !self.authenticate(&challenges).await? {
                    self.authorization = self.credentials.direct_authorization();
                }
                Ok(())
            }
            429 | 500..=599 => Err(status_error(&self.subject, Method::Get, &url, &response)),
            // Anything else (a 404 from a proxy, say): carry on, the real request will tell.
            _ => {
                self.authorization = self.credentials.direct_authorization();
                Ok(())
            }
        }
    }

    /// Acts on a 401's challenges; `true` when the authorization changed (worth a retry).
    async fn authenticate(&mut self, challenges: &[Challenge]) -> Result<bool, OciError> {
        if matches!(self.credentials, Credentials::Token(_)) {
            return Ok(false);
        }
        let Some(challenge) = challenges.iter().find(|c| c.is_basic() || c.is_bearer()) else {
            return Ok(false);
        };
        if challenge.is_basic() {
            let basic = self.credentials.direct_authorization();
            let changed = basic.is_some() && basic != self.authorization;
            self.authorization = basic;
            return Ok(changed);
        }
        let Some(realm) = challenge.param("realm") else {
            return Err(self.malformed("a Bearer challenge without a realm"));
        };
        if let Some(scope) = challenge.param("scope") {
            for s in scope.split(' ').filter(|s| !s.is_empty()) {
                if !self.scopes.iter().any(|have| have == s) {
                    self.scopes.insert(0, s.to_string());
                }
            }
        }
        let service = challenge.param("service").unwrap_or_default().to_string();
        let token = self.fetch_token(realm, &service).await?;
        let bearer = Some(format!("Bearer {token}"));
        let changed = bearer != self.authorization;
        self.token = Some(token);
        self.authorization = bearer;
        Ok(changed)
    }

    /// The token exchange: `GET realm?scope=…&service=…`, with Basic credentials when known.
    async fn fetch_token(&mut self, realm: &str, service: &str) -> Result<String, OciError> {
        let Some(realm_origin) = url::origin(realm) else {
            return Err(self.malformed(&format!(
                "a token realm that is not an http(s) URL: {}",
                clean(realm, 200)
            )));
        };
        if realm_origin.starts_with("http://") && !self.plain_http {
            return Err(self.malformed(&format!(
                "a token realm over plain http for an https registry, refused: {}",
                clean(url::display(realm), 200)
            )));
        }
        let url = token_url(realm, service, &self.scopes);
        let mut request = HttpRequest::new(Method::Get, &url);
        if let Credentials::Basic { .. } = self.credentials {
            if let Some(basic) = self.credentials.direct_authorization() {
                request.headers.push(("Authorization".to_string(), basic));
            }
        }
        let response = self.send_retrying(request, true).await?;
        match response.status {
            200..=299 => {}
            401 | 403 => {
                return Err(OciError::AuthFailed {
                    reference: self.subject.clone(),
                    detail: format!(
                        "token request {} {}",
                        url::display(&url),
                        status_text(&response)
                    ),
                })
            }
            _ => return Err(status_error(&self.subject, Method::Get, &url, &response)),
        }
        if response.body.len() > MAX_JSON_ANSWER {
            return Err(self.malformed("an oversized token response"));
        }
        let answer = parse_json(&response.body)
            .map_err(|_| self.malformed("a token response that is not valid JSON"))?;
        let token = |key: &str| {
            answer
                .get(key)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        token("token")
            .or_else(|| token("access_token"))
            .filter(|t| t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| self.malformed("a token response without a usable token"))
    }

    fn malformed(&self, what: &str) -> OciError {
        OciError::Registry {
            reference: self.subject.clone(),
            status: None,
            detail: format!("the registry answered with {what}"),
        }
    }

    /// Sends a request to the registry: pings first, attaches credentials for the registry's
    /// origin, retries idempotent requests on transient failures, follows redirects, and on a
    /// 401 re-authenticates once. Any status comes back; mapping it is the caller's business.
    pub async fn request(
        &mut self,
        request: HttpRequest,
        idempotent: bool,
    ) -> Result<HttpResponse, OciError> {
        let result = self.request_inner(request, idempotent).await;
        result.map_err(|e| self.redact(e))
    }

    async fn request_inner(
        &mut self,
        request: HttpRequest,
        idempotent: bool,
    ) -> Result<HttpResponse, OciError> {
        if !self.pinged {
            self.ping_inner().await?;
        }
        // A second try after re-authenticating only for requests that may be repeated: the
        // idempotent ones and those without a body (an upload session `POST`).
        let retry_copy = (idempotent || request.body.is_empty()).then(|| request.clone());
        let response = self.send_following(request, idempotent).await?;
        if response.status != 401 {
            return Ok(response);
        }
        let Some(again) = retry_copy else {
            return Ok(response);
        };
        let challenges = response
            .header("www-authenticate")
            .map(parse_challenges)
            .unwrap_or_default();
        if self.authenticate(&challenges).await? {
            self.send_following(again, idempotent).await
        } else {
            Ok(response)
        }
    }

    /// Follows redirects (for requests without a body), sending credentials only to the
    /// registry's own origin.
    async fn send_following(
        &mut self,
        mut request: HttpRequest,
        idempotent: bool,
    ) -> Result<HttpResponse, OciError> {
        for _ in 0..=MAX_REDIRECTS {
            request
                .headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            if let Some(auth) = &self.authorization {
                if url::origin(&request.url).as_deref() == Some(self.origin.as_str()) {
                    request
                        .headers
                        .push(("Authorization".to_string(), auth.clone()));
                }
            }
            let follow =
                request.body.is_empty() && matches!(request.method, Method::Get | Method::Head);
            let next = follow.then(|| request.clone());
            let from = request.url.clone();
            let response = self.send_retrying(request, idempotent).await?;
            let Some(mut next) = next.filter(|_| is_redirect(response.status)) else {
                return Ok(response);
            };
            let target = response
                .header("location")
                .and_then(|location| url::resolve(&from, location));
            let Some(target) = target else {
                return Err(self.malformed(&format!(
                    "a redirect ({}) without a usable Location header",
                    response.status
                )));
            };
            next.url = target;
            request = next;
        }
        Err(self.malformed("too many redirects"))
    }

    /// Sends once, or up to [`ATTEMPTS`] times for idempotent requests on network failures
    /// marked temporary and on 408, 499, 500, 502, 503, 504, 522 (not 429, as the Go client).
    async fn send_retrying(
        &mut self,
        request: HttpRequest,
        idempotent: bool,
    ) -> Result<HttpResponse, OciError> {
        let method = request.method;
        let shown_url = url::display(&request.url).to_string();
        let mut request = Some(request);
        for attempt in 0..ATTEMPTS {
            let last = !idempotent || attempt + 1 == ATTEMPTS;
            let this = if last {
                request.take()
            } else {
                request.clone()
            };
            let Some(this) = this else {
                break;
            };
            match self.transport.send(this).await {
                Ok(response) if !last && is_transient(response.status) => {}
                Ok(response) => return Ok(response),
                Err(e) if !last && e.temporary => {}
                Err(e) => {
                    return Err(OciError::Network {
                        reference: self.subject.clone(),
                        detail: format!("{method} {shown_url}: {}", clean(&e.message, 500)),
                    })
                }
            }
            self.transport.wait(RETRY_WAITS_MS[attempt.min(1)]).await;
        }
        Err(OciError::Network {
            reference: self.subject.clone(),
            detail: format!("{method} {shown_url}: no answer"),
        })
    }

    fn repo_url(&self, tail: &str) -> String {
        format!("{}/v2/{}/{tail}", self.base, self.repository)
    }

    /// `HEAD` a manifest: `None` when the registry says 404.
    pub async fn head_manifest(
        &mut self,
        reference: &str,
    ) -> Result<Option<ManifestHead>, OciError> {
        let url = self.repo_url(&format!("manifests/{reference}"));
        let request = HttpRequest::new(Method::Head, &url).header("Accept", MANIFEST_ACCEPT);
        let response = self.request(request, true).await?;
        match response.status {
            200 => Ok(Some(ManifestHead {
                digest: response
                    .header("docker-content-digest")
                    .map(str::trim)
                    .filter(|d| is_sha256_digest(d))
                    .map(str::to_string),
                media_type: response.header("content-type").map(str::to_string),
            })),
            404 => Ok(None),
            _ => Err(self.redact(status_error(&self.subject, Method::Head, &url, &response))),
        }
    }

    /// `GET` a manifest by tag or digest. The digest returned is always the sha256 of the bytes
    /// received; by digest it must equal the one asked for. An index is followed to its
    /// `linux/amd64` image (as the Go tool does); Docker schema 1 is refused.
    pub async fn get_manifest(&mut self, reference: &str) -> Result<Manifest, OciError> {
        let mut wanted = reference.to_string();
        for _ in 0..2 {
            let (bytes, digest, media_type) = self.fetch_manifest(&wanted).await?;
            match parse_manifest(&bytes, Some(&media_type)) {
                Ok(ManifestBody::Image { config, layers }) => {
                    return Ok(Manifest {
                        bytes,
                        digest,
                        media_type,
                        config,
                        layers,
                    })
                }
                Ok(ManifestBody::Index {
                    linux_amd64: Some(child),
                }) => wanted = child.digest,
                Ok(ManifestBody::Index { linux_amd64: None }) => {
                    return Err(self.malformed(
                        "an image index without a linux/amd64 manifest (not a Pacto bundle)",
                    ))
                }
                Err(detail) => return Err(self.malformed(&detail)),
            }
        }
        Err(self.malformed("an image index pointing at another index"))
    }

    async fn fetch_manifest(
        &mut self,
        reference: &str,
    ) -> Result<(Vec<u8>, String, String), OciError> {
        let url = self.repo_url(&format!("manifests/{reference}"));
        let request = HttpRequest::new(Method::Get, &url).header("Accept", MANIFEST_ACCEPT);
        let response = self.request(request, true).await?;
        if response.status != 200 {
            return Err(self.redact(status_error(&self.subject, Method::Get, &url, &response)));
        }
        if response.body.len() > MAX_MANIFEST_SIZE {
            return Err(self.malformed(&format!(
                "a manifest of {} bytes (at most {MAX_MANIFEST_SIZE} are accepted)",
                response.body.len()
            )));
        }
        let digest = sha256_digest(&response.body);
        if reference.starts_with("sha256:") && digest != reference {
            return Err(OciError::DigestMismatch {
                reference: self.subject.clone(),
                detail: format!("manifest {reference} has the digest {digest}"),
            });
        }
        let media_type = response
            .header("content-type")
            .map(media_type_essence)
            .unwrap_or_default();
        Ok((response.body, digest, media_type))
    }

    /// Whether the registry has a blob (`HEAD`): 200 yes, 404 no, 401/403 an error; anything
    /// else counts as no, so that the upload itself reports the problem.
    pub async fn blob_exists(&mut self, digest: &str) -> Result<bool, OciError> {
        let url = self.repo_url(&format!("blobs/{digest}"));
        let response = self
            .request(HttpRequest::new(Method::Head, &url), true)
            .await?;
        match response.status {
            200 => Ok(true),
            401 | 403 => {
                Err(self.redact(status_error(&self.subject, Method::Head, &url, &response)))
            }
            _ => Ok(false),
        }
    }

    /// `GET` a blob and verify its size and sha256 against the descriptor.
    pub async fn get_blob(&mut self, descriptor: &Descriptor) -> Result<Vec<u8>, OciError> {
        if !is_sha256_digest(&descriptor.digest) {
            return Err(self.malformed(&format!(
                "an unsupported blob digest {} (only sha256 is verified)",
                clean(&descriptor.digest, 100)
            )));
        }
        let url = self.repo_url(&format!("blobs/{}", descriptor.digest));
        let response = self
            .request(HttpRequest::new(Method::Get, &url), true)
            .await?;
        match response.status {
            200 => {}
            404 => {
                return Err(OciError::NotFound {
                    reference: self.subject.clone(),
                    detail: Some(format!("blob {} is missing", descriptor.digest)),
                })
            }
            _ => {
                return Err(self.redact(status_error(&self.subject, Method::Get, &url, &response)))
            }
        }
        verify_blob(&self.subject, descriptor, &response.body)?;
        Ok(response.body)
    }

    /// Uploads a blob monolithically: `POST …/blobs/uploads/`, then `PUT <Location>&digest=…`.
    pub async fn upload_blob(&mut self, digest: &str, bytes: Vec<u8>) -> Result<(), OciError> {
        let url = self.repo_url("blobs/uploads/");
        let response = self
            .request(HttpRequest::new(Method::Post, &url), false)
            .await?;
        if !(200..=299).contains(&response.status) {
            return Err(self.redact(status_error(&self.subject, Method::Post, &url, &response)));
        }
        let Some(location) = response
            .header("location")
            .and_then(|location| url::resolve(&url, location))
        else {
            return Err(self.malformed("an upload session without a usable Location header"));
        };
        let put_url = url::with_query_param(&location, "digest", digest);
        let request = HttpRequest {
            method: Method::Put,
            url: put_url.clone(),
            headers: vec![(
                "Content-Type".to_string(),
                "application/octet-stream".to_string(),
            )],
            body: bytes,
        };
        let response = self.request(request, false).await?;
        if (200..=299).contains(&response.status) {
            Ok(())
        } else {
            Err(self.redact(status_error(
                &self.subject,
                Method::Put,
                &put_url,
                &response,
            )))
        }
    }

    /// `PUT` an OCI image manifest under `tag`; answers the manifest's digest.
    pub async fn put_manifest(&mut self, tag: &str, manifest: &[u8]) -> Result<String, OciError> {
        let url = self.repo_url(&format!("manifests/{tag}"));
        let request = HttpRequest {
            method: Method::Put,
            url: url.clone(),
            headers: vec![("Content-Type".to_string(), MANIFEST_MEDIA_TYPE.to_string())],
            body: manifest.to_vec(),
        };
        let response = self.request(request, true).await?;
        if (200..=299).contains(&response.status) {
            Ok(sha256_digest(manifest))
        } else {
            Err(self.redact(status_error(&self.subject, Method::Put, &url, &response)))
        }
    }

    /// Every tag of the repository: `GET …/tags/list?n=1000`, following `Link: <…>; rel="next"`.
    pub async fn list_tags(&mut self) -> Result<Vec<String>, OciError> {
        let mut url = self.repo_url("tags/list?n=1000");
        let mut seen = Vec::new();
        let mut tags = Vec::new();
        for _ in 0..MAX_TAG_PAGES {
            seen.push(url.clone());
            let response = self
                .request(HttpRequest::new(Method::Get, &url), true)
                .await?;
            if response.status != 200 {
                return Err(self.redact(status_error(&self.subject, Method::Get, &url, &response)));
            }
            if response.body.len() > MAX_JSON_ANSWER {
                return Err(self.malformed("an oversized tag list"));
            }
            let page = parse_json(&response.body)
                .map_err(|e| self.malformed(&format!("a tag list that is not valid JSON ({e})")))?;
            match page.get("tags") {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    for tag in list {
                        let Some(tag) = tag.as_str() else {
                            return Err(
                                self.malformed("a tag list with a tag that is not a string")
                            );
                        };
                        tags.push(tag.to_string());
                    }
                }
                Some(_) => return Err(self.malformed("a tag list whose `tags` is not a list")),
            }
            let next = response
                .header("link")
                .and_then(parse_next_link)
                .and_then(|next| url::resolve(&url, &next));
            match next {
                Some(next) if !seen.contains(&next) => url = next,
                _ => return Ok(tags),
            }
        }
        Ok(tags)
    }
}

/// Checks bytes against a descriptor (size, then sha256).
pub fn verify_blob(subject: &str, descriptor: &Descriptor, bytes: &[u8]) -> Result<(), OciError> {
    if bytes.len() as u64 != descriptor.size {
        return Err(OciError::DigestMismatch {
            reference: subject.to_string(),
            detail: format!(
                "blob {} should be {} bytes, got {}",
                descriptor.digest,
                descriptor.size,
                bytes.len()
            ),
        });
    }
    let actual = sha256_digest(bytes);
    if actual != descriptor.digest {
        return Err(OciError::DigestMismatch {
            reference: subject.to_string(),
            detail: format!("blob {} has the digest {actual}", descriptor.digest),
        });
    }
    Ok(())
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 499 | 500 | 502 | 503 | 504 | 522)
}

/// `type/subtype` of a `Content-Type`, lowercased, parameters dropped.
fn media_type_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Maps a failure status to an error (spec §4.5): 401/403 → auth failed, 404 → not found,
/// 429 → too many requests, anything else → registry error with the status.
pub fn status_error(
    subject: &str,
    method: Method,
    request_url: &str,
    response: &HttpResponse,
) -> OciError {
    let detail = format!(
        "{method} {}: {}",
        clean(url::display(request_url), 300),
        status_text(response)
    );
    match response.status {
        401 | 403 => OciError::AuthFailed {
            reference: subject.to_string(),
            detail,
        },
        404 => OciError::NotFound {
            reference: subject.to_string(),
            detail: None,
        },
        429 => OciError::TooManyRequests {
            reference: subject.to_string(),
            detail,
        },
        status => OciError::Registry {
            reference: subject.to_string(),
            status: Some(status),
            detail,
        },
    }
}

/// `401 Unauthorized: UNAUTHORIZED: authentication required` — the status, then the
/// registry's error codes and messages from an OCI error body, when it has one.
pub fn status_text(response: &HttpResponse) -> String {
    let mut out = response.status.to_string();
    if let Some(reason) = reason_phrase(response.status) {
        out.push(' ');
        out.push_str(reason);
    }
    let errors = (response.body.len() <= MAX_JSON_ANSWER)
        .then(|| parse_json(&response.body).ok())
        .flatten();
    let entries = errors
        .as_ref()
        .and_then(|body| body.get("errors"))
        .and_then(Value::as_array);
    for entry in entries.into_iter().flatten().take(3) {
        let field = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or_default();
        let (code, message) = (field("code"), field("message"));
        let text = match (code.is_empty(), message.is_empty()) {
            (false, false) => format!("{code}: {message}"),
            (false, true) => code.to_string(),
            (true, false) => message.to_string(),
            (true, true) => continue,
        };
        out.push_str(": ");
        out.push_str(&clean(&text, 300));
    }
    out
}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// A JSON answer. Parsed as text into a `Value`, the parser instance the rest of the crate
/// already uses (typed `Deserialize` impls would each add their own code to the wasm).
fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    serde_json::from_str::<Value>(text).map_err(|e| e.to_string())
}

/// A descriptor object: `digest` (sha256 only) and `size` (a non-negative integer) required.
fn descriptor(value: &Value) -> Result<Descriptor, String> {
    let digest = value
        .get("digest")
        .and_then(Value::as_str)
        .ok_or("a manifest with a descriptor without a digest")?;
    if !is_sha256_digest(digest) {
        return Err(format!(
            "a manifest naming an unsupported digest {} (only sha256 is verified)",
            clean(digest, 100)
        ));
    }
    let size = value
        .get("size")
        .and_then(Value::as_u64)
        .ok_or("a manifest with a descriptor without a valid size")?;
    Ok(Descriptor {
        media_type: value
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        size,
        digest: digest.to_string(),
    })
}

/// Parses a manifest body; `content_type` (the response's) decides its kind as in the Go
/// client, the body's own `mediaType` and shape when the header is missing or generic. The
/// error text completes "the registry answered with …".
pub fn parse_manifest(bytes: &[u8], content_type: Option<&str>) -> Result<ManifestBody, String> {
    let json = parse_json(bytes).map_err(|e| format!("a manifest that is not valid JSON ({e})"))?;
    if !json.is_object() {
        return Err("a manifest that is not a JSON object".to_string());
    }
    let header = content_type.map(media_type_essence).unwrap_or_default();
    let declared = json
        .get("mediaType")
        .and_then(Value::as_str)
        .map(media_type_essence);
    let kind = if header.is_empty() || header == "application/json" || header == "text/plain" {
        declared.unwrap_or_default()
    } else {
        header
    };
    if kind == DOCKER_SCHEMA1_MEDIA_TYPE
        || kind == DOCKER_SCHEMA1_SIGNED_MEDIA_TYPE
        || json.get("schemaVersion").and_then(Value::as_i64) == Some(1)
    {
        return Err("a Docker schema 1 manifest, which is not supported".to_string());
    }
    let list = |key: &str| -> Result<Option<&Vec<Value>>, String> {
        match json.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(format!("a manifest whose `{key}` is not a list")),
        }
    };
    let layers = list("layers")?;
    let manifests = list("manifests")?;
    let is_index = kind == INDEX_MEDIA_TYPE
        || kind == DOCKER_MANIFEST_LIST_MEDIA_TYPE
        || (layers.is_none() && manifests.is_some());
    if is_index {
        let linux_amd64 = manifests
            .into_iter()
            .flatten()
            .find(|entry| {
                let platform = |key: &str| {
                    entry
                        .get("platform")
                        .and_then(|p| p.get(key))
                        .and_then(Value::as_str)
                };
                platform("os") == Some("linux") && platform("architecture") == Some("amd64")
            })
            .map(descriptor)
            .transpose()?;
        return Ok(ManifestBody::Index { linux_amd64 });
    }
    let layers = layers
        .into_iter()
        .flatten()
        .map(descriptor)
        .collect::<Result<Vec<_>, _>>()?;
    let config = match json.get("config") {
        None | Some(Value::Null) => None,
        Some(config) => Some(descriptor(config)?),
    };
    Ok(ManifestBody::Image { config, layers })
}

/// The target of the `rel="next"` link in a `Link` header (RFC 8288): `<url>; rel="next"`,
/// possibly among other links, `rel` quoted or not and possibly holding several relations.
pub fn parse_next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let target = &after[..end];
        let params_and_more = &after[end + 1..];
        // Parameters run to the next link (a `,` outside quotes followed by `<`, or the end).
        let (params, next) = split_link_params(params_and_more);
        if link_is_next(params) {
            return Some(target.trim().to_string());
        }
        rest = next;
    }
}

fn split_link_params(s: &str) -> (&str, &str) {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

fn link_is_next(params: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}

/// Limits on what a pull accepts as a layer: no larger than the largest bundle tar.
pub fn max_layer_size() -> u64 {
    Limits::default().max_tar_size
}
