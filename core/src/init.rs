//! `init`: the scaffold of a new bundle (validation.md §6). It validates with no errors and no
//! warnings for any valid service name.

/// The files of a new bundle, keyed by bundle-relative path. The name is inserted verbatim,
/// as the Go tool does; an empty name is refused.
pub fn scaffold(name: &str) -> Result<Vec<(String, String)>, String> {
    if name.is_empty() {
        return Err("service name is required".into());
    }
    let contract = format!(
        r#"pactoVersion: "1.0"

service:
  name: {name}
  version: 0.1.0
  owner: team/my-team
  image:
    ref: ghcr.io/my-org/{name}:0.1.0
    private: false

interfaces:
  - name: api
    type: http
    port: 8080
    visibility: internal
    contract: interfaces/openapi.yaml

configuration:
  schema: configuration/schema.json

# dependencies:
#   - ref: oci://ghcr.io/my-org/other-service-pacto:1.0.0
#     required: true
#     compatibility: "^1.0.0"

runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  lifecycle:
    upgradeStrategy: rolling
    gracefulShutdownSeconds: 30
  health:
    interface: api
    path: /health
    initialDelaySeconds: 5

scaling:
  min: 1
  max: 3

metadata:
  team: my-team
  tier: standard
"#
    );
    let openapi = format!(
        r#"openapi: "3.0.0"
info:
  title: {name}
  version: 0.1.0
paths:
  /health:
    get:
      summary: Health check
      responses:
        "200":
          description: OK
"#
    );
    let schema = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {},
  "additionalProperties": false
}
"#;
    Ok(vec![
        ("pacto.yaml".into(), contract),
        ("interfaces/openapi.yaml".into(), openapi),
        ("configuration/schema.json".into(), schema.into()),
    ])
}
