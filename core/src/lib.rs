//! pacto-core: the Pacto contract domain in pure Rust. No I/O, no JS, no async runtime.
//!
//! ```
//! let bundle = pacto_core::Bundle::from_contract("pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n");
//! let report = pacto_core::validate(&bundle);
//! assert!(report.valid);
//! ```

pub mod archive;
pub mod bundle;
pub mod contract;
pub mod diagnostic;
pub mod diff;
pub mod doc;
pub mod explain;
pub mod graph;
pub mod init;
pub mod oci;
pub mod reference;
pub mod safe_text;
pub mod source;
mod source_fast;
pub mod validate;
pub mod version;

pub use bundle::Bundle;
pub use contract::Contract;
pub use diagnostic::{Code, Diagnostic, Position, Range, Report, Severity};
pub use explain::{Explanation, Format as ExplainFormat};
pub use validate::{parse, schema_json, validate, validate_text};

/// The crate version, shown by `pacto --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Explains a bundle's contract; parse failures come back as their `PARSE_ERROR` diagnostics.
pub fn explain(bundle: &Bundle, format: ExplainFormat) -> Result<String, Vec<Diagnostic>> {
    let text = contract_text(bundle)?;
    let parsed = validate::parse(text)?;
    Ok(explain::render(&parsed.contract, format))
}

/// The typed `explain` JSON shape of a bundle's contract.
pub fn explanation(bundle: &Bundle) -> Result<Explanation, Vec<Diagnostic>> {
    let text = contract_text(bundle)?;
    let parsed = validate::parse(text)?;
    Ok(explain::explanation(&parsed.contract))
}

fn contract_text(bundle: &Bundle) -> Result<&str, Vec<Diagnostic>> {
    let bytes = bundle.contract_bytes().ok_or_else(|| {
        vec![Diagnostic::error(
            Code::ParseError,
            "",
            "no pacto.yaml found at the root of the bundle",
        )]
    })?;
    std::str::from_utf8(bytes).map_err(|e| {
        vec![Diagnostic::error(
            Code::ParseError,
            "",
            format!(
                "pacto.yaml is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )]
    })
}

/// The files of a new bundle for `name` (see [`init::scaffold`]).
pub fn init(name: &str) -> Result<Vec<(String, String)>, String> {
    init::scaffold(name)
}
