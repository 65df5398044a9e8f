//! Profiling harness for the OpenAPI diff (not a test): times `pacto_core::diff::diff` on two
//! bundles whose http interface points at the given OpenAPI documents, and the parse alone.
//!
//! ```sh
//! node bench/lib/openapi-gen.mjs   # or any two OpenAPI files
//! cargo run --release -p pacto-core --example openapi_profile -- OLD NEW [ROUNDS]
//! ```

use std::time::Instant;

use pacto_core::bundle::Bundle;

const PACTO_YAML: &str = "pactoVersion: \"1.0\"
service:
  name: generated-api
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
    visibility: public
    contract: interfaces/openapi.yaml
";

fn bundle(text: &[u8]) -> Bundle {
    let mut b = Bundle::from_contract(PACTO_YAML);
    b.insert("interfaces/openapi.yaml", text.to_vec());
    b
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(old), Some(new)) = (args.get(1), args.get(2)) else {
        return Err("usage: openapi_profile OLD NEW [ROUNDS]".into());
    };
    let rounds: usize = args.get(3).map_or(Ok(5), |r| r.parse())?;
    let old_text = std::fs::read(old)?;
    let new_text = std::fs::read(new)?;
    let (a, b) = (bundle(&old_text), bundle(&new_text));

    for round in 0..rounds {
        let o = std::str::from_utf8(&old_text)?;
        let t = Instant::now();
        let lines = pacto_core::source::LineIndex::new(o);
        let end = lines.position(o.chars().count());
        let index = t.elapsed();
        let t = Instant::now();
        let result = pacto_core::diff::diff(&a, &b).map_err(|e| e.to_string())?;
        let diff = t.elapsed();
        println!(
            "round {round}: diff {diff:?}: {} changes, {} warnings, {:?} (line index of the old file: {index:?} to line {})",
            result.changes.len(),
            result.warnings.len(),
            result.classification,
            end.line
        );
    }
    Ok(())
}
