//! Any bytes as pacto.yaml: explain in every format returns text or parse diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pacto_core::{explain, Bundle, ExplainFormat};

fuzz_target!(|data: &[u8]| {
    let mut bundle = Bundle::new();
    bundle.insert("pacto.yaml", data.to_vec());
    for format in [ExplainFormat::Text, ExplainFormat::Markdown, ExplainFormat::Json] {
        match explain(&bundle, format) {
            Ok(text) => assert!(!text.is_empty()),
            Err(diagnostics) => assert!(!diagnostics.is_empty()),
        }
    }
});
