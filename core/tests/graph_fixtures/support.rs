//! Shared by the graph and doc tests: an in-memory `BundleSource` serving directories (the real
//! local source, minus the disk), and a minimal executor.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use pacto_core::graph::{BundleSource, DepRef, SourceError};
use pacto_core::Bundle;

/// Polls to completion with a no-op waker: every future here is ready after a few polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000_000u64 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("future never completed");
}

/// Every directory of a tree, as a bundle (an `oci://` location is served from `oci/<location>`
/// with `:` spelled `@`) of the files under it, keyed by its slash-separated
/// path relative to the tree's root. A bundle holds the files below it, nested bundles included,
/// as a directory on disk would.
#[derive(Default)]
pub struct MemorySource {
    pub dirs: BTreeMap<String, Bundle>,
    /// Every load asked for, in order.
    pub loads: RefCell<Vec<String>>,
    /// When set, each load answers after a number of `Pending` polls that differs from load to
    /// load, so loads finish out of claim order.
    pub stagger: bool,
    counter: Cell<u32>,
}

impl MemorySource {
    /// Reads a fixture directory from disk.
    pub fn from_dir(root: &Path) -> Self {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut dirs: Vec<String> = vec![String::new()];
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            for entry in fs::read_dir(root.join(&rel)).expect("read fixture dir") {
                let entry = entry.expect("dir entry");
                let rel_path = rel.join(entry.file_name());
                let key = rel_path.to_string_lossy().replace('\\', "/");
                if entry.file_type().expect("file type").is_dir() {
                    dirs.push(key);
                    stack.push(rel_path);
                } else {
                    files.push((key, fs::read(entry.path()).expect("read fixture file")));
                }
            }
        }
        let mut source = MemorySource::default();
        for dir in dirs {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let mut bundle = Bundle::new();
            for (path, bytes) in &files {
                if let Some(rest) = path.strip_prefix(&prefix) {
                    bundle.insert(rest, bytes.clone());
                }
            }
            source.dirs.insert(dir, bundle);
        }
        source
    }

    /// From `(directory, pacto.yaml text)` pairs.
    pub fn from_contracts(contracts: &[(&str, &str)]) -> Self {
        let mut source = MemorySource::default();
        for (dir, text) in contracts {
            source
                .dirs
                .insert((*dir).to_string(), Bundle::from_contract(text));
        }
        source
    }

    pub fn bundle(&self, dir: &str) -> Bundle {
        self.dirs.get(dir).cloned().expect("fixture bundle")
    }

    fn answer(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        let key = match reference {
            DepRef::Local { path } => path.clone(),
            // `:` is not portable in file names.
            DepRef::Oci { location, .. } => format!("oci/{}", location.replace(':', "@")),
        };
        self.dirs.get(&key).cloned().ok_or_else(|| match reference {
            DepRef::Local { path } => SourceError::new(format!(
                "failed to access {path}: no such file or directory"
            )),
            DepRef::Oci { .. } => SourceError::new(format!("{reference}: artifact not found")),
        })
    }
}

impl BundleSource for MemorySource {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        let shown = match reference {
            DepRef::Oci { constraint, .. } if !constraint.is_empty() => {
                format!("{reference} [{constraint}]")
            }
            _ => reference.to_string(),
        };
        self.loads.borrow_mut().push(shown);
        let n = self.counter.get();
        self.counter.set(n + 1);
        if self.stagger {
            // 3, 0, 2, 1, 3, 0, …: later loads often finish first.
            Yield((n * 7 + 3) % 4).await;
        }
        self.answer(reference)
    }
}

/// Returns `Pending` the given number of times.
struct Yield(u32);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            Poll::Ready(())
        } else {
            self.0 -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
