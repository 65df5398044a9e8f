//! Contract-level rules (diff.md §4): service, scaling, runtime, dependencies, interfaces and
//! configuration, in that group order. Keyed collections follow the new document's order with
//! removed entries where they stood in the old one.

use std::collections::HashMap;

use serde_json::Value;

use super::change::{merged_order, Merged};
use super::{
    json_schema, load_file, openapi, Change, ChangeType, DiffWarning, FileKind, SourceFile,
};
use crate::bundle::Bundle;
use crate::contract::{Contract, Health, Interface, Lifecycle, Runtime, Scaling};

pub struct Sides<'a> {
    pub old: &'a Contract,
    pub new: &'a Contract,
    pub old_bundle: &'a Bundle,
    pub new_bundle: &'a Bundle,
    /// The new pacto.yaml, for locations.
    pub new_file: &'a SourceFile<'a>,
}

impl Sides<'_> {
    fn at(&self, change: Change, path: &str) -> Change {
        let node = self.new_file.root.locate(path);
        change.at(Some(self.new_file.location_of(node)))
    }
}

fn s(v: &str) -> Option<Value> {
    Some(Value::String(v.to_string()))
}

fn num(v: i64) -> Option<Value> {
    Some(Value::from(v))
}

pub fn diff(sides: &Sides<'_>, warnings: &mut Vec<DiffWarning>) -> Vec<Change> {
    let mut out = Vec::new();
    service(sides, &mut out);
    scaling(sides, &mut out);
    runtime(sides, &mut out);
    dependencies(sides, &mut out);
    interfaces(sides, warnings, &mut out);
    configuration(sides, warnings, &mut out);
    out
}

fn service(x: &Sides<'_>, out: &mut Vec<Change>) {
    let (o, n) = (&x.old.service, &x.new.service);
    if o.name != n.name {
        let c = Change::field("service.name", ChangeType::Modified, s(&o.name), s(&n.name));
        out.push(x.at(c, "service.name"));
    }
    if o.version != n.version {
        let c = Change::field(
            "service.version",
            ChangeType::Modified,
            s(&o.version),
            s(&n.version),
        );
        out.push(x.at(c, "service.version"));
    }
    if let Some(t) = presence_change(o.owner.is_empty(), n.owner.is_empty(), o.owner != n.owner) {
        let c = Change::field("service.owner", t, s(&o.owner), s(&n.owner));
        out.push(x.at(c, "service.owner"));
    }
    let old_ref = o.image.as_ref().map_or("", |i| i.r#ref.as_str());
    let new_ref = n.image.as_ref().map_or("", |i| i.r#ref.as_str());
    if old_ref != new_ref {
        let t = match (&o.image, &n.image) {
            (None, _) => ChangeType::Added,
            (_, None) => ChangeType::Removed,
            _ => ChangeType::Modified,
        };
        let c = Change::field("service.image", t, s(old_ref), s(new_ref));
        out.push(x.at(c, "service.image.ref"));
    }
}

/// added when the old side is empty, removed when the new side is, else modified.
fn presence_change(old_empty: bool, new_empty: bool, differ: bool) -> Option<ChangeType> {
    if !differ {
        return None;
    }
    Some(if old_empty {
        ChangeType::Added
    } else if new_empty {
        ChangeType::Removed
    } else {
        ChangeType::Modified
    })
}

fn scaling_text(sc: &Scaling) -> String {
    match sc.replicas {
        Some(r) => format!("replicas={r}"),
        None => format!("min={} max={}", sc.min, sc.max),
    }
}

fn scaling(x: &Sides<'_>, out: &mut Vec<Change>) {
    match (&x.old.scaling, &x.new.scaling) {
        (None, None) => {}
        (None, Some(n)) => {
            let c = Change::field("scaling", ChangeType::Added, None, s(&scaling_text(n)));
            out.push(x.at(c, "scaling"));
        }
        (Some(o), None) => {
            let c = Change::field("scaling", ChangeType::Removed, s(&scaling_text(o)), None);
            out.push(x.at(c, ""));
        }
        (Some(o), Some(n)) => match (o.replicas, n.replicas) {
            (Some(a), Some(b)) => {
                if a != b {
                    let c = Change::field("scaling.replicas", ChangeType::Modified, num(a), num(b));
                    out.push(x.at(c, "scaling.replicas"));
                }
            }
            (None, None) => {
                if o.min != n.min {
                    let c =
                        Change::field("scaling.min", ChangeType::Modified, num(o.min), num(n.min));
                    out.push(x.at(c, "scaling.min"));
                }
                if o.max != n.max {
                    let c =
                        Change::field("scaling.max", ChangeType::Modified, num(o.max), num(n.max));
                    out.push(x.at(c, "scaling.max"));
                }
            }
            _ => {
                let c = Change::field(
                    "scaling",
                    ChangeType::Modified,
                    s(&scaling_text(o)),
                    s(&scaling_text(n)),
                );
                out.push(x.at(c, "scaling"));
            }
        },
    }
}

fn runtime(x: &Sides<'_>, out: &mut Vec<Change>) {
    if x.old.runtime.is_none() && x.new.runtime.is_none() {
        return;
    }
    let empty = Runtime::default();
    let o = x.old.runtime.as_ref().unwrap_or(&empty);
    let nw = x.new.runtime.as_ref().unwrap_or(&empty);
    let strings = [
        ("runtime.workload", &o.workload, &nw.workload),
        ("runtime.state.type", &o.state.r#type, &nw.state.r#type),
        (
            "runtime.state.persistence.scope",
            &o.state.persistence.scope,
            &nw.state.persistence.scope,
        ),
        (
            "runtime.state.persistence.durability",
            &o.state.persistence.durability,
            &nw.state.persistence.durability,
        ),
        (
            "runtime.state.dataCriticality",
            &o.state.data_criticality,
            &nw.state.data_criticality,
        ),
    ];
    for (path, a, b) in strings {
        if a != b {
            let c = Change::field(path, ChangeType::Modified, s(a), s(b));
            out.push(x.at(c, path));
        }
    }
    lifecycle(x, o.lifecycle.as_ref(), nw.lifecycle.as_ref(), out);
    health(x, o.health.as_ref(), nw.health.as_ref(), out);
}

fn lifecycle(x: &Sides<'_>, o: Option<&Lifecycle>, nw: Option<&Lifecycle>, out: &mut Vec<Change>) {
    if o.is_none() && nw.is_none() {
        return;
    }
    let empty = Lifecycle::default();
    let (o, nw) = (o.unwrap_or(&empty), nw.unwrap_or(&empty));
    let path = "runtime.lifecycle.upgradeStrategy";
    let (a, b) = (&o.upgrade_strategy, &nw.upgrade_strategy);
    if let Some(t) = presence_change(a.is_empty(), b.is_empty(), a != b) {
        out.push(x.at(Change::field(path, t, s(a), s(b)), path));
    }
    let path = "runtime.lifecycle.gracefulShutdownSeconds";
    let (a, b) = (o.graceful_shutdown_seconds, nw.graceful_shutdown_seconds);
    if a != b {
        let t = match (a, b) {
            (None, _) => ChangeType::Added,
            (_, None) => ChangeType::Removed,
            _ => ChangeType::Modified,
        };
        let c = Change::field(path, t, num(a.unwrap_or(0)), num(b.unwrap_or(0)));
        out.push(x.at(c, path));
    }
}

fn health(x: &Sides<'_>, o: Option<&Health>, nw: Option<&Health>, out: &mut Vec<Change>) {
    let empty = Health::default();
    let (o, nw) = (o.unwrap_or(&empty), nw.unwrap_or(&empty));
    for (path, a, b) in [
        ("runtime.health.interface", &o.interface, &nw.interface),
        ("runtime.health.path", &o.path, &nw.path),
    ] {
        if a != b {
            out.push(x.at(Change::field(path, ChangeType::Modified, s(a), s(b)), path));
        }
    }
    let path = "runtime.health.initialDelaySeconds";
    if o.initial_delay_seconds != nw.initial_delay_seconds {
        let c = Change::field(
            path,
            ChangeType::Modified,
            num(o.initial_delay_seconds.unwrap_or(0)),
            num(nw.initial_delay_seconds.unwrap_or(0)),
        );
        out.push(x.at(c, path));
    }
}

fn dependencies(x: &Sides<'_>, out: &mut Vec<Change>) {
    let (old, new) = (&x.old.dependencies, &x.new.dependencies);
    let (om, oo) = index_refs(old.iter().map(|d| d.r#ref.as_str()));
    let (nm, no) = index_refs(new.iter().map(|d| d.r#ref.as_str()));
    for m in merged_order(&oo, &no) {
        let r = merged_key(m, &oo, &no);
        let path_new = nm.get(r).map(|i| format!("dependencies[{i}]"));
        match (om.get(r), nm.get(r)) {
            (Some(_), None) => {
                let c = Change::field("dependencies", ChangeType::Removed, s(r), None);
                out.push(x.at(c, "dependencies"));
            }
            (None, Some(_)) => {
                let c = Change::field("dependencies", ChangeType::Added, None, s(r));
                out.push(x.at(c, path_new.as_deref().unwrap_or("dependencies")));
            }
            (Some(&i), Some(&j)) => {
                let (a, b) = (&old[i], &new[j]);
                let base = path_new.unwrap_or_default();
                if a.compatibility != b.compatibility {
                    let c = Change::field(
                        "dependencies.compatibility",
                        ChangeType::Modified,
                        s(&format!("{r}: {}", a.compatibility)),
                        s(&format!("{r}: {}", b.compatibility)),
                    );
                    out.push(x.at(c, &format!("{base}.compatibility")));
                }
                if a.required != b.required {
                    let c = Change::field(
                        "dependencies.required",
                        ChangeType::Modified,
                        s(&format!("{r}: required={}", a.required)),
                        s(&format!("{r}: required={}", b.required)),
                    );
                    out.push(x.at(c, &format!("{base}.required")));
                }
            }
            (None, None) => {}
        }
    }
}

/// The key an entry of [`merged_order`] stands for.
fn merged_key<'k>(m: Merged, old: &[&'k str], new: &[&'k str]) -> &'k str {
    let key = match m {
        Merged::Old(i) => old.get(i),
        Merged::New(j) | Merged::Both(_, j) => new.get(j),
    };
    key.copied().unwrap_or_default()
}

/// Last index per key ("later duplicate wins") and the distinct keys in first-seen order.
fn index_refs<'a>(keys: impl Iterator<Item = &'a str>) -> (HashMap<&'a str, usize>, Vec<&'a str>) {
    let mut map = HashMap::new();
    let mut order = Vec::new();
    for (i, k) in keys.enumerate() {
        if map.insert(k, i).is_none() {
            order.push(k);
        }
    }
    (map, order)
}

fn visibility(i: &Interface) -> &str {
    if i.visibility.is_empty() {
        "internal"
    } else {
        &i.visibility
    }
}

fn interfaces(x: &Sides<'_>, warnings: &mut Vec<DiffWarning>, out: &mut Vec<Change>) {
    let (old, new) = (&x.old.interfaces, &x.new.interfaces);
    let (om, oo) = index_refs(old.iter().map(|i| i.name.as_str()));
    let (nm, no) = index_refs(new.iter().map(|i| i.name.as_str()));
    for m in merged_order(&oo, &no) {
        let name = merged_key(m, &oo, &no);
        match (om.get(name), nm.get(name)) {
            (Some(_), None) => {
                let c = Change::field("interfaces", ChangeType::Removed, s(name), None);
                out.push(x.at(c, "interfaces"));
            }
            (None, Some(&j)) => {
                let c = Change::field("interfaces", ChangeType::Added, None, s(name));
                out.push(x.at(c, &format!("interfaces[{j}]")));
            }
            (Some(&i), Some(&j)) => interface(x, &old[i], &new[j], j, warnings, out),
            (None, None) => {}
        }
    }
}

fn interface(
    x: &Sides<'_>,
    a: &Interface,
    b: &Interface,
    j: usize,
    warnings: &mut Vec<DiffWarning>,
    out: &mut Vec<Change>,
) {
    let name = &b.name;
    let base = format!("interfaces[{j}]");
    if a.r#type != b.r#type {
        let c = Change::field(
            "interfaces.type",
            ChangeType::Modified,
            s(&format!("{name}: {}", a.r#type)),
            s(&format!("{name}: {}", b.r#type)),
        );
        out.push(x.at(c, &format!("{base}.type")));
    }
    if a.port != b.port {
        let t = match (a.port, b.port) {
            (None, _) => ChangeType::Added,
            (_, None) => ChangeType::Removed,
            _ => ChangeType::Modified,
        };
        let c = Change::field(
            "interfaces.port",
            t,
            num(a.port.unwrap_or(0)),
            num(b.port.unwrap_or(0)),
        );
        out.push(x.at(c, &format!("{base}.port")));
    }
    if visibility(a) != visibility(b) {
        let c = Change::field(
            "interfaces.visibility",
            ChangeType::Modified,
            s(&format!("{name}: {}", visibility(a))),
            s(&format!("{name}: {}", visibility(b))),
        );
        out.push(x.at(c, &format!("{base}.visibility")));
    }
    if a.contract != b.contract {
        let (ov, nv) = if a.contract.is_empty() || b.contract.is_empty() {
            (s(&a.contract), s(&b.contract))
        } else {
            (
                s(&format!("{name}: {}", a.contract)),
                s(&format!("{name}: {}", b.contract)),
            )
        };
        let c = Change::field("interfaces.contract", ChangeType::Modified, ov, nv);
        out.push(x.at(c, &format!("{base}.contract")));
    }
    if !a.contract.is_empty() && !b.contract.is_empty() {
        // Like the Go tool, every interface's contract is tried as OpenAPI; only an http
        // interface is expected to have one, so only there is an unreadable file worth a warning
        // (a gRPC .proto or an AsyncAPI file is not OpenAPI and simply yields nothing).
        let mut ignored = Vec::new();
        let warnings = if b.r#type == "http" {
            warnings
        } else {
            &mut ignored
        };
        let old_file = load_file(
            x.old_bundle,
            "old",
            &a.contract,
            FileKind::OpenApi,
            warnings,
        );
        let new_file = load_file(
            x.new_bundle,
            "new",
            &b.contract,
            FileKind::OpenApi,
            warnings,
        );
        if let (Some(of), Some(nf)) = (old_file, new_file) {
            out.extend(openapi::diff(&of, &nf));
        }
    }
}

fn configuration(x: &Sides<'_>, warnings: &mut Vec<DiffWarning>, out: &mut Vec<Change>) {
    match (&x.old.configuration, &x.new.configuration) {
        (None, None) => {}
        (None, Some(n)) => {
            let c = Change::field("configuration", ChangeType::Added, None, s(&n.schema));
            out.push(x.at(c, "configuration"));
        }
        (Some(o), None) => {
            let c = Change::field("configuration", ChangeType::Removed, s(&o.schema), None);
            out.push(x.at(c, ""));
        }
        (Some(o), Some(n)) => {
            if o.schema != n.schema {
                let c = Change::field(
                    "configuration.schema",
                    ChangeType::Modified,
                    s(&o.schema),
                    s(&n.schema),
                );
                out.push(x.at(c, "configuration.schema"));
            }
            if !o.schema.is_empty() && !n.schema.is_empty() {
                let old_file = load_file(
                    x.old_bundle,
                    "old",
                    &o.schema,
                    FileKind::JsonSchema,
                    warnings,
                );
                let new_file = load_file(
                    x.new_bundle,
                    "new",
                    &n.schema,
                    FileKind::JsonSchema,
                    warnings,
                );
                if let (Some(of), Some(nf)) = (old_file, new_file) {
                    out.extend(json_schema::diff(&of, &nf, warnings));
                }
            }
        }
    }
}
