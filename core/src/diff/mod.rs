//! `diff`: classify every change between two bundles with the Go tool's rules (diff.md).
//!
//! Departures (spec README, 3): a deterministic order, numeric response codes compared like
//! quoted ones, omitted visibility equal to `internal`, local `$ref`s resolved before comparing,
//! and a warning (never silence) when a referenced file cannot be read or parsed.

pub mod change;
mod contract;
mod graphs;
mod json_schema;
mod openapi;
mod refs;
pub mod sbom;
mod tree;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::diagnostic::Diagnostic;
use crate::source::{self, LineIndex, Node, Span};
use crate::validate;

pub use change::{classify, overall, rule_key, Change, ChangeType, Classification, Location};
pub use graphs::{diff_with_graphs, SiblingOverride};
pub use sbom::{SbomChange, SbomDiff};

/// A referenced file that could not be read or parsed, so its part of the diff is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffWarning {
    /// `old` or `new`.
    pub side: String,
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffResult {
    /// The highest classification of `changes` and of every dependency diff; NON_BREAKING when
    /// nothing changed.
    pub classification: Classification,
    pub changes: Vec<Change>,
    /// Informational: never changes the classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbom: Option<SbomDiff>,
    pub warnings: Vec<DiffWarning>,
    /// diff.md §8: the dependencies present on both sides whose contract or SBOM changed (empty
    /// when the graphs were not resolved).
    pub dependency_diffs: Vec<crate::graph::DependencyDiff>,
    /// diff.md §8: the two dependency graphs compared; absent when they were not resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_diff: Option<crate::graph::GraphDiff>,
}

/// Why a diff could not be computed: one side's contract does not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffError {
    /// `old` or `new`.
    pub side: &'static str,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self
            .diagnostics
            .first()
            .map_or("cannot be parsed", |d| d.message.as_str());
        write!(f, "{} contract: {first}", self.side)
    }
}

impl std::error::Error for DiffError {}

/// A parsed YAML or JSON file of a bundle, with what is needed to point into it.
pub struct SourceFile<'a> {
    pub path: &'a str,
    /// The file's text (without a byte-order mark).
    pub text: &'a str,
    /// The document; an empty mapping when `tree` holds it instead.
    pub root: Node,
    /// OpenAPI documents: the compact tree their diff walks (`tree.rs`).
    pub(crate) tree: Option<tree::Tree<'a>>,
    lines: LineIndex<'a>,
}

impl<'a> SourceFile<'a> {
    /// Parses `text` (YAML, which includes JSON) as the first document of the file.
    pub fn parse(path: &'a str, text: &'a str) -> Result<SourceFile<'a>, String> {
        Self::parse_with(path, text, false)
    }

    /// With `allow_duplicate_keys`, a document whose only problem is a repeated key is kept
    /// (JSON readers let the later member win; the caller decides).
    fn parse_with(
        path: &'a str,
        text: &'a str,
        allow_duplicate_keys: bool,
    ) -> Result<SourceFile<'a>, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = source::parse_document(text);
        let blocking = doc
            .issues
            .iter()
            .find(|i| !(allow_duplicate_keys && doc.root.is_some() && !i.path.is_empty()));
        if let Some(issue) = blocking {
            let at = LineIndex::new(text).position(issue.span.start);
            return Err(format!(
                "{} (line {}, column {})",
                issue.message, at.line, at.column
            ));
        }
        let root = doc.root.ok_or_else(|| "the file is empty".to_string())?;
        Ok(SourceFile {
            path,
            text,
            root,
            tree: None,
            lines: LineIndex::new(text),
        })
    }

    /// Like [`SourceFile::parse`], into the compact tree only (large OpenAPI documents).
    fn parse_tree(path: &'a str, text: &'a str) -> Result<SourceFile<'a>, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let tree = tree::parse(text).map_err(|issue| {
            let at = LineIndex::new(text).position(issue.span.start);
            format!("{} (line {}, column {})", issue.message, at.line, at.column)
        })?;
        let tree = tree.ok_or_else(|| "the file is empty".to_string())?;
        Ok(SourceFile {
            path,
            text,
            root: Node {
                kind: source::NodeKind::Map(Vec::new()),
                span: Span::default(),
            },
            tree: Some(tree),
            lines: LineIndex::new(text),
        })
    }

    pub fn location(&self, span: Span) -> Location {
        Location {
            file: self.path.to_string(),
            range: self.lines.range(span),
        }
    }

    pub fn location_of(&self, node: &Node) -> Location {
        self.location(node.span)
    }
}

/// What a referenced file is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    OpenApi,
    /// Read as JSON by its diff, so repeated keys are not fatal (the later one wins).
    JsonSchema,
}

/// Reads and parses a bundle file for a sub-diff; a failure becomes a warning.
fn load_file<'a>(
    bundle: &'a Bundle,
    side: &str,
    path: &'a str,
    kind: FileKind,
    warnings: &mut Vec<DiffWarning>,
) -> Option<SourceFile<'a>> {
    let warn = |warnings: &mut Vec<DiffWarning>, message: String| {
        warnings.push(DiffWarning {
            side: side.to_string(),
            file: path.to_string(),
            message,
        });
    };
    if !crate::bundle::valid_fs_path(path) {
        warn(
            warnings,
            "the path is not a clean bundle-relative path, so the file was not compared".into(),
        );
        return None;
    }
    let Some(bytes) = bundle.get(path) else {
        warn(
            warnings,
            "the file is not in the bundle, so it was not compared".into(),
        );
        return None;
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            warn(
                warnings,
                "the file is not UTF-8 text, so it was not compared".into(),
            );
            return None;
        }
    };
    let parsed = match kind {
        FileKind::OpenApi => SourceFile::parse_tree(path, text),
        FileKind::JsonSchema => SourceFile::parse_with(path, text, true),
    };
    match parsed {
        Ok(f) => {
            if kind == FileKind::OpenApi {
                if let Some(problem) = openapi::shape_problem(&f) {
                    warn(
                        warnings,
                        format!("the OpenAPI document cannot be compared: {problem}"),
                    );
                    return None;
                }
            }
            Some(f)
        }
        Err(e) => {
            warn(
                warnings,
                format!("the file could not be parsed, so it was not compared: {e}"),
            );
            None
        }
    }
}

fn parse_side<'a>(
    bundle: &'a Bundle,
    side: &'static str,
) -> Result<(validate::Parsed<'a>, &'a str), DiffError> {
    let bytes = bundle.contract_bytes().ok_or_else(|| DiffError {
        side,
        diagnostics: vec![Diagnostic::error(
            crate::diagnostic::Code::ParseError,
            "",
            "no pacto.yaml found at the root of the bundle",
        )],
    })?;
    let text = std::str::from_utf8(bytes).map_err(|e| DiffError {
        side,
        diagnostics: vec![Diagnostic::error(
            crate::diagnostic::Code::ParseError,
            "",
            format!(
                "pacto.yaml is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )],
    })?;
    let parsed = validate::parse(text).map_err(|diagnostics| DiffError { side, diagnostics })?;
    Ok((parsed, text))
}

/// Compares two bundles, without their dependencies ([`diff_with_graphs`] adds them).
/// Contracts are parsed, not validated (as the Go tool does).
pub fn diff(old: &Bundle, new: &Bundle) -> Result<DiffResult, DiffError> {
    let (old_parsed, _) = parse_side(old, "old")?;
    let (new_parsed, new_text) = parse_side(new, "new")?;
    let new_text = new_text.strip_prefix('\u{feff}').unwrap_or(new_text);
    let new_file = SourceFile {
        path: crate::bundle::CONTRACT_FILE,
        text: new_text,
        root: new_parsed.root.clone().unwrap_or(Node {
            kind: source::NodeKind::Map(Vec::new()),
            span: Span::default(),
        }),
        tree: None,
        lines: LineIndex::new(new_text),
    };
    let mut warnings = Vec::new();
    let sides = contract::Sides {
        old: &old_parsed.contract,
        new: &new_parsed.contract,
        old_bundle: old,
        new_bundle: new,
        new_file: &new_file,
    };
    let changes = contract::diff(&sides, &mut warnings);
    let sbom = sbom::diff(old, new, &mut warnings);
    Ok(DiffResult {
        classification: overall(&changes),
        changes,
        sbom,
        warnings,
        dependency_diffs: Vec::new(),
        graph_diff: None,
    })
}
