//! Configuration JSON-schema property diff (diff.md §6): the keys of the top-level
//! `properties` object, removed (BREAKING) or added (NON_BREAKING).
//!
//! The file is decoded as the Go tool decodes it (strict JSON into a struct with one
//! `properties` map): members named `properties` exactly or case-insensitively all feed that
//! map in document order (an object adds its keys, `null` empties it), a later duplicate key
//! overrides an earlier one, and any other type where an object is expected fails the whole
//! file. Departures (spec README, 3): local `$ref`s are resolved first (a root schema
//! `{"$ref": "#/$defs/Config"}` or `"properties": {"$ref": ...}` still yields the keys); a
//! file that is not JSON, or whose root or `properties` is not an object, gives a warning
//! instead of silently comparing nothing; changes come in the merged order (new-document order,
//! a removed key right after the key that preceded it in the old document), each with a
//! location in the new file.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::change::{merged_order, Merged};
use super::refs::{index_token, pointer_tokens};
use super::{Change, ChangeType, DiffWarning, SourceFile};
use crate::source::{Node, NodeKind, Span};

/// Property changes between two configuration schemas.
pub fn diff(
    old: &SourceFile<'_>,
    new: &SourceFile<'_>,
    warnings: &mut Vec<DiffWarning>,
) -> Vec<Change> {
    let old_json = decode(old, "old", warnings);
    let new_json = decode(new, "new", warnings);
    let (Some(old_json), Some(new_json)) = (old_json, new_json) else {
        return Vec::new();
    };
    let old_props = properties(&old_json, old, "old", warnings);
    let new_props = properties(&new_json, new, "new", warnings);
    let (Some(old_props), Some(new_props)) = (old_props, new_props) else {
        return Vec::new();
    };

    let mut locator = Locator::new(new);
    let removed_at = locator.entry(&new_props.member);
    let removal = |key: &str| {
        Change::new(
            format!("schema.properties[{key}]"),
            ChangeType::Removed,
            format!("configuration property {key} removed"),
            Some(Value::String(key.to_string())),
            None,
        )
        .at(Some(new.location(removed_at)))
    };
    let old_keys: Vec<&str> = old_props.keys.iter().map(|(k, _)| k.as_str()).collect();
    let new_keys: Vec<&str> = new_props.keys.iter().map(|(k, _)| k.as_str()).collect();
    let mut out = Vec::new();
    for m in merged_order(&old_keys, &new_keys) {
        match m {
            Merged::Old(i) => out.extend(old_keys.get(i).map(|k| removal(k))),
            Merged::New(j) => {
                let Some((key, holder)) = new_props.keys.get(j) else {
                    continue;
                };
                let at = locator.key(holder, key).map_or(removed_at, |k| k.span);
                out.push(
                    Change::new(
                        format!("schema.properties[{key}]"),
                        ChangeType::Added,
                        format!("configuration property {key} added"),
                        None,
                        Some(Value::String(key.clone())),
                    )
                    .at(Some(new.location(at))),
                );
            }
            Merged::Both(..) => {}
        }
    }
    out
}

/// A JSON value with object members kept in document order (duplicates included).
enum Json {
    Null,
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    /// Numbers and booleans.
    Other,
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
        Ok(Json::Other)
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

fn warn(warnings: &mut Vec<DiffWarning>, side: &str, file: &SourceFile<'_>, message: String) {
    warnings.push(DiffWarning {
        side: side.to_string(),
        file: file.path.to_string(),
        message,
    });
}

fn decode(file: &SourceFile<'_>, side: &str, warnings: &mut Vec<DiffWarning>) -> Option<Json> {
    match serde_json::from_str::<Json>(file.text) {
        Ok(json) => Some(json),
        Err(e) => {
            warn(
                warnings,
                side,
                file,
                format!(
                    "the configuration schema is not valid JSON ({e}), so its properties were not compared"
                ),
            );
            None
        }
    }
}

/// A JSON pointer into the document, as tokens.
type Pointer = Vec<String>;

/// The top-level property keys of one schema.
struct Props {
    /// Unique keys in first-occurrence order, each with the pointer of the object holding it.
    keys: Vec<(String, Pointer)>,
    /// Where the (last) `properties` member sits: the pointer of its object and its name.
    member: Option<(Pointer, String)>,
}

/// The members of an object with its local `$ref` followed: own members first (except the
/// followed `$ref`), then the referenced object's members that they do not override, each with
/// the pointer of the object that holds it.
fn members<'j>(root: &'j Json, json: &'j Json, at: Pointer) -> Vec<(&'j str, &'j Json, Pointer)> {
    let mut out = Vec::new();
    let mut own_keys: HashSet<&str> = HashSet::new();
    let mut current = (json, at);
    let mut seen: Vec<Pointer> = Vec::new();
    while let Json::Object(list) = current.0 {
        let target = ref_target(current.0)
            .filter(|t| !seen.contains(t) && seen.len() < 64)
            .and_then(|t| match walk(root, &t) {
                Some(j @ Json::Object(_)) => Some((j, t)),
                _ => None,
            });
        let level_keys: Vec<&str> = list.iter().map(|(k, _)| k.as_str()).collect();
        for (k, v) in list {
            if target.is_some() && k == "$ref" && matches!(v, Json::Str(_)) {
                continue;
            }
            if own_keys.contains(k.as_str()) {
                continue;
            }
            out.push((k.as_str(), v, current.1.clone()));
        }
        own_keys.extend(level_keys);
        let Some((next, pointer)) = target else {
            break;
        };
        seen.push(pointer.clone());
        current = (next, pointer);
    }
    out
}

/// The tokens of an object's local `$ref` string.
fn ref_target(json: &Json) -> Option<Pointer> {
    let Json::Object(list) = json else {
        return None;
    };
    list.iter().rev().find_map(|(k, v)| match v {
        Json::Str(s) if k == "$ref" => pointer_tokens(s),
        _ => None,
    })
}

fn walk<'j>(root: &'j Json, tokens: &[String]) -> Option<&'j Json> {
    let mut node = root;
    for token in tokens {
        node = match node {
            Json::Object(list) => list
                .iter()
                .rev()
                .find(|(k, _)| k == token)
                .map(|(_, v)| v)?,
            Json::Array(items) => items.get(index_token(token)?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Go's `encoding/json` member-name match: exact, or equal under simple case folding.
fn is_properties(name: &str) -> bool {
    const TARGET: &str = "properties";
    if name == TARGET {
        return true;
    }
    let mut chars = name.chars();
    for want in TARGET.chars() {
        let Some(c) = chars.next() else {
            return false;
        };
        let folded = match c {
            // U+017F LATIN SMALL LETTER LONG S folds to `s`.
            '\u{17f}' => 's',
            c if c.is_ascii() => c.to_ascii_lowercase(),
            _ => return false,
        };
        if folded != want {
            return false;
        }
    }
    chars.next().is_none()
}

fn properties(
    json: &Json,
    file: &SourceFile<'_>,
    side: &str,
    warnings: &mut Vec<DiffWarning>,
) -> Option<Props> {
    let mut props = Props {
        keys: Vec::new(),
        member: None,
    };
    match json {
        Json::Object(_) => {}
        Json::Null => return Some(props),
        _ => {
            warn(
                warnings,
                side,
                file,
                "the configuration schema is not a JSON object, so its properties were not compared"
                    .into(),
            );
            return None;
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for (name, value, holder) in members(json, json, Vec::new()) {
        if !is_properties(name) {
            continue;
        }
        let mut at = holder.clone();
        at.push(name.to_string());
        props.member = Some((holder, name.to_string()));
        match value {
            Json::Null => {
                props.keys.clear();
                seen.clear();
            }
            Json::Object(_) => {
                for (key, _, key_holder) in members(json, value, at) {
                    if seen.insert(key) {
                        props.keys.push((key.to_string(), key_holder));
                    }
                }
            }
            _ => {
                warn(
                    warnings,
                    side,
                    file,
                    format!(
                        "the configuration schema's `{name}` member is not an object, so its properties were not compared"
                    ),
                );
                return None;
            }
        }
    }
    Some(props)
}

/// Finds JSON pointers in the parsed (YAML) tree of the new file, for locations.
struct Locator<'n> {
    root: &'n Node,
    keys: HashMap<Pointer, HashMap<String, &'n Node>>,
}

impl<'n> Locator<'n> {
    fn new(file: &'n SourceFile<'_>) -> Self {
        Locator {
            root: &file.root,
            keys: HashMap::new(),
        }
    }

    fn node(&self, pointer: &[String]) -> Option<&'n Node> {
        let mut node = self.root;
        for token in pointer {
            node = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.key_text() == *token)
                    .map(|(_, v)| v)?,
                NodeKind::Seq(items) => items.get(index_token(token)?)?,
                NodeKind::Scalar(_) => return None,
            };
        }
        Some(node)
    }

    /// The key node of `key` in the mapping at `holder` (indexed once per mapping).
    fn key(&mut self, holder: &Pointer, key: &str) -> Option<&'n Node> {
        if !self.keys.contains_key(holder) {
            let mut index = HashMap::new();
            if let Some(NodeKind::Map(entries)) = self.node(holder).map(|n| &n.kind) {
                for (k, _) in entries {
                    index.insert(k.key_text(), k);
                }
            }
            self.keys.insert(holder.clone(), index);
        }
        self.keys
            .get(holder)
            .and_then(|index| index.get(key))
            .copied()
    }

    /// The span of a member (key and value) given its holder's pointer, else the root's.
    fn entry(&self, member: &Option<(Pointer, String)>) -> Span {
        member
            .as_ref()
            .and_then(|(holder, name)| {
                let NodeKind::Map(entries) = &self.node(holder)?.kind else {
                    return None;
                };
                entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.key_text() == *name)
                    .map(|(k, v)| Span {
                        start: k.span.start,
                        end: k.span.end.max(v.span.end),
                    })
            })
            .unwrap_or(self.root.span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Classification;
    use crate::source::{parse_document, LineIndex};

    /// A source file even when the YAML reading reports problems (duplicate keys).
    fn source<'a>(path: &'a str, text: &'a str) -> SourceFile<'a> {
        let doc = parse_document(text);
        SourceFile {
            path,
            text,
            root: doc.root.unwrap_or(Node {
                kind: NodeKind::Map(Vec::new()),
                span: Span::default(),
            }),
            tree: None,
            lines: LineIndex::new(text),
        }
    }

    fn run_warn(old: &str, new: &str) -> (Vec<Change>, Vec<DiffWarning>) {
        let o = source("configuration/old.json", old);
        let n = source("configuration/schema.json", new);
        let mut warnings = Vec::new();
        let changes = diff(&o, &n, &mut warnings);
        (changes, warnings)
    }

    fn run(old: &str, new: &str) -> Vec<Change> {
        let (changes, warnings) = run_warn(old, new);
        assert!(warnings.is_empty(), "{warnings:?}");
        changes
    }

    fn brief(changes: &[Change]) -> Vec<(String, &'static str)> {
        changes
            .iter()
            .map(|c| (c.path.clone(), c.r#type.as_str()))
            .collect()
    }

    fn line(c: &Change) -> u32 {
        c.location.as_ref().map_or(0, |l| l.range.start.line)
    }

    #[test]
    fn removed_and_added_rows() {
        let old = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"string\"},\n    \"b\": {}\n  }\n}\n";
        let new = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"integer\"},\n    \"c\": {}\n  }\n}\n";
        let c = run(old, new);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].path, "schema.properties[b]");
        assert_eq!(c[0].r#type, ChangeType::Removed);
        assert_eq!(c[0].classification, Classification::Breaking);
        assert_eq!(c[0].reason, "configuration property b removed");
        assert_eq!(c[0].old, Some(Value::String("b".into())));
        assert_eq!(c[0].new, None);
        assert_eq!(line(&c[0]), 3);
        assert_eq!(c[1].path, "schema.properties[c]");
        assert_eq!(c[1].r#type, ChangeType::Added);
        assert_eq!(c[1].classification, Classification::NonBreaking);
        assert_eq!(c[1].reason, "configuration property c added");
        assert_eq!(c[1].old, None);
        assert_eq!(c[1].new, Some(Value::String("c".into())));
        assert_eq!(line(&c[1]), 5);
        let at = c[1].location.as_ref().expect("location");
        assert_eq!(at.file, "configuration/schema.json");
        assert_eq!(at.range.start.column, 5);
        // Definitions, nesting and `required` are invisible.
        assert!(run(
            old,
            &old.replace(
                "\"type\": \"string\"",
                "\"type\": \"integer\", \"required\": [\"x\"]"
            )
        )
        .is_empty());
    }

    #[test]
    fn merged_order() {
        let old = r#"{"properties": {"a": {}, "b": {}, "c": {}}}"#;
        let new = r#"{"properties": {"d": {}, "a": {}, "c": {}, "e": {}}}"#;
        assert_eq!(
            brief(&run(old, new)),
            vec![
                ("schema.properties[d]".into(), "added"),
                ("schema.properties[b]".into(), "removed"),
                ("schema.properties[e]".into(), "added"),
            ]
        );
        assert!(run(old, r#"{"properties": {"c": {}, "b": {}, "a": {}}}"#).is_empty());
    }

    #[test]
    fn missing_or_null_properties_are_empty() {
        let some = r#"{"properties": {"a": {}}}"#;
        for empty in [r#"{"type": "object"}"#, r#"{"properties": null}"#, "null"] {
            assert_eq!(
                brief(&run(empty, some)),
                vec![("schema.properties[a]".into(), "added")]
            );
            assert_eq!(
                brief(&run(some, empty)),
                vec![("schema.properties[a]".into(), "removed")]
            );
        }
        // Removed with no `properties` in the new file: located at the root.
        let c = run(some, "\n\n{\"type\": \"object\"}");
        assert_eq!(line(&c[0]), 3);
    }

    #[test]
    fn not_json_warns() {
        let good = r#"{"properties": {"a": {}}}"#;
        let yaml = "properties:\n  a: {}\n";
        let (c, w) = run_warn(yaml, good);
        assert!(c.is_empty());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].side, "old");
        assert_eq!(w[0].file, "configuration/old.json");
        assert!(w[0]
            .message
            .starts_with("the configuration schema is not valid JSON ("));
        assert!(w[0]
            .message
            .ends_with("), so its properties were not compared"));
        let (c, w) = run_warn(yaml, yaml);
        assert!(c.is_empty());
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].side, "new");
        let (_, w) = run_warn(good, "{\"properties\": {}} trailing");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn wrong_types_warn() {
        let good = r#"{"properties": {"a": {}}}"#;
        for bad in [
            r#"{"properties": ["a"]}"#,
            r#"{"properties": "a"}"#,
            "[1]",
            "3",
            "\"x\"",
        ] {
            let (c, w) = run_warn(good, bad);
            assert!(c.is_empty(), "{bad}");
            assert_eq!(w.len(), 1, "{bad}");
            assert_eq!(w[0].side, "new");
            assert!(w[0].message.contains("not"), "{}", w[0].message);
        }
    }

    #[test]
    fn properties_member_matches_like_go() {
        let old = r#"{"properties": {"a": {}, "b": {}}}"#;
        assert_eq!(
            brief(&run(old, r#"{"Properties": {"a": {}}}"#)),
            vec![("schema.properties[b]".into(), "removed")]
        );
        assert!(run(old, r#"{"PROPERTIES": {"a": {}, "b": {}}}"#).is_empty());
        // U+017F (long s) folds to `s`.
        assert!(run(old, "{\"propertie\u{17f}\": {\"a\": {}, \"b\": {}}}").is_empty());
        assert_eq!(run(old, r#"{"propertiesx": {"a": {}, "b": {}}}"#).len(), 2);
        // Every matching member feeds the same map, in order; null empties it.
        assert!(run(old, r#"{"properties": {"a": {}}, "Properties": {"b": {}}}"#).is_empty());
        assert_eq!(
            brief(&run(
                old,
                r#"{"properties": {"a": {}}, "Properties": null, "PROPERTIES": {"b": {}}}"#
            )),
            vec![("schema.properties[a]".into(), "removed")]
        );
    }

    #[test]
    fn duplicate_keys_later_wins() {
        let old = r#"{"properties": {"a": {}, "b": {}}}"#;
        let new = r#"{"properties": {"a": {"type": "string"}, "a": {}}}"#;
        assert_eq!(
            brief(&run(old, new)),
            vec![("schema.properties[b]".into(), "removed")]
        );
    }

    #[test]
    fn local_refs_are_resolved() {
        let old = r##"{"$ref": "#/$defs/Config", "$defs": {"Config": {"type": "object", "properties": {"a": {}, "b": {}}}}}"##;
        let new = "{\"$ref\": \"#/$defs/Config\",\n \"$defs\": {\"Config\": {\"type\": \"object\",\n  \"properties\": {\"a\": {},\n   \"c\": {}}}}}";
        let c = run(old, new);
        assert_eq!(
            brief(&c),
            vec![
                ("schema.properties[b]".into(), "removed"),
                ("schema.properties[c]".into(), "added"),
            ]
        );
        // Removed: the `properties` member of the referenced schema; added: the key.
        assert_eq!(line(&c[0]), 3);
        assert_eq!(line(&c[1]), 4);
        // `properties` given by reference, with an own key next to it.
        let by_ref = r##"{"properties": {"$ref": "#/$defs/P", "z": {}}, "$defs": {"P": {"a": {}, "b": {}}}}"##;
        assert_eq!(
            brief(&run(old, by_ref)),
            vec![("schema.properties[z]".into(), "added")]
        );
        // Own members override the referenced schema's.
        let own = r##"{"$ref": "#/$defs/Base", "properties": {"a": {}, "b": {}}, "$defs": {"Base": {"properties": {"x": {}}}}}"##;
        assert!(run(old, own).is_empty());
        // A cycle or a missing target stops resolution.
        let looped = r##"{"$ref": "#", "properties": {"a": {}, "b": {}}}"##;
        assert!(run(old, looped).is_empty());
        let missing = r##"{"$ref": "#/$defs/Nope", "properties": {"a": {}, "b": {}}}"##;
        assert!(run(old, missing).is_empty());
        // A `properties` object referring to itself has no keys.
        let self_ref = r##"{"properties": {"$ref": "#/properties"}}"##;
        assert_eq!(
            brief(&run(old, self_ref)),
            vec![
                ("schema.properties[a]".into(), "removed"),
                ("schema.properties[b]".into(), "removed"),
            ]
        );
        // A `$ref` inside a property stays invisible.
        let inner = |x: &str| {
            format!(
                r##"{{"properties": {{"db": {{"$ref": "#/$defs/Db"}}}}, "$defs": {{"Db": {{"properties": {{"{x}": {{}}}}}}}}}}"##
            )
        };
        assert!(run(&inner("url"), &inner("dsn")).is_empty());
    }

    #[test]
    fn go_fold_matching() {
        assert!(is_properties("properties"));
        assert!(is_properties("PrOpErTiEs"));
        assert!(is_properties("propertie\u{17f}"));
        assert!(!is_properties("propertiesx"));
        assert!(!is_properties("propertie"));
        assert!(!is_properties("pröperties"));
    }
}
