//! The artifact a push uploads (spec oci-graph-cli §1.1–§1.3, §4.2): bytes on the wire.

use std::path::Path;

use pacto_core::archive::{self, sha256_digest};
use pacto_core::oci::artifact::{
    build, check_publishable, config_json, go_json_string, manifest_json, pack, Descriptor,
    CONFIG_MEDIA_TYPE, LAYER_MEDIA_TYPE,
};
use pacto_core::oci::OciError;
use pacto_core::Bundle;

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: 1.2.3\n";

fn example(name: &str) -> Bundle {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let mut bundle = Bundle::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .replace('\\', "/");
                bundle.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    bundle
}

#[test]
fn manifest_matches_the_go_template() {
    let config = Descriptor {
        media_type: CONFIG_MEDIA_TYPE.to_string(),
        size: 321,
        digest: format!("sha256:{}", "c".repeat(64)),
    };
    let layer = Descriptor {
        media_type: LAYER_MEDIA_TYPE.to_string(),
        size: 4567,
        digest: format!("sha256:{}", "a".repeat(64)),
    };
    let expected = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":321,\"digest\":\"sha256:{}\"}},\"layers\":[{{\"mediaType\":\"application/vnd.pacto.bundle.layer.v1.tar+gzip\",\"size\":4567,\"digest\":\"sha256:{}\"}}]}}",
        "c".repeat(64),
        "a".repeat(64)
    );
    assert_eq!(manifest_json(&config, &layer), expected);
}

#[test]
fn config_matches_the_go_template() {
    let diff_id = format!("sha256:{}", "d".repeat(64));
    let expected = format!(
        "{{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{{\"created\":\"0001-01-01T00:00:00Z\"}}],\"os\":\"\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{diff_id}\"]}},\"config\":{{\"Labels\":{{\"io.pacto.name\":\"orders\",\"io.pacto.pactoVersion\":\"1.0\",\"io.pacto.version\":\"1.2.3\"}}}}}}"
    );
    assert_eq!(config_json(&diff_id, "orders", "1.0", "1.2.3"), expected);
}

#[test]
fn go_json_escaping() {
    assert_eq!(go_json_string("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"");
    assert_eq!(go_json_string("q\"\\"), "\"q\\\"\\\\\"");
    assert_eq!(
        go_json_string("\u{8}\u{c}\n\r\t\u{1}\u{1f}"),
        "\"\\b\\f\\n\\r\\t\\u0001\\u001f\""
    );
    assert_eq!(go_json_string("\u{2028}\u{2029}é"), "\"\\u2028\\u2029é\"");
    assert_eq!(go_json_string("\u{7f}"), "\"\u{7f}\"");
}

#[test]
fn artifact_of_a_bundle() {
    let bundle = example("stateless-http-api");
    let a = build(&bundle).unwrap();
    assert_eq!(a.name, "product-catalog");
    assert_eq!(a.version, "2.4.1");
    // The layer is the deterministic `pack` archive.
    assert_eq!(a.layer, archive::pack(&bundle).unwrap());
    assert_eq!(a.layer_descriptor.digest, sha256_digest(&a.layer));
    assert_eq!(a.layer_descriptor.size, a.layer.len() as u64);
    assert_eq!(a.layer_descriptor.media_type, LAYER_MEDIA_TYPE);
    let diff_id = sha256_digest(&archive::pack_tar(&bundle).unwrap());
    assert_eq!(
        String::from_utf8(a.config.clone()).unwrap(),
        config_json(&diff_id, "product-catalog", "1.0", "2.4.1")
    );
    assert_eq!(a.config_descriptor.digest, sha256_digest(&a.config));
    assert_eq!(a.config_descriptor.media_type, CONFIG_MEDIA_TYPE);
    assert_eq!(
        String::from_utf8(a.manifest.clone()).unwrap(),
        manifest_json(&a.config_descriptor, &a.layer_descriptor)
    );
    assert_eq!(a.manifest_digest, sha256_digest(&a.manifest));
    // Same bundle, same digest.
    assert_eq!(build(&bundle).unwrap().manifest_digest, a.manifest_digest);
    // The layer unpacks to the bundle.
    assert_eq!(
        archive::unpack(&a.layer).unwrap().files().count(),
        bundle.files().count()
    );
}

#[test]
fn invalid_contracts_are_refused_with_their_diagnostics() {
    let bundle = Bundle::from_contract(
        "pactoVersion: \"1.0\"\nservice:\n  name: Bad_Name\n  version: one\n",
    );
    let e = build(&bundle).unwrap_err();
    assert_eq!(e.code(), "VALIDATION_FAILED");
    let n = e.diagnostics().len();
    assert!(n > 0);
    assert_eq!(
        e.to_string(),
        format!("contract validation failed with {n} error(s)")
    );
    assert!(e
        .diagnostics()
        .iter()
        .all(|d| d.severity == pacto_core::Severity::Error));
    assert_eq!(pack(&bundle).unwrap_err().code(), "VALIDATION_FAILED");

    let e = build(&Bundle::new()).unwrap_err();
    assert_eq!(e.code(), "NO_CONTRACT");
    assert_eq!(
        e.to_string(),
        "no pacto.yaml found at the root of the bundle"
    );
}

#[test]
fn local_dependencies_are_refused_for_publishing_only() {
    let text = format!(
        "{CONTRACT}dependencies:\n  - ref: oci://ghcr.io/acme/db:1.0.0\n    compatibility: ^1.0.0\n  - ref: file://../cache\n    compatibility: ^1.0.0\n  - ref: ../other\n    compatibility: ^1.0.0\n"
    );
    let bundle = Bundle::from_contract(&text);
    let e = check_publishable(&bundle).unwrap_err();
    assert_eq!(e.code(), "LOCAL_DEPENDENCY");
    assert_eq!(
        e.to_string(),
        "local dependency detected: file://../cache\nLocal dependencies are not allowed when \
         publishing. All dependencies must use OCI references (oci://...)"
    );
    assert!(matches!(
        build(&bundle),
        Err(OciError::LocalDependency { .. })
    ));
    // `pack` allows them.
    assert!(pack(&bundle).is_ok());
}

#[test]
fn pack_is_the_archive() {
    let bundle = Bundle::from_contract(CONTRACT);
    assert_eq!(pack(&bundle).unwrap(), archive::pack(&bundle).unwrap());
}
