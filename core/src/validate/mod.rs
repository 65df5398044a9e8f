//! The validation pipeline: parse, then three layers with the Go tool's short-circuiting.
//!
//! Layer 1 (schema) errors stop everything. Layer 2 (cross-field) always runs fully; its errors
//! stop layer 3 but its warnings are kept. Layer 3 (semantic) adds warnings only.

mod cross_field;
mod schema;
mod semantic;

use crate::bundle::Bundle;
use crate::contract::{self, Contract};
use crate::diagnostic::{Code, Diagnostic, Report};
use crate::source::{self, LineIndex, Node};

pub use schema::schema_json;

/// A contract text parsed once: the node tree (for positions) and the typed model.
pub struct Parsed<'a> {
    pub text: &'a str,
    pub root: Option<Node>,
    pub contract: Contract,
    /// Built on first use: only diagnostics need positions.
    lines: std::cell::OnceCell<LineIndex<'a>>,
}

impl<'a> Parsed<'a> {
    pub fn lines(&self) -> &LineIndex<'a> {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// Attaches the source range of `path` (or of its nearest existing ancestor).
    pub fn locate(&self, d: Diagnostic) -> Diagnostic {
        let range = self
            .root
            .as_ref()
            .map(|root| self.lines().range(root.locate(&d.path).span));
        d.with_range(range)
    }
}

/// Parses a contract text; on failure returns the `PARSE_ERROR` diagnostics (all of them).
pub fn parse(text: &str) -> Result<Parsed<'_>, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = source::parse_document(text);
    if !doc.issues.is_empty() {
        let lines = LineIndex::new(text);
        return Err(doc
            .issues
            .iter()
            .map(|i| {
                Diagnostic::error(Code::ParseError, i.path.clone(), i.message.clone())
                    .with_range(Some(lines.range(i.span)))
            })
            .collect());
    }
    match contract::decode(doc.root.as_ref()) {
        Ok(contract) => Ok(Parsed {
            text,
            root: doc.root,
            contract,
            lines: std::cell::OnceCell::new(),
        }),
        Err(decode_errors) => {
            let lines = LineIndex::new(text);
            Err(decode_errors
                .into_iter()
                .map(|e| {
                    let range = if doc.root.is_some() {
                        Some(lines.range(e.span))
                    } else {
                        None
                    };
                    Diagnostic::error(Code::ParseError, e.path, e.message).with_range(range)
                })
                .collect())
        }
    }
}

/// Validates the bundle's `pacto.yaml` against the bundle's files.
pub fn validate(bundle: &Bundle) -> Report {
    let Some(bytes) = bundle.contract_bytes() else {
        return Report::from_diagnostics(vec![Diagnostic::error(
            Code::ParseError,
            "",
            "no pacto.yaml found at the root of the bundle",
        )]);
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => validate_text(text, bundle),
        Err(e) => Report::from_diagnostics(vec![Diagnostic::error(
            Code::ParseError,
            "",
            format!(
                "pacto.yaml is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
        )]),
    }
}

/// Validates a contract text; `bundle` answers the file-existence checks.
pub fn validate_text(text: &str, bundle: &Bundle) -> Report {
    let mut parsed = match parse(text) {
        Ok(p) => p,
        Err(errors) => return Report::from_diagnostics(errors),
    };
    Report::from_diagnostics(run_layers(&mut parsed, bundle))
}

/// Runs the layers; the JSON view takes the string values out of `parsed.root` (see
/// [`schema::json_view`]), which is then only good for locating diagnostics.
fn run_layers(parsed: &mut Parsed<'_>, bundle: &Bundle) -> Vec<Diagnostic> {
    let Some(root) = parsed.root.as_mut() else {
        return Vec::new();
    };
    let instance = match schema::json_view(root) {
        Ok(v) => v,
        Err(d) => return vec![parsed.locate(d)],
    };
    let parsed = &*parsed;
    let Some(root) = parsed.root.as_ref() else {
        return Vec::new();
    };
    let structural = schema::check(&instance, root, || parsed.lines());
    if !structural.is_empty() {
        return structural;
    }
    let mut out = cross_field::check(&parsed.contract, bundle);
    if !out
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        out.extend(semantic::check(&parsed.contract));
    }
    out.into_iter().map(|d| parsed.locate(d)).collect()
}
