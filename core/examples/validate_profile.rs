//! Native profile of `validate` on the benchmark's contracts: `node` dumps them (see
//! bench/lib/contracts.mjs) as JSON [{text, files}], then
//! `cargo run --release --example validate_profile -p pacto-core -- FILE [ROUNDS]`.

use std::time::Instant;

use pacto_core::Bundle;
use serde_json::Value;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: validate_profile CONTRACTS.json [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let list: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
    let bundles: Vec<Bundle> = list
        .iter()
        .map(|c| {
            let mut b = Bundle::new();
            b.insert(
                "pacto.yaml",
                c["text"].as_str().unwrap_or_default().as_bytes().to_vec(),
            );
            if let Some(files) = c["files"].as_object() {
                for (k, v) in files {
                    b.insert(
                        k.clone(),
                        v.as_str().unwrap_or_default().as_bytes().to_vec(),
                    );
                }
            }
            b
        })
        .collect();
    for _ in 0..rounds {
        let t = Instant::now();
        let mut invalid = 0;
        for b in &bundles {
            if !pacto_core::validate(b).valid {
                invalid += 1;
            }
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / bundles.len() as f64;
        println!(
            "{us:.2} us/contract ({invalid} invalid of {})",
            bundles.len()
        );
    }
}
