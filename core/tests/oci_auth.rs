//! Credentials and `WWW-Authenticate` challenges (spec oci-graph-cli §5.2).

use pacto_core::oci::auth::{
    base64, basic_authorization, parse_challenges, token_url, Access, Challenge,
};
use pacto_core::oci::Credentials;

fn challenge(scheme: &str, params: &[(&str, &str)]) -> Challenge {
    Challenge {
        scheme: scheme.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn bearer_challenge_of_a_distribution_registry() {
    let header = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#;
    assert_eq!(
        parse_challenges(header),
        vec![challenge(
            "bearer",
            &[
                ("realm", "https://auth.docker.io/token"),
                ("service", "registry.docker.io"),
                ("scope", "repository:library/alpine:pull"),
            ]
        )]
    );
}

#[test]
fn quoted_values_keep_commas_and_escapes() {
    let header = r#"Bearer realm="https://r.io/token?a=1,b=2", scope="repository:a/b:pull,push", error="insufficient_scope", note="say \"hi\"""#;
    let parsed = parse_challenges(header);
    assert_eq!(parsed.len(), 1);
    let c = &parsed[0];
    assert!(c.is_bearer());
    assert_eq!(c.param("realm"), Some("https://r.io/token?a=1,b=2"));
    assert_eq!(c.param("scope"), Some("repository:a/b:pull,push"));
    assert_eq!(c.param("error"), Some("insufficient_scope"));
    assert_eq!(c.param("note"), Some("say \"hi\""));
}

#[test]
fn several_challenges() {
    let header = r#"Basic realm="Registry Realm", Bearer realm="https://auth.example.com/token",service="example""#;
    assert_eq!(
        parse_challenges(header),
        vec![
            challenge("basic", &[("realm", "Registry Realm")]),
            challenge(
                "bearer",
                &[
                    ("realm", "https://auth.example.com/token"),
                    ("service", "example")
                ]
            ),
        ]
    );
    // Case-insensitive scheme and parameter names, spaces around `=`, unquoted values.
    let parsed = parse_challenges("BEARER Realm = https://a.io/t , Service=svc");
    assert_eq!(
        parsed,
        vec![challenge(
            "bearer",
            &[("realm", "https://a.io/t"), ("service", "svc")]
        )]
    );
    // A bare scheme, then another challenge.
    let parsed = parse_challenges("Negotiate, Basic realm=x");
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0], challenge("negotiate", &[]));
    assert!(parsed[1].is_basic());
}

#[test]
fn hostile_headers_do_not_break_the_parser() {
    for header in [
        "",
        ",,,",
        "\"",
        "Bearer realm=\"unterminated",
        "Bearer =x",
        "Bearer realm=",
        "=== ;;; Basic",
        "Bearer realm=\"a\\",
        "Bearer réalm=\"é\"",
    ] {
        let _ = parse_challenges(header);
    }
    assert_eq!(
        parse_challenges("Bearer realm=\"unterminated")[0].param("realm"),
        Some("unterminated")
    );
}

#[test]
fn token_urls() {
    let scopes = vec![Access::Pull.scope("library/alpine")];
    assert_eq!(
        token_url("https://auth.docker.io/token", "registry.docker.io", &scopes),
        "https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io"
    );
    let scopes = vec![Access::PushPull.scope("a/b")];
    assert_eq!(
        token_url("https://r.io/token?x=1", "", &scopes),
        "https://r.io/token?x=1&scope=repository%3Aa%2Fb%3Apush%2Cpull&service="
    );
}

#[test]
fn basic_credentials() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"\xff\xfe\xfd\xfc"), "//79/A==");
    assert_eq!(basic_authorization("user", "pass"), "Basic dXNlcjpwYXNz");
    let creds = Credentials::Basic {
        username: "user".into(),
        password: "pass".into(),
    };
    assert_eq!(
        creds.direct_authorization().as_deref(),
        Some("Basic dXNlcjpwYXNz")
    );
    assert_eq!(
        Credentials::Token("tok".into())
            .direct_authorization()
            .as_deref(),
        Some("Bearer tok")
    );
    assert_eq!(Credentials::Anonymous.direct_authorization(), None);
}

#[test]
fn credentials_never_print() {
    let creds = Credentials::Basic {
        username: "user".into(),
        password: "s3cret-pw".into(),
    };
    assert!(!format!("{creds:?}").contains("s3cret-pw"));
    assert!(!format!("{:?}", Credentials::Token("t0ken-value".into())).contains("t0ken-value"));
}
