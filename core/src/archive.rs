//! Bundle archives: the gzip'ed tar that is the single layer of a Pacto OCI artifact and the
//! output of `pacto pack` (spec `oci-graph-cli.md` §1.4, §1.6–§1.8).
//!
//! [`pack`] writes the tar exactly as the Go tool's `archive/tar` writer lays it out (USTAR
//! headers, PAX only for names USTAR cannot hold, a directory entry for every directory, depth
//! first in byte-wise name order), with fixed metadata instead of the file system's: mode `0644`
//! for files and `0755` for directories, uid/gid 0, no user or group names, mtime 0. The gzip
//! wrapper has the Go header (no name, MTIME 0, XFL 0, OS 255) at the Go `pack` level, 6. The same
//! bundle therefore always gives the same bytes, and so the same digest.
//!
//! [`unpack`] reads what the Go tool's pull accepts (gzip or plain tar; USTAR, PAX and GNU
//! headers), with the registry-safety departure (spec README, departure 6): absolute paths, `..`
//! elements, links and device/FIFO entries are refused, and the size limits are enforced while
//! decompressing, so a gzip bomb is stopped after at most [`Limits::max_tar_size`] bytes of output.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Read, Write};

use flate2::read::MultiGzDecoder;
use flate2::{Compression, GzBuilder};
use sha2::{Digest, Sha256};

use crate::bundle::Bundle;
use crate::safe_text::{describe_bytes, first_bytes, printable, printable_bytes};

/// Largest file a bundle may hold: 10 MiB (the Go tool's `maxFileSize`).
pub const MAX_FILE_SIZE: u64 = 10 << 20;
/// Largest total of file data in a bundle: 50 MiB (the Go tool's `maxTotalSize`).
pub const MAX_TOTAL_SIZE: u64 = 50 << 20;
/// Room for tar metadata (headers, padding, PAX records, data after the end marker) on top of
/// [`MAX_TOTAL_SIZE`] in the decompressed stream.
pub const TAR_OVERHEAD: u64 = 16 << 20;

/// Longest path a bundle may hold, in bytes, and longest element of a path: what every
/// file system the bundle may be written to accepts, with room for the output directory.
pub const MAX_PATH_BYTES: usize = 1024;
pub const MAX_PATH_ELEMENT_BYTES: usize = 255;
/// Characters of an entry name shown in a message.
const SHOWN_NAME_CHARS: usize = 120;

/// The gzip level of `pacto pack` (Go's `gzip.DefaultCompression`).
const GZIP_LEVEL: u32 = 6;
const BLOCK: usize = 512;
const FILE_MODE: u64 = 0o644;
const DIR_MODE: u64 = 0o755;

/// Size limits applied by [`unpack_with_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single file; exactly this many bytes is allowed.
    pub max_file_size: u64,
    /// Largest running total of file data (every file entry counts, duplicates included).
    pub max_total_size: u64,
    /// Largest decompressed tar stream (headers, padding and anything after the end marker
    /// included). Bounds the work and memory spent on any input, however many entries it has.
    pub max_tar_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: MAX_FILE_SIZE,
            max_total_size: MAX_TOTAL_SIZE,
            max_tar_size: MAX_TOTAL_SIZE + TAR_OVERHEAD,
        }
    }
}

/// Why an entry was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsafeReason {
    /// The name starts with `/`.
    AbsolutePath,
    /// The name starts with a Windows drive (`C:`).
    DrivePath,
    /// The name has a `..` element.
    ParentElement,
    /// The name contains `\`, a separator on Windows hosts.
    Backslash,
    /// The name contains a NUL byte.
    NulByte,
    /// The name is not UTF-8.
    NotUtf8,
    /// A path name that is empty or `.` (only refused by [`pack`]; [`unpack`] skips such entries).
    EmptyName,
    /// A name that is not clean (`a//b`, `./a`, `a/`), refused by [`pack`].
    UncleanName,
    /// A regular file whose name ends with `/`.
    TrailingSlash,
    /// A symbolic link (typeflag `2`).
    Symlink,
    /// A hard link (typeflag `1`).
    HardLink,
    /// A character device (typeflag `3`).
    CharDevice,
    /// A block device (typeflag `4`).
    BlockDevice,
    /// A FIFO (typeflag `6`).
    Fifo,
    /// Any other entry type that is not a file or directory.
    UnsupportedType(u8),
    /// The path is a file and also (a parent of) another entry.
    Conflict { other: String },
    /// The path is longer than [`MAX_PATH_BYTES`], or one of its elements longer than
    /// [`MAX_PATH_ELEMENT_BYTES`].
    NameTooLong { bytes: usize },
}

impl fmt::Display for UnsafeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnsafeReason::AbsolutePath => f.write_str("absolute paths are not allowed"),
            UnsafeReason::DrivePath => f.write_str("Windows drive paths are not allowed"),
            UnsafeReason::ParentElement => f.write_str("`..` path elements are not allowed"),
            UnsafeReason::Backslash => f.write_str("`\\` is not allowed in paths"),
            UnsafeReason::NulByte => f.write_str("NUL bytes are not allowed in paths"),
            UnsafeReason::NotUtf8 => f.write_str("the path is not valid UTF-8"),
            UnsafeReason::EmptyName => f.write_str("the path is empty"),
            UnsafeReason::UncleanName => f.write_str(
                "the path must be clean and relative (no empty, `.` or `..` elements, no trailing `/`)",
            ),
            UnsafeReason::TrailingSlash => f.write_str("a regular file's name ends with `/`"),
            UnsafeReason::Symlink => f.write_str("symbolic links are not allowed"),
            UnsafeReason::HardLink => f.write_str("hard links are not allowed"),
            UnsafeReason::CharDevice => f.write_str("character devices are not allowed"),
            UnsafeReason::BlockDevice => f.write_str("block devices are not allowed"),
            UnsafeReason::Fifo => f.write_str("FIFOs are not allowed"),
            UnsafeReason::UnsupportedType(t) => {
                write!(f, "entry type {} is not supported", typeflag_text(*t))
            }
            UnsafeReason::Conflict { other } => {
                write!(f, "it conflicts with `{}`, which is a file", Shown(other))
            }
            UnsafeReason::NameTooLong { bytes } => write!(
                f,
                "the path is {bytes} bytes long (at most {MAX_PATH_BYTES} bytes, and \
                 {MAX_PATH_ELEMENT_BYTES} per element, are allowed)"
            ),
        }
    }
}

/// Shows text from an archive through [`printable`], so a hostile name can neither drive a
/// terminal nor read differently on screen, and a long one is cut.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(self.0, SHOWN_NAME_CHARS))
    }
}

fn typeflag_text(t: u8) -> String {
    if t.is_ascii_graphic() {
        format!("`{}`", t as char)
    } else {
        format!("0x{t:02x}")
    }
}

/// Why packing or unpacking a bundle archive failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The gzip stream is corrupt or truncated (bad header, deflate data, CRC or length).
    CorruptGzip { detail: String },
    /// The tar stream is malformed or truncated. `entry` names the entry being read when it
    /// failed, or else the last entry read before the failure.
    CorruptTar {
        entry: Option<String>,
        detail: String,
        /// The input was not gzip, so it was read as a plain tar (which the Go tool accepts).
        plain: bool,
    },
    /// A zstd-compressed layer: accepted by the Go tool, not supported here.
    UnsupportedCompression { format: &'static str },
    /// Neither gzip nor tar: `start` describes the first bytes ([`describe_bytes`]).
    NotAnArchive { start: String },
    /// A gzip stream whose content is not a tar: `start` shows its first bytes.
    NotATarInGzip { start: String },
    /// A file's data is larger than [`Limits::max_file_size`].
    FileTooLarge { name: String, limit: u64 },
    /// The file data of the bundle adds up to more than [`Limits::max_total_size`];
    /// `name` is the entry that crossed the limit.
    BundleTooLarge { name: String, limit: u64 },
    /// The decompressed tar stream is larger than [`Limits::max_tar_size`].
    ArchiveTooLarge { limit: u64 },
    /// An entry that must not be extracted.
    UnsafeEntry { name: String, reason: UnsafeReason },
    /// Compressing the archive failed (not expected: the output is in memory).
    Compress { detail: String },
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArchiveError::CorruptGzip { detail } => {
                write!(f, "corrupt or truncated gzip stream: {}", Shown(detail))
            }
            ArchiveError::CorruptTar {
                entry,
                detail,
                plain,
            } => {
                f.write_str("invalid tar archive")?;
                if let Some(entry) = entry {
                    write!(f, " near entry `{}`", Shown(entry))?;
                }
                write!(f, ": {}", Shown(detail))?;
                if *plain {
                    f.write_str(
                        " (the input is not gzip-compressed, so it was read as a plain tar)",
                    )?;
                }
                Ok(())
            }
            ArchiveError::NotAnArchive { start } => {
                write!(f, "not a gzip or tar archive ({})", Shown(start))
            }
            ArchiveError::NotATarInGzip { start } => write!(
                f,
                "the gzip stream does not hold a tar archive (its content starts with bytes {})",
                Shown(start)
            ),
            ArchiveError::UnsupportedCompression { format } => write!(
                f,
                "{format}-compressed bundle archives are not supported (use gzip or a plain tar)"
            ),
            ArchiveError::FileTooLarge { name, limit } => {
                write!(
                    f,
                    "file `{}` exceeds the maximum size of {limit} bytes",
                    Shown(name)
                )
            }
            ArchiveError::BundleTooLarge { name, limit } => write!(
                f,
                "bundle exceeds the maximum total size of {limit} bytes (at file `{}`)",
                Shown(name)
            ),
            ArchiveError::ArchiveTooLarge { limit } => write!(
                f,
                "decompressed archive exceeds the maximum size of {limit} bytes"
            ),
            ArchiveError::UnsafeEntry { name, reason } => {
                write!(f, "refusing archive entry `{}`: {reason}", Shown(name))
            }
            ArchiveError::Compress { detail } => {
                write!(f, "failed to compress the archive: {detail}")
            }
        }
    }
}

impl std::error::Error for ArchiveError {}

/// `sha256:<lowercase hex>` of `bytes`, the OCI digest form.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash.iter() {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A packed bundle as an OCI layer: the gzip bytes, their digest, and the digest of the
/// uncompressed tar (the config's `rootfs.diff_ids` entry, spec §1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub tar_gz: Vec<u8>,
    /// `sha256:<hex>` of `tar_gz`.
    pub digest: String,
    /// `sha256:<hex>` of the uncompressed tar.
    pub diff_id: String,
}

/// The deterministic `.tar.gz` of a bundle (see the module docs for the layout).
pub fn pack(bundle: &Bundle) -> Result<Vec<u8>, ArchiveError> {
    gzip(&pack_tar(bundle)?)
}

/// [`pack`], with the digests an OCI push needs.
pub fn pack_layer(bundle: &Bundle) -> Result<Layer, ArchiveError> {
    let tar = pack_tar(bundle)?;
    let tar_gz = gzip(&tar)?;
    Ok(Layer {
        digest: sha256_digest(&tar_gz),
        diff_id: sha256_digest(&tar),
        tar_gz,
    })
}

/// The uncompressed tar of [`pack`].
pub fn pack_tar(bundle: &Bundle) -> Result<Vec<u8>, ArchiveError> {
    enum Node<'a> {
        Dir,
        File(&'a [u8]),
    }
    // Keys are path elements, so the map's order is the Go walk's: depth first, pre-order,
    // siblings in byte-wise order of their names (`a`, `a/x`, `a.b`).
    let mut tree: BTreeMap<Vec<&str>, Node> = BTreeMap::new();
    for (path, data) in bundle.files() {
        check_pack_path(path)?;
        let parts: Vec<&str> = path.split('/').collect();
        for i in 1..parts.len() {
            match tree.entry(parts[..i].to_vec()).or_insert(Node::Dir) {
                Node::Dir => {}
                Node::File(_) => return Err(conflict(path, &parts[..i].join("/"))),
            }
        }
        if tree.contains_key(&parts) {
            let child = tree
                .range(parts.clone()..)
                .nth(1)
                .map(|(k, _)| k.join("/"))
                .unwrap_or_default();
            return Err(conflict(&child, path));
        }
        tree.insert(parts, Node::File(data));
    }
    // Recorded directories (possibly empty) and their parents, unless a file claims the name.
    for dir in bundle.dirs() {
        check_pack_path(dir)?;
        let parts: Vec<&str> = dir.split('/').collect();
        for i in 1..=parts.len() {
            match tree.entry(parts[..i].to_vec()).or_insert(Node::Dir) {
                Node::Dir => {}
                Node::File(_) => return Err(conflict(dir, &parts[..i].join("/"))),
            }
        }
    }

    let mut out = Vec::new();
    for (parts, node) in &tree {
        let name = parts.join("/");
        match node {
            Node::Dir => write_entry(&mut out, &name, b'5', DIR_MODE, &[]),
            Node::File(data) => write_entry(&mut out, &name, b'0', FILE_MODE, data),
        }
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    Ok(out)
}

fn conflict(name: &str, file: &str) -> ArchiveError {
    ArchiveError::UnsafeEntry {
        name: name.to_string(),
        reason: UnsafeReason::Conflict {
            other: file.to_string(),
        },
    }
}

/// Bundle paths must be clean relative paths that [`unpack`] would give back unchanged.
fn check_pack_path(path: &str) -> Result<(), ArchiveError> {
    let refuse = |reason| {
        Err(ArchiveError::UnsafeEntry {
            name: path.to_string(),
            reason,
        })
    };
    if path.is_empty() || path == "." {
        return refuse(UnsafeReason::EmptyName);
    }
    if path.contains('\0') {
        return refuse(UnsafeReason::NulByte);
    }
    if path.contains('\\') {
        return refuse(UnsafeReason::Backslash);
    }
    if path.starts_with('/') {
        return refuse(UnsafeReason::AbsolutePath);
    }
    if is_drive(path) {
        return refuse(UnsafeReason::DrivePath);
    }
    if path.split('/').any(|e| e == "..") {
        return refuse(UnsafeReason::ParentElement);
    }
    if path.split('/').any(|e| e.is_empty() || e == ".") {
        return refuse(UnsafeReason::UncleanName);
    }
    if let Err(reason) = check_length(path) {
        return refuse(reason);
    }
    Ok(())
}

fn check_length(path: &str) -> Result<(), UnsafeReason> {
    if path.len() > MAX_PATH_BYTES || path.split('/').any(|e| e.len() > MAX_PATH_ELEMENT_BYTES) {
        return Err(UnsafeReason::NameTooLong { bytes: path.len() });
    }
    Ok(())
}

/// Whether plain (not gzip'ed) bytes begin like a tar: empty, an all-zero end block, or a
/// header block whose checksum adds up (as every tar writer's does).
fn starts_like_tar(bytes: &[u8]) -> bool {
    let Some(block) = bytes.get(..BLOCK) else {
        return bytes.iter().all(|&b| b == 0);
    };
    if block.iter().all(|&b| b == 0) {
        return true;
    }
    let field = &block[148..156];
    let digits: String = field
        .iter()
        .map(|&b| b as char)
        .filter(|c| !matches!(c, ' ' | '\0'))
        .collect();
    let Ok(stored) = u64::from_str_radix(&digits, 8) else {
        return false;
    };
    let unsigned: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    let signed: i64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed)
}

fn is_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

fn gzip(tar: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    // GzBuilder's defaults are Go's: no name or comment, MTIME 0, OS 255; XFL is 0 at level 6.
    let mut enc = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::new(GZIP_LEVEL));
    enc.write_all(tar)
        .and_then(|()| enc.finish())
        .map_err(|e| ArchiveError::Compress {
            detail: e.to_string(),
        })
}

// ---- tar writing, as Go's archive/tar Writer does it (format chosen per header) ----

const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;
/// Largest value of a 12-byte octal field (11 digits).
const MAX_OCTAL_11: u64 = 0o777_7777_7777;

fn write_entry(out: &mut Vec<u8>, name: &str, typeflag: u8, mode: u64, data: &[u8]) {
    let size = data.len() as u64;
    let ascii = is_ascii(name);
    let fits_size = size <= MAX_OCTAL_11;
    if fits_size && ascii && name.len() <= NAME_SIZE {
        out.extend_from_slice(&header(name, "", typeflag, mode, size));
    } else if let (true, Some((prefix, suffix))) = (fits_size, split_ustar_path(name)) {
        out.extend_from_slice(&header(suffix, prefix, typeflag, mode, size));
    } else {
        // PAX: an extended header `<dir>/PaxHeaders.0/<file>` with the records USTAR cannot
        // hold (sorted by key), then the entry's own header with best-effort values.
        let mut records = String::new();
        if !(ascii && name.len() <= NAME_SIZE) {
            records.push_str(&pax_record("path", name));
        }
        if !fits_size {
            records.push_str(&pax_record("size", &size.to_string()));
        }
        let (dir, file) = match name.rfind('/') {
            Some(i) => (&name[..=i], &name[i + 1..]),
            None => ("", name),
        };
        let ext_name = to_ascii(&format!("{dir}PaxHeaders.0/{file}"));
        let ext_name = truncate(&ext_name, NAME_SIZE).trim_end_matches('/');
        out.extend_from_slice(&raw_file_header(ext_name, b'x', records.len() as u64));
        out.extend_from_slice(records.as_bytes());
        pad(out);
        let main_size = if fits_size { size } else { 0 };
        out.extend_from_slice(&header(&to_ascii(name), "", typeflag, mode, main_size));
    }
    out.extend_from_slice(data);
    pad(out);
}

fn pad(out: &mut Vec<u8>) {
    let rem = out.len() % BLOCK;
    if rem != 0 {
        out.resize(out.len() + BLOCK - rem, 0);
    }
}

/// Go's `isASCII`: no byte ≥ 0x80 and no NUL.
fn is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b != 0 && b < 0x80)
}

/// Go's `toASCII`: drops non-ASCII characters and NULs.
fn to_ascii(s: &str) -> String {
    s.chars().filter(|&c| c != '\0' && c.is_ascii()).collect()
}

fn truncate(s: &str, n: usize) -> &str {
    // `s` is ASCII here, so any byte index is a char boundary.
    s.get(..n.min(s.len())).unwrap_or(s)
}

/// Go's `splitUSTARPath`.
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    let len = name.len();
    if len <= NAME_SIZE || !is_ascii(name) {
        return None;
    }
    let mut length = len;
    if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if name.ends_with('/') {
        length -= 1;
    }
    let i = name.get(..length)?.rfind('/')?;
    let nlen = len - i - 1;
    if i == 0 || nlen > NAME_SIZE || nlen == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Go's `formatPAXRecord`: `<len> <key>=<value>\n`, where `<len>` counts the whole record.
fn pax_record(key: &str, value: &str) -> String {
    let base = key.len() + value.len() + 3;
    let mut size = base + base.to_string().len();
    if (size.to_string().len() + base) != size {
        size = size.to_string().len() + base;
    }
    format!("{size} {key}={value}\n")
}

/// Go's `templateV7Plus` + USTAR/PAX `setFormat`: every numeric field in zero-padded octal
/// followed by NUL, magic `ustar\0`, version `00`, checksum as six octal digits, NUL, space.
fn header(name: &str, prefix: &str, typeflag: u8, mode: u64, size: u64) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    put_str(&mut b[0..100], name);
    put_octal(&mut b[100..108], mode);
    put_octal(&mut b[108..116], 0); // uid
    put_octal(&mut b[116..124], 0); // gid
    put_octal(&mut b[124..136], size);
    put_octal(&mut b[136..148], 0); // mtime
    b[156] = typeflag;
    // linkname (157..257), uname (265..297), gname (297..329): empty
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    put_octal(&mut b[329..337], 0); // devmajor
    put_octal(&mut b[337..345], 0); // devminor
    put_str(&mut b[345..500], prefix);
    set_checksum(&mut b);
    b
}

/// Go's `writeRawFile` header (used for PAX extended headers): only the V7 fields are set,
/// devmajor/devminor stay all NUL.
fn raw_file_header(name: &str, typeflag: u8, size: u64) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    put_str(&mut b[0..100], name);
    put_octal(&mut b[100..108], 0);
    put_octal(&mut b[108..116], 0);
    put_octal(&mut b[116..124], 0);
    put_octal(&mut b[124..136], size);
    put_octal(&mut b[136..148], 0);
    b[156] = typeflag;
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    set_checksum(&mut b);
    b
}

/// Go's `formatString`: copy, NUL-terminate when shorter; a truncated name that would end
/// with `/` has its trailing slashes replaced by NUL.
fn put_str(field: &mut [u8], s: &str) {
    let bytes = s.as_bytes();
    let n = bytes.len().min(field.len());
    field[..n].copy_from_slice(&bytes[..n]);
    if bytes.len() < field.len() {
        field[bytes.len()] = 0;
    } else if bytes.len() > field.len() && field.last() == Some(&b'/') {
        let kept = field.iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1);
        field[kept] = 0;
    }
}

/// Go's `formatOctal`: zero-padded to the field width minus one, then NUL.
fn put_octal(field: &mut [u8], value: u64) {
    let digits = format!("{value:o}");
    let width = field.len() - 1;
    let s = if digits.len() < width {
        format!("{}{digits}", "0".repeat(width - digits.len()))
    } else {
        digits
    };
    put_str(field, &s);
}

fn set_checksum(b: &mut [u8; BLOCK]) {
    b[148..156].copy_from_slice(b"        ");
    let sum: u64 = b.iter().map(|&c| u64::from(c)).sum();
    put_octal(&mut b[148..155], sum);
    b[155] = b' ';
}

// ---- unpacking ----

/// Unpacks a bundle archive with the default [`Limits`]. A missing `pacto.yaml` is not an
/// error here; the caller decides.
pub fn unpack(bytes: &[u8]) -> Result<Bundle, ArchiveError> {
    unpack_with_limits(bytes, &Limits::default())
}

/// Unpacks a gzip'ed (or plain) tar into a bundle, enforcing `limits` while decompressing.
///
/// Entry names lose leading `./` and any empty or `.` elements (`./pacto.yaml` → `pacto.yaml`);
/// entries whose name is then empty are skipped, as the Go tool skips `""` and `.`. Directory
/// entries (typeflag `5`, or an old-style `\0` entry whose name ends in `/`) are recorded with
/// [`Bundle::insert_dir`]; regular (`0`, `\0`, `7`) and GNU sparse entries become files; PAX
/// global headers are ignored. When a name occurs twice the last entry wins, as in the Go tool.
pub fn unpack_with_limits(bytes: &[u8], limits: &Limits) -> Result<Bundle, ArchiveError> {
    if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err(ArchiveError::UnsupportedCompression { format: "zstd" });
    }
    let gzipped = bytes.starts_with(&[0x1f, 0x8b]);
    if !gzipped && !starts_like_tar(bytes) {
        return Err(ArchiveError::NotAnArchive {
            start: describe_bytes(bytes),
        });
    }
    let source: Box<dyn Read + '_> = if gzipped {
        Box::new(MultiGzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let mut meter = Meter {
        inner: source,
        read: 0,
        cap: limits.max_tar_size,
        over_cap: false,
        inner_error: None,
        head: Vec::new(),
    };

    let mut contents = Contents::default();
    let result = read_entries(&mut meter, limits, &mut contents).and_then(|()| {
        // Read to the end of the stream, so the gzip CRC and length are checked and nothing
        // after the tar's end marker goes unbounded.
        io::copy(&mut meter, &mut io::sink())
            .map(|_| ())
            .map_err(|e| Failure::Io {
                entry: None,
                error: e,
            })
    });
    match result {
        Ok(()) => contents.into_bundle(),
        Err(Failure::Archive(e)) => Err(e),
        Err(Failure::Io { entry, error }) => Err(if meter.over_cap {
            ArchiveError::ArchiveTooLarge {
                limit: limits.max_tar_size,
            }
        } else if let Some(detail) = meter.inner_error.take() {
            ArchiveError::CorruptGzip { detail }
        } else if gzipped && entry.is_none() && !starts_like_tar(&meter.head) {
            ArchiveError::NotATarInGzip {
                start: first_bytes(&meter.head),
            }
        } else {
            ArchiveError::CorruptTar {
                entry,
                detail: error.to_string(),
                plain: !gzipped,
            }
        }),
    }
}

enum Failure {
    Archive(ArchiveError),
    Io {
        entry: Option<String>,
        error: io::Error,
    },
}

impl From<ArchiveError> for Failure {
    fn from(e: ArchiveError) -> Self {
        Failure::Archive(e)
    }
}

/// Counts decompressed bytes and fails once more than `cap` come out, remembering whether a
/// failure came from the decompressor or from the cap.
struct Meter<R> {
    inner: R,
    read: u64,
    cap: u64,
    over_cap: bool,
    inner_error: Option<String>,
    /// The first bytes that came out, to describe a stream that is not a tar.
    head: Vec<u8>,
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.over_cap {
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        // Ask for at most one byte more than the cap allows, to notice going over it.
        let room = self.cap.saturating_sub(self.read).saturating_add(1);
        let want = usize::try_from(room).map_or(buf.len(), |r| r.min(buf.len()));
        match self.inner.read(&mut buf[..want]) {
            Ok(n) => {
                if self.head.len() < BLOCK {
                    let take = n.min(BLOCK - self.head.len());
                    self.head.extend_from_slice(&buf[..take]);
                }
                self.read = self.read.saturating_add(n as u64);
                if self.read > self.cap {
                    self.over_cap = true;
                    return Err(io::Error::other("decompressed size limit exceeded"));
                }
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.inner_error = Some(e.to_string());
                }
                Err(e)
            }
        }
    }
}

#[derive(Default)]
struct Contents {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Contents {
    fn into_bundle(self) -> Result<Bundle, ArchiveError> {
        // A path cannot be a file and also hold other entries (a host writing the bundle to
        // disk would fail or overwrite).
        for name in self.files.keys().chain(self.dirs.iter()) {
            for (i, _) in name.match_indices('/') {
                let parent = &name[..i];
                if self.files.contains_key(parent) {
                    return Err(conflict(name, parent));
                }
            }
        }
        let mut bundle = Bundle::new();
        for dir in self.dirs {
            bundle.insert_dir(dir);
        }
        for (name, data) in self.files {
            bundle.insert(name, data);
        }
        Ok(bundle)
    }
}

fn read_entries<R: Read>(
    reader: R,
    limits: &Limits,
    contents: &mut Contents,
) -> Result<(), Failure> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|error| Failure::Io { entry: None, error })?;
    let mut total: u64 = 0;
    let mut last: Option<String> = None;
    for entry in entries {
        let mut entry = entry.map_err(|error| Failure::Io {
            entry: last.clone(),
            error,
        })?;
        let typeflag = entry.header().as_bytes()[156];
        if typeflag == b'g' {
            // A PAX global header: metadata, never a file (spec §1.6).
            continue;
        }
        let raw = entry.path_bytes().into_owned();
        // Names are shown in messages: binary ones as a description, not as U+FFFD soup.
        let shown = match std::str::from_utf8(&raw) {
            Ok(name) => name.to_string(),
            Err(_) => printable_bytes(&raw, SHOWN_NAME_CHARS),
        };
        last = Some(shown.clone());
        let unsafe_entry = |reason| ArchiveError::UnsafeEntry {
            name: shown.clone(),
            reason,
        };
        let Some(name) = normalize(&raw).map_err(unsafe_entry)? else {
            continue;
        };
        let is_dir = typeflag == b'5' || (typeflag == 0 && raw.ends_with(b"/"));
        if is_dir {
            contents.files.remove(&name);
            contents.dirs.insert(name);
            continue;
        }
        match typeflag {
            b'0' | 0 | b'7' | b'S' => {}
            b'1' => return Err(unsafe_entry(UnsafeReason::HardLink).into()),
            b'2' => return Err(unsafe_entry(UnsafeReason::Symlink).into()),
            b'3' => return Err(unsafe_entry(UnsafeReason::CharDevice).into()),
            b'4' => return Err(unsafe_entry(UnsafeReason::BlockDevice).into()),
            b'6' => return Err(unsafe_entry(UnsafeReason::Fifo).into()),
            other => return Err(unsafe_entry(UnsafeReason::UnsupportedType(other)).into()),
        }
        if raw.ends_with(b"/") {
            return Err(unsafe_entry(UnsafeReason::TrailingSlash).into());
        }

        // Refuse on the declared size first, then count what is actually read.
        let declared = entry.size();
        if declared > limits.max_file_size {
            return Err(too_large_file(&name, limits).into());
        }
        if total.saturating_add(declared) > limits.max_total_size {
            return Err(too_large_bundle(&name, limits).into());
        }
        let mut data = Vec::with_capacity(usize::try_from(declared.min(1 << 20)).unwrap_or(0));
        (&mut entry)
            .take(limits.max_file_size.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|error| Failure::Io {
                entry: Some(name.clone()),
                error,
            })?;
        let got = data.len() as u64;
        if got > limits.max_file_size {
            return Err(too_large_file(&name, limits).into());
        }
        total = total.saturating_add(got);
        if total > limits.max_total_size {
            return Err(too_large_bundle(&name, limits).into());
        }
        if got != declared {
            return Err(Failure::Io {
                entry: Some(name),
                error: io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("entry data truncated ({got} of {declared} bytes)"),
                ),
            });
        }
        contents.dirs.remove(&name);
        contents.files.insert(name, data);
    }
    Ok(())
}

fn too_large_file(name: &str, limits: &Limits) -> ArchiveError {
    ArchiveError::FileTooLarge {
        name: name.to_string(),
        limit: limits.max_file_size,
    }
}

fn too_large_bundle(name: &str, limits: &Limits) -> ArchiveError {
    ArchiveError::BundleTooLarge {
        name: name.to_string(),
        limit: limits.max_total_size,
    }
}

/// A tar entry name as a clean bundle path; `None` for names that are empty once `.` and empty
/// elements are dropped (the Go tool skips `""`, `.` and `./`).
fn normalize(raw: &[u8]) -> Result<Option<String>, UnsafeReason> {
    if raw.contains(&0) {
        return Err(UnsafeReason::NulByte);
    }
    let name = std::str::from_utf8(raw).map_err(|_| UnsafeReason::NotUtf8)?;
    check_length(name)?;
    if name.starts_with('/') {
        return Err(UnsafeReason::AbsolutePath);
    }
    if name.contains('\\') {
        return Err(UnsafeReason::Backslash);
    }
    if is_drive(name) {
        return Err(UnsafeReason::DrivePath);
    }
    let mut parts = Vec::new();
    for element in name.split('/') {
        match element {
            "" | "." => {}
            ".." => return Err(UnsafeReason::ParentElement),
            e => parts.push(e),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
        // 4 + 93 + 3 = 100 → "100 " needs three digits, so the total is 103.
        let v = "x".repeat(93);
        assert_eq!(pax_record("path", &v), format!("103 path={v}\n"));
        let v = "x".repeat(92);
        assert_eq!(pax_record("path", &v), format!("102 path={v}\n"));
    }

    #[test]
    fn ustar_split_follows_go() {
        let long = format!("{}/{}", "d".repeat(60), "f".repeat(60));
        assert_eq!(split_ustar_path(&long), Some((&long[..60], &long[61..])));
        assert_eq!(split_ustar_path("short"), None);
        assert_eq!(split_ustar_path(&"x".repeat(120)), None);
        let deep = format!("{}/{}", "d".repeat(10), "f".repeat(101));
        assert_eq!(split_ustar_path(&deep), None);
    }

    #[test]
    fn normalize_names() {
        assert_eq!(normalize(b"./pacto.yaml"), Ok(Some("pacto.yaml".into())));
        assert_eq!(normalize(b"a//b/./c"), Ok(Some("a/b/c".into())));
        assert_eq!(normalize(b"./"), Ok(None));
        assert_eq!(normalize(b"."), Ok(None));
        assert_eq!(normalize(b"a/../b"), Err(UnsafeReason::ParentElement));
        assert_eq!(normalize(b"/etc"), Err(UnsafeReason::AbsolutePath));
        assert_eq!(normalize(b"c:/x"), Err(UnsafeReason::DrivePath));
        assert_eq!(normalize(b"a\\b"), Err(UnsafeReason::Backslash));
        assert_eq!(normalize(b"\xff"), Err(UnsafeReason::NotUtf8));
        let long = "a/".repeat(600);
        assert_eq!(
            normalize(long.as_bytes()),
            Err(UnsafeReason::NameTooLong { bytes: 1200 })
        );
        let element = "b".repeat(256);
        assert!(matches!(
            normalize(element.as_bytes()),
            Err(UnsafeReason::NameTooLong { .. })
        ));
        assert_eq!(
            normalize("c".repeat(255).as_bytes()),
            Ok(Some("c".repeat(255)))
        );
    }

    #[test]
    fn what_is_neither_gzip_nor_tar_is_described_briefly() {
        let zip = b"PK\x03\x04\x14\x00\x08\x00".repeat(300);
        let e = unpack(&zip).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a gzip or tar archive (2400 bytes starting with 50 4b 03 04)"
        );
        let e = unpack(b"hello").unwrap_err();
        assert!(
            e.to_string().starts_with("not a gzip or tar archive"),
            "{e}"
        );
        // Empty input and a lone end block are (empty) tars, as before.
        assert!(unpack(b"").is_ok());
        assert!(unpack(&[0u8; 1024]).is_ok());
        // Gzip around something that is not a tar.
        let e = unpack(&gzip(&zip).unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the gzip stream does not hold a tar archive (its content starts with bytes 50 4b 03 04)"
        );
        // A real tar still reads.
        let tar = pack_tar(&Bundle::from_contract("x: 1\n")).unwrap();
        assert!(unpack(&tar).is_ok());
    }

    #[test]
    fn entry_names_in_messages_are_safe_and_short() {
        let mut header = [0u8; BLOCK];
        let name = "a\u{202e}gpj.exe\u{1b}[2J";
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[156] = b'2'; // a symlink: refused, with its name in the message
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        put_octal(&mut header[100..108], 0o644);
        put_octal(&mut header[124..136], 0);
        set_checksum(&mut header);
        let mut tar = header.to_vec();
        tar.resize(tar.len() + 2 * BLOCK, 0);
        let message = unpack(&tar).unwrap_err().to_string();
        assert_eq!(
            message,
            "refusing archive entry `a\\u{202e}gpj.exe\\u{1b}[2J`: symbolic links are not allowed"
        );
        let long = ArchiveError::UnsafeEntry {
            name: "d/".repeat(2048),
            reason: UnsafeReason::NameTooLong { bytes: 4096 },
        };
        let message = long.to_string();
        assert!(message.chars().count() < 300, "{message}");
        assert!(message.contains("…"), "{message}");
    }
}
