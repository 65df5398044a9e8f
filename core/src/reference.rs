//! Dependency references and the OCI reference checks `validate` makes.
//!
//! The parser here is the Go tool's deliberately loose validation-time split (no character
//! sets, no Docker Hub defaulting). Registry I/O uses the stricter go-containerregistry rules
//! instead; those do not belong here.

use std::fmt;

/// Where a dependency ref points, chosen by an exact, case-sensitive prefix test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyRef<'a> {
    /// The location after `oci://`.
    Oci(&'a str),
    /// A filesystem path: `file://` removed, or the raw ref when it has no known scheme
    /// (so `ghcr.io/acme/svc:1.0.0` and `OCI://x` are paths).
    Local(&'a str),
}

pub fn split_scheme(raw: &str) -> DependencyRef<'_> {
    if let Some(location) = raw.strip_prefix("oci://") {
        DependencyRef::Oci(location)
    } else if let Some(path) = raw.strip_prefix("file://") {
        DependencyRef::Local(path)
    } else {
        DependencyRef::Local(raw)
    }
}

/// An OCI reference as the validation-time parser splits it. `tag` and `digest` are empty
/// when absent, and also when written but empty (`repo:` or `repo@`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseOciRef {
    pub registry: String,
    pub repository: String,
    pub tag: String,
    pub digest: String,
}

impl LooseOciRef {
    /// The `TAG_NOT_DIGEST` condition: a tag that can move, and no digest pinning it.
    pub fn is_tag_without_digest(&self) -> bool {
        !self.tag.is_empty() && self.digest.is_empty()
    }
}

/// Why [`parse_oci_loose`] rejected a reference, in the Go tool's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciRefError {
    pub reason: String,
}

impl fmt::Display for OciRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for OciRefError {}

/// Split at the first `@` (digest, never checked), then at a last `:` that follows the last
/// `/` (tag, never checked); the rest must be `registry/repository` with both non-empty.
pub fn parse_oci_loose(s: &str) -> Result<LooseOciRef, OciRefError> {
    let fail = |reason: String| Err(OciRefError { reason });
    if s.is_empty() {
        return fail("empty OCI reference".to_string());
    }
    let (rest, digest) = s.split_once('@').unwrap_or((s, ""));
    let (rest, tag) = match rest.rsplit_once(':') {
        Some((before, tag)) if !tag.contains('/') => (before, tag),
        _ => (rest, ""),
    };
    let Some((registry, repository)) = rest.split_once('/') else {
        return fail(format!(
            "invalid OCI reference: missing repository in {}",
            go_quote(rest)
        ));
    };
    if registry.is_empty() {
        return fail("invalid OCI reference: empty registry".to_string());
    }
    if repository.is_empty() {
        return fail("invalid OCI reference: empty repository".to_string());
    }
    Ok(LooseOciRef {
        registry: registry.to_string(),
        repository: repository.to_string(),
        tag: tag.to_string(),
        digest: digest.to_string(),
    })
}

/// Whether a location already names a tag or digest, so tag resolution must leave it alone:
/// an `@` anywhere, or a `:` after the last `/` (a `:` before it is a registry port).
pub fn has_explicit_tag_or_digest(location: &str) -> bool {
    location.contains('@')
        || location
            .rsplit_once(':')
            .is_some_and(|(_, after)| !after.contains('/'))
}

/// The name shown for a ref in dependency trees: the text after the last `/` of the raw ref,
/// with a `@sha256:` digest cut to 7 characters.
pub fn short_display(raw: &str) -> String {
    let name = raw.rsplit_once('/').map_or(raw, |(_, name)| name);
    match name.split_once("@sha256:") {
        Some((head, digest)) => {
            // Go cuts 7 bytes; cutting inside a character gives U+FFFD, as Go's output
            // shows once decoded.
            let bytes = digest.as_bytes();
            let short = bytes.get(..7).unwrap_or(bytes);
            format!("{head}@sha256:{}", String::from_utf8_lossy(short))
        }
        None => name.to_string(),
    }
}

/// Go's `%q` (strconv.Quote) for messages: printable characters stay, the rest is escaped.
/// Go's notion of printable is approximated by Rust's control and whitespace classes.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            ' ' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || c.is_whitespace() || is_format_char(c) => {
                if (c as u32) < 0x1_0000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Invisible format characters Go refuses to print raw (a subset of Unicode class Cf).
fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> LooseOciRef {
        match parse_oci_loose(s) {
            Ok(r) => r,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match parse_oci_loose(s) {
            Ok(r) => panic!("{s:?} should fail, got {r:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn parts(r: &LooseOciRef) -> (&str, &str, &str, &str) {
        (&r.registry, &r.repository, &r.tag, &r.digest)
    }

    #[test]
    fn scheme_split_is_exact_and_case_sensitive() {
        use DependencyRef::{Local, Oci};
        assert_eq!(split_scheme("oci://ghcr.io/a/b:1"), Oci("ghcr.io/a/b:1"));
        assert_eq!(split_scheme("oci://"), Oci(""));
        assert_eq!(split_scheme("file:///abs"), Local("/abs"));
        assert_eq!(split_scheme("file://../x"), Local("../x"));
        assert_eq!(split_scheme("file://./x"), Local("./x"));
        assert_eq!(
            split_scheme("ghcr.io/acme/svc:1.0.0"),
            Local("ghcr.io/acme/svc:1.0.0")
        );
        assert_eq!(split_scheme("OCI://x"), Local("OCI://x"));
        assert_eq!(split_scheme("File://x"), Local("File://x"));
        assert_eq!(split_scheme("https://x"), Local("https://x"));
        assert_eq!(split_scheme(" oci://x"), Local(" oci://x"));
        assert_eq!(split_scheme(""), Local(""));
        assert_eq!(split_scheme("oci://ß/ü"), Oci("ß/ü"));
    }

    #[test]
    fn spec_valid_refs() {
        assert_eq!(
            parts(&ok("library/nginx:1.25")),
            ("library", "nginx", "1.25", "")
        );
        assert_eq!(
            parts(&ok("localhost:5000/app")),
            ("localhost:5000", "app", "", "")
        );
        assert_eq!(
            parts(&ok("registry.example.com:443/team/app:1.0.0")),
            ("registry.example.com:443", "team/app", "1.0.0", "")
        );
        assert_eq!(
            parts(&ok("ghcr.io/a/b@sha256:anything")),
            ("ghcr.io", "a/b", "", "sha256:anything")
        );
        assert_eq!(
            parts(&ok("oci://ghcr.io/x:1")),
            ("oci:", "/ghcr.io/x", "1", "")
        );
        // Nothing else is checked: case, characters, digest shape.
        assert_eq!(
            parts(&ok("UPPER/Repo!!:tag+build@x@y")),
            ("UPPER", "Repo!!", "tag+build", "x@y")
        );
        assert_eq!(parts(&ok("h/r@")), ("h", "r", "", ""));
        assert_eq!(parts(&ok("h/r:@d")), ("h", "r", "", "d"));
        assert_eq!(parts(&ok("ü/ñ:é")), ("ü", "ñ", "é", ""));
        assert_eq!(parts(&ok(" / ")), (" ", " ", "", ""));
    }

    #[test]
    fn spec_invalid_refs() {
        assert_eq!(err(""), "empty OCI reference");
        assert_eq!(
            err("nginx"),
            "invalid OCI reference: missing repository in \"nginx\""
        );
        assert_eq!(
            err("nginx:1.25"),
            "invalid OCI reference: missing repository in \"nginx\""
        );
        assert_eq!(
            err("ghcr.io"),
            "invalid OCI reference: missing repository in \"ghcr.io\""
        );
        assert_eq!(err("/app:1"), "invalid OCI reference: empty registry");
        assert_eq!(err("ghcr.io/"), "invalid OCI reference: empty repository");
        assert_eq!(
            err("ghcr.io/:1.0"),
            "invalid OCI reference: empty repository"
        );
        assert_eq!(
            err("@sha256:x"),
            "invalid OCI reference: missing repository in \"\""
        );
        assert_eq!(
            err(" "),
            "invalid OCI reference: missing repository in \" \""
        );
        assert_eq!(
            err("a\"b\\c\td\u{1}é\u{a0}"),
            "invalid OCI reference: missing repository in \"a\\\"b\\\\c\\td\\x01é\\u00a0\""
        );
    }

    #[test]
    fn tag_not_digest_table() {
        // (raw ref, Some((tag, digest)) when OCI, warning expected)
        let cases = [
            ("oci://h/r:1.0.0", Some(("1.0.0", "")), true),
            ("oci://h:5000/r:1.0.0", Some(("1.0.0", "")), true),
            ("oci://h/r:1.0.0@", Some(("1.0.0", "")), true),
            ("oci://h/r@sha256:abc", Some(("", "sha256:abc")), false),
            (
                "oci://h/r:1.0.0@sha256:abc",
                Some(("1.0.0", "sha256:abc")),
                false,
            ),
            ("oci://h/r", Some(("", "")), false),
            ("oci://h:5000/r", Some(("", "")), false),
            ("oci://h/r:", Some(("", "")), false),
            ("h/r:1.0.0", None, false),
            ("file://h/r:1.0.0", None, false),
            ("OCI://h/r:1.0.0", None, false),
        ];
        for (raw, expected, warns) in cases {
            match (split_scheme(raw), expected) {
                (DependencyRef::Oci(location), Some((tag, digest))) => {
                    let r = ok(location);
                    assert_eq!((r.tag.as_str(), r.digest.as_str()), (tag, digest), "{raw}");
                    assert_eq!(r.is_tag_without_digest(), warns, "{raw}");
                }
                (DependencyRef::Local(_), None) => assert!(!warns),
                (got, _) => panic!("{raw}: unexpected scheme {got:?}"),
            }
        }
        assert_eq!(ok("h:5000/r").registry, "h:5000");
    }

    #[test]
    fn explicit_tag_or_digest() {
        for (location, explicit) in [
            ("ghcr.io/a/b", false),
            ("ghcr.io/a/b:1.0", true),
            ("ghcr.io/a/b@sha256:abc", true),
            ("localhost:5000/repo", false),
            ("localhost:5000/repo:v1", true),
            ("myrepo", false),
            ("myrepo:latest", true),
            ("", false),
            ("a/b:", true),
            ("a@", true),
            ("ü:é", true),
        ] {
            assert_eq!(has_explicit_tag_or_digest(location), explicit, "{location}");
        }
    }

    #[test]
    fn short_display_examples() {
        for (raw, short) in [
            ("oci://ghcr.io/org/svc:1.0.0", "svc:1.0.0"),
            (
                "ghcr.io/org/svc@sha256:abc123def456789",
                "svc@sha256:abc123d",
            ),
            ("../missing", "missing"),
            ("oci://INVALID!!", "INVALID!!"),
            ("simple", "simple"),
            ("oci://a/b/", ""),
            ("", ""),
            ("svc@sha256:ab", "svc@sha256:ab"),
            ("svc@sha256:", "svc@sha256:"),
            ("x/svc:1@sha256:abcdefgh@sha256:12", "svc:1@sha256:abcdefg"),
            ("svc@sha256:abcdeéz", "svc@sha256:abcdeé"),
            ("svc@sha256:abcdefé", "svc@sha256:abcdef\u{fffd}"),
            ("svc@sha256:ééééé", "svc@sha256:ééé\u{fffd}"),
        ] {
            assert_eq!(short_display(raw), short, "{raw}");
        }
    }
}
