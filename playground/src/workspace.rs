//! The bundle being edited: its files (text, or bytes for what is not UTF-8), its empty folders
//! and the file shown in the editor. Pure data: the app keeps one in a signal, and everything
//! else (validation, views, persistence, share links) is derived from it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base64::Engine as _;
use pacto_core::bundle::CONTRACT_FILE;
use pacto_core::Bundle;
use serde::{Deserialize, Serialize};

/// Guards against pathological input (a dropped home directory, a crafted share link).
pub const MAX_FILES: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileBody {
    /// Shared, not copied, when the workspace is cloned (each settled edit clones it for the
    /// views): an edit replaces one file's text and the others stay the same allocation, which
    /// is also how the compare worker is sent only the files that changed.
    Text(Arc<str>),
    /// Kept as they came and packed as they are, but not editable.
    Binary(Arc<[u8]>),
}

impl FileBody {
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => FileBody::Text(text.into()),
            Err(e) => FileBody::Binary(e.into_bytes().into()),
        }
    }

    /// Whether both are the same allocation (one cloned from the other, neither edited since).
    pub fn same_as(&self, other: &FileBody) -> bool {
        match (self, other) {
            (FileBody::Text(a), FileBody::Text(b)) => Arc::ptr_eq(a, b),
            (FileBody::Binary(a), FileBody::Binary(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            FileBody::Text(t) => t.as_bytes(),
            FileBody::Binary(b) => b,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub files: BTreeMap<String, FileBody>,
    /// Folders with no file in them yet (folders holding files are implied by the paths).
    pub dirs: BTreeSet<String>,
    pub active: String,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::from_text_files(vec![(CONTRACT_FILE.to_string(), String::new())])
    }
}

/// A file the contract references that the bundle lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFile {
    pub path: String,
    /// Where the contract names it (`interfaces[0].contract`), for the jump to that line.
    pub field: String,
}

impl Workspace {
    pub fn from_text_files(files: Vec<(String, String)>) -> Self {
        let files: BTreeMap<String, FileBody> = files
            .into_iter()
            .map(|(p, t)| (p, FileBody::Text(t.into())))
            .collect();
        Workspace::from_files(files, BTreeSet::new())
    }

    pub fn from_files(mut files: BTreeMap<String, FileBody>, dirs: BTreeSet<String>) -> Self {
        files
            .entry(CONTRACT_FILE.to_string())
            .or_insert_with(|| FileBody::Text("".into()));
        let mut ws = Workspace {
            files,
            dirs: BTreeSet::new(),
            active: CONTRACT_FILE.to_string(),
        };
        for d in dirs {
            ws.add_folder_unchecked(&d);
        }
        ws
    }

    /// Builds the bundle that validation, explain, doc and pack read.
    pub fn bundle(&self) -> Bundle {
        let mut b = Bundle::new();
        for (path, body) in &self.files {
            b.insert(path.clone(), body.bytes().to_vec());
        }
        for d in &self.dirs {
            b.insert_dir(d.clone());
        }
        b
    }

    pub fn from_bundle(bundle: &Bundle) -> Self {
        let files = bundle
            .files()
            .map(|(p, b)| (p.to_string(), FileBody::from_bytes(b.to_vec())))
            .collect();
        Workspace::from_files(files, bundle.dirs().map(str::to_string).collect())
    }

    pub fn contract_text(&self) -> &str {
        match self.files.get(CONTRACT_FILE) {
            Some(FileBody::Text(t)) => t,
            _ => "",
        }
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path) {
            Some(FileBody::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Records an edit; edits to files that no longer exist (a late callback) are dropped.
    pub fn set_text(&mut self, path: &str, text: String) -> bool {
        match self.files.get_mut(path) {
            Some(FileBody::Text(t)) if **t != *text => {
                *t = text.into();
                true
            }
            _ => false,
        }
    }

    pub fn add_file(&mut self, path: &str, text: String) -> Result<String, String> {
        let path = clean_path(path)?;
        if self.files.contains_key(&path) {
            return Err(format!("{path} already exists"));
        }
        if self.is_folder(&path) {
            return Err(format!("{path} is a folder"));
        }
        if let Some(file) = self.ancestor_file(&path) {
            return Err(format!("{file} is a file, not a folder"));
        }
        if self.files.len() >= MAX_FILES {
            return Err(format!("a bundle here holds at most {MAX_FILES} files"));
        }
        self.files.insert(path.clone(), FileBody::Text(text.into()));
        self.drop_implied_dirs();
        Ok(path)
    }

    pub fn add_folder(&mut self, path: &str) -> Result<String, String> {
        let path = clean_path(path)?;
        if self.files.contains_key(&path) {
            return Err(format!("{path} is a file"));
        }
        if self.is_folder(&path) {
            return Err(format!("{path} already exists"));
        }
        if let Some(file) = self.ancestor_file(&path) {
            return Err(format!("{file} is a file, not a folder"));
        }
        self.add_folder_unchecked(&path);
        Ok(path)
    }

    fn add_folder_unchecked(&mut self, path: &str) {
        self.dirs.insert(path.to_string());
        self.drop_implied_dirs();
    }

    /// A folder is listed in `dirs` only while no file lies under it.
    fn drop_implied_dirs(&mut self) {
        let files = &self.files;
        self.dirs.retain(|d| {
            let prefix = format!("{d}/");
            !files.keys().any(|f| f.starts_with(&prefix))
        });
    }

    pub fn is_folder(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.dirs.contains(path)
            || self.files.keys().any(|f| f.starts_with(&prefix))
            || self.dirs.iter().any(|d| d.starts_with(&prefix))
    }

    fn ancestor_file(&self, path: &str) -> Option<String> {
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            let parent = &path[..at + i];
            if self.files.contains_key(parent) {
                return Some(parent.to_string());
            }
            at += i + 1;
        }
        None
    }

    /// Renames a file or a folder (and everything under it). The contract keeps its name.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<String, String> {
        if from == CONTRACT_FILE {
            return Err(format!(
                "{CONTRACT_FILE} is the contract: it keeps its name"
            ));
        }
        let to = clean_path(to)?;
        if to == from {
            return Ok(to);
        }
        if self.files.contains_key(&to) || self.is_folder(&to) {
            return Err(format!("{to} already exists"));
        }
        if self.files.contains_key(from) {
            if let Some(file) = self.ancestor_file(&to) {
                return Err(format!("{file} is a file, not a folder"));
            }
            if let Some(body) = self.files.remove(from) {
                self.files.insert(to.clone(), body);
            }
            if self.active == from {
                self.active = to.clone();
            }
        } else if self.is_folder(from) {
            if to.starts_with(&format!("{from}/")) {
                return Err("a folder cannot move into itself".into());
            }
            let prefix = format!("{from}/");
            let moved = |p: &str| -> Option<String> {
                if p == from {
                    Some(to.clone())
                } else {
                    p.strip_prefix(&prefix).map(|rest| format!("{to}/{rest}"))
                }
            };
            if moved(CONTRACT_FILE).is_some() {
                return Err(format!("{CONTRACT_FILE} stays at the root"));
            }
            let files = std::mem::take(&mut self.files);
            self.files = files
                .into_iter()
                .map(|(p, b)| (moved(&p).unwrap_or(p), b))
                .collect();
            let dirs = std::mem::take(&mut self.dirs);
            self.dirs = dirs.into_iter().map(|d| moved(&d).unwrap_or(d)).collect();
            if let Some(active) = moved(&self.active) {
                self.active = active;
            }
        } else {
            return Err(format!("{from} does not exist"));
        }
        Ok(to)
    }

    /// Deletes a file or a folder with its contents. The contract cannot be deleted.
    pub fn delete(&mut self, path: &str) -> Result<(), String> {
        if path == CONTRACT_FILE {
            return Err(format!(
                "{CONTRACT_FILE} is the contract: it cannot be deleted"
            ));
        }
        if self.files.remove(path).is_none() {
            if !self.is_folder(path) {
                return Err(format!("{path} does not exist"));
            }
            let prefix = format!("{path}/");
            self.files.retain(|p, _| !p.starts_with(&prefix));
            self.dirs.retain(|d| d != path && !d.starts_with(&prefix));
        }
        // The folder a deleted file leaves empty stays, as in a file manager.
        if let Some((parent, _)) = path.rsplit_once('/') {
            if !self.is_folder(parent) {
                self.add_folder_unchecked(parent);
            }
        }
        if !self.files.contains_key(&self.active) {
            self.active = CONTRACT_FILE.to_string();
        }
        Ok(())
    }

    /// Files the contract names that the bundle lacks, in the contract's order. Only clean
    /// in-bundle paths are offered for creation; other spellings are left to the diagnostics.
    pub fn missing_files(&self) -> Vec<MissingFile> {
        let Ok(parsed) = pacto_core::parse(self.contract_text()) else {
            return Vec::new();
        };
        let contract = &parsed.contract;
        let mut wanted: Vec<(String, String)> = contract
            .interfaces
            .iter()
            .enumerate()
            .filter(|(_, i)| !i.contract.is_empty())
            .map(|(n, i)| (i.contract.clone(), format!("interfaces[{n}].contract")))
            .collect();
        if let Some(conf) = &contract.configuration {
            if !conf.schema.is_empty() {
                wanted.push((conf.schema.clone(), "configuration.schema".into()));
            }
        }
        let bundle = self.bundle();
        let mut seen = BTreeSet::new();
        wanted
            .into_iter()
            .filter(|(path, _)| {
                pacto_core::bundle::valid_fs_path(path)
                    && !bundle.exists(path)
                    && self.ancestor_file(path).is_none()
                    && seen.insert(path.clone())
            })
            .map(|(path, field)| MissingFile { path, field })
            .collect()
    }

    /// The workspace as JSON, for localStorage and share links.
    pub fn to_json(&self) -> String {
        let mut saved = Saved {
            version: 1,
            files: BTreeMap::new(),
            binary: BTreeMap::new(),
            dirs: self.dirs.iter().cloned().collect(),
            active: self.active.clone(),
        };
        for (path, body) in &self.files {
            match body {
                FileBody::Text(t) => {
                    saved.files.insert(path.clone(), t.to_string());
                }
                FileBody::Binary(b) => {
                    saved.binary.insert(
                        path.clone(),
                        base64::engine::general_purpose::STANDARD.encode(b),
                    );
                }
            }
        }
        serde_json::to_string(&saved).unwrap_or_default()
    }

    /// Reads [`Workspace::to_json`]'s output. Unknown fields are ignored and bad paths dropped,
    /// so older and newer saves both load.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let saved: Saved =
            serde_json::from_str(json).map_err(|e| format!("not a saved workspace: {e}"))?;
        let mut files = BTreeMap::new();
        for (path, text) in saved.files {
            if let Ok(p) = clean_path(&path) {
                files.insert(p, FileBody::Text(text.into()));
            }
        }
        for (path, b64) in saved.binary {
            if let (Ok(p), Ok(bytes)) = (
                clean_path(&path),
                base64::engine::general_purpose::STANDARD.decode(b64.as_bytes()),
            ) {
                files.insert(p, FileBody::Binary(bytes.into()));
            }
        }
        if files.len() > MAX_FILES {
            return Err(format!("more than {MAX_FILES} files"));
        }
        let dirs = saved
            .dirs
            .iter()
            .filter_map(|d| clean_path(d).ok())
            .collect();
        let mut ws = Workspace::from_files(files, dirs);
        if ws.files.contains_key(&saved.active) {
            ws.active = saved.active;
        }
        Ok(ws)
    }

    /// A name for downloads: `<service>-<version>.tar.gz` when the contract says them.
    pub fn archive_name(&self) -> String {
        match pacto_core::parse(self.contract_text()) {
            Ok(p) if !p.contract.service.name.is_empty() => {
                let name = safe_file_name(&p.contract.service.name);
                let version = safe_file_name(&p.contract.service.version);
                if version.is_empty() {
                    format!("{name}.tar.gz")
                } else {
                    format!("{name}-{version}.tar.gz")
                }
            }
            _ => "bundle.tar.gz".into(),
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Saved {
    version: u32,
    files: BTreeMap<String, String>,
    binary: BTreeMap<String, String>,
    dirs: Vec<String>,
    active: String,
}

fn safe_file_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// A bundle-relative path as the core accepts it: slash-separated, no `.`/`..`, no leading `/`.
/// Backslashes and surrounding slashes and spaces are forgiven.
pub fn clean_path(input: &str) -> Result<String, String> {
    let p = input.trim().replace('\\', "/");
    let p = p.trim_start_matches("./").trim_matches('/');
    if p.is_empty() {
        return Err("give a name".into());
    }
    if p.len() > 1024 {
        return Err("that path is too long".into());
    }
    if !pacto_core::bundle::valid_fs_path(p) || p.contains('\0') {
        return Err(format!(
            "{p:?} is not a bundle path: use names separated by /, without . or .."
        ));
    }
    Ok(p.to_string())
}

/// Turns dropped or picked files into a workspace. Paths come relative to what was chosen: a
/// folder's name leads every path, so the prefix above the shallowest `pacto.yaml` is removed.
pub fn from_picked(files: Vec<(String, Vec<u8>)>) -> Result<Workspace, String> {
    if files.is_empty() {
        return Err("nothing was opened".into());
    }
    // The same bounds as for archives: a picked folder is no safer than a downloaded one.
    let limits = pacto_core::archive::Limits::default();
    let mut total = 0u64;
    for (name, bytes) in &files {
        let size = bytes.len() as u64;
        if size > limits.max_file_size {
            return Err(format!(
                "{name} is {} MiB: a bundle file may be at most {} MiB",
                size >> 20,
                limits.max_file_size >> 20
            ));
        }
        total += size;
        if total > limits.max_total_size {
            return Err(format!(
                "the files opened are over {} MiB in all, more than a bundle may hold",
                limits.max_total_size >> 20
            ));
        }
    }
    if files.len() == 1 {
        let (name, bytes) = &files[0];
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
            let bundle = pacto_core::archive::unpack(bytes)
                .map_err(|e| format!("{name} is not a bundle archive: {e}"))?;
            return Ok(Workspace::from_bundle(&bundle));
        }
        // One YAML file, whatever its name, is opened as the contract.
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            let mut files = BTreeMap::new();
            files.insert(
                CONTRACT_FILE.to_string(),
                FileBody::from_bytes(bytes.clone()),
            );
            return Ok(Workspace::from_files(files, BTreeSet::new()));
        }
    }
    let root = files
        .iter()
        .filter_map(|(p, _)| {
            let p = p.replace('\\', "/");
            if p == CONTRACT_FILE {
                Some(String::new())
            } else {
                p.strip_suffix(&format!("/{CONTRACT_FILE}"))
                    .map(|dir| format!("{dir}/"))
            }
        })
        .min_by_key(|prefix| prefix.matches('/').count());
    let Some(root) = root else {
        return Err(format!(
            "no {CONTRACT_FILE} among the opened files: open a bundle folder, its {CONTRACT_FILE} or a .tar.gz"
        ));
    };
    let mut out = BTreeMap::new();
    for (path, bytes) in files {
        let path = path.replace('\\', "/");
        let Some(rel) = path.strip_prefix(&root) else {
            continue;
        };
        if let Ok(rel) = clean_path(rel) {
            out.insert(rel, FileBody::from_bytes(bytes));
        }
        if out.len() > MAX_FILES {
            return Err(format!("more than {MAX_FILES} files"));
        }
    }
    Ok(Workspace::from_files(out, BTreeSet::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(files: &[(&str, &str)]) -> Workspace {
        Workspace::from_text_files(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_contract_cannot_be_deleted_or_renamed() {
        let mut w = ws(&[("pacto.yaml", "x")]);
        assert!(w.delete("pacto.yaml").is_err());
        assert!(w.rename("pacto.yaml", "other.yaml").is_err());
        assert_eq!(w.contract_text(), "x");
    }

    #[test]
    fn folders_add_rename_and_delete_with_their_files() {
        let mut w = ws(&[("pacto.yaml", ""), ("interfaces/openapi.yaml", "a")]);
        w.add_folder("schemas").unwrap();
        assert!(w.dirs.contains("schemas"));
        w.add_file("schemas/config.json", "{}".into()).unwrap();
        assert!(
            !w.dirs.contains("schemas"),
            "a folder with a file is implied"
        );
        w.active = "interfaces/openapi.yaml".into();
        w.rename("interfaces", "api").unwrap();
        assert_eq!(w.text("api/openapi.yaml"), Some("a"));
        assert_eq!(w.active, "api/openapi.yaml");
        w.delete("api").unwrap();
        assert!(w.text("api/openapi.yaml").is_none());
        assert_eq!(w.active, "pacto.yaml");
        w.delete("schemas/config.json").unwrap();
        assert!(w.dirs.contains("schemas"), "the emptied folder stays");
    }

    #[test]
    fn bad_paths_are_refused() {
        let mut w = ws(&[("pacto.yaml", ""), ("a.yaml", "")]);
        for bad in ["", "..", "a/../b", "/", "a//b"] {
            assert!(w.add_file(bad, String::new()).is_err(), "{bad:?}");
        }
        assert!(w.add_file("a.yaml", String::new()).is_err(), "exists");
        assert!(
            w.add_file("a.yaml/x", String::new()).is_err(),
            "under a file"
        );
        assert_eq!(
            w.add_file("./b\\c.json ", String::new()),
            Ok("b/c.json".into())
        );
    }

    #[test]
    fn missing_referenced_files_are_listed_once() {
        let text = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 80, contract: interfaces/openapi.yaml}\n  - {name: b, type: http, port: 81, contract: interfaces/openapi.yaml}\nconfiguration: {schema: configuration/schema.json}\n";
        let w = ws(&[("pacto.yaml", text), ("configuration/schema.json", "{}")]);
        assert_eq!(
            w.missing_files(),
            vec![MissingFile {
                path: "interfaces/openapi.yaml".into(),
                field: "interfaces[0].contract".into()
            }]
        );
    }

    #[test]
    fn json_round_trip_keeps_binary_files_and_empty_folders() {
        let mut w = ws(&[("pacto.yaml", "a: 1\n"), ("docs/x.md", "# x")]);
        w.files.insert(
            "img/logo.png".into(),
            FileBody::Binary(vec![0x89, 0xff, 0].into()),
        );
        w.add_folder("empty").unwrap();
        w.active = "docs/x.md".into();
        let back = Workspace::from_json(&w.to_json()).unwrap();
        assert_eq!(back, w);
    }

    #[test]
    fn picked_folders_lose_their_leading_directory() {
        let w = from_picked(vec![
            ("svc/pacto.yaml".into(), b"x".to_vec()),
            ("svc/interfaces/a.yaml".into(), b"y".to_vec()),
            ("other.txt".into(), b"z".to_vec()),
        ])
        .unwrap();
        assert_eq!(
            w.files.keys().collect::<Vec<_>>(),
            ["interfaces/a.yaml", "pacto.yaml"]
        );
        assert!(from_picked(vec![("a.txt".into(), vec![])]).is_err());
    }

    #[test]
    fn one_yaml_file_is_the_contract() {
        let w = from_picked(vec![("orders.yml".into(), b"a: 1\n".to_vec())]).unwrap();
        assert_eq!(w.contract_text(), "a: 1\n");
        assert_eq!(w.files.len(), 1);
    }

    #[test]
    fn oversized_picks_are_refused() {
        let limits = pacto_core::archive::Limits::default();
        let big = vec![b'x'; limits.max_file_size as usize + 1];
        let err = from_picked(vec![("pacto.yaml".into(), big)]).unwrap_err();
        assert!(err.contains("at most"), "{err}");
    }

    #[test]
    fn archives_open_as_bundles() {
        let w = ws(&[("pacto.yaml", "a: 1\n"), ("interfaces/x.yaml", "y")]);
        let bytes = pacto_core::archive::pack(&w.bundle()).unwrap();
        let back = from_picked(vec![("b.tar.gz".into(), bytes)]).unwrap();
        assert_eq!(back.files, w.files);
        assert!(from_picked(vec![("b.tgz".into(), b"not gzip".to_vec())]).is_err());
    }
}
