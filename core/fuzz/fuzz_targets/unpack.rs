//! Any bytes as a bundle archive (gzip or plain tar): unpack must return, never panic; on
//! success every path is a clean relative path within the size limits, and the bundle packs
//! and unpacks back to the same files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pacto_core::archive::{pack, unpack_with_limits, Limits};
use pacto_core::bundle::valid_fs_path;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the checks are the same as with the defaults.
    let limits = Limits {
        max_file_size: 64 * 1024,
        max_total_size: 256 * 1024,
        max_tar_size: 1024 * 1024,
    };
    let Ok(bundle) = unpack_with_limits(data, &limits) else {
        return;
    };
    let mut total = 0u64;
    for (path, bytes) in bundle.files() {
        assert!(valid_fs_path(path) && path != ".", "unclean path {path:?}");
        assert!(!path.contains('\\') && !path.contains('\0'), "{path:?}");
        assert!(bytes.len() as u64 <= limits.max_file_size, "{path:?}");
        total += bytes.len() as u64;
    }
    assert!(total <= limits.max_total_size);

    let packed = pack(&bundle).expect("an unpacked bundle packs");
    let again = unpack_with_limits(&packed, &Limits::default()).expect("and unpacks again");
    assert!(
        again.files().eq(bundle.files()),
        "round trip changed the files"
    );
});
