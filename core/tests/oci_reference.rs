//! Registry-client references (spec oci-graph-cli §2.2, §2.3) and the http/https choice.

use pacto_core::oci::reference::{is_local_registry, is_sha256_digest, Reference, DOCKER_HUB};
use pacto_core::oci::{oci_location, OciError};
use pacto_core::reference::has_explicit_tag_or_digest;

const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn ok(location: &str) -> Reference {
    match Reference::parse(location) {
        Ok(r) => r,
        Err(e) => panic!("{location:?} should parse: {e}"),
    }
}

fn err(location: &str) -> String {
    match Reference::parse(location) {
        Ok(r) => panic!("{location:?} should fail, got {r:?}"),
        Err(e) => e.to_string(),
    }
}

fn parts(r: &Reference) -> (&str, &str, Option<&str>, Option<&str>) {
    (
        &r.registry,
        &r.repository,
        r.tag.as_deref(),
        r.digest.as_deref(),
    )
}

#[test]
fn registry_only_when_first_component_has_a_dot_or_colon() {
    assert_eq!(
        parts(&ok("ghcr.io/acme/svc:1.0.0")),
        ("ghcr.io", "acme/svc", Some("1.0.0"), None)
    );
    assert_eq!(
        parts(&ok("localhost:5000/foo")),
        ("localhost:5000", "foo", None, None)
    );
    // `localhost/foo` is the Docker Hub repository `localhost/foo`.
    assert_eq!(
        parts(&ok("localhost/foo")),
        (DOCKER_HUB, "localhost/foo", None, None)
    );
    assert_eq!(
        parts(&ok("acme/svc:2")),
        (DOCKER_HUB, "acme/svc", Some("2"), None)
    );
}

#[test]
fn docker_hub_defaults() {
    assert_eq!(
        parts(&ok("alpine")),
        (DOCKER_HUB, "library/alpine", None, None)
    );
    assert_eq!(
        parts(&ok("docker.io/alpine:3")),
        (DOCKER_HUB, "library/alpine", Some("3"), None)
    );
    assert_eq!(
        parts(&ok("index.docker.io/alpine")),
        (DOCKER_HUB, "library/alpine", None, None)
    );
    assert_eq!(
        parts(&ok("docker.io/acme/svc")),
        (DOCKER_HUB, "acme/svc", None, None)
    );
    // Shown as written, not normalised.
    assert_eq!(ok("alpine:3").to_string(), "alpine:3");
    assert_eq!(ok("alpine").base_url(false), "https://index.docker.io");
}

#[test]
fn digests() {
    let r = ok(&format!("ghcr.io/a/b@sha256:{HEX}"));
    assert_eq!(parts(&r).3, Some(format!("sha256:{HEX}").as_str()));
    assert_eq!(r.manifest_reference(), format!("sha256:{HEX}"));
    // A tag before the digest is accepted; the digest decides what is fetched.
    let r = ok(&format!("ghcr.io/a/b:1.0@sha256:{HEX}"));
    assert_eq!(r.tag.as_deref(), Some("1.0"));
    assert_eq!(r.manifest_reference(), format!("sha256:{HEX}"));
    assert_eq!(r.to_string(), format!("ghcr.io/a/b:1.0@sha256:{HEX}"));
    let r = ok(&format!("localhost:5000/rr@sha256:{HEX}"));
    assert_eq!(r.registry, "localhost:5000");

    assert!(err("ghcr.io/a/b@sha256:abc").contains("64 lowercase hex"));
    assert!(err(&format!("ghcr.io/a/b@sha256:{}", HEX.to_uppercase())).contains("64 lowercase"));
    assert!(err(&format!("ghcr.io/a/b@sha512:{HEX}")).contains("only sha256"));
    assert!(err(&format!("ghcr.io/a/b@sha256:{HEX}@sha256:{HEX}")).contains("exactly one `@`"));
    assert!(is_sha256_digest(&format!("sha256:{HEX}")));
    assert!(!is_sha256_digest("sha256:"));
}

#[test]
fn tags() {
    assert_eq!(
        ok("h.io/rr:v1.0.0-rc.1").tag.as_deref(),
        Some("v1.0.0-rc.1")
    );
    assert_eq!(ok("h.io/rr:A_b-c.9").tag.as_deref(), Some("A_b-c.9"));
    let long = "t".repeat(128);
    assert_eq!(
        ok(&format!("h.io/rr:{long}")).tag.as_deref(),
        Some(long.as_str())
    );
    assert!(err(&format!("h.io/rr:{long}x")).contains("between 1 and 128"));
    assert_eq!(
        err("h.io/rr:"),
        "invalid reference \"h.io/rr:\": a tag name must follow the `:`"
    );
    let e = err("h.io/rr:1.0.0+build");
    assert!(e.starts_with("invalid reference \"h.io/rr:1.0.0+build\": tag can only contain"));
    assert!(e.contains("+build"));
    // Missing tag: `latest` is what the manifest URL uses.
    assert_eq!(ok("h.io/rr").manifest_reference(), "latest");
    // A `:` before the last `/` is a port, not a tag.
    assert_eq!(ok("h.io:443/rr").tag, None);
}

#[test]
fn repositories() {
    assert_eq!(
        err("ghcr.io/Acme/svc"),
        "invalid reference \"ghcr.io/Acme/svc\": repository can only contain the characters \
         `abcdefghijklmnopqrstuvwxyz0123456789_-./`: Acme/svc (repository names are lowercase)"
    );
    assert_eq!(
        err("ghcr.io/a"),
        "invalid reference \"ghcr.io/a\": repository must be between 2 and 255 characters in \
         length: a"
    );
    assert!(ok(&format!("ghcr.io/{}", "a".repeat(255)))
        .repository
        .starts_with('a'));
    assert!(err(&format!("ghcr.io/{}", "a".repeat(256))).contains("between 2 and 255"));
    assert_eq!(
        err(""),
        "invalid reference \"\": a repository name must be specified"
    );
    assert!(err("ghcr.io/a//b").contains("must not be empty"));
    assert!(err("ghcr.io/a b").contains("can only contain"));
    assert!(err("ghcr.io/").contains("between 2 and 255"));
}

#[test]
fn registries() {
    assert_eq!(ok("[::1]:5000/repo").registry, "[::1]:5000");
    assert_eq!(ok("127.0.0.1:5000/repo").registry, "127.0.0.1:5000");
    assert_eq!(
        ok("my-registry.example.com/x/y").registry,
        "my-registry.example.com"
    );
    assert!(Reference::parse("user@host.io/repo:1").is_err());
    assert!(err("host.io:port/repo").contains("RFC 3986"));
    assert!(err("ho%st.io/repo").contains("RFC 3986"));
    assert!(err("[zz]:1/repo").contains("RFC 3986"));
}

#[test]
fn scheme_choice() {
    for (registry, local) in [
        ("localhost:5000", true),
        ("localhost", true),
        ("127.0.0.1:5000", true),
        ("127.0.0.1", true),
        ("[::1]:5000", true),
        ("[::1]", true),
        ("localhost.example.com:5000", false),
        ("127.0.0.2:5000", false),
        ("192.168.1.10:5000", false),
        ("ghcr.io", false),
        ("[::2]:5000", false),
    ] {
        assert_eq!(is_local_registry(registry), local, "{registry}");
    }
    assert_eq!(
        ok("localhost:5000/a/b").base_url(false),
        "http://localhost:5000"
    );
    assert_eq!(ok("ghcr.io/a/b").base_url(false), "https://ghcr.io");
    assert_eq!(ok("ghcr.io/a/b").base_url(true), "http://ghcr.io");
    assert_eq!(ok("[::1]:5000/a/b").base_url(false), "http://[::1]:5000");
}

#[test]
fn explicit_tag_or_digest_examples() {
    // Spec §2.3, and what the registry parser makes of each.
    for (location, explicit) in [
        ("ghcr.io/a/b", false),
        ("ghcr.io/a/b:1.0", true),
        ("localhost:5000/repo", false),
        ("localhost:5000/repo:v1", true),
        ("myrepo", false),
        ("myrepo:latest", true),
    ] {
        assert_eq!(has_explicit_tag_or_digest(location), explicit, "{location}");
        assert_eq!(ok(location).tag.is_some(), explicit, "{location}");
    }
    let by_digest = format!("ghcr.io/a/b@sha256:{HEX}");
    assert!(has_explicit_tag_or_digest(&by_digest));
    assert!(ok(&by_digest).digest.is_some());
}

#[test]
fn with_tag_and_repository_parsing() {
    let repo = Reference::parse_repository("localhost:5000/team/svc:1.0").unwrap();
    assert_eq!(repo.tag, None);
    assert_eq!(repo.to_string(), "localhost:5000/team/svc");
    assert_eq!(
        repo.with_tag("v2.0.0").unwrap().to_string(),
        "localhost:5000/team/svc:v2.0.0"
    );
    assert!(repo.with_tag("bad+tag").is_err());
    let e = Reference::parse_repository("ghcr.io/UP")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("invalid repository \"ghcr.io/UP\": "), "{e}");
}

#[test]
fn oci_scheme_is_required() {
    assert_eq!(
        oci_location("pull", "oci://h.io/rr:1").unwrap(),
        "h.io/rr:1"
    );
    let e = oci_location("push", "ghcr.io/a/b:1").unwrap_err();
    assert_eq!(e.code(), "INVALID_REFERENCE");
    assert_eq!(
        e.to_string(),
        "push requires an OCI reference (oci://...): got \"ghcr.io/a/b:1\""
    );
    assert!(matches!(
        oci_location("pull", "OCI://h.io/r"),
        Err(OciError::InvalidReference { .. })
    ));
}
