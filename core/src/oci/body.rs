//! The size bound of a response body, for transports that read bodies as a stream: decided
//! before the first byte from the status and `Content-Length`, then enforced chunk by chunk.
//! The transport owns the I/O (and the timers); this owns the arithmetic, so that every host
//! applies the same rule ([`super::HttpRequest::max_body`]).

use super::client::{TransportError, ERROR_BODY_LIMIT};

/// Collects a response body within its limit.
#[derive(Debug)]
pub struct BodyLimit {
    /// The most bytes kept.
    max: u64,
    /// A 2xx answer: going over `max` is an error. Otherwise the body is cut at `max`.
    strict: bool,
    bytes: Vec<u8>,
}

/// What the transport does after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Read on.
    Read,
    /// Enough: stop reading and cancel the rest (the body of an error answer is full).
    Stop,
}

/// Preallocation is capped: a `Content-Length` is a claim, not a promise.
const MAX_PREALLOCATION: u64 = 1 << 20;

impl BodyLimit {
    /// The bound for an answer with `status` to a request allowing `max_body` bytes, given its
    /// `Content-Length` (`None` when absent or when a `Content-Encoding` makes it describe
    /// other bytes). A 2xx answer that declares more than `max_body` is refused here, before
    /// anything is read.
    pub fn new(
        status: u16,
        max_body: u64,
        content_length: Option<u64>,
    ) -> Result<Self, TransportError> {
        let strict = (200..=299).contains(&status);
        let max = if strict { max_body } else { ERROR_BODY_LIMIT };
        if strict {
            if let Some(declared) = content_length.filter(|&n| n > max) {
                return Err(TransportError::too_large(Some(declared)));
            }
        }
        let capacity = content_length.unwrap_or(0).min(max).min(MAX_PREALLOCATION);
        Ok(BodyLimit {
            max,
            strict,
            bytes: Vec::with_capacity(usize::try_from(capacity).unwrap_or(0)),
        })
    }

    /// Adds a chunk. Past the limit a 2xx answer is an error (nothing of it is kept); another
    /// answer keeps what fits and asks to stop.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Next, TransportError> {
        let room = self.max.saturating_sub(self.bytes.len() as u64);
        if (chunk.len() as u64) <= room {
            self.bytes.extend_from_slice(chunk);
            return Ok(if !self.strict && chunk.len() as u64 == room && room > 0 {
                Next::Stop
            } else {
                Next::Read
            });
        }
        if self.strict {
            self.bytes = Vec::new();
            return Err(TransportError::too_large(None));
        }
        let keep = usize::try_from(room)
            .unwrap_or(chunk.len())
            .min(chunk.len());
        self.bytes.extend_from_slice(&chunk[..keep]);
        Ok(Next::Stop)
    }

    /// Bytes received so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The body.
    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// A `Content-Length` value, when it is one plain decimal number.
pub fn parse_content_length(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for a u64: more than any limit, so as good as u64::MAX.
    Some(value.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::TransportErrorKind;

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let e = BodyLimit::new(200, 704, Some(10_000_000_000)).unwrap_err();
        assert_eq!(
            e.kind,
            TransportErrorKind::TooLarge {
                declared: Some(10_000_000_000)
            }
        );
        assert!(!e.temporary);
        assert!(BodyLimit::new(200, 704, Some(704)).is_ok());
        // An error answer is never refused for its length: it is cut.
        assert!(BodyLimit::new(404, 704, Some(10_000_000_000)).is_ok());
    }

    #[test]
    fn a_successful_body_stops_one_chunk_past_the_limit() {
        let mut body = BodyLimit::new(200, 704, None).unwrap();
        let chunk = [0u8; 300];
        assert_eq!(body.push(&chunk).unwrap(), Next::Read);
        assert_eq!(body.push(&chunk).unwrap(), Next::Read);
        assert_eq!(body.push(&chunk[..104]).unwrap(), Next::Read);
        assert_eq!(body.len(), 704);
        let e = body.push(&[0]).unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::TooLarge { declared: None });
        // An endless stream costs at most the limit plus one chunk.
        let mut body = BodyLimit::new(200, 1000, Some(0)).unwrap();
        let mut chunks = 0;
        let error = loop {
            chunks += 1;
            if let Err(e) = body.push(&[7u8; 64]) {
                break e;
            }
        };
        assert_eq!(chunks, 16);
        assert!(
            error.message.contains("past the limit"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_error_body_is_cut_and_reading_stops() {
        let mut body = BodyLimit::new(500, 10, None).unwrap();
        let big = vec![b'x'; (ERROR_BODY_LIMIT as usize) + 100];
        assert_eq!(body.push(&big).unwrap(), Next::Stop);
        assert_eq!(body.finish().len(), ERROR_BODY_LIMIT as usize);
    }

    #[test]
    fn content_length_values() {
        assert_eq!(parse_content_length(" 704 "), Some(704));
        assert_eq!(
            parse_content_length("99999999999999999999999"),
            Some(u64::MAX)
        );
        assert_eq!(parse_content_length("-1"), None);
        assert_eq!(parse_content_length("1, 1"), None);
        assert_eq!(parse_content_length(""), None);
    }
}
