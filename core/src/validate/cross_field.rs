//! Layer 2: rules that relate fields to each other, in the Go tool's order (validation.md §4.4).

use crate::bundle::Bundle;
use crate::contract::Contract;
use crate::diagnostic::{Code, Diagnostic};
use crate::reference::{parse_oci_loose, split_scheme, DependencyRef};
use crate::version::{Constraints, Version};

pub fn check(c: &Contract, bundle: &Bundle) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    semver(c, &mut out);
    duplicate_interfaces(c, &mut out);
    interface_ports_and_contracts(c, &mut out);
    health(c, &mut out);
    files(c, bundle, &mut out);
    dependencies(c, &mut out);
    image(c, &mut out);
    scaling(c, &mut out);
    state(c, &mut out);
    out
}

fn semver(c: &Contract, out: &mut Vec<Diagnostic>) {
    if let Err(e) = Version::parse(&c.service.version) {
        out.push(Diagnostic::error(
            Code::InvalidSemver,
            "service.version",
            format!(
                "service.version {:?} is not a valid semantic version ({e}); use MAJOR.MINOR.PATCH such as 1.0.0",
                c.service.version
            ),
        ));
    }
}

fn duplicate_interfaces(c: &Contract, out: &mut Vec<Diagnostic>) {
    for (i, iface) in c.interfaces.iter().enumerate() {
        // The Go tool keeps the latest index per name, so a repeat cites the most recent one.
        if let Some(prev) = c.interfaces[..i].iter().rposition(|o| o.name == iface.name) {
            out.push(Diagnostic::error(
                Code::DuplicateInterfaceName,
                format!("interfaces[{i}].name"),
                format!(
                    "interface name {:?} is already declared at interfaces[{prev}]; interface names must be unique",
                    iface.name
                ),
            ));
        }
    }
}

fn interface_ports_and_contracts(c: &Contract, out: &mut Vec<Diagnostic>) {
    for (i, iface) in c.interfaces.iter().enumerate() {
        let t = iface.r#type.as_str();
        if matches!(t, "http" | "grpc") && iface.port.is_none() {
            out.push(Diagnostic::error(
                Code::PortRequired,
                format!("interfaces[{i}].port"),
                format!("{t} interface {:?} needs a port", iface.name),
            ));
        }
        if t == "event" && iface.port.is_some() {
            out.push(Diagnostic::warning(
                Code::PortIgnored,
                format!("interfaces[{i}].port"),
                format!(
                    "event interface {:?} has a port, which event interfaces do not use; remove it",
                    iface.name
                ),
            ));
        }
        if matches!(t, "grpc" | "event") && iface.contract.is_empty() {
            out.push(Diagnostic::error(
                Code::ContractRequired,
                format!("interfaces[{i}].contract"),
                format!("{t} interface {:?} needs a contract file", iface.name),
            ));
        }
    }
}

fn health(c: &Contract, out: &mut Vec<Diagnostic>) {
    let Some(health) = c.runtime.as_ref().and_then(|r| r.health.as_ref()) else {
        return;
    };
    let Some(target) = c.interfaces.iter().find(|i| i.name == health.interface) else {
        let declared: Vec<&str> = c.interfaces.iter().map(|i| i.name.as_str()).collect();
        out.push(Diagnostic::error(
            Code::HealthInterfaceNotFound,
            "runtime.health.interface",
            format!(
                "health interface {:?} is not declared in interfaces (declared: {})",
                health.interface,
                if declared.is_empty() {
                    "none".to_string()
                } else {
                    declared.join(", ")
                }
            ),
        ));
        return;
    };
    match target.r#type.as_str() {
        "event" => out.push(Diagnostic::error(
            Code::HealthInterfaceInvalid,
            "runtime.health.interface",
            format!(
                "health interface {:?} is an event interface; health checks need an http or grpc interface",
                health.interface
            ),
        )),
        "http" if health.path.is_empty() => out.push(Diagnostic::error(
            Code::HealthPathRequired,
            "runtime.health.path",
            format!(
                "health interface {:?} is http, so runtime.health.path is required (for example /health)",
                health.interface
            ),
        )),
        "grpc" if !health.path.is_empty() => out.push(Diagnostic::warning(
            Code::HealthPathIgnored,
            "runtime.health.path",
            format!(
                "health interface {:?} is gRPC, which uses the standard gRPC health protocol; the path has no effect",
                health.interface
            ),
        )),
        _ => {}
    }
}

fn files(c: &Contract, bundle: &Bundle, out: &mut Vec<Diagnostic>) {
    for (i, iface) in c.interfaces.iter().enumerate() {
        if !iface.contract.is_empty() && !bundle.exists(&iface.contract) {
            out.push(file_not_found(
                format!("interfaces[{i}].contract"),
                "interface contract file",
                &iface.contract,
            ));
        }
    }
    if let Some(conf) = &c.configuration {
        if !conf.schema.is_empty() && !bundle.exists(&conf.schema) {
            out.push(file_not_found(
                "configuration.schema".into(),
                "configuration schema file",
                &conf.schema,
            ));
        }
    }
}

fn file_not_found(path: String, what: &str, file: &str) -> Diagnostic {
    let hint = if let Some(clean) = file.strip_prefix("./") {
        format!("; write it without the leading ./ ({clean})")
    } else if file.starts_with('/') || file.split('/').any(|e| e == "..") {
        "; paths must stay inside the bundle (no absolute paths or ..)".to_string()
    } else {
        String::new()
    };
    Diagnostic::error(
        Code::FileNotFound,
        path,
        format!("{what} {file:?} not found in bundle{hint}"),
    )
}

fn dependencies(c: &Contract, out: &mut Vec<Diagnostic>) {
    for (i, dep) in c.dependencies.iter().enumerate() {
        if let DependencyRef::Oci(location) = split_scheme(&dep.r#ref) {
            match parse_oci_loose(location) {
                Err(e) => {
                    out.push(Diagnostic::error(
                        Code::InvalidOciRef,
                        format!("dependencies[{i}].ref"),
                        format!(
                            "dependency ref {:?} is not a valid OCI reference: {e}",
                            dep.r#ref
                        ),
                    ));
                    continue;
                }
                Ok(r) if !r.tag.is_empty() && r.digest.is_empty() => {
                    out.push(Diagnostic::warning(
                        Code::TagNotDigest,
                        format!("dependencies[{i}].ref"),
                        format!(
                            "dependency ref {:?} uses a tag, which can move; pin a digest (@sha256:…) for reproducible resolution",
                            dep.r#ref
                        ),
                    ));
                }
                Ok(_) => {}
            }
        }
        if dep.compatibility.is_empty() {
            out.push(Diagnostic::error(
                Code::EmptyCompatibility,
                format!("dependencies[{i}].compatibility"),
                "dependency compatibility must not be empty; give a semver range such as ^1.0.0",
            ));
        } else if let Err(e) = Constraints::check(&dep.compatibility) {
            out.push(Diagnostic::error(
                Code::InvalidCompatibility,
                format!("dependencies[{i}].compatibility"),
                format!(
                    "compatibility {:?} is not a valid semver range ({e}); use forms like ^1.2.0, ~1.2, >=1.0.0 <2.0.0 or 1.x",
                    dep.compatibility
                ),
            ));
        }
    }
}

fn image(c: &Contract, out: &mut Vec<Diagnostic>) {
    if let Some(image) = &c.service.image {
        if let Err(e) = parse_oci_loose(&image.r#ref) {
            out.push(Diagnostic::error(
                Code::InvalidImageRef,
                "service.image.ref",
                format!(
                    "image ref {:?} is not a valid OCI reference: {e}; use registry/repository[:tag][@digest], e.g. ghcr.io/acme/api:1.0.0",
                    image.r#ref
                ),
            ));
        }
    }
}

fn scaling(c: &Contract, out: &mut Vec<Diagnostic>) {
    if let Some(s) = &c.scaling {
        if s.min > s.max {
            out.push(Diagnostic::error(
                Code::ScalingMinExceedsMax,
                "scaling",
                format!(
                    "scaling.min ({}) is greater than scaling.max ({})",
                    s.min, s.max
                ),
            ));
        }
    }
    if let Some(r) = &c.runtime {
        if r.workload == "job" && c.scaling.is_some() {
            out.push(Diagnostic::error(
                Code::JobScalingNotAllowed,
                "scaling",
                "a job workload runs to completion and cannot declare scaling; remove the scaling block",
            ));
        }
    }
}

fn state(c: &Contract, out: &mut Vec<Diagnostic>) {
    if let Some(r) = &c.runtime {
        if r.state.r#type == "stateless" && r.state.persistence.durability == "persistent" {
            out.push(Diagnostic::error(
                Code::StatelessPersistentConflict,
                "runtime.state.persistence.durability",
                "a stateless service cannot have persistent durability; use ephemeral or a stateful state",
            ));
        }
    }
}
