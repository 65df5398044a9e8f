//! diff.md §8 and oci-graph-cli §7.6: the root comparison extended with both dependency graphs,
//! their diff, and the recursive diffs of the dependencies present on both sides.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use super::{diff, DiffError, DiffResult};
use crate::bundle::Bundle;
use crate::graph::{self, join_path, BundleSource, DepRef, Graph, SourceError};

/// Compares two bundles and their dependency graphs. `old_at` / `new_at` say where each root was
/// loaded from (local refs are relative to it); each side resolves through its own source. With
/// `siblings` and a new root in a local directory, the new side's registry dependencies are first
/// looked for in sibling directories ([`SiblingOverride`]), so a change spanning several services
/// of one checkout is compared before anything is published. (The host passes `false` when the
/// new root is an archive: its location is then the archive's directory, not a bundle's.)
///
/// Dependencies that fail to load never fail the diff: they are error edges, which the graph diff
/// ignores. Only a root that does not parse is an error.
pub async fn diff_with_graphs<A, B>(
    old: &Bundle,
    old_at: DepRef,
    old_source: &A,
    new: &Bundle,
    new_at: DepRef,
    new_source: &B,
    siblings: bool,
) -> Result<DiffResult, DiffError>
where
    A: BundleSource + ?Sized,
    B: BundleSource + ?Sized,
{
    let mut result = diff(old, new)?;
    let new_override = match &new_at {
        DepRef::Local { path } if siblings => Some(SiblingOverride::new(new_source, path)),
        _ => None,
    };
    let old_graph = graph::resolve_from(old, old_at, old_source);
    let (old_graph, new_graph) = match &new_override {
        Some(source) => join(old_graph, graph::resolve_from(new, new_at, source)).await,
        None => join(old_graph, graph::resolve_from(new, new_at, new_source)).await,
    };
    let as_error = |side: &'static str| move |diagnostics| DiffError { side, diagnostics };
    let old_graph: Graph = old_graph.map_err(as_error("old"))?;
    let new_graph: Graph = new_graph.map_err(as_error("new"))?;
    result.graph_diff = Some(graph::diff(&old_graph, &new_graph));
    result.dependency_diffs = graph::dependency_diffs(&old_graph, &new_graph);
    result.classification = result
        .dependency_diffs
        .iter()
        .map(|d| d.result.classification)
        .fold(result.classification, Ord::max);
    Ok(result)
}

/// Both futures polled together (the two graphs load concurrently).
async fn join<X: Future, Y: Future>(x: X, y: Y) -> (X::Output, Y::Output) {
    let mut x = pin!(x);
    let mut y = pin!(y);
    let (mut a, mut b) = (None, None);
    poll_fn(|cx| {
        if a.is_none() {
            if let Poll::Ready(out) = x.as_mut().poll(cx) {
                a = Some(out);
            }
        }
        if b.is_none() {
            if let Poll::Ready(out) = y.as_mut().poll(cx) {
                b = Some(out);
            }
        }
        match (a.take(), b.take()) {
            (Some(ra), Some(rb)) => Poll::Ready((ra, rb)),
            (ra, rb) => {
                a = ra;
                b = rb;
                Poll::Pending
            }
        }
    })
    .await
}

/// The new side's source in `diff` (oci-graph-cli §7.6): an `oci://host/org/child-svc:1.0.0`
/// dependency is first loaded from `<parent of the new root>/child-svc`; when no bundle with a
/// `pacto.yaml` is there, from the registry as usual. Applies at every depth. The node keeps its
/// registry ref, so it is not marked local.
pub struct SiblingOverride<'s, S: ?Sized> {
    inner: &'s S,
    parent: String,
}

impl<'s, S: BundleSource + ?Sized> SiblingOverride<'s, S> {
    /// `root_dir`: the new root's directory, as the host names it.
    pub fn new(inner: &'s S, root_dir: &str) -> Self {
        SiblingOverride {
            inner,
            parent: join_path(root_dir, ".."),
        }
    }

    /// Where the sibling of a registry location would be.
    pub fn sibling_path(&self, location: &str) -> Option<String> {
        sibling_name(location).map(|name| join_path(&self.parent, name))
    }
}

/// The last path segment of a registry location, without its tag or digest.
fn sibling_name(location: &str) -> Option<&str> {
    let repo = location.split_once('@').map_or(location, |(repo, _)| repo);
    let last = repo.rsplit_once('/').map_or(repo, |(_, last)| last);
    let name = last.split_once(':').map_or(last, |(name, _)| name);
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

impl<S: BundleSource + ?Sized> BundleSource for SiblingOverride<'_, S> {
    async fn load(&self, reference: &DepRef) -> Result<Bundle, SourceError> {
        if let DepRef::Oci { location, .. } = reference {
            if let Some(path) = self.sibling_path(location) {
                if let Ok(bundle) = self.inner.load(&DepRef::Local { path }).await {
                    if bundle.contract_bytes().is_some() {
                        return Ok(bundle);
                    }
                }
            }
        }
        self.inner.load(reference).await
    }
}

#[cfg(test)]
mod tests {
    use super::sibling_name;

    #[test]
    fn sibling_names() {
        assert_eq!(
            sibling_name("ghcr.io/org/x/child-svc:1.0.0"),
            Some("child-svc")
        );
        assert_eq!(sibling_name("ghcr.io/org/db"), Some("db"));
        assert_eq!(sibling_name("localhost:5000/db"), Some("db"));
        assert_eq!(sibling_name("reg.io/db@sha256:abc"), Some("db"));
        assert_eq!(sibling_name("reg.io/db:1.0@sha256:abc"), Some("db"));
        assert_eq!(sibling_name("reg.io/"), None);
        assert_eq!(sibling_name("reg.io/.."), None);
    }
}
