//! The distribution-protocol client: pure helpers (Link, Location, manifests, error mapping)
//! and, over scripted answers (a queue of canned responses, not a registry), what it verifies
//! and where it sends credentials. Real-registry behaviour is tested from JS.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use pacto_core::archive::{self, sha256_digest};
use pacto_core::oci::artifact::{self, Descriptor, LAYER_MEDIA_TYPE};
use pacto_core::oci::client::{
    parse_manifest, parse_next_link, status_error, verify_blob, ManifestBody,
};
use pacto_core::oci::url::{origin, resolve, with_query_param};
use pacto_core::oci::{
    self, BlobCache, Credentials, HttpRequest, HttpResponse, Method, NoCache, OciError,
    PullOptions, PushOptions, RegistryOptions, Transport, TransportError,
};
use pacto_core::Bundle;

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: 1.2.3\n";

// ---------- pure helpers ----------

#[test]
fn next_links() {
    assert_eq!(
        parse_next_link(r#"</v2/a/b/tags/list?n=1000&last=x>; rel="next""#).as_deref(),
        Some("/v2/a/b/tags/list?n=1000&last=x")
    );
    assert_eq!(
        parse_next_link("<https://r.io/v2/x/tags/list?last=1>; rel=next").as_deref(),
        Some("https://r.io/v2/x/tags/list?last=1")
    );
    assert_eq!(
        parse_next_link(
            r#"<https://a/prev>; rel="prev", <https://a/next?x=1,2>; title="a, b"; rel="next""#
        )
        .as_deref(),
        Some("https://a/next?x=1,2")
    );
    assert_eq!(
        parse_next_link(r#"<https://a/p>; rel="prev next""#).as_deref(),
        Some("https://a/p")
    );
    assert_eq!(parse_next_link(r#"<https://a/prev>; rel="prev""#), None);
    assert_eq!(parse_next_link(""), None);
    assert_eq!(parse_next_link("<unterminated; rel=next"), None);
}

#[test]
fn locations_resolve_against_the_request() {
    let base = "http://localhost:5000/v2/a/b/blobs/uploads/";
    assert_eq!(
        resolve(base, "/v2/a/b/blobs/uploads/uuid?_state=s").as_deref(),
        Some("http://localhost:5000/v2/a/b/blobs/uploads/uuid?_state=s")
    );
    assert_eq!(
        resolve(base, "https://blobs.example.com/up/1?sig=x").as_deref(),
        Some("https://blobs.example.com/up/1?sig=x")
    );
    assert_eq!(
        resolve(base, "//other:1/x").as_deref(),
        Some("http://other:1/x")
    );
    assert_eq!(
        resolve(base, "uuid").as_deref(),
        Some("http://localhost:5000/v2/a/b/blobs/uploads/uuid")
    );
    assert_eq!(
        resolve("https://r.io/v2/x/tags/list?n=1000", "?n=1000&last=b").as_deref(),
        Some("https://r.io/v2/x/tags/list?n=1000&last=b")
    );
    assert_eq!(resolve(base, "file:///etc/passwd"), None);
    assert_eq!(resolve(base, "javascript:alert(1)"), None);
    assert_eq!(resolve(base, "/a\nb"), None);
    assert_eq!(
        origin("HTTPS://R.io:443/x?y"),
        Some("https://r.io:443".to_string())
    );
    assert_eq!(origin("ftp://r.io/x"), None);
}

#[test]
fn digest_is_appended_to_the_upload_location() {
    let d = format!("sha256:{}", "a".repeat(64));
    let enc = format!("sha256%3A{}", "a".repeat(64));
    assert_eq!(
        with_query_param("http://h/v2/r/blobs/uploads/u?_state=abc", "digest", &d),
        format!("http://h/v2/r/blobs/uploads/u?_state=abc&digest={enc}")
    );
    assert_eq!(
        with_query_param("http://h/v2/r/blobs/uploads/u", "digest", &d),
        format!("http://h/v2/r/blobs/uploads/u?digest={enc}")
    );
}

fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

#[test]
fn status_mapping() {
    let url = "https://r.io/v2/a/b/manifests/1.0?secret=q";
    let body = br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#;
    let e = status_error("r.io/a/b:1.0", Method::Get, url, &response(401, &[], body));
    assert_eq!(e.code(), "AUTH_FAILED");
    assert_eq!(
        e.to_string(),
        "authentication failed for r.io/a/b:1.0: GET https://r.io/v2/a/b/manifests/1.0: 401 \
         Unauthorized: UNAUTHORIZED: authentication required \u{2014} run `pacto login` or set \
         PACTO_REGISTRY_TOKEN"
    );
    let e = status_error("r.io/a/b:1.0", Method::Head, url, &response(403, &[], b""));
    assert_eq!(e.code(), "AUTH_FAILED");
    // A registry's own 403 with a DENIED code is still an authentication failure...
    let denied =
        br#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#;
    let e = status_error(
        "r.io/a/b:1.0",
        Method::Get,
        url,
        &response(403, &[], denied),
    );
    assert_eq!(e.code(), "AUTH_FAILED");
    // ...but a pacto serve refusal is not: credentials would not help.
    let refused = br#"{"errors":[{"code":"REGISTRY_NOT_ALLOWED","message":"registry \"r.io\" is not allowlisted by this pacto serve"}]}"#;
    let e = status_error(
        "r.io/a/b:1.0",
        Method::Get,
        url,
        &response(403, &[], refused),
    );
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert_eq!(e.status(), Some(403));
    assert_eq!(
        e.to_string(),
        "registry error for r.io/a/b:1.0: refused by the pacto serve proxy: REGISTRY_NOT_ALLOWED: \
         registry \"r.io\" is not allowlisted by this pacto serve"
    );
    let e = status_error(
        "r.io/a/b:1.0",
        Method::Get,
        url,
        &response(
            421,
            &[],
            br#"{"errors":[{"code":"HOST_NOT_SERVED","message":"x"}]}"#,
        ),
    );
    assert_eq!(e.code(), "REGISTRY_ERROR");
    let e = status_error("r.io/a/b:1.0", Method::Get, url, &response(404, &[], b"{}"));
    assert_eq!(e.code(), "NOT_FOUND");
    assert_eq!(e.to_string(), "artifact not found: r.io/a/b:1.0");
    let e = status_error("r.io/a/b", Method::Get, url, &response(429, &[], b""));
    assert_eq!(e.code(), "TOO_MANY_REQUESTS");
    assert!(e.to_string().contains("retry later"), "{e}");
    let e = status_error("r.io/a/b", Method::Put, url, &response(503, &[], b"<html>"));
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        e.to_string(),
        "registry error for r.io/a/b: PUT https://r.io/v2/a/b/manifests/1.0: 503 Service Unavailable"
    );
    // Hostile error bodies are cleaned and cut.
    let long = format!(
        r#"{{"errors":[{{"code":"X","message":"a\u001b[31mb{}"}}]}}"#,
        "z".repeat(2000)
    );
    let e = status_error("r", Method::Get, url, &response(500, &[], long.as_bytes()));
    let text = e.to_string();
    assert!(!text.contains('\u{1b}'));
    assert!(text.len() < 1000);
}

#[test]
fn manifests() {
    let d = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let image = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"x","size":2,"digest":"{}"}},"layers":[{{"mediaType":"{LAYER_MEDIA_TYPE}","size":10,"digest":"{}"}}]}}"#,
        d('c'),
        d('a')
    );
    match parse_manifest(
        image.as_bytes(),
        Some("application/vnd.oci.image.manifest.v1+json"),
    )
    .unwrap()
    {
        ManifestBody::Image { config, layers } => {
            assert_eq!(config.unwrap().digest, d('c'));
            assert_eq!(layers.len(), 1);
            assert_eq!(layers[0].size, 10);
        }
        other => panic!("{other:?}"),
    }
    // Without a Content-Type, the body's mediaType and shape decide.
    assert!(matches!(
        parse_manifest(image.as_bytes(), None),
        Ok(ManifestBody::Image { .. })
    ));
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"m","size":1,"digest":"{}","platform":{{"os":"linux","architecture":"arm64"}}}},{{"mediaType":"m","size":1,"digest":"{}","platform":{{"os":"linux","architecture":"amd64"}}}}]}}"#,
        d('1'),
        d('2')
    );
    match parse_manifest(
        index.as_bytes(),
        Some("application/vnd.oci.image.index.v1+json"),
    )
    .unwrap()
    {
        ManifestBody::Index { linux_amd64 } => assert_eq!(linux_amd64.unwrap().digest, d('2')),
        other => panic!("{other:?}"),
    }
    assert!(parse_manifest(br#"{"schemaVersion":1}"#, None)
        .unwrap_err()
        .contains("schema 1"));
    assert!(parse_manifest(
        b"{}",
        Some("application/vnd.docker.distribution.manifest.v1+prettyjws")
    )
    .is_err());
    assert!(parse_manifest(b"not json", None)
        .unwrap_err()
        .contains("not valid JSON"));
    let bad_digest = r#"{"layers":[{"size":1,"digest":"sha256:../../x"}]}"#;
    assert!(parse_manifest(bad_digest.as_bytes(), None)
        .unwrap_err()
        .contains("unsupported digest"));
    let negative = format!(r#"{{"layers":[{{"size":-1,"digest":"{}"}}]}}"#, d('a'));
    assert!(parse_manifest(negative.as_bytes(), None).is_err());
    // Deeply nested JSON is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_manifest(deep.as_bytes(), None).is_err());
}

#[test]
fn blob_verification() {
    let bytes = b"hello".to_vec();
    let good = Descriptor {
        media_type: String::new(),
        size: 5,
        digest: sha256_digest(&bytes),
    };
    assert!(verify_blob("r", &good, &bytes).is_ok());
    let e = verify_blob("r", &good, b"hellO").unwrap_err();
    assert_eq!(e.code(), "DIGEST_MISMATCH");
    let e = verify_blob("r", &good, b"hello!").unwrap_err();
    assert_eq!(e.code(), "DIGEST_MISMATCH");
    assert!(e.to_string().contains("should be 5 bytes, got 6"), "{e}");
}

// ---------- scripted answers ----------

/// Answers requests from a queue, in order, and records what was sent.
struct Script {
    answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    sent: RefCell<Vec<HttpRequest>>,
    waits: RefCell<Vec<u32>>,
}

impl Script {
    fn new(answers: Vec<Result<HttpResponse, TransportError>>) -> Self {
        Script {
            answers: RefCell::new(answers.into()),
            sent: RefCell::new(Vec::new()),
            waits: RefCell::new(Vec::new()),
        }
    }

    fn sent(&self) -> Vec<HttpRequest> {
        self.sent.borrow().clone()
    }

    fn auth_of(&self, i: usize) -> Option<String> {
        self.sent.borrow()[i]
            .header_value("authorization")
            .map(str::to_string)
    }
}

impl Transport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request);
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Err(TransportError::new("script exhausted")))
    }

    async fn wait(&self, millis: u32) {
        self.waits.borrow_mut().push(millis);
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn ok(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Result<HttpResponse, TransportError> {
    Ok(response(status, headers, body))
}

struct Pushed {
    manifest: Vec<u8>,
    layer: Vec<u8>,
}

fn artifact() -> Pushed {
    let a = artifact::build(&Bundle::from_contract(CONTRACT)).unwrap();
    Pushed {
        manifest: a.manifest,
        layer: a.layer,
    }
}

const OCI: &str = "application/vnd.oci.image.manifest.v1+json";

#[test]
fn pull_verifies_the_layer() {
    let a = artifact();
    let mut tampered = a.layer.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[("Content-Type", OCI)], &a.manifest),
        ok(200, &[], &tampered),
    ]);
    let e = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b:1.2.3",
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "DIGEST_MISMATCH", "{e}");
    let sent = script.sent();
    assert_eq!(sent[0].url, "http://localhost:5000/v2/");
    assert_eq!(sent[1].url, "http://localhost:5000/v2/a/b/manifests/1.2.3");
    assert_eq!(
        sent[1].header_value("accept"),
        Some(artifact::MANIFEST_ACCEPT)
    );
}

#[test]
fn pull_by_digest_verifies_the_manifest() {
    let a = artifact();
    let other = format!("sha256:{}", "0".repeat(64));
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[("Content-Type", OCI)], &a.manifest),
    ]);
    let e = block_on(oci::pull(
        &script,
        &format!("oci://localhost:5000/a/b@{other}"),
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "DIGEST_MISMATCH", "{e}");
}

struct MapCache(RefCell<Vec<(String, Vec<u8>)>>);

impl BlobCache for MapCache {
    fn get(&self, digest: &str) -> Option<Vec<u8>> {
        self.0
            .borrow()
            .iter()
            .find(|(d, _)| d == digest)
            .map(|(_, b)| b.clone())
    }
    fn put(&self, digest: &str, bytes: &[u8]) {
        let mut entries = self.0.borrow_mut();
        entries.retain(|(d, _)| d != digest);
        entries.push((digest.to_string(), bytes.to_vec()));
    }
}

#[test]
fn pull_resolves_tags_and_uses_only_verified_cache_entries() {
    let a = artifact();
    let layer_digest = sha256_digest(&a.layer);
    // A corrupt cache entry is ignored: the blob is fetched and cached.
    let cache = MapCache(RefCell::new(vec![(layer_digest.clone(), b"junk".to_vec())]));
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(
            200,
            &[(
                "Link",
                "</v2/a/b/tags/list?n=1000&last=1.0.0>; rel=\"next\"",
            )],
            br#"{"name":"a/b","tags":["0.9.0","1.0.0"]}"#,
        ),
        ok(200, &[], br#"{"name":"a/b","tags":["1.2.3","latest"]}"#),
        ok(200, &[("Content-Type", OCI)], &a.manifest),
        ok(200, &[], &a.layer),
    ]);
    let events = RefCell::new(Vec::new());
    let record = |e: &oci::ProgressEvent| events.borrow_mut().push(e.phase);
    let options = PullOptions {
        progress: Some(&record),
        ..PullOptions::default()
    };
    let pulled = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b",
        &options,
        &cache,
    ))
    .unwrap();
    assert_eq!(pulled.reference, "localhost:5000/a/b:1.2.3");
    assert_eq!(pulled.manifest_digest, sha256_digest(&a.manifest));
    assert_eq!(pulled.layer_digest, layer_digest);
    assert_eq!(pulled.bundle.contract_bytes(), Some(CONTRACT.as_bytes()));
    let sent = script.sent();
    assert_eq!(sent[1].url, "http://localhost:5000/v2/a/b/tags/list?n=1000");
    assert_eq!(
        sent[2].url,
        "http://localhost:5000/v2/a/b/tags/list?n=1000&last=1.0.0"
    );
    assert_eq!(
        cache.0.borrow().last().map(|(_, b)| b.clone()),
        Some(a.layer.clone())
    );
    use oci::Phase::*;
    assert_eq!(
        *events.borrow(),
        vec![Resolve, Manifest, Download, Download, Done]
    );

    // Second pull: the tag is asked again, the layer comes from the cache.
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[("Content-Type", OCI)], &a.manifest),
    ]);
    let pulled = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b:1.2.3",
        &PullOptions::default(),
        &cache,
    ))
    .unwrap();
    assert_eq!(pulled.bundle.contract_bytes(), Some(CONTRACT.as_bytes()));
    assert_eq!(script.sent().len(), 2);
}

#[test]
fn pulled_layers_must_be_bundles() {
    let layer = archive::pack(&{
        let mut b = Bundle::new();
        b.insert("README.md", b"no contract".to_vec());
        b
    })
    .unwrap();
    let config = b"{}".to_vec();
    let manifest = artifact::manifest_json(
        &Descriptor {
            media_type: artifact::CONFIG_MEDIA_TYPE.into(),
            size: 2,
            digest: sha256_digest(&config),
        },
        &Descriptor {
            media_type: LAYER_MEDIA_TYPE.into(),
            size: layer.len() as u64,
            digest: sha256_digest(&layer),
        },
    );
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[("Content-Type", OCI)], manifest.as_bytes()),
        ok(200, &[], &layer),
    ]);
    let e = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b:1",
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "NO_CONTRACT");
    assert_eq!(
        e.to_string(),
        "bundle missing pacto.yaml: open pacto.yaml: file does not exist"
    );

    let two_layers = format!(
        r#"{{"schemaVersion":2,"layers":[{{"size":1,"digest":"sha256:{a}"}},{{"size":1,"digest":"sha256:{a}"}}]}}"#,
        a = "a".repeat(64)
    );
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[("Content-Type", OCI)], two_layers.as_bytes()),
    ]);
    let e = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b:1",
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "BAD_ARCHIVE");
    assert!(e.to_string().ends_with("expected 1 layer, got 2"), "{e}");
}

#[test]
fn bearer_flow_and_credentials_stay_with_the_registry() {
    let a = artifact();
    let creds = Credentials::Basic {
        username: "user".into(),
        password: "pa55word".into(),
    };
    let challenge = r#"Bearer realm="https://auth.r.io/token",service="r.io""#;
    let script = Script::new(vec![
        ok(401, &[("WWW-Authenticate", challenge)], b""),
        ok(200, &[], br#"{"access_token":"tok123"}"#),
        ok(200, &[("Content-Type", OCI)], &a.manifest),
        ok(
            307,
            &[("Location", "https://cdn.example.com/blob?sig=1")],
            b"",
        ),
        ok(200, &[], &a.layer),
    ]);
    let options = PullOptions {
        credentials: creds,
        ..PullOptions::default()
    };
    block_on(oci::pull(
        &script,
        "oci://r.io/a/b:1.2.3",
        &options,
        &NoCache,
    ))
    .unwrap();
    let sent = script.sent();
    assert_eq!(sent[0].url, "https://r.io/v2/");
    assert_eq!(script.auth_of(0), None);
    assert_eq!(
        sent[1].url,
        "https://auth.r.io/token?scope=repository%3Aa%2Fb%3Apull&service=r.io"
    );
    assert_eq!(
        script.auth_of(1).as_deref(),
        Some("Basic dXNlcjpwYTU1d29yZA==")
    );
    assert_eq!(script.auth_of(2).as_deref(), Some("Bearer tok123"));
    assert_eq!(script.auth_of(3).as_deref(), Some("Bearer tok123"));
    assert_eq!(sent[4].url, "https://cdn.example.com/blob?sig=1");
    assert_eq!(script.auth_of(4), None, "no credentials for the blob host");
}

#[test]
fn registry_token_is_sent_as_bearer_without_exchange() {
    let script = Script::new(vec![ok(200, &[], br#"{"tags":["1.0.0"]}"#)]);
    let options = RegistryOptions {
        credentials: Credentials::Token("pat-xyz".into()),
        ..RegistryOptions::default()
    };
    let tags = block_on(oci::list_tags(&script, "oci://ghcr.io/a/b", &options)).unwrap();
    assert_eq!(tags, vec!["1.0.0"]);
    assert_eq!(
        script.sent()[0].url,
        "https://ghcr.io/v2/a/b/tags/list?n=1000"
    );
    assert_eq!(script.auth_of(0).as_deref(), Some("Bearer pat-xyz"));
}

#[test]
fn secrets_never_reach_messages() {
    let creds = Credentials::Basic {
        username: "user".into(),
        password: "hunter2-secret".into(),
    };
    let challenge = r#"Bearer realm="https://auth.r.io/token",service="r.io""#;
    let script = Script::new(vec![
        ok(401, &[("WWW-Authenticate", challenge)], b""),
        ok(
            401,
            &[],
            br#"{"errors":[{"code":"DENIED","message":"bad password hunter2-secret"}]}"#,
        ),
    ]);
    let options = RegistryOptions {
        credentials: creds,
        ..RegistryOptions::default()
    };
    let e = block_on(oci::list_tags(&script, "oci://r.io/a/b", &options)).unwrap_err();
    assert_eq!(e.code(), "AUTH_FAILED");
    let text = e.to_string();
    assert!(!text.contains("hunter2-secret"), "{text}");
    assert!(text.contains("pacto login"), "{text}");
    assert!(
        text.starts_with("authentication failed for r.io/a/b: "),
        "{text}"
    );
}

#[test]
fn http_token_realm_is_refused_for_https_registries() {
    let challenge = r#"Bearer realm="http://auth.r.io/token",service="r.io""#;
    let script = Script::new(vec![ok(401, &[("WWW-Authenticate", challenge)], b"")]);
    let e = block_on(oci::list_tags(
        &script,
        "oci://r.io/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert_eq!(script.sent().len(), 1);
}

#[test]
fn transient_failures_are_retried_for_idempotent_requests() {
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(503, &[], b""),
        Err(TransportError::temporary("connection reset")),
        ok(200, &[], br#"{"tags":null}"#),
    ]);
    let tags = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap();
    assert!(tags.is_empty());
    assert_eq!(*script.waits.borrow(), vec![1000, 3000]);

    // Three failures: the last answer is mapped.
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(502, &[], b""),
        ok(503, &[], b""),
        ok(504, &[], b""),
    ]);
    let e = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert_eq!(e.status(), Some(504));

    // 429 is not retried; a refused connection is a network error.
    let script = Script::new(vec![ok(200, &[], b""), ok(429, &[], b"")]);
    let e = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "TOO_MANY_REQUESTS");
    let script = Script::new(vec![Err(TransportError::new(
        "connect ECONNREFUSED 127.0.0.1:5000",
    ))]);
    let e = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "NETWORK");
    assert_eq!(
        e.to_string(),
        "registry unreachable for localhost:5000/a/b: GET http://localhost:5000/v2/: connect \
         ECONNREFUSED 127.0.0.1:5000"
    );
}

#[test]
fn hostile_link_chains_end() {
    let page = |next: &str| ok(200, &[("Link", next)], br#"{"tags":["1.0.0"]}"#);
    let script = Script::new(vec![
        ok(200, &[], b""),
        page("</v2/a/b/tags/list?n=1000&last=x>; rel=\"next\""),
        page("</v2/a/b/tags/list?n=1000>; rel=\"next\""),
    ]);
    let tags = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(script.sent().len(), 3);
}

#[test]
fn push_uploads_then_puts_the_manifest() {
    let bundle = Bundle::from_contract(CONTRACT);
    let a = artifact::build(&bundle).unwrap();
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(404, &[], b""),
        ok(404, &[], b""),
        ok(
            202,
            &[("Location", "/v2/a/b/blobs/uploads/u1?_state=s")],
            b"",
        ),
        ok(201, &[], b""),
        ok(200, &[], b""),
        ok(201, &[], b""),
    ]);
    let outcome = block_on(oci::push(
        &script,
        "oci://localhost:5000/a/b",
        &bundle,
        &PushOptions::default(),
    ))
    .unwrap();
    assert_eq!(outcome.reference, "localhost:5000/a/b:1.2.3");
    assert_eq!(outcome.digest, a.manifest_digest);
    assert_eq!(
        (outcome.name.as_str(), outcome.version.as_str()),
        ("orders", "1.2.3")
    );
    assert!(!outcome.existed);
    let sent = script.sent();
    let lines: Vec<String> = sent
        .iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect();
    let layer = &a.layer_descriptor.digest;
    let config = &a.config_descriptor.digest;
    assert_eq!(
        lines,
        vec![
            "GET http://localhost:5000/v2/".to_string(),
            "HEAD http://localhost:5000/v2/a/b/manifests/1.2.3".to_string(),
            format!("HEAD http://localhost:5000/v2/a/b/blobs/{layer}"),
            "POST http://localhost:5000/v2/a/b/blobs/uploads/".to_string(),
            format!(
                "PUT http://localhost:5000/v2/a/b/blobs/uploads/u1?_state=s&digest={}",
                layer.replace(':', "%3A")
            ),
            format!("HEAD http://localhost:5000/v2/a/b/blobs/{config}"),
            "PUT http://localhost:5000/v2/a/b/manifests/1.2.3".to_string(),
        ]
    );
    assert_eq!(sent[4].body, a.layer);
    assert_eq!(sent[6].body, a.manifest);
    assert_eq!(
        sent[6].header_value("content-type"),
        Some(artifact::MANIFEST_MEDIA_TYPE)
    );
}

#[test]
fn push_leaves_an_existing_tag_alone_unless_forced() {
    let bundle = Bundle::from_contract(CONTRACT);
    let existing = format!("sha256:{}", "e".repeat(64));
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(
            200,
            &[("Docker-Content-Digest", &existing), ("Content-Type", OCI)],
            b"",
        ),
    ]);
    let outcome = block_on(oci::push(
        &script,
        "oci://localhost:5000/a/b:v1",
        &bundle,
        &PushOptions::default(),
    ))
    .unwrap();
    assert!(outcome.existed);
    assert_eq!(outcome.digest, existing);
    assert_eq!(outcome.reference, "localhost:5000/a/b:v1");
    assert_eq!(script.sent().len(), 2);

    // Refusals come before any request.
    let script = Script::new(vec![]);
    let bad = Bundle::from_contract("pactoVersion: \"1.0\"\nservice:\n  name: x\n");
    let e = block_on(oci::push(
        &script,
        "oci://localhost:5000/a/b",
        &bad,
        &PushOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "VALIDATION_FAILED");
    let e = block_on(oci::push(
        &script,
        "localhost:5000/a/b",
        &bundle,
        &PushOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_REFERENCE");
    let digest_ref = format!("oci://localhost:5000/a/b@sha256:{}", "e".repeat(64));
    let e = block_on(oci::push(
        &script,
        &digest_ref,
        &bundle,
        &PushOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_REFERENCE");
    let plus =
        Bundle::from_contract("pactoVersion: \"1.0\"\nservice:\n  name: x\n  version: 1.0.0+b1\n");
    let e = block_on(oci::push(
        &script,
        "oci://localhost:5000/a/b",
        &plus,
        &PushOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_REFERENCE");
    assert!(e.to_string().contains("+build"), "{e}");
    assert!(script.sent().is_empty());
}

#[test]
fn resolve_keeps_explicit_refs_and_picks_within_constraints() {
    let script = Script::new(vec![]);
    let r = block_on(oci::resolve(
        &script,
        "oci://ghcr.io/a/b:1.0.0",
        Some("^2"),
        &RegistryOptions::default(),
    ))
    .unwrap();
    assert_eq!(r, "ghcr.io/a/b:1.0.0");
    assert!(script.sent().is_empty());

    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(200, &[], br#"{"tags":["1.0.0","1.4.0","2.0.0","v1.5.0"]}"#),
    ]);
    let r = block_on(oci::resolve(
        &script,
        "oci://localhost:5000/a/b",
        Some("^1.0.0"),
        &RegistryOptions::default(),
    ))
    .unwrap();
    assert_eq!(r, "localhost:5000/a/b:v1.5.0");

    let script = Script::new(vec![ok(200, &[], b""), ok(404, &[], b"")]);
    let e = block_on(oci::resolve(
        &script,
        "oci://localhost:5000/a/b",
        None,
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.to_string(), "artifact not found: localhost:5000/a/b");
}

#[test]
fn errors_are_typed() {
    let e = OciError::Network {
        reference: "r".into(),
        detail: "d".into(),
    };
    assert_eq!(e.code(), "NETWORK");
    assert!(e.diagnostics().is_empty());
}

#[test]
fn protocol_breaches_say_what_the_registry_answered() {
    let script = Script::new(vec![ok(200, &[], b""), ok(200, &[], b"<html>not json")]);
    let e = block_on(oci::list_tags(
        &script,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert!(
        e.to_string().starts_with(
            "registry error for localhost:5000/a/b: the registry answered with a tag list that \
             is not valid JSON"
        ),
        "{e}"
    );

    let bundle = Bundle::from_contract(CONTRACT);
    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(404, &[], b""),
        ok(404, &[], b""),
        ok(202, &[], b""),
    ]);
    let e = block_on(oci::push(
        &script,
        "oci://localhost:5000/a/b",
        &bundle,
        &PushOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_ERROR");
    assert_eq!(
        e.to_string(),
        "registry error for localhost:5000/a/b:1.2.3: the registry answered with an upload \
         session without a usable Location header"
    );

    let script = Script::new(vec![
        ok(200, &[], b""),
        ok(
            200,
            &[("Content-Type", OCI)],
            br#"{"schemaVersion":2,"layers":[]}"#,
        ),
    ]);
    let e = block_on(oci::pull(
        &script,
        "oci://localhost:5000/a/b:1",
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "BAD_ARCHIVE");
    assert!(e.to_string().ends_with("image has no layers"), "{e}");
}
