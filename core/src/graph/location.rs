//! Where a dependency ref points once the declaring bundle's place is known (spec README,
//! departure 4): a relative local ref is joined onto the directory of the bundle that declares
//! it, not onto the root's.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::reference::{has_explicit_tag_or_digest, split_scheme, DependencyRef};

/// A dependency ref resolved for loading; also the identity of a node (two refs that resolve to
/// the same `DepRef` are the same bundle, however they were spelled).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum DepRef {
    Oci {
        /// The location after `oci://`, as written.
        location: String,
        /// The dependency's `compatibility`, to choose a tag with (oci-graph-cli §3); empty when
        /// the location names a tag or digest, since the constraint is then ignored.
        constraint: String,
    },
    Local {
        /// A cleaned path relative to wherever the root directory is relative to (or absolute
        /// when the root directory is); an absolute ref is kept exactly as written.
        path: String,
    },
}

impl DepRef {
    /// Resolves a raw ref declared by a bundle whose local refs are relative to `base_dir`.
    pub fn from_ref(raw: &str, compatibility: &str, base_dir: &str) -> DepRef {
        match split_scheme(raw) {
            DependencyRef::Oci(location) => DepRef::Oci {
                location: location.to_string(),
                constraint: if has_explicit_tag_or_digest(location) {
                    String::new()
                } else {
                    compatibility.to_string()
                },
            },
            DependencyRef::Local(path) => DepRef::Local {
                path: join_path(base_dir, path),
            },
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, DepRef::Local { .. })
    }
}

impl fmt::Display for DepRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DepRef::Oci { location, .. } => write!(f, "oci://{location}"),
            DepRef::Local { path } => f.write_str(path),
        }
    }
}

/// Whether a path is absolute: `/x`, or a Windows drive or UNC path, which the host may pass.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    matches!(b.first(), Some(b'/' | b'\\'))
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'/' | b'\\'))
}

/// `path` joined onto `base` and cleaned; an absolute `path` is returned as written.
pub fn join_path(base: &str, path: &str) -> String {
    if is_absolute(path) {
        return path.to_string();
    }
    if base.is_empty() {
        return clean_path(path);
    }
    clean_path(&format!("{base}/{path}"))
}

/// Lexical clean in the manner of Go's `filepath.Clean` on `/`: no empty or `.` elements, `..`
/// folded into the element before it where there is one; `.` for an empty result.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    // Leading `..` elements of a relative path cannot be folded.
    let mut fixed = 0;
    for elem in path.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if out.len() > fixed {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                    fixed = out.len();
                }
            }
            _ => out.push(elem),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (input, cleaned) in [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("a/b/../c", "a/c"),
            ("../x", "../x"),
            ("./../x", "../x"),
            ("a/../../x", "../x"),
            ("../../a/../b", "../../b"),
            ("/a/../..", "/"),
            ("/", "/"),
            ("a//b/", "a/b"),
            ("services/app/../db", "services/db"),
        ] {
            assert_eq!(clean_path(input), cleaned, "{input:?}");
        }
    }

    #[test]
    fn join_relative_and_absolute() {
        assert_eq!(join_path("services/app", "../db"), "services/db");
        assert_eq!(join_path(".", "../db"), "../db");
        assert_eq!(join_path("", "./db"), "db");
        assert_eq!(join_path("/w/app", "../db"), "/w/db");
        assert_eq!(join_path("/w/app", "/abs/./x"), "/abs/./x");
        assert_eq!(join_path("app", "C:\\x"), "C:\\x");
        assert_eq!(join_path("app", ""), "app");
    }

    #[test]
    fn oci_constraint_only_without_tag() {
        assert_eq!(
            DepRef::from_ref("oci://r.io/a/b", "^1.0.0", "x"),
            DepRef::Oci {
                location: "r.io/a/b".into(),
                constraint: "^1.0.0".into()
            }
        );
        assert_eq!(
            DepRef::from_ref("oci://r.io/a/b:1.2.0", "^1.0.0", "x"),
            DepRef::Oci {
                location: "r.io/a/b:1.2.0".into(),
                constraint: String::new()
            }
        );
        assert_eq!(
            DepRef::from_ref("file://../b", "", "svc/a"),
            DepRef::Local {
                path: "svc/b".into()
            }
        );
    }
}
