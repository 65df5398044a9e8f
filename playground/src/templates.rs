//! The templates a bundle can start from: the `init` scaffold and the bundles in examples/
//! (the seed guide's patterns), compiled in so the playground needs nothing from a server.

use crate::workspace::Workspace;

pub struct Template {
    pub id: &'static str,
    pub label: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! example {
    ($dir:literal, [$($file:literal),* $(,)?]) => {
        &[$(($file, include_str!(concat!("../../examples/", $dir, "/", $file)))),*]
    };
}

pub const EXAMPLES: &[Template] = &[
    Template {
        id: "stateless-http-api",
        label: "Stateless HTTP API",
        files: example!(
            "stateless-http-api",
            [
                "pacto.yaml",
                "interfaces/openapi.yaml",
                "configuration/schema.json"
            ]
        ),
    },
    Template {
        id: "stateful-service",
        label: "Stateful service",
        files: example!(
            "stateful-service",
            [
                "pacto.yaml",
                "interfaces/events.yaml",
                "interfaces/ledger.proto",
                "configuration/schema.json"
            ]
        ),
    },
    Template {
        id: "scheduled-job",
        label: "Scheduled job",
        files: example!(
            "scheduled-job",
            [
                "pacto.yaml",
                "interfaces/events.yaml",
                "configuration/schema.json"
            ]
        ),
    },
    Template {
        id: "full",
        label: "Full example",
        files: example!(
            "full",
            [
                "pacto.yaml",
                "interfaces/openapi.yaml",
                "interfaces/events.yaml",
                "interfaces/orders.proto",
                "configuration/schema.json",
                "docs/README.md",
                "sbom/order-service.spdx.json"
            ]
        ),
    },
];

pub fn example(id: &str) -> Option<Workspace> {
    EXAMPLES.iter().find(|t| t.id == id).map(|t| {
        Workspace::from_text_files(
            t.files
                .iter()
                .map(|(p, text)| (p.to_string(), text.to_string()))
                .collect(),
        )
    })
}

/// The `init` scaffold for a service name (the core refuses an empty one).
pub fn scaffold(name: &str) -> Result<Workspace, String> {
    pacto_core::init(name.trim()).map(Workspace::from_text_files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_valid() {
        for t in EXAMPLES {
            let ws = example(t.id).unwrap();
            let report = pacto_core::validate(&ws.bundle());
            assert!(report.valid, "{}: {:?}", t.id, report.errors);
        }
        let ws = scaffold("my-service").unwrap();
        let report = pacto_core::validate(&ws.bundle());
        assert!(report.valid && report.warnings.is_empty(), "{report:?}");
        assert!(scaffold("  ").is_err());
    }
}
