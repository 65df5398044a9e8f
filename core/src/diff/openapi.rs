//! OpenAPI deep diff (diff.md §5) — being written.

use super::{Change, SourceFile};

/// Changes between the OpenAPI documents of one matched interface.
pub fn diff(_old: &SourceFile<'_>, _new: &SourceFile<'_>) -> Vec<Change> {
    Vec::new()
}
