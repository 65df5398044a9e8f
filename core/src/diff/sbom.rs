//! SBOM diff (diff.md §7) — being written.

use serde::Serialize;

use super::DiffWarning;
use crate::bundle::Bundle;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SbomChange {
    pub package: String,
    pub r#type: super::ChangeType,
    pub field: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub new_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SbomDiff {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_format: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub new_format: String,
    pub changes: Vec<SbomChange>,
}

/// Package changes between the bundles' SBOMs; `None` when neither has one or nothing changed.
pub fn diff(_old: &Bundle, _new: &Bundle, _warnings: &mut Vec<DiffWarning>) -> Option<SbomDiff> {
    None
}
