//! `explain`: a human summary of a parsed (not validated) contract.

use serde::Serialize;

use crate::contract::Contract;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown explain format {other:?}: expected text, markdown or json"
            )),
        }
    }
}

/// The JSON shape of `explain` (validation.md §7), camelCase keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub owner: String,
    pub pacto_version: String,
    pub runtime: RuntimeSummary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<InterfaceSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ScalingSummary>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeSummary {
    pub workload_type: String,
    pub state_type: String,
    pub scope: String,
    pub durability: String,
    pub data_criticality: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterfaceSummary {
    pub name: String,
    pub r#type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub visibility: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependencySummary {
    pub r#ref: String,
    pub required: bool,
    pub compatibility: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    #[serde(skip_serializing_if = "is_zero")]
    pub min: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub max: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

pub fn explanation(c: &Contract) -> Explanation {
    let runtime = c
        .runtime
        .as_ref()
        .map(|r| RuntimeSummary {
            workload_type: r.workload.clone(),
            state_type: r.state.r#type.clone(),
            scope: r.state.persistence.scope.clone(),
            durability: r.state.persistence.durability.clone(),
            data_criticality: r.state.data_criticality.clone(),
        })
        .unwrap_or_default();
    Explanation {
        name: c.service.name.clone(),
        version: c.service.version.clone(),
        owner: c.service.owner.clone(),
        pacto_version: c.pacto_version.clone(),
        runtime,
        interfaces: c
            .interfaces
            .iter()
            .map(|i| InterfaceSummary {
                name: i.name.clone(),
                r#type: i.r#type.clone(),
                port: i.port,
                visibility: i.visibility.clone(),
            })
            .collect(),
        dependencies: c
            .dependencies
            .iter()
            .map(|d| DependencySummary {
                r#ref: d.r#ref.clone(),
                required: d.required,
                compatibility: d.compatibility.clone(),
            })
            .collect(),
        scaling: c.scaling.as_ref().map(|s| ScalingSummary {
            replicas: s.replicas,
            min: s.min,
            max: s.max,
        }),
        metadata: c
            .metadata
            .as_ref()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
    }
}

pub fn render(c: &Contract, format: Format) -> String {
    match format {
        Format::Text => text(c),
        Format::Markdown => markdown(c),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&explanation(c)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

fn interface_line(i: &crate::contract::Interface) -> String {
    let mut s = format!("{} ({}", i.name, i.r#type);
    if let Some(p) = i.port {
        s.push_str(&format!(", port {p}"));
    }
    if !i.visibility.is_empty() {
        s.push_str(&format!(", {}", i.visibility));
    }
    s.push(')');
    s
}

fn dependency_line(d: &crate::contract::Dependency) -> String {
    let need = if d.required { "required" } else { "optional" };
    format!("{} ({}, {need})", d.r#ref, d.compatibility)
}

fn scaling_line(c: &Contract) -> Option<String> {
    c.scaling.as_ref().map(|s| match s.replicas {
        Some(n) => format!("{n} replicas"),
        None => format!("{}-{}", s.min, s.max),
    })
}

fn text(c: &Contract) -> String {
    let mut out = format!("Service: {}@{}\n", c.service.name, c.service.version);
    if !c.service.owner.is_empty() {
        out.push_str(&format!("Owner: {}\n", c.service.owner));
    }
    out.push_str(&format!("Pacto Version: {}\n", c.pacto_version));
    if let Some(r) = c.runtime.as_ref().filter(|r| !r.workload.is_empty()) {
        out.push_str(&format!(
            "\nRuntime:\n  Workload: {}\n  State: {}\n  Persistence: {}/{}\n  Data Criticality: {}\n",
            r.workload,
            r.state.r#type,
            r.state.persistence.scope,
            r.state.persistence.durability,
            r.state.data_criticality
        ));
    }
    if !c.interfaces.is_empty() {
        out.push_str(&format!("\nInterfaces ({}):\n", c.interfaces.len()));
        for i in &c.interfaces {
            out.push_str(&format!("  - {}\n", interface_line(i)));
        }
    }
    if !c.dependencies.is_empty() {
        out.push_str(&format!("\nDependencies ({}):\n", c.dependencies.len()));
        for d in &c.dependencies {
            out.push_str(&format!("  - {}\n", dependency_line(d)));
        }
    }
    if let Some(s) = scaling_line(c) {
        out.push_str(&format!("\nScaling: {s}\n"));
    }
    out
}

/// Markdown cells: pipes would split the cell, newlines would end the row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(c: &Contract) -> String {
    let mut out = format!(
        "# {} `{}`\n\n",
        cell(&c.service.name),
        cell(&c.service.version)
    );
    if !c.service.owner.is_empty() {
        out.push_str(&format!("- **Owner:** {}\n", cell(&c.service.owner)));
    }
    out.push_str(&format!(
        "- **Pacto version:** {}\n",
        cell(&c.pacto_version)
    ));
    if let Some(s) = scaling_line(c) {
        out.push_str(&format!("- **Scaling:** {s}\n"));
    }
    if let Some(r) = c.runtime.as_ref().filter(|r| !r.workload.is_empty()) {
        out.push_str("\n## Runtime\n\n| Workload | State | Persistence | Data criticality |\n|---|---|---|---|\n");
        out.push_str(&format!(
            "| {} | {} | {}/{} | {} |\n",
            cell(&r.workload),
            cell(&r.state.r#type),
            cell(&r.state.persistence.scope),
            cell(&r.state.persistence.durability),
            cell(&r.state.data_criticality)
        ));
    }
    if !c.interfaces.is_empty() {
        out.push_str(&format!(
            "\n## Interfaces ({})\n\n| Name | Type | Port | Visibility |\n|---|---|---|---|\n",
            c.interfaces.len()
        ));
        for i in &c.interfaces {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&i.name),
                cell(&i.r#type),
                i.port.map_or("—".to_string(), |p| p.to_string()),
                if i.visibility.is_empty() {
                    "—".to_string()
                } else {
                    cell(&i.visibility)
                }
            ));
        }
    }
    if !c.dependencies.is_empty() {
        out.push_str(&format!(
            "\n## Dependencies ({})\n\n| Reference | Compatibility | Required |\n|---|---|---|\n",
            c.dependencies.len()
        ));
        for d in &c.dependencies {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                cell(&d.r#ref),
                cell(&d.compatibility),
                if d.required { "yes" } else { "no" }
            ));
        }
    }
    out
}
