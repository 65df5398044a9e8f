//! Any bytes (as UTF-8, lossily) as YAML: whenever the fast path (`src/source_fast.rs`)
//! answers, its document must equal the saphyr-based builder's (`src/source.rs`), spans and
//! issues included. Both files are compiled into this target so the builder can run alone:
//! here its fast-path hook is a stub that always declines.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod diagnostic {
    pub use pacto_core::diagnostic::{Position, Range};
}

#[allow(dead_code)]
#[path = "../../src/source.rs"]
mod source;

/// The hook `source::parse_document` calls: declined, so it always runs the saphyr builder.
mod source_fast {
    pub fn parse(_: &str) -> Option<crate::source::Document> {
        None
    }
}

#[allow(dead_code)]
#[path = "../../src/source_fast.rs"]
mod fast;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(f) = fast::parse(&text) {
        let s = source::parse_document(&text);
        assert_eq!(f.root, s.root, "root differs for {text:?}");
        assert_eq!(f.issues, s.issues, "issues differ for {text:?}");
    }
});
