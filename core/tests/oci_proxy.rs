//! The client through a `pacto serve` proxy: every request goes to
//! `<proxy>/registry/<host>/…`, and a token realm the proxy rewrote is used as it is (with the
//! credentials, since it is the proxy's origin). Scripted answers; the real proxy in front of a
//! real registry is tested from JS (tests/js/registry-serve.test.mjs).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use pacto_core::oci::{
    self, Credentials, HttpRequest, HttpResponse, RegistryOptions, Transport, TransportError,
};

struct Script {
    answers: RefCell<VecDeque<HttpResponse>>,
    sent: RefCell<Vec<HttpRequest>>,
}

impl Transport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request);
        self.answers
            .borrow_mut()
            .pop_front()
            .ok_or_else(|| TransportError::new("no more scripted answers"))
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
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

#[test]
fn every_request_and_the_rewritten_realm_go_through_the_proxy() {
    let realm = r#"Bearer realm="http://127.0.0.1:8080/registry/ghcr.io/token",service="ghcr.io",scope="repository:acme/svc:pull""#;
    let script = Script {
        answers: RefCell::new(VecDeque::from(vec![
            answer(401, &[("WWW-Authenticate", realm)], b""),
            answer(200, &[], br#"{"token":"t0k"}"#),
            answer(
                200,
                &[(
                    "Link",
                    r#"</registry/ghcr.io/v2/acme/svc/tags/list?n=1000&last=1.0.0>; rel="next""#,
                )],
                br#"{"tags":["1.0.0"]}"#,
            ),
            answer(200, &[], br#"{"tags":["1.1.0"]}"#),
        ])),
        sent: RefCell::new(Vec::new()),
    };
    let options = RegistryOptions {
        credentials: Credentials::Basic {
            username: "me".into(),
            password: "pw".into(),
        },
        proxy: Some("http://127.0.0.1:8080/".into()),
        ..RegistryOptions::default()
    };
    let tags = block_on(oci::list_tags(&script, "oci://ghcr.io/acme/svc", &options)).unwrap();
    assert_eq!(tags, vec!["1.0.0", "1.1.0"]);
    let sent = script.sent.borrow();
    let urls: Vec<&str> = sent.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "http://127.0.0.1:8080/registry/ghcr.io/v2/",
            "http://127.0.0.1:8080/registry/ghcr.io/token?scope=repository%3Aacme%2Fsvc%3Apull&service=ghcr.io",
            "http://127.0.0.1:8080/registry/ghcr.io/v2/acme/svc/tags/list?n=1000",
            "http://127.0.0.1:8080/registry/ghcr.io/v2/acme/svc/tags/list?n=1000&last=1.0.0",
        ]
    );
    assert!(sent[1]
        .header_value("authorization")
        .is_some_and(|a| a.starts_with("Basic ")));
    assert_eq!(sent[2].header_value("authorization"), Some("Bearer t0k"));
}

#[test]
fn without_a_proxy_nothing_changes() {
    let script = Script {
        answers: RefCell::new(VecDeque::from(vec![
            answer(200, &[], b""),
            answer(200, &[], br#"{"tags":["2.0.0"]}"#),
        ])),
        sent: RefCell::new(Vec::new()),
    };
    let resolved = block_on(oci::resolve(
        &script,
        "oci://ghcr.io/acme/svc",
        None,
        &RegistryOptions::default(),
    ))
    .unwrap();
    assert_eq!(resolved, "ghcr.io/acme/svc:2.0.0");
    assert_eq!(script.sent.borrow()[0].url, "https://ghcr.io/v2/");
}
