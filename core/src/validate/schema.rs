//! Layer 1: the embedded JSON Schema (draft 2020-12), run on the schema's own view of the YAML.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::ValidationError;
use serde_json::{Map, Number, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_key, LineIndex, Node, NodeKind, Resolved};

const SCHEMA: &str = include_str!("../../schema/pacto-v1.0.schema.json");

/// The embedded schema text, as published for editors and other tools.
pub fn schema_json() -> &'static str {
    SCHEMA
}

/// The schema compiled into Rust code at build time: nothing to compile at start-up, and the
/// runtime schema compiler (most of jsonschema's size) stays out of the wasm.
///
/// The compiled copy is the published schema without its one `pattern` (`service.name`), which
/// [`service_name_violation`] checks instead: the generated code would compile that pattern with
/// a general regex engine at run time, and the engine with its Unicode tables was about a fifth
/// of the wasm. A test keeps the two schema files identical but for that keyword.
#[jsonschema::validator(path = "schema/pacto-v1.0.validator.json", draft = Draft202012)]
struct PactoSchema;

/// `service.name`'s `pattern` in the published schema.
#[cfg(test)]
const SERVICE_NAME_PATTERN: &str = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

/// Whether a name matches [`SERVICE_NAME_PATTERN`]: a lowercase letter or digit, optionally
/// followed by letters, digits and hyphens ending in a letter or digit.
fn is_service_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            edge(first) && edge(last) && b.iter().all(|c| edge(c) || *c == b'-')
        }
        _ => false,
    }
}

/// The `pattern` violation of `service.name`, as the schema would report it.
fn service_name_violation(instance: &Value) -> Option<(String, &Value)> {
    let name = instance.get("service")?.get("name")?;
    match name.as_str() {
        Some(s) if !is_service_name(s) => Some(("service.name".to_string(), name)),
        _ => None,
    }
}

/// The untyped view of the document, as the Go tool's YAML -> JSON round trip produces it.
/// NaN and infinities have no JSON form: that is `YAML_PARSE_ERROR`.
///
/// The view takes the string values out of the tree (keys stay: diagnostics are located by
/// them), so a value's text is moved rather than copied; after it, only the tree's keys and
/// spans are to be read.
pub fn json_view(root: &mut Node) -> Result<Value, Diagnostic> {
    // Paths are only needed for the error, so the walk builds none; the rare failure is
    // located by a second walk (over a tree whose taken values read as null, never as a
    // non-finite float: the first such float stopped the walk before it was taken).
    to_json(root).ok_or_else(|| {
        let (path, value) = non_finite(root, String::new()).unwrap_or_default();
        Diagnostic::error(
            Code::YamlParseError,
            path,
            format!(
                "`{value}` is not a finite number and cannot be represented in JSON; quote it if it is meant as text"
            ),
        )
    })
}

/// `None` when a float is not finite.
fn to_json(node: &mut Node) -> Option<Value> {
    Some(match &mut node.kind {
        NodeKind::Scalar(s) => match s.resolve() {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::from(i),
            Resolved::Uint(u) => Value::from(u),
            Resolved::Float(f) => {
                if !f.is_finite() {
                    return None;
                }
                // JSON has one number type: a whole float is an integer after the round trip.
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Value::from(f as i64)
                } else {
                    Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
            }
            Resolved::Timestamp(t) => Value::String(t),
            Resolved::Str => Value::String(std::mem::take(&mut s.value)),
        },
        NodeKind::Seq(items) => {
            Value::Array(items.iter_mut().map(to_json).collect::<Option<Vec<_>>>()?)
        }
        NodeKind::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, v) in entries {
                map.insert(k.key_text(), to_json(v)?);
            }
            Value::Object(map)
        }
    })
}

/// The path and text of the first scalar that reads as a non-finite float, in document order.
fn non_finite(node: &Node, path: String) -> Option<(String, String)> {
    match &node.kind {
        NodeKind::Scalar(s) => match s.resolve() {
            Resolved::Float(f) if !f.is_finite() => Some((path, s.value.clone())),
            _ => None,
        },
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, n)| non_finite(n, format!("{path}[{i}]"))),
        NodeKind::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| non_finite(v, join_key(&path, &k.key_text()))),
    }
}

/// Runs the schema; diagnostics come in document order, then by path and message.
pub fn check<'t>(
    instance: &Value,
    root: &Node,
    lines: impl FnOnce() -> &'t LineIndex<'t>,
) -> Vec<Diagnostic> {
    let name = service_name_violation(instance);
    if name.is_none() && PactoSchema::is_valid(instance) {
        return Vec::new();
    }
    // Positions only for a document with errors.
    let lines = lines();
    let at = |path: String, message: String| {
        let range = lines.range(root.locate(&path).span);
        Diagnostic::error(Code::SchemaViolation, path, message).with_range(Some(range))
    };
    let mut out: Vec<Diagnostic> = PactoSchema::iter_errors(instance)
        .map(|err| {
            let path = diagnostic_path(&err);
            let message = message(&err, &path);
            at(path, message)
        })
        .collect();
    if let Some((path, value)) = name {
        let message = service_name_message(&path, value);
        out.push(at(path, message));
    }
    out.sort_by(|a, b| (a.range, &a.path, &a.message).cmp(&(b.range, &b.path, &b.message)));
    out.dedup();
    out
}

fn diagnostic_path(err: &ValidationError<'_>) -> String {
    let mut path = String::new();
    for seg in err.instance_path().iter() {
        match seg {
            LocationSegment::Property(p) => path = join_key(&path, &p),
            LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn json_type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number with a fraction",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "the contract".into()
    } else {
        format!("`{path}`")
    }
}

fn message(err: &ValidationError<'_>, path: &str) -> String {
    let value = err.instance();
    let field = field_name(path);
    match err.kind() {
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or_default();
            let why = match prop {
                "port" => " (http and grpc interfaces need a port)",
                "contract" => " (grpc and event interfaces need a contract file)",
                _ => "",
            };
            format!("{field} is missing the required field `{prop}`{why}")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(&t.to_string()),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| article(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let hint = if value.is_number() || value.is_boolean() || value.is_null() {
                if expected == "a string" {
                    "; quote the value"
                } else {
                    ""
                }
            } else {
                ""
            };
            format!(
                "{field} must be {expected}, got {} {}{hint}",
                json_type_of(value),
                shown(value)
            )
        }
        ValidationErrorKind::Enum { options } => {
            let list = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            format!("{field} must be one of {list}; got {}", shown(value))
        }
        ValidationErrorKind::Constant { expected_value } => {
            if path.ends_with("persistence.durability") {
                format!(
                    "{field} must be {expected_value} because runtime.state.type is stateless; use a stateful or hybrid state for persistent data"
                )
            } else {
                format!("{field} must be {expected_value}; got {}", shown(value))
            }
        }
        ValidationErrorKind::Pattern { .. } if path == "service.name" => {
            service_name_message(path, value)
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{field} {} does not match {pattern}", shown(value))
        }
        ValidationErrorKind::MinLength { .. } => format!("{field} must not be empty"),
        ValidationErrorKind::Minimum { limit } => {
            format!("{field} must be at least {limit}; got {}", shown(value))
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{field} must be at most {limit}; got {}", shown(value))
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
        | ValidationErrorKind::Not { .. }
            if path == "scaling" =>
        {
            "`scaling` must use exactly one form: `replicas` alone, or both `min` and `max`".into()
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("{field} has unknown fields: {}", unexpected.join(", "))
        }
        _ => format!("{field}: {err}"),
    }
}

fn service_name_message(path: &str, value: &Value) -> String {
    format!(
        "{} {} is not a valid service name: use lowercase letters, digits and hyphens, starting and ending with a letter or digit",
        field_name(path),
        shown(value)
    )
}

fn article(t: &str) -> String {
    match t {
        "integer" => "an integer".into(),
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "null" => "null".into(),
        other => format!("a {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled schema is the published one without `service.name`'s `pattern`, which is
    /// exactly the pattern [`is_service_name`] implements.
    #[test]
    fn compiled_schema_is_the_published_one_but_for_the_name_pattern() {
        let mut published: Value = serde_json::from_str(SCHEMA).expect("published schema");
        let compiled: Value =
            serde_json::from_str(include_str!("../../schema/pacto-v1.0.validator.json"))
                .expect("compiled schema");
        let name = published
            .pointer_mut("/properties/service/properties/name")
            .and_then(Value::as_object_mut)
            .expect("service.name in the schema");
        assert_eq!(
            name.remove("pattern"),
            Some(Value::from(SERVICE_NAME_PATTERN))
        );
        assert_eq!(published, compiled);
    }

    #[test]
    fn service_names_like_the_regex() {
        let re = regex::Regex::new(SERVICE_NAME_PATTERN).expect("pattern");
        let alphabet: Vec<char> = "az09-A_. \n\u{e9}Z".chars().collect();
        // Every string up to length 4 over the alphabet, plus a few long ones.
        let mut cases: Vec<String> = vec![String::new()];
        let mut frontier = cases.clone();
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &frontier {
                for c in &alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            cases.extend(next.iter().cloned());
            frontier = next;
        }
        cases.push("order-service-v2".into());
        cases.push("a".repeat(300));
        cases.push(format!("{}-", "a".repeat(300)));
        cases.push("payments\n".into());
        for case in &cases {
            assert_eq!(is_service_name(case), re.is_match(case), "{case:?}");
        }
        assert!(cases.len() > 10_000);
    }
}
