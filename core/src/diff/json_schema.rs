//! Configuration JSON-schema property diff (diff.md §6) — being written.

use super::{Change, DiffWarning, SourceFile};

/// Property changes between two configuration schemas.
pub fn diff(
    _old: &SourceFile<'_>,
    _new: &SourceFile<'_>,
    _warnings: &mut Vec<DiffWarning>,
) -> Vec<Change> {
    Vec::new()
}
