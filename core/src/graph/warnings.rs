//! Pinned registry refs whose version is outside the declared `compatibility` (issue 5; the Go
//! tool ignores the constraint for a pinned tag or digest without a word, spec oci-graph-cli §3).
//!
//! The version checked is the one actually resolved (the dependency's `service.version`); when
//! the dependency failed to load, the tag itself when it reads as a version. Tag resolution
//! already honours the constraint for tag-less refs, so only pinned refs are checked.

use serde::Serialize;

use super::Graph;
use crate::reference::{has_explicit_tag_or_digest, split_scheme, DependencyRef};
use crate::version::{Constraints, Version};

/// A dependency declaration worth a look; never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphWarning {
    /// The service name of the bundle that declares the dependency.
    pub from: String,
    /// The dependency ref as written.
    #[serde(rename = "ref")]
    pub reference: String,
    pub message: String,
}

/// Every pinned `oci://` dependency whose version does not satisfy its `compatibility`, once per
/// (declaring service, ref), in breadth-first declaration order.
pub(super) fn find(graph: &Graph) -> Vec<GraphWarning> {
    let mut out: Vec<GraphWarning> = Vec::new();
    for (id, node) in graph.nodes() {
        for dep in graph.dependencies(id) {
            let DependencyRef::Oci(location) = split_scheme(&dep.edge.reference) else {
                continue;
            };
            let compatibility = dep.edge.compatibility.trim();
            if compatibility.is_empty() || !has_explicit_tag_or_digest(location) {
                continue;
            }
            // An invalid range is the validator's INVALID_COMPATIBILITY, not a graph concern.
            let Ok(constraints) = Constraints::parse(compatibility) else {
                continue;
            };
            let resolved = dep.node.contract().map(|c| c.service.version.as_str());
            let (shown, what) = match resolved {
                Some(v) => (v.to_string(), "resolves to version"),
                None => match pinned_tag(location) {
                    Some(tag) => (tag.to_string(), "is pinned to tag"),
                    None => continue,
                },
            };
            let Ok(version) = Version::parse(&shown) else {
                continue;
            };
            if constraints.matches(&version) {
                continue;
            }
            let warning = GraphWarning {
                from: node.name().to_string(),
                reference: dep.edge.reference.clone(),
                message: format!(
                    "{} {what} {shown}, which does not satisfy compatibility \"{compatibility}\"",
                    dep.edge.reference
                ),
            };
            if !out.contains(&warning) {
                out.push(warning);
            }
        }
    }
    out
}

/// The tag of a location that names one (`host/repo:tag`, no digest).
fn pinned_tag(location: &str) -> Option<&str> {
    if location.contains('@') {
        return None;
    }
    let (_, tag) = location.rsplit_once(':')?;
    (!tag.contains('/')).then_some(tag)
}
