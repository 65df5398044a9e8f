//! Bundle archives: pack/unpack round trips, the Go wire layout (spec oci-graph-cli §1.4, §1.6)
//! and hostile inputs (spec README, departure 6).

use std::io::Read;
use std::time::{Duration, Instant};

use flate2::{Compress, Compression, Crc, FlushCompress, GzBuilder};
use pacto_core::archive::{
    pack, pack_layer, pack_tar, sha256_digest, unpack, unpack_with_limits, ArchiveError, Limits,
    UnsafeReason, MAX_FILE_SIZE, MAX_TOTAL_SIZE,
};
use pacto_core::Bundle;

const MIB: usize = 1 << 20;
const CONTRACT: &[u8] = b"pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: 1.0.0\n";

// ---------- helpers ----------

fn gz(tar: &[u8]) -> Vec<u8> {
    let mut enc = GzBuilder::new().write(Vec::new(), Compression::fast());
    std::io::Write::write_all(&mut enc, tar).unwrap();
    enc.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A USTAR header built through the `tar` crate, with the name written raw so that hostile
/// names (`..`, absolute) get through.
fn raw_header(name: &[u8], typeflag: u8, size: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.as_ustar_mut().unwrap().name[..name.len()].copy_from_slice(name);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_entry_type(tar::EntryType::new(typeflag));
    if typeflag == b'1' || typeflag == b'2' {
        h.set_link_name_literal("pacto.yaml").unwrap();
    }
    h.as_mut_bytes()[156] = typeflag; // raw, so that the old-style NUL typeflag survives
    h.set_cksum();
    h
}

/// A plain tar of raw entries `(name, typeflag, data)`.
fn tar_of(entries: &[(&[u8], u8, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, typeflag, data) in entries {
        b.append(&raw_header(name, *typeflag, data.len() as u64), *data)
            .unwrap();
    }
    b.into_inner().unwrap()
}

fn files(bundle: &Bundle) -> Vec<(String, Vec<u8>)> {
    bundle
        .files()
        .map(|(p, d)| (p.to_string(), d.to_vec()))
        .collect()
}

fn unsafe_reason(result: Result<Bundle, ArchiveError>) -> (String, UnsafeReason) {
    match result {
        Err(ArchiveError::UnsafeEntry { name, reason }) => (name, reason),
        other => panic!("expected an unsafe-entry error, got {other:?}"),
    }
}

/// A gzip stream assembled from independently deflated, byte-aligned pieces, so that huge
/// inputs (a run of zeros repeated) are built in a few milliseconds and without allocating
/// them. The CRC is computed only if `crc` is set (never needed when the stream is refused
/// before its end).
struct GzPieces {
    out: Vec<u8>,
    crc: Option<Crc>,
    len: u64,
    zero_chunk: Vec<u8>,
}

impl GzPieces {
    fn new(with_crc: bool) -> Self {
        GzPieces {
            out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
            crc: with_crc.then(Crc::new),
            len: 0,
            zero_chunk: deflate_piece(&vec![0u8; MIB]),
        }
    }

    fn bytes(&mut self, data: &[u8]) -> &mut Self {
        self.out.extend_from_slice(&deflate_piece(data));
        if let Some(crc) = &mut self.crc {
            crc.update(data);
        }
        self.len += data.len() as u64;
        self
    }

    fn zero_mib(&mut self, n: usize) -> &mut Self {
        let zeros = vec![0u8; MIB];
        for _ in 0..n {
            self.out.extend_from_slice(&self.zero_chunk);
            if let Some(crc) = &mut self.crc {
                crc.update(&zeros);
            }
        }
        self.len += (n * MIB) as u64;
        self
    }

    fn finish(&mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.out);
        out.extend_from_slice(&[0x03, 0x00]); // final, empty fixed-Huffman block
        let crc = self.crc.as_ref().map_or(0, Crc::sum);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(self.len as u32).to_le_bytes());
        out
    }
}

/// Raw deflate of `data` from a fresh compressor, ended with a sync flush: self-contained
/// and byte aligned, so pieces can be concatenated.
fn deflate_piece(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() + 1024);
    c.compress_vec(data, &mut out, FlushCompress::Sync).unwrap();
    assert_eq!(c.total_in(), data.len() as u64);
    out
}

fn tar_header_block(name: &str, size: u64) -> Vec<u8> {
    raw_header(name.as_bytes(), b'0', size).as_bytes().to_vec()
}

fn sample_bundle() -> Bundle {
    let mut b = Bundle::new();
    b.insert("pacto.yaml", CONTRACT.to_vec());
    b.insert("docs/README.md", b"# Orders\n".to_vec());
    b.insert(
        "interfaces/openapi.yaml",
        b"openapi: 3.0.0\ninfo: {title: x, version: 1}\n".to_vec(),
    );
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    b.insert("bin/all-bytes.bin", binary);
    b.insert("empty.txt", Vec::new());
    b.insert(".hidden", b"h".to_vec());
    b.insert(
        format!("deep/{}/{}.md", "d".repeat(90), "f".repeat(40)),
        b"long".to_vec(),
    );
    b.insert(format!("{}.md", "x".repeat(97)), b"exactly 100".to_vec());
    b.insert(
        format!("p/{}", "q".repeat(150)),
        b"pax (suffix too long)".to_vec(),
    );
    b.insert("docs/é-ü.md", b"non-ascii name".to_vec());
    b
}

// ---------- round trip and determinism ----------

#[test]
fn round_trip_preserves_every_file_byte_for_byte() {
    let bundle = sample_bundle();
    let packed = pack(&bundle).unwrap();
    let back = unpack(&packed).unwrap();
    assert_eq!(files(&back), files(&bundle));
    assert!(back.exists("docs"));
    assert!(back.exists("bin"));
    // The unpacked bundle packs to the same bytes again.
    assert_eq!(pack(&back).unwrap(), packed);
}

#[test]
fn pack_is_deterministic_and_independent_of_insertion_order() {
    let a = sample_bundle();
    let mut b = Bundle::new();
    let mut entries = files(&a);
    entries.reverse();
    for (p, d) in entries {
        b.insert(p, d);
    }
    let first = pack(&a).unwrap();
    assert_eq!(pack(&a).unwrap(), first);
    assert_eq!(pack(&b).unwrap(), first);

    let layer = pack_layer(&a).unwrap();
    assert_eq!(layer.tar_gz, first);
    assert_eq!(layer.digest, sha256_digest(&first));
    assert_eq!(layer.diff_id, sha256_digest(&pack_tar(&a).unwrap()));
    assert_eq!(gunzip(&first), pack_tar(&a).unwrap());
}

#[test]
fn sha256_digest_known_vectors() {
    assert_eq!(
        sha256_digest(b""),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_digest(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

// ---------- the Go layout ----------

/// A header block exactly as Go's `archive/tar` writes a USTAR header (`templateV7Plus` +
/// `setFormat`): octal fields zero-padded and NUL-terminated, checksum `dddddd\0 `.
#[allow(clippy::too_many_arguments)]
fn go_block(
    name: &str,
    prefix: &str,
    typeflag: u8,
    mode: u32,
    size: usize,
    owner: (u32, u32, &str, &str),
    mtime: u64,
    dev: bool,
) -> Vec<u8> {
    let mut b = vec![0u8; 512];
    let put = |b: &mut [u8], at: usize, s: &[u8]| b[at..at + s.len()].copy_from_slice(s);
    put(&mut b, 0, name.as_bytes());
    put(&mut b, 100, format!("{mode:07o}").as_bytes());
    put(&mut b, 108, format!("{:07o}", owner.0).as_bytes());
    put(&mut b, 116, format!("{:07o}", owner.1).as_bytes());
    put(&mut b, 124, format!("{size:011o}").as_bytes());
    put(&mut b, 136, format!("{mtime:011o}").as_bytes());
    b[156] = typeflag;
    put(&mut b, 257, b"ustar\x0000");
    put(&mut b, 265, owner.2.as_bytes());
    put(&mut b, 297, owner.3.as_bytes());
    if dev {
        put(&mut b, 329, b"0000000\x000000000");
    }
    put(&mut b, 345, prefix.as_bytes());
    put(&mut b, 148, b"        ");
    let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
    put(&mut b, 148, format!("{sum:06o}\0 ").as_bytes());
    b
}

fn go_entry(out: &mut Vec<u8>, header: Vec<u8>, data: &[u8]) {
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

const ROOT: (u32, u32, &str, &str) = (0, 0, "", "");

#[test]
fn pack_writes_the_go_tar_layout() {
    let mut bundle = Bundle::new();
    bundle.insert("pacto.yaml", CONTRACT.to_vec());
    bundle.insert("a.b", b"dot".to_vec());
    bundle.insert("a/x", b"x".to_vec());
    bundle.insert("docs/é.md", b"e".to_vec());
    let long = format!("{}/{}", "d".repeat(60), "f".repeat(60));
    bundle.insert(long.clone(), b"split".to_vec());

    // Depth first, siblings byte-wise: `a` and its children come before `a.b`.
    let mut want = Vec::new();
    go_entry(
        &mut want,
        go_block("a", "", b'5', 0o755, 0, ROOT, 0, true),
        b"",
    );
    go_entry(
        &mut want,
        go_block("a/x", "", b'0', 0o644, 1, ROOT, 0, true),
        b"x",
    );
    go_entry(
        &mut want,
        go_block("a.b", "", b'0', 0o644, 3, ROOT, 0, true),
        b"dot",
    );
    go_entry(
        &mut want,
        go_block(&"d".repeat(60), "", b'5', 0o755, 0, ROOT, 0, true),
        b"",
    );
    go_entry(
        &mut want,
        go_block(
            &"f".repeat(60),
            &"d".repeat(60),
            b'0',
            0o644,
            5,
            ROOT,
            0,
            true,
        ),
        b"split",
    );
    go_entry(
        &mut want,
        go_block("docs", "", b'5', 0o755, 0, ROOT, 0, true),
        b"",
    );
    // Non-ASCII name: PAX extended header `docs/PaxHeaders.0/.md` (toASCII drops `é`), whose
    // own header leaves devmajor/devminor unset, then the entry with the ASCII-only name.
    let record = "19 path=docs/é.md\n";
    assert_eq!(record.len(), 19);
    go_entry(
        &mut want,
        go_block(
            "docs/PaxHeaders.0/.md",
            "",
            b'x',
            0,
            record.len(),
            ROOT,
            0,
            false,
        ),
        record.as_bytes(),
    );
    go_entry(
        &mut want,
        go_block("docs/.md", "", b'0', 0o644, 1, ROOT, 0, true),
        b"e",
    );
    go_entry(
        &mut want,
        go_block("pacto.yaml", "", b'0', 0o644, CONTRACT.len(), ROOT, 0, true),
        CONTRACT,
    );
    want.resize(want.len() + 1024, 0); // two zero blocks, no record padding

    let tar = pack_tar(&bundle).unwrap();
    assert_eq!(tar.len(), want.len());
    for (i, (got, want)) in tar.chunks(512).zip(want.chunks(512)).enumerate() {
        assert_eq!(got, want, "block {i} differs");
    }

    // gzip header as Go's `pack` writes it: no name, MTIME 0, XFL 0 (level 6), OS 255.
    let gz = pack(&bundle).unwrap();
    assert_eq!(&gz[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    assert_eq!(gunzip(&gz), tar);
}

#[test]
fn archive_in_the_go_push_layout_unpacks() {
    // What the Go tool pushes for a bundle directory (§1.4): directory entries without a
    // trailing slash, file-system owners and mtimes, a PAX header for a long name, gzip at
    // level 1 (XFL 4, OS 255).
    let alice = (501, 20, "alice", "staff");
    let mtime = 1_700_000_123;
    let long = format!("docs/{}.md", "n".repeat(200));
    let record = format!("{} path={long}\n", long.len() + 10);
    assert_eq!(record.len(), long.len() + 10);
    let mut tar = Vec::new();
    go_entry(
        &mut tar,
        go_block(".git", "", b'5', 0o755, 0, alice, mtime, true),
        b"",
    );
    go_entry(
        &mut tar,
        go_block(".git/HEAD", "", b'0', 0o644, 5, alice, mtime, true),
        b"main\n",
    );
    go_entry(
        &mut tar,
        go_block("docs", "", b'5', 0o755, 0, alice, mtime, true),
        b"",
    );
    go_entry(
        &mut tar,
        go_block(
            &format!("docs/PaxHeaders.0/{}", "n".repeat(82)),
            "",
            b'x',
            0,
            record.len(),
            ROOT,
            0,
            false,
        ),
        record.as_bytes(),
    );
    go_entry(
        &mut tar,
        go_block(&long[..100], "", b'0', 0o644, 4, alice, mtime, true),
        b"long",
    );
    go_entry(
        &mut tar,
        go_block("empty", "", b'5', 0o700, 0, alice, mtime, true),
        b"",
    );
    go_entry(
        &mut tar,
        go_block(
            "pacto.yaml",
            "",
            b'0',
            0o600,
            CONTRACT.len(),
            alice,
            mtime,
            true,
        ),
        CONTRACT,
    );
    go_entry(
        &mut tar,
        go_block("run.sh", "", b'0', 0o4755, 3, alice, mtime, true),
        b"#!\n",
    );
    tar.resize(tar.len() + 1024, 0);

    let mut enc = GzBuilder::new().write(Vec::new(), Compression::fast());
    std::io::Write::write_all(&mut enc, &tar).unwrap();
    let layer = enc.finish().unwrap();
    assert_eq!(&layer[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 0xff]);

    let bundle = unpack(&layer).unwrap();
    let names: Vec<_> = bundle.files().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        names,
        vec![".git/HEAD", long.as_str(), "pacto.yaml", "run.sh"]
    );
    assert_eq!(bundle.get("pacto.yaml"), Some(CONTRACT));
    assert_eq!(bundle.get(&long), Some(&b"long"[..]));
    assert!(bundle.exists("empty"));
    assert!(bundle.exists("docs"));
    // The plain tar is accepted too (§1.6: anything not gzip/zstd is read as a tar).
    assert_eq!(files(&unpack(&tar).unwrap()), files(&bundle));
}

// ---------- names ----------

#[test]
fn leading_dot_slash_is_normalised_and_dot_entries_skipped() {
    let tar = tar_of(&[
        (b"./", b'5', b""),
        (b".", b'5', b""),
        (b"./pacto.yaml", b'0', CONTRACT),
        (b"./docs/", b'5', b""),
        (b"./docs/a.md", b'0', b"a"),
        (b"x//y/./z", b'0', b"z"),
    ]);
    let bundle = unpack(&gz(&tar)).unwrap();
    assert_eq!(bundle.get("pacto.yaml"), Some(CONTRACT));
    assert_eq!(bundle.get("docs/a.md"), Some(&b"a"[..]));
    assert_eq!(bundle.get("x/y/z"), Some(&b"z"[..]));
    assert!(bundle.exists("docs"));
    assert_eq!(bundle.files().count(), 3);
}

#[test]
fn hostile_names_are_refused() {
    let cases: &[(&[u8], UnsafeReason)] = &[
        (b"../evil", UnsafeReason::ParentElement),
        (b"/etc/passwd", UnsafeReason::AbsolutePath),
        (b"a/../../x", UnsafeReason::ParentElement),
        (b"a/../b", UnsafeReason::ParentElement),
        (b"./../x", UnsafeReason::ParentElement),
        (b"..\\..\\evil", UnsafeReason::Backslash),
        (b"C:/Windows/x", UnsafeReason::DrivePath),
        (b"bad-\xff", UnsafeReason::NotUtf8),
    ];
    for (name, want) in cases {
        let tar = tar_of(&[(b"pacto.yaml", b'0', CONTRACT), (name, b'0', b"x")]);
        let (got_name, reason) = unsafe_reason(unpack(&gz(&tar)));
        assert_eq!(&reason, want, "{}", String::from_utf8_lossy(name));
        // A name that is not UTF-8 is described, not shown as replacement characters.
        let shown = match std::str::from_utf8(name) {
            Ok(text) => text.to_string(),
            Err(_) => pacto_core::safe_text::describe_bytes(name),
        };
        assert_eq!(got_name, shown);
    }
    // Also as a directory entry.
    let tar = tar_of(&[(b"../d", b'5', b"")]);
    assert_eq!(unsafe_reason(unpack(&tar)).1, UnsafeReason::ParentElement);
}

#[test]
fn links_devices_and_fifos_are_refused() {
    let cases = [
        (b'2', UnsafeReason::Symlink),
        (b'1', UnsafeReason::HardLink),
        (b'3', UnsafeReason::CharDevice),
        (b'4', UnsafeReason::BlockDevice),
        (b'6', UnsafeReason::Fifo),
        (b'V', UnsafeReason::UnsupportedType(b'V')),
    ];
    for (typeflag, want) in cases {
        let tar = tar_of(&[
            (b"pacto.yaml", b'0', CONTRACT),
            (b"docs/link", typeflag, b""),
        ]);
        let (name, reason) = unsafe_reason(unpack(&gz(&tar)));
        assert_eq!(reason, want);
        assert_eq!(name, "docs/link");
    }
}

#[test]
fn a_symlink_built_by_the_tar_crate_is_refused() {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "pacto.yaml", "/etc/passwd").unwrap();
    let tar = b.into_inner().unwrap();
    let (name, reason) = unsafe_reason(unpack(&gz(&tar)));
    assert_eq!(
        (name.as_str(), reason),
        ("pacto.yaml", UnsafeReason::Symlink)
    );
}

#[test]
fn duplicate_names_last_one_wins() {
    let tar = tar_of(&[
        (b"pacto.yaml", b'0', b"first"),
        (b"./pacto.yaml", b'0', CONTRACT),
        (b"d", b'0', b"file then dir"),
        (b"d", b'5', b""),
    ]);
    let bundle = unpack(&tar).unwrap();
    assert_eq!(bundle.get("pacto.yaml"), Some(CONTRACT));
    assert_eq!(bundle.get("d"), None);
    assert!(bundle.exists("d"));
}

#[test]
fn a_file_that_is_also_a_directory_is_refused() {
    let tar = tar_of(&[(b"a", b'0', b"file"), (b"a/b", b'0', b"child")]);
    let (name, reason) = unsafe_reason(unpack(&tar));
    assert_eq!(name, "a/b");
    assert_eq!(reason, UnsafeReason::Conflict { other: "a".into() });
    let tar = tar_of(&[(b"a", b'0', b"file"), (b"a/sub/", b'5', b"")]);
    assert!(matches!(
        unpack(&tar),
        Err(ArchiveError::UnsafeEntry {
            reason: UnsafeReason::Conflict { .. },
            ..
        })
    ));
}

#[test]
fn regular_file_with_trailing_slash_is_refused_but_old_style_dir_is_a_directory() {
    let tar = tar_of(&[(b"x/", b'0', b"data")]);
    assert_eq!(unsafe_reason(unpack(&tar)).1, UnsafeReason::TrailingSlash);
    // Typeflag NUL (pre-POSIX regular file) with a trailing slash is a directory in Go's reader.
    let tar = tar_of(&[(b"olddir/", 0, b"")]);
    let bundle = unpack(&tar).unwrap();
    assert!(bundle.exists("olddir"));
    assert_eq!(bundle.files().count(), 0);
}

#[test]
fn pax_global_header_and_gnu_long_names_are_not_entries() {
    let mut b = tar::Builder::new(Vec::new());
    // `git archive` starts with a PAX global header named `pax_global_header`.
    let record = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
    let mut g = tar::Header::new_ustar();
    g.set_path("pax_global_header").unwrap();
    g.set_entry_type(tar::EntryType::XGlobalHeader);
    g.set_size(record.len() as u64);
    g.set_cksum();
    b.append(&g, &record[..]).unwrap();
    let long = format!("{}/{}/pacto-notes.md", "g".repeat(150), "h".repeat(150));
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    b.append_data(&mut h, &long, &b"ok"[..]).unwrap();
    let tar = b.into_inner().unwrap();
    let bundle = unpack(&gz(&tar)).unwrap();
    let names: Vec<_> = bundle.files().map(|(p, _)| p.to_string()).collect();
    assert_eq!(names, vec![long]);
}

// ---------- size limits ----------

#[test]
fn a_file_of_exactly_10_mib_is_allowed_one_byte_more_is_not() {
    let ok = vec![7u8; MAX_FILE_SIZE as usize];
    let tar = tar_of(&[(b"pacto.yaml", b'0', CONTRACT), (b"big.bin", b'0', &ok)]);
    assert_eq!(
        unpack(&tar).unwrap().get("big.bin").map(<[u8]>::len),
        Some(ok.len())
    );

    let too_big = vec![7u8; MAX_FILE_SIZE as usize + 1];
    let tar = tar_of(&[
        (b"pacto.yaml", b'0', CONTRACT),
        (b"big.bin", b'0', &too_big),
    ]);
    let start = Instant::now();
    let err = unpack(&tar).unwrap_err();
    assert_eq!(
        err,
        ArchiveError::FileTooLarge {
            name: "big.bin".into(),
            limit: 10_485_760
        }
    );
    assert_eq!(
        err.to_string(),
        "file `big.bin` exceeds the maximum size of 10485760 bytes"
    );
    assert!(start.elapsed() < Duration::from_secs(2));

    // The same through gzip.
    let mut gz = GzPieces::new(false);
    let header = tar_header_block("big.bin", MAX_FILE_SIZE + 1);
    let stream = gz.bytes(&header).zero_mib(11).finish();
    assert!(matches!(
        unpack(&stream),
        Err(ArchiveError::FileTooLarge { .. })
    ));
}

#[test]
fn a_bundle_over_50_mib_in_total_is_refused() {
    // 6 files of 9 MiB: each within the file limit, 54 MiB in total.
    let mut gz = GzPieces::new(false);
    for i in 0..6 {
        let header = tar_header_block(&format!("data/{i}.bin"), 9 * MIB as u64);
        gz.bytes(&header).zero_mib(9);
    }
    let stream = gz.bytes(&[0u8; 1024]).finish();
    assert!(stream.len() < MIB, "{} compressed bytes", stream.len());
    let start = Instant::now();
    let err = unpack(&stream).unwrap_err();
    assert_eq!(
        err,
        ArchiveError::BundleTooLarge {
            name: "data/5.bin".into(),
            limit: 52_428_800
        }
    );
    assert!(err.to_string().contains("52428800"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );

    // Exactly 50 MiB is allowed (5 × 10 MiB), here as a valid gzip stream with its CRC.
    let mut gz = GzPieces::new(true);
    for i in 0..5 {
        let header = tar_header_block(&format!("data/{i}.bin"), MAX_FILE_SIZE);
        gz.bytes(&header).zero_mib(10);
    }
    let stream = gz.bytes(&[0u8; 1024]).finish();
    let bundle = unpack(&stream).unwrap();
    let total: usize = bundle.files().map(|(_, d)| d.len()).sum();
    assert_eq!(total as u64, MAX_TOTAL_SIZE);
}

#[test]
fn many_small_files_count_towards_the_total() {
    let limits = Limits {
        max_file_size: 100,
        max_total_size: 1000,
        ..Limits::default()
    };
    let data = [1u8; 100];
    let names: Vec<String> = (0..11).map(|i| format!("f{i:02}")).collect();
    let entries: Vec<(&[u8], u8, &[u8])> = names
        .iter()
        .map(|n| (n.as_bytes(), b'0', &data[..]))
        .collect();
    let err = unpack_with_limits(&tar_of(&entries), &limits).unwrap_err();
    assert_eq!(
        err,
        ArchiveError::BundleTooLarge {
            name: "f10".into(),
            limit: 1000
        }
    );
    // Ten fit exactly.
    assert!(unpack_with_limits(&tar_of(&entries[..10]), &limits).is_ok());
}

#[test]
fn gzip_bomb_declaring_a_huge_file_is_refused_at_its_header() {
    // A 1 GiB file of zeros: ~1 MB compressed, refused before its data is inflated.
    let mut gz = GzPieces::new(false);
    let header = tar_header_block("pacto.yaml", 1 << 30);
    let bomb = gz.bytes(&header).zero_mib(1024).finish();
    assert!(bomb.len() < 2 * MIB, "{} compressed bytes", bomb.len());
    let start = Instant::now();
    let err = unpack(&bomb).unwrap_err();
    assert!(matches!(err, ArchiveError::FileTooLarge { ref name, .. } if name == "pacto.yaml"));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn gzip_bomb_of_plain_zeros_is_stopped_while_inflating() {
    // 1 GiB of zeros: to a tar reader, an end-of-archive marker followed by padding. The
    // decompressed stream is capped, so inflation stops after max_tar_size bytes.
    let mut gz = GzPieces::new(false);
    let bomb = gz.zero_mib(1024).finish();
    assert!(bomb.len() < 2 * MIB, "{} compressed bytes", bomb.len());
    let start = Instant::now();
    let err = unpack(&bomb).unwrap_err();
    let limit = Limits::default().max_tar_size;
    assert_eq!(err, ArchiveError::ArchiveTooLarge { limit });
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );

    // With a small cap it stops almost at once.
    let limits = Limits {
        max_tar_size: MIB as u64,
        ..Limits::default()
    };
    let start = Instant::now();
    assert_eq!(
        unpack_with_limits(&bomb, &limits),
        Err(ArchiveError::ArchiveTooLarge { limit: MIB as u64 })
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn endless_empty_entries_are_capped() {
    // Millions of empty files cost no data but unbounded headers: the stream cap stops them.
    let limits = Limits {
        max_tar_size: 64 * 1024,
        ..Limits::default()
    };
    let names: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    let entries: Vec<(&[u8], u8, &[u8])> = names
        .iter()
        .map(|n| (n.as_bytes(), b'0', &b""[..]))
        .collect();
    let err = unpack_with_limits(&gz(&tar_of(&entries)), &limits).unwrap_err();
    assert_eq!(err, ArchiveError::ArchiveTooLarge { limit: 64 * 1024 });
}

// ---------- corrupt input ----------

#[test]
fn truncated_gzip_is_refused() {
    let packed = pack(&sample_bundle()).unwrap();
    for cut in [packed.len() / 2, packed.len() - 4, packed.len() - 1, 12] {
        let err = unpack(&packed[..cut]).unwrap_err();
        assert!(
            matches!(err, ArchiveError::CorruptGzip { .. }),
            "cut at {cut}: {err:?}"
        );
    }
}

#[test]
fn corrupt_gzip_is_refused() {
    let packed = pack(&sample_bundle()).unwrap();
    // Wrong CRC in the trailer.
    let mut bad = packed.clone();
    let n = bad.len();
    bad[n - 8] ^= 0xff;
    let err = unpack(&bad).unwrap_err();
    assert!(matches!(err, ArchiveError::CorruptGzip { .. }), "{err:?}");
    // Garbage in the deflate data.
    let mut bad = packed.clone();
    for b in &mut bad[20..60] {
        *b = 0xff;
    }
    assert!(matches!(
        unpack(&bad),
        Err(ArchiveError::CorruptGzip { .. } | ArchiveError::CorruptTar { .. })
    ));
    // A gzip magic and nothing else.
    assert!(matches!(
        unpack(&[0x1f, 0x8b]),
        Err(ArchiveError::CorruptGzip { .. })
    ));
}

#[test]
fn gzip_holding_something_that_is_not_a_tar_is_refused() {
    let err = unpack(&gz(&[b'{'; 2000])).unwrap_err();
    assert_eq!(
        err,
        ArchiveError::NotATarInGzip {
            start: "7b 7b 7b 7b".to_string()
        }
    );
    assert_eq!(
        err.to_string(),
        "the gzip stream does not hold a tar archive (its content starts with bytes 7b 7b 7b 7b)"
    );
}

#[test]
fn input_that_is_not_gzip_at_all_is_refused() {
    let err = unpack(b"hello, this is not an archive").unwrap_err();
    assert!(matches!(err, ArchiveError::NotAnArchive { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "not a gzip or tar archive (29 bytes starting with 68 65 6c 6c)"
    );
    let json = format!("{{\"schemaVersion\":2,\"pad\":\"{}\"}}", "x".repeat(600));
    assert!(matches!(
        unpack(json.as_bytes()),
        Err(ArchiveError::NotAnArchive { .. })
    ));
    assert_eq!(
        unpack(&[0x28, 0xb5, 0x2f, 0xfd, 0, 0]),
        Err(ArchiveError::UnsupportedCompression { format: "zstd" })
    );
}

#[test]
fn truncated_tar_entry_is_refused() {
    let tar = tar_of(&[
        (b"pacto.yaml", b'0', CONTRACT),
        (b"data.bin", b'0', &[9u8; 3000]),
    ]);
    let cut = &tar[..512 + 512 + 512 + 1000];
    let err = unpack(cut).unwrap_err();
    assert!(
        matches!(err, ArchiveError::CorruptTar { entry: Some(ref e), .. } if e == "data.bin"),
        "{err:?}"
    );
    let err = unpack(&gz(cut)).unwrap_err();
    assert!(
        matches!(err, ArchiveError::CorruptTar { plain: false, .. }),
        "{err:?}"
    );
    // A header cut in half.
    let err = unpack(&gz(&tar[..700])).unwrap_err();
    assert!(
        matches!(err, ArchiveError::CorruptTar { entry: Some(ref e), .. } if e == "pacto.yaml"),
        "{err:?}"
    );
}

#[test]
fn empty_archives_give_an_empty_bundle() {
    // pacto.yaml missing is the caller's business, not an unpack error.
    let packed = pack(&Bundle::new()).unwrap();
    assert_eq!(gunzip(&packed), vec![0u8; 1024]);
    let bundle = unpack(&packed).unwrap();
    assert_eq!(bundle.files().count(), 0);
    assert!(bundle.contract_bytes().is_none());
    assert_eq!(unpack(&gz(b"")).unwrap().files().count(), 0);
    assert_eq!(unpack(b"").unwrap().files().count(), 0);
    assert_eq!(unpack(&[0u8; 1024]).unwrap().files().count(), 0);
}

#[test]
fn pack_refuses_paths_unpack_would_refuse() {
    let cases: &[(&str, UnsafeReason)] = &[
        ("../x", UnsafeReason::ParentElement),
        ("/etc/passwd", UnsafeReason::AbsolutePath),
        ("a//b", UnsafeReason::UncleanName),
        ("./a", UnsafeReason::UncleanName),
        ("a/", UnsafeReason::UncleanName),
        ("", UnsafeReason::EmptyName),
        ("a\\b", UnsafeReason::Backslash),
        ("nul\0", UnsafeReason::NulByte),
    ];
    for (path, want) in cases {
        let mut b = Bundle::new();
        b.insert(*path, b"x".to_vec());
        match pack(&b) {
            Err(ArchiveError::UnsafeEntry { name, reason }) => {
                assert_eq!((name.as_str(), &reason), (*path, want));
            }
            other => panic!("{path:?}: {other:?}"),
        }
    }
    let mut b = Bundle::new();
    b.insert("a", b"file".to_vec());
    b.insert("a/b", b"child".to_vec());
    assert!(matches!(
        pack(&b),
        Err(ArchiveError::UnsafeEntry {
            reason: UnsafeReason::Conflict { .. },
            ..
        })
    ));
}

#[test]
fn error_messages_name_the_entry_and_the_limit() {
    let err = ArchiveError::UnsafeEntry {
        name: "../evil".into(),
        reason: UnsafeReason::ParentElement,
    };
    assert_eq!(
        err.to_string(),
        "refusing archive entry `../evil`: `..` path elements are not allowed"
    );
    let err = ArchiveError::BundleTooLarge {
        name: "x".into(),
        limit: 52_428_800,
    };
    assert_eq!(
        err.to_string(),
        "bundle exceeds the maximum total size of 52428800 bytes (at file `x`)"
    );
    // Control characters in hostile names are escaped when shown.
    let err = ArchiveError::FileTooLarge {
        name: "a\u{1b}[2Jb\n".into(),
        limit: 1,
    };
    assert_eq!(
        err.to_string(),
        "file `a\\u{1b}[2Jb\\n` exceeds the maximum size of 1 bytes"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(!boxed.to_string().is_empty());
}

#[test]
fn empty_directories_survive_a_round_trip() {
    let mut b = pacto_core::Bundle::new();
    b.insert("pacto.yaml", b"x".to_vec());
    b.insert_dir("docs/empty/");
    let packed = pacto_core::archive::pack(&b).expect("pack");
    let back = pacto_core::archive::unpack(&packed).expect("unpack");
    assert!(back.exists("docs/empty"));
    assert_eq!(back.dirs().collect::<Vec<_>>(), vec!["docs", "docs/empty"]);
}
