//! The change model of `diff` and the Go tool's classification table (diff.md §2–§3).

use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Classification {
    NonBreaking,
    PotentialBreaking,
    Breaking,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::NonBreaking => "NON_BREAKING",
            Classification::PotentialBreaking => "POTENTIAL_BREAKING",
            Classification::Breaking => "BREAKING",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeType {
    Added,
    Removed,
    Modified,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "added",
            ChangeType::Removed => "removed",
            ChangeType::Modified => "modified",
        }
    }
}

/// Where a change sits in the new bundle (or, for a removal, the closest place that still exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Bundle-relative file path, e.g. `pacto.yaml` or `interfaces/openapi.yaml`.
    pub file: String,
    pub range: Range,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The Go tool's path string, e.g. `interfaces.port` or
    /// `openapi.paths[/users].methods[GET].parameters[filter:query]`.
    pub path: String,
    pub r#type: ChangeType,
    pub classification: Classification,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Change {
    /// A change classified by the rule table from its path (selectors stripped) and type.
    pub fn new(
        path: impl Into<String>,
        r#type: ChangeType,
        reason: impl Into<String>,
        old: Option<Value>,
        new: Option<Value>,
    ) -> Self {
        let path = path.into();
        Change {
            classification: classify(&rule_key(&path), r#type),
            path,
            r#type,
            reason: reason.into(),
            old,
            new,
            location: None,
        }
    }

    /// A field-rule change whose reason is `"<path> <type>"`, as the Go tool writes it.
    pub fn field(path: &str, r#type: ChangeType, old: Option<Value>, new: Option<Value>) -> Self {
        Change::new(
            path,
            r#type,
            format!("{path} {}", r#type.as_str()),
            old,
            new,
        )
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
}

/// The rule key of a path: selectors removed and OpenAPI nesting collapsed
/// (`openapi.paths[/a].methods[GET].parameters[x:query]` -> `openapi.parameters`).
pub fn rule_key(path: &str) -> String {
    let mut plain = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    if let Some(rest) = plain.strip_prefix("openapi.") {
        if let Some(last) = rest.rsplit('.').next() {
            return format!("openapi.{last}");
        }
    }
    plain
}

/// The classification table of diff.md §3; unlisted pairs are POTENTIAL_BREAKING.
pub fn classify(rule: &str, t: ChangeType) -> Classification {
    use ChangeType::{Added as A, Modified as M, Removed as R};
    use Classification::{Breaking as B, NonBreaking as N, PotentialBreaking as P};
    match (rule, t) {
        ("service.name", M) => B,
        ("service.version", M) => N,
        ("service.owner", _) => N,
        ("service.image", _) => N,
        ("interfaces", A) => N,
        ("interfaces", R) => B,
        ("interfaces.type", M) => B,
        ("interfaces.port", A) => P,
        ("interfaces.port", R | M) => B,
        ("interfaces.visibility", M) => P,
        ("interfaces.contract", M) => P,
        ("configuration", A) => N,
        ("configuration", R) => B,
        ("configuration.schema", A) => N,
        ("configuration.schema", R) => B,
        ("configuration.schema", M) => P,
        ("runtime.workload", M) => B,
        ("runtime.state.type", M) => B,
        ("runtime.state.persistence.scope", M) => B,
        ("runtime.state.persistence.durability", M) => B,
        ("runtime.state.dataCriticality", M) => P,
        ("runtime.lifecycle.upgradeStrategy", A) => N,
        ("runtime.lifecycle.upgradeStrategy", R | M) => P,
        ("runtime.lifecycle.gracefulShutdownSeconds", M) => N,
        ("runtime.health.interface", M) => P,
        ("runtime.health.path", M) => P,
        ("runtime.health.initialDelaySeconds", M) => N,
        ("scaling", A) => N,
        ("scaling", R) => P,
        ("scaling.min", M) => P,
        ("scaling.max", M) => N,
        ("dependencies", A) => N,
        ("dependencies", R) => B,
        ("dependencies.compatibility", M) => P,
        ("dependencies.required", M) => P,
        ("openapi.paths", A) => N,
        ("openapi.paths", R) => B,
        ("openapi.methods", A) => N,
        ("openapi.methods", R) => B,
        ("openapi.parameters", A | M) => P,
        ("openapi.parameters", R) => B,
        ("openapi.request-body", _) => P,
        ("openapi.responses", A) => N,
        ("openapi.responses", R) => B,
        ("openapi.responses", M) => P,
        ("schema.properties", A) => N,
        ("schema.properties", R) => B,
        _ => P,
    }
}

/// One entry of [`merged_order`]: indices into the old and/or new key lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    Old(usize),
    New(usize),
    Both(usize, usize),
}

/// The deterministic order of keyed collections: the new document's order, each removed key
/// right after the old key before it that is still there (first when none is). Keys must be
/// unique on each side.
pub fn merged_order(old: &[&str], new: &[&str]) -> Vec<Merged> {
    let new_index = KeyIndex::new(new);
    let old_index = KeyIndex::new(old);
    // removed[0]: before every new key; removed[j + 1]: after the new key j.
    let mut removed: Vec<Vec<usize>> = vec![Vec::new(); new.len() + 1];
    let mut anchor = 0;
    for (i, key) in old.iter().enumerate() {
        match new_index.get(key) {
            Some(j) => anchor = j + 1,
            None => {
                if let Some(bucket) = removed.get_mut(anchor) {
                    bucket.push(i);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(old.len() + new.len());
    let mut buckets = removed.into_iter();
    if let Some(first) = buckets.next() {
        out.extend(first.into_iter().map(Merged::Old));
    }
    for ((j, key), after) in new.iter().enumerate().zip(buckets) {
        out.push(match old_index.get(key) {
            Some(i) => Merged::Both(i, j),
            None => Merged::New(j),
        });
        out.extend(after.into_iter().map(Merged::Old));
    }
    out
}

/// Position of a key in a list of unique keys: a scan for the short lists of most collections
/// (methods, parameters, response codes), a hash map for long ones.
enum KeyIndex<'a, 'k> {
    Scan(&'a [&'k str]),
    Map(std::collections::HashMap<&'k str, usize>),
}

impl<'a, 'k> KeyIndex<'a, 'k> {
    const SCAN_UP_TO: usize = 16;

    fn new(keys: &'a [&'k str]) -> Self {
        if keys.len() <= Self::SCAN_UP_TO {
            KeyIndex::Scan(keys)
        } else {
            KeyIndex::Map(keys.iter().enumerate().map(|(i, k)| (*k, i)).collect())
        }
    }

    fn get(&self, key: &str) -> Option<usize> {
        match self {
            // The last occurrence, as the map keeps it (for a caller with repeated keys).
            KeyIndex::Scan(keys) => keys.iter().rposition(|k| *k == key),
            KeyIndex::Map(map) => map.get(key).copied(),
        }
    }
}

/// The highest classification of a list; NON_BREAKING when it is empty.
pub fn overall<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Classification {
    changes
        .into_iter()
        .map(|c| c.classification)
        .max()
        .unwrap_or(Classification::NonBreaking)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_keys_strip_selectors() {
        assert_eq!(
            rule_key("openapi.paths[/users].methods[GET].parameters[filter:query]"),
            "openapi.parameters"
        );
        assert_eq!(rule_key("openapi.paths[/a.b]"), "openapi.paths");
        assert_eq!(
            rule_key("openapi.paths[/a].methods[POST].request-body"),
            "openapi.request-body"
        );
        assert_eq!(rule_key("schema.properties[db.host]"), "schema.properties");
        assert_eq!(rule_key("interfaces.port"), "interfaces.port");
    }

    #[test]
    fn unlisted_pairs_default_to_potential() {
        assert_eq!(
            classify(
                "runtime.lifecycle.gracefulShutdownSeconds",
                ChangeType::Added
            ),
            Classification::PotentialBreaking
        );
        assert_eq!(
            classify("scaling", ChangeType::Modified),
            Classification::PotentialBreaking
        );
        assert_eq!(overall(&[]), Classification::NonBreaking);
    }
}
