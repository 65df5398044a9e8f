//! The `pacto.yaml` data model and its strict typed decoding.
//!
//! Decoding mirrors gopkg.in/yaml.v3 decoding into the Go tool's structs with unknown fields
//! rejected: any scalar fits a string field as its text, floats truncate into integer fields,
//! YAML 1.1 boolean words fit only boolean fields, `null` leaves the zero value. Every failure is
//! a `PARSE_ERROR`; unlike the Go tool, all of them are reported, each with its path.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::source::{Node, NodeKind, Resolved, Scalar, Span};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contract {
    pub pacto_version: String,
    pub service: Service,
    pub interfaces: Vec<Interface>,
    pub configuration: Option<Configuration>,
    pub dependencies: Vec<Dependency>,
    pub runtime: Option<Runtime>,
    pub scaling: Option<Scaling>,
    /// `None` when absent or `null`; keys sorted.
    pub metadata: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Service {
    pub name: String,
    pub version: String,
    pub owner: String,
    pub image: Option<Image>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Image {
    pub r#ref: String,
    pub private: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Interface {
    pub name: String,
    pub r#type: String,
    pub port: Option<i64>,
    pub visibility: String,
    pub contract: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Configuration {
    pub schema: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dependency {
    pub r#ref: String,
    pub required: bool,
    pub compatibility: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Runtime {
    pub workload: String,
    pub state: State,
    pub lifecycle: Option<Lifecycle>,
    pub health: Option<Health>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct State {
    pub r#type: String,
    pub persistence: Persistence,
    pub data_criticality: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Persistence {
    pub scope: String,
    pub durability: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lifecycle {
    pub upgrade_strategy: String,
    pub graceful_shutdown_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Health {
    pub interface: String,
    pub path: String,
    pub initial_delay_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scaling {
    pub replicas: Option<i64>,
    /// Plain integers in the Go model: absent reads as 0. Overwritten by `replicas` when set.
    pub min: i64,
    pub max: i64,
}

/// One typed-decoding failure.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub path: String,
    pub message: String,
    pub span: Span,
}

/// Decodes the document root into a contract, or returns every decoding failure.
pub fn decode(root: Option<&Node>) -> Result<Contract, Vec<DecodeError>> {
    let mut d = Decoder::default();
    let mut contract = Contract::default();
    match root {
        None => d.fail(
            "",
            Span::default(),
            "the file is empty: expected a pacto.yaml mapping starting with `pactoVersion: \"1.0\"`",
        ),
        Some(node) => d.contract(node, &mut contract),
    }
    if d.errors.is_empty() {
        let span = root.map_or(Span::default(), |n| n.span);
        let required = [
            ("pactoVersion", contract.pacto_version.is_empty()),
            ("service.name", contract.service.name.is_empty()),
            ("service.version", contract.service.version.is_empty()),
        ];
        for (path, missing) in required {
            if missing {
                let at = root.map_or(span, |n| n.locate(path).span);
                d.fail(path, at, &format!("{path} is required"));
            }
        }
    }
    if !d.errors.is_empty() {
        return Err(d.errors);
    }
    if let Some(s) = contract.scaling.as_mut() {
        if let Some(r) = s.replicas {
            s.min = r;
            s.max = r;
        }
    }
    Ok(contract)
}

#[derive(Default)]
struct Decoder {
    errors: Vec<DecodeError>,
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Map(_) => "a mapping".into(),
        NodeKind::Seq(_) => "a list".into(),
        NodeKind::Scalar(s) => {
            let shown: String = s.value.chars().take(40).collect();
            let shown = if shown.len() < s.value.len() {
                format!("{shown}…")
            } else {
                shown
            };
            match s.resolve() {
                Resolved::Null => "null".into(),
                Resolved::Bool(_) => format!("the boolean {shown}"),
                Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => {
                    format!("the number {shown}")
                }
                Resolved::Timestamp(_) => format!("the timestamp {shown}"),
                Resolved::Str if s.indicated_string => format!("the quoted string \"{shown}\""),
                Resolved::Str => format!("the string \"{shown}\""),
            }
        }
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(s) if s.is_null())
}

/// A field path, rendered (as `join_key` and `a[i]` would build it) only when a failure needs
/// it: building one per field was an allocation per field of every contract.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Path::Root => true,
            Path::Key(parent, key) => parent.is_empty() && key.is_empty(),
            Path::Index(..) => false,
        }
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                parent.fmt(f)?;
                if !parent.is_empty() {
                    f.write_str(".")?;
                }
                f.write_str(key)
            }
            Path::Index(parent, i) => {
                parent.fmt(f)?;
                write!(f, "[{i}]")
            }
        }
    }
}

impl Decoder {
    fn fail(&mut self, path: &(impl std::fmt::Display + ?Sized), span: Span, message: &str) {
        self.errors.push(DecodeError {
            path: path.to_string(),
            message: message.to_string(),
            span,
        });
    }

    /// Walks a mapping for a closed object: calls `field` for known keys, reports unknown ones.
    /// Returns false (after reporting) when the node is not a mapping; `null` is an empty object.
    fn object<'n>(
        &mut self,
        node: &'n Node,
        path: &Path<'_>,
        what: &str,
        known: &[&str],
        mut field: impl FnMut(&mut Self, &str, &'n Node, &Path<'_>),
    ) -> bool {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let NodeKind::Scalar(key) = &k.kind else {
                        self.fail(
                            path,
                            k.span,
                            &format!("{what} has a complex (non-scalar) key; keys must be plain field names"),
                        );
                        continue;
                    };
                    let child = Path::Key(path, &key.value);
                    if known.contains(&key.value.as_str()) {
                        field(self, &key.value, v, &child);
                    } else {
                        let hint = suggest(&key.value, known)
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        self.fail(
                            &child,
                            k.span,
                            &format!(
                                "unknown field `{}` in {what} (allowed: {}){hint}",
                                key.value,
                                known.join(", ")
                            ),
                        );
                    }
                }
                true
            }
            _ if is_null(node) => false,
            _ => {
                self.fail(
                    path,
                    node.span,
                    &format!("{what} must be a mapping, got {}", describe(node)),
                );
                false
            }
        }
    }

    fn string(&mut self, node: &Node, path: &Path<'_>) -> String {
        match &node.kind {
            NodeKind::Scalar(s) if s.is_null() => String::new(),
            NodeKind::Scalar(s) => s.value.clone(),
            _ => {
                self.fail(
                    path,
                    node.span,
                    &format!("`{path}` must be a string, got {}", describe(node)),
                );
                String::new()
            }
        }
    }

    fn int(&mut self, node: &Node, path: &Path<'_>) -> Option<i64> {
        let bad = |d: &mut Self, why: &str| {
            d.fail(
                path,
                node.span,
                &format!("`{path}` must be an integer, got {}{why}", describe(node)),
            );
            None
        };
        let NodeKind::Scalar(s) = &node.kind else {
            return bad(self, "");
        };
        match s.resolve() {
            Resolved::Null => None,
            Resolved::Int(i) => Some(i),
            Resolved::Uint(_) => bad(self, " (too large for a 64-bit integer)"),
            // Go converts a float with `int64(f)` after checking `f <= MaxInt64`.
            Resolved::Float(f) if f.is_nan() || f > i64::MAX as f64 => {
                bad(self, " (not a finite 64-bit integer)")
            }
            Resolved::Float(f) => Some(f as i64),
            Resolved::Str if s.indicated_string => bad(self, "; remove the quotes"),
            _ => bad(self, ""),
        }
    }

    fn boolean(&mut self, node: &Node, path: &Path<'_>) -> bool {
        let bad = |d: &mut Self| {
            d.fail(
                path,
                node.span,
                &format!(
                    "`{path}` must be a boolean (true or false), got {}",
                    describe(node)
                ),
            );
            false
        };
        let NodeKind::Scalar(s) = &node.kind else {
            return bad(self);
        };
        match s.resolve() {
            Resolved::Null => false,
            Resolved::Bool(b) => b,
            Resolved::Str => match yaml11_bool(s) {
                Some(b) => b,
                None => bad(self),
            },
            _ => bad(self),
        }
    }

    fn list<'n>(
        &mut self,
        node: &'n Node,
        path: &Path<'_>,
        mut item: impl FnMut(&mut Self, &'n Node, &Path<'_>),
    ) {
        match &node.kind {
            NodeKind::Seq(items) => {
                for (i, n) in items.iter().enumerate() {
                    item(self, n, &Path::Index(path, i));
                }
            }
            _ if is_null(node) => {}
            _ => self.fail(
                path,
                node.span,
                &format!("`{path}` must be a list, got {}", describe(node)),
            ),
        }
    }

    fn contract(&mut self, node: &Node, c: &mut Contract) {
        if !matches!(node.kind, NodeKind::Map(_)) && !is_null(node) {
            self.fail(
                "",
                node.span,
                &format!(
                    "a pacto.yaml must be a mapping of fields (pactoVersion, service, …), got {}",
                    describe(node)
                ),
            );
            return;
        }
        let known = [
            "pactoVersion",
            "service",
            "interfaces",
            "configuration",
            "dependencies",
            "runtime",
            "scaling",
            "metadata",
        ];
        self.object(
            node,
            &Path::Root,
            "the contract",
            &known,
            |d, key, v, p| match key {
                "pactoVersion" => c.pacto_version = d.string(v, p),
                "service" => d.service(v, p, &mut c.service),
                "interfaces" => d.list(v, p, |d, n, p| {
                    let mut i = Interface::default();
                    d.interface(n, p, &mut i);
                    c.interfaces.push(i);
                }),
                "configuration" => {
                    let mut conf = Configuration::default();
                    if d.object(v, p, "configuration", &["schema"], |d, _, v, p| {
                        conf.schema = d.string(v, p)
                    }) {
                        c.configuration = Some(conf);
                    }
                }
                "dependencies" => d.list(v, p, |d, n, p| {
                    let mut dep = Dependency::default();
                    d.object(
                        n,
                        p,
                        "a dependency",
                        &["ref", "required", "compatibility"],
                        |d, key, v, p| match key {
                            "ref" => dep.r#ref = d.string(v, p),
                            "required" => dep.required = d.boolean(v, p),
                            _ => dep.compatibility = d.string(v, p),
                        },
                    );
                    c.dependencies.push(dep);
                }),
                "runtime" => {
                    let mut r = Runtime::default();
                    if d.runtime(v, p, &mut r) {
                        c.runtime = Some(r);
                    }
                }
                "scaling" => {
                    let mut s = Scaling::default();
                    if d.object(
                        v,
                        p,
                        "scaling",
                        &["replicas", "min", "max"],
                        |d, key, v, p| match key {
                            "replicas" => s.replicas = d.int(v, p),
                            "min" => s.min = d.int(v, p).unwrap_or(0),
                            _ => s.max = d.int(v, p).unwrap_or(0),
                        },
                    ) {
                        c.scaling = Some(s);
                    }
                }
                _ => c.metadata = d.metadata(v, p),
            },
        );
    }

    fn service(&mut self, node: &Node, path: &Path<'_>, s: &mut Service) {
        let known = ["name", "version", "owner", "image"];
        self.object(node, path, "service", &known, |d, key, v, p| match key {
            "name" => s.name = d.string(v, p),
            "version" => s.version = d.string(v, p),
            "owner" => s.owner = d.string(v, p),
            _ => {
                let mut image = Image::default();
                if d.object(
                    v,
                    p,
                    "service.image",
                    &["ref", "private"],
                    |d, key, v, p| match key {
                        "ref" => image.r#ref = d.string(v, p),
                        _ => image.private = d.boolean(v, p),
                    },
                ) {
                    s.image = Some(image);
                }
            }
        });
    }

    fn interface(&mut self, node: &Node, path: &Path<'_>, i: &mut Interface) {
        let known = ["name", "type", "port", "visibility", "contract"];
        self.object(
            node,
            path,
            "an interface",
            &known,
            |d, key, v, p| match key {
                "name" => i.name = d.string(v, p),
                "type" => i.r#type = d.string(v, p),
                "port" => i.port = d.int(v, p),
                "visibility" => i.visibility = d.string(v, p),
                _ => i.contract = d.string(v, p),
            },
        );
    }

    fn runtime(&mut self, node: &Node, path: &Path<'_>, r: &mut Runtime) -> bool {
        let known = ["workload", "state", "lifecycle", "health"];
        self.object(node, path, "runtime", &known, |d, key, v, p| match key {
            "workload" => r.workload = d.string(v, p),
            "state" => {
                let known = ["type", "persistence", "dataCriticality"];
                let st = &mut r.state;
                d.object(v, p, "runtime.state", &known, |d, key, v, p| match key {
                    "type" => st.r#type = d.string(v, p),
                    "dataCriticality" => st.data_criticality = d.string(v, p),
                    _ => {
                        let pe = &mut st.persistence;
                        d.object(
                            v,
                            p,
                            "runtime.state.persistence",
                            &["scope", "durability"],
                            |d, key, v, p| match key {
                                "scope" => pe.scope = d.string(v, p),
                                _ => pe.durability = d.string(v, p),
                            },
                        );
                    }
                });
            }
            "lifecycle" => {
                let mut l = Lifecycle::default();
                let known = ["upgradeStrategy", "gracefulShutdownSeconds"];
                if d.object(
                    v,
                    p,
                    "runtime.lifecycle",
                    &known,
                    |d, key, v, p| match key {
                        "upgradeStrategy" => l.upgrade_strategy = d.string(v, p),
                        _ => l.graceful_shutdown_seconds = d.int(v, p),
                    },
                ) {
                    r.lifecycle = Some(l);
                }
            }
            _ => {
                let mut h = Health::default();
                let known = ["interface", "path", "initialDelaySeconds"];
                if d.object(v, p, "runtime.health", &known, |d, key, v, p| match key {
                    "interface" => h.interface = d.string(v, p),
                    "path" => h.path = d.string(v, p),
                    _ => h.initial_delay_seconds = d.int(v, p),
                }) {
                    r.health = Some(h);
                }
            }
        })
    }

    fn metadata(
        &mut self,
        node: &Node,
        path: &Path<'_>,
    ) -> Option<BTreeMap<String, serde_json::Value>> {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    match &k.kind {
                        NodeKind::Scalar(_) => {
                            out.insert(k.key_text(), v.to_json_lossy());
                        }
                        _ => self.fail(
                            path,
                            k.span,
                            "metadata keys must be scalars, got a mapping or list as a key",
                        ),
                    }
                }
                Some(out)
            }
            _ if is_null(node) => None,
            _ => {
                self.fail(
                    path,
                    node.span,
                    &format!(
                        "`metadata` must be a mapping of keys to values, got {}",
                        describe(node)
                    ),
                );
                None
            }
        }
    }
}

/// yaml.v3 accepts YAML 1.1 boolean words, quoted or not, but only into a boolean field.
fn yaml11_bool(s: &Scalar) -> Option<bool> {
    match s.value.as_str() {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// The closest known field name, for "did you mean" hints on typos.
fn suggest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
