//! Any bytes as pacto.yaml: validation must return a report, never panic, and every
//! diagnostic range must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pacto_core::{validate, Bundle};

fuzz_target!(|data: &[u8]| {
    let mut bundle = Bundle::new();
    bundle.insert("pacto.yaml", data.to_vec());
    bundle.insert("interfaces/openapi.yaml", b"openapi: 3.0.0".to_vec());
    let report = validate(&bundle);
    assert_eq!(report.valid, report.errors.is_empty());
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    for d in report.errors.iter().chain(&report.warnings) {
        if let Some(r) = d.range {
            assert!(r.start.line >= 1 && r.start.line <= lines && r.end.line <= lines);
            assert!(r.start <= r.end);
        }
    }
});
