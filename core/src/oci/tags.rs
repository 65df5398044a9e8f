//! Tag resolution (spec `oci-graph-cli.md` §3): the highest semver tag, optionally within a
//! constraint.

use crate::version::{Constraints, Version};

use super::error::OciError;

/// Picks the tag to use among `tags` (in the registry's order).
///
/// Tags that are not (coercible) semver are ignored. With a non-empty `constraint` only
/// matching versions qualify (pre-releases only when the constraint names one); without one
/// every version qualifies, pre-releases included. The highest by semver precedence wins; among
/// equal versions spelled differently (`1.0.0`, `v1.0.0`) the one listed last, which is what the
/// Go tool's sort gives for short lists. The answer is the tag text as listed.
pub fn select_tag(
    repository: &str,
    tags: &[String],
    constraint: Option<&str>,
) -> Result<String, OciError> {
    let constraint = constraint.filter(|c| !c.is_empty());
    let constraints = constraint
        .map(|c| {
            Constraints::parse(c).map_err(|e| OciError::InvalidConstraint {
                constraint: c.to_string(),
                detail: e.to_string(),
            })
        })
        .transpose()?;
    let mut best: Option<(Version, &str)> = None;
    for tag in tags {
        let Ok(version) = Version::parse(tag) else {
            continue;
        };
        if constraints.as_ref().is_some_and(|c| !c.matches(&version)) {
            continue;
        }
        let better = best
            .as_ref()
            .is_none_or(|(b, _)| version.cmp_precedence(b).is_ge());
        if better {
            best = Some((version, tag));
        }
    }
    best.map(|(_, tag)| tag.to_string())
        .ok_or_else(|| OciError::NoMatchingTag {
            repository: repository.to_string(),
            constraint: constraint.map(str::to_string),
        })
}
