//! The panels around the editor. Each reads the app state and changes it only through the
//! actions in `app.rs`; no view reaches into another.

pub mod compare;
pub mod dialog;
pub mod doc;
pub mod explain;
pub mod files;
pub mod graph;
pub mod kept;
pub mod problems;
pub mod registry;

/// "1 change", "2 changes": a count with its noun, for the sentences the views say.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
