//! A bundle: `pacto.yaml` plus the files it references, as an in-memory map of relative paths.

use std::collections::{BTreeMap, BTreeSet};

pub const CONTRACT_FILE: &str = "pacto.yaml";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Bundle {
    pub fn new() -> Self {
        Bundle::default()
    }

    /// A bundle holding only a contract text.
    pub fn from_contract(text: &str) -> Self {
        let mut b = Bundle::new();
        b.insert(CONTRACT_FILE, text.as_bytes().to_vec());
        b
    }

    pub fn insert(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(path.into(), bytes);
    }

    /// Records a directory, so that an empty directory still counts as present.
    pub fn insert_dir(&mut self, path: impl Into<String>) {
        let path: String = path.into();
        let trimmed = path.trim_end_matches('/');
        if !trimmed.is_empty() {
            self.dirs.insert(trimmed.to_string());
        }
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Directories recorded with [`Bundle::insert_dir`] (directories implied by file paths are
    /// not listed).
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(String::as_str)
    }

    pub fn contract_bytes(&self) -> Option<&[u8]> {
        self.get(CONTRACT_FILE)
    }

    /// Whether a contract-relative reference names a file or directory of the bundle, under Go
    /// `io/fs` rules: only clean slash-separated relative paths are legal, so `./x`, `../x`,
    /// `/x`, `a//b` and `a/` are never found, even when the file exists.
    pub fn exists(&self, path: &str) -> bool {
        if path == "." {
            return true;
        }
        if !valid_fs_path(path) {
            return false;
        }
        if self.files.contains_key(path) || self.dirs.contains(path) {
            return true;
        }
        let prefix = format!("{path}/");
        let under = |k: &String| k.starts_with(&prefix);
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| under(k))
            || self.dirs.range(prefix.clone()..).next().is_some_and(under)
    }
}

/// Go's `fs.ValidPath`.
pub fn valid_fs_path(path: &str) -> bool {
    if path == "." {
        return true;
    }
    !path.is_empty()
        && path
            .split('/')
            .all(|elem| !elem.is_empty() && elem != "." && elem != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_fs_rules() {
        let mut b = Bundle::new();
        b.insert("interfaces/openapi.yaml", vec![]);
        b.insert_dir("empty/");
        assert!(b.exists("interfaces/openapi.yaml"));
        assert!(b.exists("interfaces"));
        assert!(b.exists("empty"));
        assert!(b.exists("."));
        assert!(!b.exists("./interfaces/openapi.yaml"));
        assert!(!b.exists("interfaces/"));
        assert!(!b.exists("interfaces//openapi.yaml"));
        assert!(!b.exists("/interfaces/openapi.yaml"));
        assert!(!b.exists("interfaces/../interfaces/openapi.yaml"));
        assert!(!b.exists("interface"));
        assert!(!b.exists(""));
    }
}
