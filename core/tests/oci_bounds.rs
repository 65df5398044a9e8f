//! The client's bounds over an in-memory transport that streams bodies the way the fetch
//! transport does (through `BodyLimit`, chunk by chunk): a body over its limit is refused once
//! and never retried, a timeout is final, and what a registry says reaches messages only in a
//! printable, short form. The real thing (Node, a lying HTTP server) is tested from JS.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use pacto_core::oci::artifact;
use pacto_core::oci::{
    self, parse_content_length, BodyLimit, HttpRequest, HttpResponse, Next, NoCache, PullOptions,
    RegistryOptions, Transport, TransportError,
};
use pacto_core::Bundle;

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: 1.2.3\n";
const OCI: &str = "application/vnd.oci.image.manifest.v1+json";
const CHUNK: usize = 16 << 10;

/// A scripted answer.
enum Answer {
    /// Status, headers, body (a `Content-Length` header is added).
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// 200 with a body that never ends (no `Content-Length`).
    Endless,
    /// 200 announcing `n` bytes.
    Declares(u64),
    /// No byte arrives: the transport's idle timer fires.
    Stall,
}

/// Status, headers and the chunks of a body.
type Streamed = (
    u16,
    Vec<(String, String)>,
    Box<dyn Iterator<Item = Vec<u8>>>,
);

/// Serves scripted answers, streaming their bodies through `BodyLimit` and counting what it
/// read, as a bounded host transport must.
struct Memory {
    answers: RefCell<VecDeque<Answer>>,
    sent: RefCell<Vec<HttpRequest>>,
    /// Body bytes pulled from the "network", per answer.
    streamed: RefCell<Vec<u64>>,
}

impl Memory {
    fn new(answers: Vec<Answer>) -> Self {
        Memory {
            answers: RefCell::new(answers.into()),
            sent: RefCell::new(Vec::new()),
            streamed: RefCell::new(Vec::new()),
        }
    }

    fn sent(&self) -> Vec<HttpRequest> {
        self.sent.borrow().clone()
    }

    /// Body bytes read for the last answer.
    fn last_streamed(&self) -> u64 {
        self.streamed.borrow().last().copied().unwrap_or(0)
    }
}

impl Transport for Memory {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let max_body = request.max_body;
        let host = request
            .url
            .split('/')
            .nth(2)
            .unwrap_or_default()
            .to_string();
        self.sent.borrow_mut().push(request);
        let Some(answer) = self.answers.borrow_mut().pop_front() else {
            return Err(TransportError::new("script exhausted"));
        };
        let (status, mut headers, chunks): Streamed = match answer {
            Answer::Full(status, headers, body) => {
                let chunks: Vec<Vec<u8>> = body.chunks(CHUNK).map(<[u8]>::to_vec).collect();
                let mut headers = headers;
                headers.push(("Content-Length".into(), body.len().to_string()));
                (status, headers, Box::new(chunks.into_iter()))
            }
            Answer::Endless => (
                200,
                Vec::new(),
                Box::new(std::iter::repeat(vec![0u8; CHUNK])),
            ),
            Answer::Declares(n) => (
                200,
                vec![("Content-Length".into(), n.to_string())],
                Box::new(std::iter::repeat(vec![0u8; CHUNK])),
            ),
            Answer::Stall => {
                return Err(TransportError::timeout(format!(
                    "no data from {host} for 30 s (the idle timeout)"
                )))
            }
        };
        let declared = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| parse_content_length(v));
        self.streamed.borrow_mut().push(0);
        let mut body = BodyLimit::new(status, max_body, declared)?;
        for chunk in chunks {
            if let Some(n) = self.streamed.borrow_mut().last_mut() {
                *n += chunk.len() as u64;
            }
            if body.push(&chunk)? == Next::Stop {
                break;
            }
        }
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
        Ok(HttpResponse {
            status,
            headers,
            body: body.finish(),
        })
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

fn full(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    Answer::Full(
        status,
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body.to_vec(),
    )
}

fn pull(memory: &Memory) -> oci::OciError {
    block_on(oci::pull(
        memory,
        "oci://localhost:5000/a/b:1.2.3",
        &PullOptions::default(),
        &NoCache,
    ))
    .unwrap_err()
}

#[test]
fn an_endless_blob_stops_at_the_declared_size_once() {
    let a = artifact::build(&Bundle::from_contract(CONTRACT)).unwrap();
    let size = a.layer_descriptor.size;
    let memory = Memory::new(vec![
        full(200, &[], b""),
        full(200, &[("Content-Type", OCI)], &a.manifest),
        Answer::Endless,
        Answer::Endless,
    ]);
    let e = pull(&memory);
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "answer too large from localhost:5000/a/b:1.2.3: the registry sent more than the \
             {size} bytes the manifest declares for blob {}",
            a.layer_descriptor.digest
        )
    );
    let sent = memory.sent();
    assert_eq!(sent.len(), 3, "never retried");
    assert_eq!(sent[1].max_body, 4 << 20, "a manifest is read up to 4 MiB");
    assert_eq!(sent[2].max_body, size, "a blob up to its descriptor's size");
    assert_eq!(memory.last_streamed(), CHUNK as u64, "one chunk read");
}

#[test]
fn an_oversized_content_length_is_refused_before_reading() {
    let a = artifact::build(&Bundle::from_contract(CONTRACT)).unwrap();
    let memory = Memory::new(vec![
        full(200, &[], b""),
        full(200, &[("Content-Type", OCI)], &a.manifest),
        Answer::Declares(10_000_000_000),
    ]);
    let e = pull(&memory);
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    assert!(
        e.to_string().contains(&format!(
            "the registry announced 10000000000 bytes (Content-Length), more than the {} bytes \
             the manifest declares",
            a.layer_descriptor.size
        )),
        "{e}"
    );
    assert_eq!(memory.last_streamed(), 0);
    assert_eq!(memory.sent().len(), 3);
}

#[test]
fn an_endless_manifest_stops_at_4_mib() {
    let memory = Memory::new(vec![full(200, &[], b""), Answer::Endless, Answer::Endless]);
    let e = pull(&memory);
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    assert!(
        e.to_string()
            .ends_with("the registry sent more than the 4194304 bytes a manifest may have"),
        "{e}"
    );
    assert_eq!(memory.sent().len(), 2);
    assert!(memory.last_streamed() <= (4 << 20) + CHUNK as u64);
}

#[test]
fn a_transport_that_reads_whole_bodies_is_still_bounded_by_the_client() {
    // The core checks sizes again: a host transport that ignores max_body cannot hand over a
    // manifest past 4 MiB or a tag page past 8 MiB.
    struct Whole(RefCell<Vec<HttpResponse>>);
    impl Transport for Whole {
        async fn send(&self, _: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.0
                .borrow_mut()
                .pop()
                .ok_or_else(|| TransportError::new("done"))
        }
    }
    let page = HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: vec![b' '; (8 << 20) + 1],
    };
    let ping = HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
    };
    let whole = Whole(RefCell::new(vec![page, ping]));
    let e = block_on(oci::list_tags(
        &whole,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    assert!(e.to_string().contains("a tag list page may have"), "{e}");
}

#[test]
fn a_stall_is_final_and_names_the_host() {
    let memory = Memory::new(vec![full(200, &[], b""), Answer::Stall, Answer::Stall]);
    let e = block_on(oci::list_tags(
        &memory,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "TIMEOUT", "{e}");
    assert_eq!(
        e.to_string(),
        "registry timed out for localhost:5000/a/b: GET \
         http://localhost:5000/v2/a/b/tags/list: no data from localhost:5000 for 30 s (the idle \
         timeout)"
    );
    assert_eq!(memory.sent().len(), 2, "a timeout is not retried");
}

#[test]
fn error_bodies_are_cut_and_quoted_safely() {
    // A 404 with a huge body is still a 404; a 500 quoting bidi overrides and escapes shows
    // them escaped, and short.
    let mut huge = br#"{"errors":[{"code":"NAME_UNKNOWN","message":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', 1 << 20));
    huge.extend(br#""}]}"#);
    let memory = Memory::new(vec![full(200, &[], b""), full(404, &[], &huge)]);
    let e = pull(&memory);
    assert_eq!(e.code(), "NOT_FOUND", "{e}");
    assert!(memory.last_streamed() <= 64 << 10);

    let hostile =
        "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"ok\u{202e}txt.exe\\u001b[2J\u{2066}\"}]}";
    let memory = Memory::new(vec![
        full(200, &[], b""),
        full(400, &[], hostile.as_bytes()),
    ]);
    let message = pull(&memory).to_string();
    assert!(
        message.contains("DENIED: ok\\u{202e}txt.exe\\u{1b}[2J\\u{2066}"),
        "{message}"
    );
    assert!(message.chars().all(|c| !c.is_control()), "{message}");
}

#[test]
fn a_hostile_realm_and_location_are_shown_escaped() {
    let challenge = "Bearer realm=\"ftp://x\u{202e}y/token\"";
    let memory = Memory::new(vec![full(401, &[("WWW-Authenticate", challenge)], b"")]);
    let message = block_on(oci::list_tags(
        &memory,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err()
    .to_string();
    assert!(message.contains("ftp://x\\u{202e}y/token"), "{message}");
}

#[test]
fn endless_tag_pages_end_at_a_total_bound() {
    // Each page is within its own limit; their sum is bounded too.
    let names: Vec<String> = (0..1000).map(|i| format!("\"1.0.{i}\"")).collect();
    let page = format!("{{\"tags\":[{}]}}", names.join(","));
    let mut answers = vec![full(200, &[], b"")];
    for i in 0..200 {
        let link = format!("</v2/a/b/tags/list?n=1000&last={i}>; rel=\"next\"");
        answers.push(full(200, &[("Link", &link)], page.as_bytes()));
    }
    let memory = Memory::new(answers);
    let e = block_on(oci::list_tags(
        &memory,
        "oci://localhost:5000/a/b",
        &RegistryOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_ERROR", "{e}");
    assert!(
        e.to_string()
            .ends_with("a tag list of more than 100000 tags"),
        "{e}"
    );
    assert_eq!(memory.sent().len(), 1 + 101);
}
